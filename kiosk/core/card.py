"""What the operator knows about a card: the answer to #100# and #101#."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from kiosk.core.iccid import Iccid
from kiosk.core.money import Money


class CardStatus(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    BLOCKED = "blocked"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Allowances:
    """Remaining package; None means unlimited or not part of the plan."""

    data_mb: int | None = None
    voice_min: int | None = None
    sms: int | None = None


@dataclass(frozen=True)
class CardInfo:
    iccid: Iccid
    status: CardStatus
    plan: str
    validity_end: datetime | None
    balance: Money
    allowances: Allowances
    phone_masked: str | None
    used_promotions: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        end = self.validity_end
        if end is not None and end.tzinfo is None:
            raise ValueError("validity_end must be timezone-aware")

    @property
    def currency(self) -> str:
        return self.balance.currency

    @property
    def has_phone(self) -> bool:
        return self.phone_masked is not None

    def days_left(self, now: datetime) -> int:
        """Whole days of validity left at ``now`` (0 when expired), counted up like people do."""
        if self.validity_end is None or self.validity_end <= now:
            return 0
        seconds = (self.validity_end - now).total_seconds()
        return int(-(-seconds // 86400))
