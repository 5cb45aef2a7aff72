"""Reconciliation of the journal against what the terminal and the operator recorded.

The money rule, stated as checks: every kept charge has exactly one applied renewal, every
applied renewal has a kept charge, nothing is refunded twice, every charge has a journal
record, and each final journal state agrees with both ledgers. Used by the end-of-day report,
the soak benchmark and the crash tests; it reads plain data so any adapter can feed it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.core.transaction import Transaction, TxState


@dataclass(frozen=True)
class Charge:
    reference: str
    status: str  # approved, declined, cancelled, reversed
    refunds: int = 0

    @property
    def kept(self) -> bool:
        return self.status == "approved" and self.refunds == 0


def charges_from_rows(rows: Iterable[Mapping[str, Any]]) -> dict[str, Charge]:
    return {r["reference"]: Charge(r["reference"], r["status"], len(r.get("refunds", ())))
            for r in rows}


def reconcile(
    transactions: Iterable[Transaction], charges: Mapping[str, Charge], applied: Counter
) -> list[str]:
    """Every broken promise, in words; empty when the money rule holds."""
    txs = {t.tx_id: t for t in transactions}
    problems = []
    for tx_id, count in applied.items():
        if count > 1:
            problems.append(f"{tx_id}: renewed {count} times")
        charge = charges.get(tx_id)
        if charge is None or not charge.kept:
            problems.append(f"{tx_id}: renewal applied without a kept payment ({charge})")
    for ref, charge in charges.items():
        if charge.kept and applied[ref] != 1:
            problems.append(f"{ref}: charged but renewed {applied[ref]} times")
        if charge.refunds > 1:
            problems.append(f"{ref}: refunded {charge.refunds} times")
        if ref not in txs:
            problems.append(f"{ref}: charge without a journal record")
    for tx in txs.values():
        problems.extend(_agrees(tx, charges.get(tx.tx_id), applied[tx.tx_id]))
    return problems


def _agrees(tx: Transaction, charge: Charge | None, applied: int) -> list[str]:
    if not tx.is_final:
        return [f"{tx.tx_id}: still {tx.state}"]
    if tx.iccid is not None:
        return [f"{tx.tx_id}: full ICCID kept after the sale was final"]
    status = charge.status if charge else None
    expected = {
        TxState.DONE: status == "approved" and applied == 1,
        TxState.DECLINED: status in (None, "declined"),
        TxState.CANCELLED: status in (None, "cancelled"),
        TxState.REVERSED: status == "reversed" and applied == 0,
        TxState.REFUNDED: bool(charge and charge.refunds) and applied == 0,
        TxState.MANUAL_REVIEW: True,
    }[tx.state]
    return [] if expected else [f"{tx.tx_id}: journal says {tx.state}, ledgers say {status}"]


def summary(transactions: Iterable[Transaction]) -> dict[str, int]:
    return dict(Counter(str(t.state) for t in transactions))
