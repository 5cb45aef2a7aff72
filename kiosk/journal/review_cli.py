"""``kiosk review``: what waits for an engineer, and marking it looked at.

Transactions the kiosk could not settle (manual review) and start-up findings (money or
renewals the journal did not know, a damaged journal set aside). While a finding is open
the kiosk does not sell, where ``kiosk.out_of_service_on_review`` says so; resolving one
records who looked and what they did, in the journal, and changes no money.
"""

from __future__ import annotations

import argparse
import sys

from kiosk.core.transaction import TxState
from kiosk.paths import data_dir as resolve_data_dir


def register(subparsers: argparse._SubParsersAction) -> None:
    review = subparsers.add_parser("review", help="what waits for an engineer")
    actions = review.add_subparsers(dest="review_command", metavar="ACTION")
    review.set_defaults(handler=run_list)
    resolve = actions.add_parser("resolve", help="mark a finding as looked at")
    resolve.add_argument("finding", type=int, help="the finding's number, from kiosk review")
    resolve.add_argument("--note", required=True, help="what was found and done")
    resolve.set_defaults(handler=run_resolve)


def finding_line(finding: dict) -> str:
    """How a finding reads on a shell, for ``kiosk review`` and ``kiosk recover`` alike."""
    return (f"finding {finding['id']}: {finding['source']} {finding['reference']}: "
            f"{finding['detail']}")


def _journal(args: argparse.Namespace):
    from kiosk.journal.lock import DataDirLock
    from kiosk.journal.store import Journal

    data_dir = resolve_data_dir(args.data_dir)
    lock = DataDirLock(data_dir).acquire()
    return lock, Journal(data_dir / "journal.sqlite")


def run_list(args: argparse.Namespace) -> int:
    lock, journal = _journal(args)
    try:
        findings = journal.findings()
        stuck = journal.in_state(TxState.MANUAL_REVIEW)
    finally:
        journal.close()
        lock.release()
    for f in findings:
        print(f"{finding_line(f)} ({f['at']})")
    for tx in stuck:
        print(f"transaction {tx.tx_id}: manual review ({tx.note}), {tx.method}, "
              f"{tx.amount_minor} {tx.currency}")
    print(f"open findings: {len(findings)}, transactions in manual review: {len(stuck)}")
    return 1 if findings else 0


def run_resolve(args: argparse.Namespace) -> int:
    from kiosk.journal.store import JournalError

    lock, journal = _journal(args)
    try:
        journal.resolve_finding(args.finding, args.note)
    except JournalError as exc:
        print(f"kiosk review: {exc}", file=sys.stderr)
        return 2
    finally:
        journal.close()
        lock.release()
    print(f"finding {args.finding} resolved")
    return 0
