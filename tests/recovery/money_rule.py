"""The money rule, checked against what the simulators' own ledgers say really happened."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

from kiosk.provider.sim_store import SimStore

from kiosk.core.transaction import TxState
from kiosk.journal.store import Journal


def payment_ledger(data_dir: Path) -> dict[str, dict]:
    path = data_dir / "payment-sim" / "ledger.sqlite"
    if not path.exists():
        return {}
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    charges = {r["reference"]: dict(r) for r in db.execute("SELECT * FROM charges")}
    for charge in charges.values():
        charge["refunds"] = [
            dict(r) for r in db.execute("SELECT * FROM refunds WHERE reference=?",
                                        (charge["reference"],))
        ]
    db.close()
    return charges


def operator_ledger(data_dir: Path) -> list:
    from datetime import UTC, datetime

    store = SimStore(data_dir / "operator-sim", datetime.now(UTC))
    try:
        return store.ledger()
    finally:
        store.close()


def check(data_dir: Path) -> list[str]:
    """Every broken promise, in words; empty when the money rule holds."""
    problems = []
    charges = payment_ledger(data_dir)
    renewals = operator_ledger(data_dir)
    applied = Counter(e.transaction_id for e in renewals if e.status == "applied")
    journal = Journal(data_dir / "journal.sqlite")
    try:
        txs = {t.tx_id: t for t in journal.all()}
    finally:
        journal.close()
    for tx_id, count in applied.items():
        if count > 1:
            problems.append(f"{tx_id}: renewed {count} times")
        charge = charges.get(tx_id)
        kept = charge and charge["status"] == "approved" and not charge["refunds"]
        if not kept:
            problems.append(f"{tx_id}: renewal applied without a kept payment ({charge})")
    for ref, charge in charges.items():
        kept = charge["status"] == "approved" and not charge["refunds"]
        if kept and applied[ref] != 1:
            problems.append(f"{ref}: charged but renewed {applied[ref]} times")
        if len(charge["refunds"]) > 1:
            problems.append(f"{ref}: refunded {len(charge['refunds'])} times")
        if ref not in txs:
            problems.append(f"{ref}: charge without a journal record")
    for tx in txs.values():
        problems.extend(_journal_agrees(tx, charges.get(tx.tx_id), applied[tx.tx_id]))
    return problems


def _journal_agrees(tx, charge, applied: int) -> list[str]:
    if not tx.is_final:
        return [f"{tx.tx_id}: still {tx.state} after recovery"]
    status = charge["status"] if charge else None
    expect = {
        TxState.DONE: status == "approved" and applied == 1,
        TxState.DECLINED: status in (None, "declined"),
        TxState.CANCELLED: status in (None, "cancelled"),
        TxState.REVERSED: status == "reversed" and applied == 0,
        TxState.REFUNDED: bool(charge and charge["refunds"]) and applied == 0,
        TxState.MANUAL_REVIEW: True,
    }[tx.state]
    if tx.iccid is not None:
        return [f"{tx.tx_id}: full ICCID kept after the sale was final"]
    return [] if expect else [f"{tx.tx_id}: journal says {tx.state}, ledgers say {status}"]
