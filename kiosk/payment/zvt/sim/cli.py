"""``kiosk terminal-sim``: the ZVT terminal simulator as its own process.

Its ledger lives in ``<data-dir>/zvt-sim``. The first line it prints is the address it
listens on, so a script that asked for ``--port 0`` learns the port; point
``[payment.zvt] host/port`` of a kiosk at it.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading

from kiosk import paths
from kiosk.payment.zvt import messages as m
from kiosk.payment.zvt.sim.terminal import Fault, Outcome, TerminalSimulator

DATA_SUBDIR = "zvt-sim"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("terminal-sim", help="run the ZVT card terminal simulator")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=20007, help="port (0: any free port)")
    parser.add_argument("--password", default="000000", help="the terminal's six-digit password")
    parser.add_argument("--currency", default="RUB", choices=("RUB", "EUR"))
    parser.add_argument("--outcome", default="approve", choices=[o.value for o in Outcome],
                        help="what every payment does unless --amount scripts it")
    parser.add_argument("--amount", action="append", default=[], metavar="MINOR=OUTCOME",
                        help="outcome for one amount in minor units, e.g. 666=decline")
    parser.add_argument("--fault", action="append", default=[],
                        choices=[f.value for f in Fault], help="a one-shot fault; repeatable")
    parser.add_argument("--no-reservation", action="store_true",
                        help="refuse pre-authorisation (06 22) as some terminals do")
    parser.set_defaults(handler=run)


def _amounts(pairs: list[str]) -> dict[int, Outcome]:
    scripted = {}
    for pair in pairs:
        amount, sep, outcome = pair.partition("=")
        if not sep or not amount.isdigit() or outcome not in Outcome.__members__.values():
            raise ValueError(f"--amount expects MINOR=OUTCOME, got {pair!r}")
        scripted[int(amount)] = Outcome(outcome)
    return scripted


def run(args: argparse.Namespace) -> int:
    try:
        scripted = _amounts(args.amount)
        if len(args.password) != 6 or not args.password.isdigit():
            raise ValueError("--password must be six digits")
    except ValueError as exc:
        print(f"terminal-sim: {exc}", file=sys.stderr)
        return 2
    ledger = paths.data_dir(args.data_dir) / DATA_SUBDIR / "ledger.sqlite"
    currency = m.RUB if args.currency == "RUB" else m.EUR
    try:
        sim = TerminalSimulator(ledger, args.password, currency, not args.no_reservation,
                                args.outcome, host=args.host, port=args.port)
    except OSError as exc:
        print(f"terminal-sim: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    for amount, outcome in scripted.items():
        sim.script_amount(amount, outcome)
    sim.fault(*args.fault)
    host, port = sim.address
    print(f"ZVT terminal simulator listening on {host}:{port}", flush=True)
    sim.start()
    with contextlib.suppress(KeyboardInterrupt):
        threading.Event().wait()
    sim.stop()
    return 0
