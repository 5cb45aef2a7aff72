"""The totals a shift (X/Z) report prints; gathered from the journal by whoever asks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from kiosk.core.money import Money
from kiosk.core.sale import PaymentMethod


class ReportKind(StrEnum):
    X = "x"  # interim: the shift stays open
    Z = "z"  # closing: the shift ends with these totals


@dataclass(frozen=True)
class MethodTotal:
    method: PaymentMethod
    count: int
    amount: Money


@dataclass(frozen=True)
class ShiftTotals:
    kind: ReportKind
    shift_number: int
    opened_at: datetime
    printed_at: datetime
    clerk: str
    sales: tuple[MethodTotal, ...] = field(default_factory=tuple)
    refunds_count: int = 0
    refunds_amount: Money | None = None
    pending_receipts: int = 0

    def __post_init__(self) -> None:
        if self.opened_at.tzinfo is None or self.printed_at.tzinfo is None:
            raise ValueError("shift times must be timezone-aware")

    @property
    def currency(self) -> str:
        if self.sales:
            return self.sales[0].amount.currency
        return self.refunds_amount.currency if self.refunds_amount else "RUB"

    def gross(self) -> Money:
        total = Money.zero(self.currency)
        for line in self.sales:
            total = total + line.amount
        return total

    def net(self) -> Money:
        return self.gross() - (self.refunds_amount or Money.zero(self.currency))
