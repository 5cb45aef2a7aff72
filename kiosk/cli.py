"""The ``kiosk`` command.

Each subcommand lives beside the code it drives, in a module with ``register(subparsers)``;
this file only lists those modules, so adding a command never touches another's code.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from kiosk import __version__, config, logs, paths

COMMAND_MODULES = (
    "kiosk.config_cli",
    "kiosk.run",
    "kiosk.demo",
    "kiosk.journal.cli",
    "kiosk.journal.review_cli",
    "kiosk.ui.screenshots",
    "printers.cli",
    "kiosk.provider.cli",
    "kiosk.scanner.cli",
    "kiosk.payment.zvt.sim.cli",
)


LOG_LEVELS = ("debug", "info", "warning", "error")


class OneLineParser(argparse.ArgumentParser):
    """A bad option is one line on stderr and exit 2, as a refused configuration is (the
    usage block argparse prints first is what --help is for). Subcommands inherit it."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {' '.join(message.split())} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="kiosk", description="Travel Card Renewal Kiosk")
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument(
        "--data-dir",
        default=os.environ.get("KIOSK_DATA_DIR"),
        help="directory for everything the kiosk writes (default: $KIOSK_DATA_DIR, "
        "else ~/.local/share/travel-card-kiosk)",
    )
    parser.add_argument("--config", help="configuration file (TOML), read and validated by "
                        "every command; none: embedded demo (kiosk run needs one)")
    parser.add_argument("--log-level", default="warning", type=str.lower, choices=LOG_LEVELS,
                        help="debug, info, warning, error")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logs.setup(args.log_level)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return 2
    from kiosk.journal.lock import DataDirBusy

    try:
        paths.data_dir(args.data_dir)  # made now, so a bad one is one line, not a traceback
    except OSError as exc:
        print(f"kiosk: --data-dir: cannot use {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2
    try:
        # Every command reads --config, so a refused file stops each one before it starts.
        args.loaded_config = config.load(Path(args.config)) if args.config else None
        return int(args.handler(args) or 0)
    except config.ConfigError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2
    except DataDirBusy as exc:  # one kiosk per data dir: say who has it, change nothing
        print(f"kiosk: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
