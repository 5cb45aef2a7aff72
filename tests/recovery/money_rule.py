"""Reads the simulators' own ledgers from a data dir and reconciles them with the journal."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from kiosk.journal.reconcile import Charge, Violation, charges_from_rows, reconcile
from kiosk.journal.store import Journal
from kiosk.payment.simulator import PaymentSimulator
from kiosk.provider.sim.store import SimStore


def check(data_dir: Path, charges: Mapping[str, Charge] | None = None) -> list[Violation]:
    """Every violation of the money rule in ``data_dir``, by kind (empty: the rule holds).
    ``charges``: the terminal's record when it is not the payment simulator's ledger."""
    if charges is None:
        ledger_path = data_dir / "payment-sim" / "ledger.sqlite"
        rows = PaymentSimulator(ledger_path).ledger() if ledger_path.exists() else []
        charges = charges_from_rows(rows)
    store = SimStore(data_dir / "operator-sim", datetime.now(UTC))
    try:
        applied = Counter(e.transaction_id for e in store.ledger() if e.status == "applied")
    finally:
        store.close()
    journal = Journal(data_dir / "journal.sqlite")
    try:
        return reconcile(journal.all(), charges, applied)
    finally:
        journal.close()
