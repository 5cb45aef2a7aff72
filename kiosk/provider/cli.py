"""``kiosk provider-sim``: the operator simulator as its own process.

Its state (cards, ledger) lives in ``<data-dir>/operator-sim``. It prints the URL it listens
on as its first line, so a script that asked for ``--port 0`` learns the port.
"""

from __future__ import annotations

import argparse
import contextlib
import sys

from kiosk import paths
from kiosk.provider.sim.faults import Fault
from kiosk.provider.sim.server import OperatorSimulator
from kiosk.provider.sim.web import HttpLimits

DATA_SUBDIR = "operator-sim"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("provider-sim", help="run the operator API simulator")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8700, help="port (0: any free port)")
    parser.add_argument(
        "--fault", action="append", default=[], metavar="SPEC",
        help="fault to play, e.g. 'drop_after,method=POST,path=/v1/renewals,count=1' or "
        "'latency,delay_ms=500,count=0' (count 0: every request); repeatable",
    )
    parser.add_argument(
        "--kiosk", action="append", default=[], metavar="ID=KEY",
        help="a kiosk and its signing key (default: the demo kiosk); repeatable",
    )
    parser.add_argument(
        "--read-timeout", type=float, default=HttpLimits.read_timeout_s, metavar="SECONDS",
        help="close a connection whose request has not arrived in this time, or that is idle",
    )
    parser.add_argument(
        "--max-connections", type=int, default=HttpLimits.max_connections, metavar="N",
        help="connections open at once; one more is answered 503 and closed",
    )
    parser.set_defaults(handler=run)


def _limits(args: argparse.Namespace) -> HttpLimits:
    if not 0 < args.read_timeout <= 3600:
        raise ValueError("--read-timeout must be more than 0 and at most 3600 seconds")
    if not 1 <= args.max_connections <= 10_000:
        raise ValueError("--max-connections must be between 1 and 10000")
    return HttpLimits(read_timeout_s=args.read_timeout, max_connections=args.max_connections)


def _keys(pairs: list[str]) -> dict[str, str]:
    keys = {}
    for pair in pairs:
        kiosk_id, sep, key = pair.partition("=")
        if not sep or not kiosk_id or not key:
            raise ValueError(f"--kiosk expects ID=KEY, got {kiosk_id or pair!r}")
        keys[kiosk_id] = key
    return keys


def run(args: argparse.Namespace) -> int:
    try:
        faults = [Fault.from_spec(spec) for spec in args.fault]
        keys = _keys(args.kiosk)
        limits = _limits(args)
    except ValueError as exc:
        print(f"provider-sim: {exc}", file=sys.stderr)
        return 2
    data = paths.data_dir(args.data_dir) / DATA_SUBDIR
    try:
        sim = OperatorSimulator(data, args.host, args.port, faults=faults, keys=keys or None,
                                limits=limits)
        sim.bind()
    except OSError as exc:
        print(f"provider-sim: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    print(f"operator simulator listening on {sim.url}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        sim.serve_forever()
    return 0
