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

from kiosk import __version__, logs

COMMAND_MODULES = (
    "kiosk.config_cli",
    "kiosk.demo",
    "kiosk.journal.cli",
    "kiosk.journal.review_cli",
    "kiosk.ui.screenshots",
    "printers.cli",
    "kiosk.provider.cli",
    "kiosk.scanner.cli",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="Travel Card Renewal Kiosk")
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument(
        "--data-dir",
        default=os.environ.get("KIOSK_DATA_DIR"),
        help="directory for everything the kiosk writes (default: $KIOSK_DATA_DIR, "
        "else ~/.local/share/travel-card-kiosk)",
    )
    parser.add_argument("--config", help="configuration file (TOML); none: embedded demo")
    parser.add_argument("--log-level", default="warning", help="debug, info, warning, error")
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
        return int(args.handler(args) or 0)
    except DataDirBusy as exc:  # one kiosk per data dir: say who has it, change nothing
        print(f"kiosk: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
