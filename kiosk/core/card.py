"""What the operator knows about a card: the answer to #100# and #101#."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from kiosk.core.iccid import Iccid
from kiosk.core.money import Money
from kiosk.core.names import localized


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
class Plan:
    """The card's tariff plan: its id and the operator's name for it in every language.

    All names are kept, not just one, because the customer may switch language while the card
    is on screen and the plan must then read in the new language too.
    """

    id: str
    names: Mapping[str, str] = field(default_factory=dict)

    def name(self, lang: str) -> str:
        """The operator's own name in ``lang``, falling back to English, then the id."""
        return localized(self.names, lang, self.id)


NO_PLAN = Plan("")  # a card the operator does not know has no plan to name


@dataclass(frozen=True)
class CardInfo:
    iccid: Iccid
    status: CardStatus
    plan: Plan
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
