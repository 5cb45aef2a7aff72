"""The money rule on the ZVT terminal simulator's own ledger, shared by the ZVT crash tests
and bench/crash_matrix.py. The ledger knows trace and receipt numbers, not our references:
a payment no reference of ours claims counts as money taken for nothing."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

from kiosk.journal.reconcile import Charge
from tests.recovery.money_rule import check

# Generous terminal timeouts: on a loaded machine the device check's status enquiry must not
# read the terminal as away (the sale would never start, and no fault point be reached).
DEMO_ZVT = ('demo = true\n[payment]\nbackend = "zvt"\n'
            '[payment.zvt]\nconnect_timeout_s = 30\nack_timeout_s = 30\n')
HOLDING = DEMO_ZVT + 'reservation = true\n'  # money held until renewed
SCENARIOS = {
    "approve": ("--pay", "approve"),
    "decline": ("--pay", "decline"),
    "approve_then_lost": ("--pay", "approve_then_lost"),
    "timeout_after_send": ("--pay", "timeout_after_send"),
    "renewal_failed_reversed": ("--operator-fault", "renewal_failed"),
    "renewal_answer_lost": ("--operator-fault", "drop_after,path=/v1/renewals"),
    "cancel": ("--pay", "cancel"),
}
# A busy terminal and one that NAKs are found by the device check before any payment: the
# sale never starts, so those scenarios pass no fault point (tests/integration/test_zvt_*).
HOLD_SCENARIOS = {
    "hold_approve": ("--pay", "approve"),
    "hold_approve_then_lost": ("--pay", "approve_then_lost"),
    "hold_renewal_failed_released": ("--operator-fault", "renewal_failed"),
    "hold_renewal_answer_lost": ("--operator-fault", "drop_after,path=/v1/renewals"),
}
# A held payment as the money rule reads it: booked is charged, released never was.
_HELD_STATUS = {"booked": "approved", "reserved": "reserved", "released": "released"}


def rows(path: Path, sql: str) -> list[sqlite3.Row]:
    if not path.exists():
        return []
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def terminal_charges(data: Path) -> dict[str, Charge]:
    """Payments as the terminal's ledger has them, named by the reference whose trace the
    adapter learnt; an unclaimed approved payment keeps a name of its own."""
    owner = {r["trace"]: r["reference"] for r in rows(
        data / "zvt" / "refs.sqlite", "SELECT reference, trace FROM payments "
        "WHERE trace IS NOT NULL")}
    refunds = Counter(r["reference"] for r in rows(
        data / "zvt" / "refs.sqlite", "SELECT reference FROM returns "
        "WHERE kind='refund' AND status='done'"))
    charges = {}
    for row in rows(data / "zvt-sim" / "ledger.sqlite",
                    "SELECT * FROM transactions WHERE kind IN ('payment', 'reservation')"):
        reference = owner.get(row["trace"], f"terminal-trace-{row['trace']}")
        status = row["status"]
        if row["kind"] == "reservation":
            status = _HELD_STATUS.get(status, status)
        charges[reference] = Charge(reference, status, refunds[reference])
    return charges


def violations(data: Path) -> list[str]:
    return [str(v) for v in check(data, terminal_charges(data))]
