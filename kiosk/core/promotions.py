"""Promotions and the price a customer pays.

A promotion takes a percentage or a fixed amount off, or adds bonus validity days. It is
active inside date windows (optionally only some weekdays and hours), read in the kiosk's own
timezone so "the May holidays" means the same thing wherever the clock runs. When several
apply, the one worth most to the customer wins; ties go to the lowest id, so the choice is
deterministic given a clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

from kiosk.core.money import BASIS_POINTS, Money
from kiosk.core.names import localized
from kiosk.core.offers import Offer, OfferKind


class PromoKind(StrEnum):
    PERCENT = "percent"
    FIXED = "fixed"
    BONUS_DAYS = "bonus_days"


@dataclass(frozen=True)
class Window:
    """Local dates [start, end) in the kiosk's timezone, optionally narrowed to weekdays/hours."""

    start: datetime  # naive: local wall-clock time of the kiosk
    end: datetime
    weekdays: frozenset[int] = frozenset()  # 0 = Monday; empty means every day
    daily_from: time | None = None
    daily_to: time | None = None

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("window bounds are local wall-clock times (naive)")
        if self.end <= self.start:
            raise ValueError("window ends before it starts")

    def contains(self, local: datetime) -> bool:
        if not self.start <= local < self.end:
            return False
        if self.weekdays and local.weekday() not in self.weekdays:
            return False
        clock = local.time()
        if self.daily_from is not None and clock < self.daily_from:
            return False
        return self.daily_to is None or clock < self.daily_to


@dataclass(frozen=True)
class Promotion:
    id: str
    kind: PromoKind
    value: int  # basis points for PERCENT, minor units for FIXED, days for BONUS_DAYS
    windows: tuple[Window, ...]
    currency: str | None = None  # FIXED only
    offer_kinds: frozenset[OfferKind] = frozenset()  # empty: every kind
    offer_ids: frozenset[str] = frozenset()  # empty: every offer
    once_per_card: bool = False
    names: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.value <= 0:
            raise ValueError(f"promotion {self.id}: value must be positive")
        if self.kind is PromoKind.PERCENT and self.value > BASIS_POINTS:
            raise ValueError(f"promotion {self.id}: more than 100% off")
        if self.kind is PromoKind.FIXED and not self.currency:
            raise ValueError(f"promotion {self.id}: a fixed discount needs a currency")

    def name(self, lang: str) -> str:
        """The operator's own name in ``lang``, falling back to English, then the id."""
        return localized(self.names, lang, self.id)

    def active_at(self, local: datetime) -> bool:
        return any(window.contains(local) for window in self.windows)

    def covers(self, offer: Offer) -> bool:
        if self.offer_kinds and offer.kind not in self.offer_kinds:
            return False
        if self.offer_ids and offer.id not in self.offer_ids:
            return False
        if self.kind is PromoKind.FIXED and self.currency != offer.price.currency:
            return False
        return not (self.kind is PromoKind.BONUS_DAYS and not offer.extends_validity)


@dataclass(frozen=True)
class PriceBreakdown:
    """Everything the screen and the receipt show about a price."""

    offer_id: str
    list_price: Money
    discount: Money
    total: Money
    bonus_days: int = 0
    promotion: Promotion | None = None


def discount_for(promo: Promotion, price: Money) -> Money:
    """The money a promotion takes off ``price``; never more than the price itself."""
    if promo.kind is PromoKind.PERCENT:
        return price.percent(promo.value)
    if promo.kind is PromoKind.FIXED:
        return Money(promo.value, price.currency).min(price)
    return Money.zero(price.currency)


def customer_value(promo: Promotion, offer: Offer) -> Money:
    """What a promotion is worth to the customer, so unlike kinds can be compared.

    Bonus days are valued at the offer's own price per day (pro rata, rounded down).
    """
    if promo.kind is PromoKind.BONUS_DAYS:
        per_day_total = offer.price.minor * promo.value // offer.validity_days
        return Money(per_day_total, offer.price.currency)
    return discount_for(promo, offer.price)


def applicable(
    promotions: Iterable[Promotion],
    offer: Offer,
    now: datetime,
    timezone: ZoneInfo,
    used: frozenset[str] = frozenset(),
) -> list[Promotion]:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    local = now.astimezone(timezone).replace(tzinfo=None)
    return [
        promo
        for promo in promotions
        if promo.covers(offer)
        and promo.active_at(local)
        and not (promo.once_per_card and promo.id in used)
    ]


def best_price(
    offer: Offer,
    promotions: Iterable[Promotion],
    now: datetime,
    timezone: ZoneInfo,
    used: frozenset[str] = frozenset(),
) -> PriceBreakdown:
    """The price breakdown with the single promotion worth most to the customer."""
    candidates = applicable(promotions, offer, now, timezone, used)
    if not candidates:
        zero = Money.zero(offer.price.currency)
        return PriceBreakdown(offer.id, offer.price, zero, offer.price)
    best = min(candidates, key=lambda p: (-customer_value(p, offer).minor, p.id))
    discount = discount_for(best, offer.price)
    bonus = best.value if best.kind is PromoKind.BONUS_DAYS else 0
    return PriceBreakdown(
        offer.id, offer.price, discount, offer.price - discount, bonus_days=bonus, promotion=best
    )
