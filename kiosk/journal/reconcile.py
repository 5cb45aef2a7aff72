"""Reconciliation of the journal against what the terminal and the operator recorded.

The money rule, stated as checks: every kept charge has exactly one applied renewal, every
applied renewal has a kept charge, no charge is returned twice (two refunds, or reversed and
refunded), every charge has a journal record, and each final journal state agrees with both
ledgers. Used by the end-of-day report, the soak benchmark and the crash tests; it reads plain
data so any adapter can feed it. Each broken promise is a ``Violation`` with a ``kind``, so a
crash matrix can count them by kind instead of reading sentences.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.core.transaction import Transaction, TxState

KINDS = (
    "renewed_twice",  # one payment, two renewals
    "renewal_without_payment",  # a renewal applied with no kept charge behind it
    "charge_without_renewal",  # money kept, nothing renewed
    "returned_twice",  # refunded twice, or reversed and refunded
    "charge_without_journal",  # the terminal took money the journal never heard of
    "journal_disagrees",  # a final journal state the ledgers contradict
    "unfinished",  # a journal row still open after recovery
    "identifier_kept",  # a full ICCID still stored after the sale was final
    "hold_unsettled",  # money held on the customer's card, neither booked nor released
)


@dataclass(frozen=True)
class Charge:
    reference: str
    status: str  # approved, declined, cancelled, reversed, in_progress; reserved, released
    refunds: int = 0

    @property
    def kept(self) -> bool:
        return self.status == "approved" and self.refunds == 0

    @property
    def returns(self) -> int:
        """How many times money went back: a reversal and each refund count one."""
        return (self.status in ("reversed", "released")) + self.refunds


@dataclass(frozen=True)
class Violation:
    kind: str
    reference: str
    detail: str

    def __str__(self) -> str:
        return f"{self.reference}: {self.kind}: {self.detail}"


def charges_from_rows(rows: Iterable[Mapping[str, Any]]) -> dict[str, Charge]:
    return {r["reference"]: Charge(r["reference"], r["status"], len(r.get("refunds", ())))
            for r in rows}


def reconcile(
    transactions: Iterable[Transaction], charges: Mapping[str, Charge], applied: Counter
) -> list[Violation]:
    """Every broken promise; empty when the money rule holds."""
    txs = {t.tx_id: t for t in transactions}
    found: list[Violation] = []
    for tx_id, count in applied.items():
        charge = charges.get(tx_id)
        if count > 1:
            found.append(Violation("renewed_twice", tx_id, f"renewed {count} times"))
        if count and (charge is None or not charge.kept):
            found.append(Violation("renewal_without_payment", tx_id, f"payment: {charge}"))
    for ref, charge in charges.items():
        if charge.kept and applied[ref] == 0:
            found.append(Violation("charge_without_renewal", ref, "charged, never renewed"))
        if charge.returns > 1:
            found.append(Violation("returned_twice", ref, f"{charge.status}, "
                                   f"{charge.refunds} refund(s)"))
        if charge.status == "reserved":
            found.append(Violation("hold_unsettled", ref, "held, never booked or released"))
        if ref not in txs and charge.status not in ("declined", "cancelled", "released"):
            found.append(Violation("charge_without_journal", ref, f"terminal says {charge.status}"))
    for tx in txs.values():
        found.extend(_agrees(tx, charges.get(tx.tx_id), applied[tx.tx_id]))
    return found


def _agrees(tx: Transaction, charge: Charge | None, applied: int) -> list[Violation]:
    if not tx.is_final:
        return [Violation("unfinished", tx.tx_id, f"still {tx.state}")]
    if tx.iccid is not None:
        return [Violation("identifier_kept", tx.tx_id, "full ICCID kept after the sale")]
    status = charge.status if charge else None
    expected = {
        TxState.DONE: status == "approved" and applied == 1,
        TxState.DECLINED: status in (None, "declined"),
        TxState.CANCELLED: status in (None, "cancelled"),
        TxState.REVERSED: status == "reversed" and applied == 0,
        TxState.REFUNDED: bool(charge and charge.refunds) and applied == 0,
        TxState.RELEASED: status == "released" and applied == 0,
        TxState.MANUAL_REVIEW: True,
    }[tx.state]
    if expected:
        return []
    return [Violation("journal_disagrees", tx.tx_id, f"journal says {tx.state}, "
                      f"terminal says {status}, {applied} renewal(s)")]


def by_kind(violations: Iterable[Violation]) -> dict[str, int]:
    """How many of each kind: the crash matrix's summary line."""
    return dict(Counter(v.kind for v in violations))


def summary(transactions: Iterable[Transaction]) -> dict[str, int]:
    return dict(Counter(str(t.state) for t in transactions))
