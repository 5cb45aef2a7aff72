"""``kiosk run``: the kiosk as its configuration file says, full screen and locked down.

Production is not a demo: it refuses to start without ``--config FILE``, and refuses every
simulator (operator, payment terminal, virtual printer, demo video) unless the file says
``demo = true``, each by its key. ``kiosk demo`` is the embedded demo.
"""

from __future__ import annotations

import argparse

from kiosk import config


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run", help="the kiosk as configured (needs --config FILE; simulators only in a demo file)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    cfg = getattr(args, "loaded_config", None) or config.load(None)
    config.check_runnable(cfg)  # a ConfigError is printed one line per problem, exit 2
    from kiosk.ui.main import run_ui

    return run_ui(args, cfg, kiosk_mode=True)
