"""``kiosk check-config FILE``: validate a configuration before deploying it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk import config


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("check-config", help="validate a configuration file")
    parser.add_argument("file", type=Path)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        config.load(args.file)
    except config.ConfigError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2
    print(f"{args.file}: ok")
    return 0
