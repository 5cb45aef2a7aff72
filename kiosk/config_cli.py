"""``kiosk check-config FILE``: validate a configuration before deploying it.

It refuses what ``kiosk run`` would refuse at start (simulators in a file that does not say
``demo = true``), so a file it passes starts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk import config


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("check-config", help="validate a configuration file")
    parser.add_argument("file", type=Path, nargs="?",
                        help="the file to check (default: the one --config names)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    path = args.file or (Path(args.config) if args.config else None)
    if path is None:
        print("kiosk check-config: name a FILE (or --config FILE)", file=sys.stderr)
        return 2
    try:
        config.check_runnable(config.load(path))
    except config.ConfigError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2
    print(f"{path}: ok")
    return 0
