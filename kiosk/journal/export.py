"""CSV export of the journal for reconciliation and support: masked identifiers only."""

from __future__ import annotations

import csv
from typing import TextIO

from kiosk.core.money import Money
from kiosk.journal.store import Journal

COLUMNS = (
    "tx_id", "created_at", "updated_at", "state", "iccid", "phone", "offer_id", "amount",
    "currency", "promotion_id", "method", "auth_code", "rrn", "card", "receipt", "note",
)


def export_csv(journal: Journal, out: TextIO) -> int:
    """Write every transaction; return how many rows were written."""
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    rows = journal.all()
    for tx in rows:
        pay = tx.payment
        writer.writerow([
            tx.tx_id, tx.created_at.isoformat(), tx.updated_at.isoformat(), tx.state,
            tx.iccid_masked, tx.phone_masked or "", tx.offer_id,
            Money(tx.amount_minor, tx.currency).major_str(), tx.currency,
            tx.promotion_id or "", tx.method, pay.get("auth_code") or "", pay.get("rrn") or "",
            pay.get("card_masked") or "", tx.receipt, tx.note,
        ])
    return len(rows)
