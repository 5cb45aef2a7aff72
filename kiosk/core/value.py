"""Which offer is the best value, so the card screen can put it first and mark it.

"Best value" is the lowest price per day of validity the customer actually pays: the total
after the promotion, divided by the offer's days plus its bonus days. Only offers that
extend validity compete (a data pack has no days to divide by); ties go to the longer offer,
then the lower id, so the mark is stable from one lookup to the next.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Protocol, TypeVar

from kiosk.core.offers import Offer, OfferKind
from kiosk.core.promotions import PriceBreakdown


class Priced(Protocol):
    offer: Offer
    price: PriceBreakdown


T = TypeVar("T", bound=Priced)


def price_per_day(offer: Offer, price: PriceBreakdown) -> Fraction | None:
    """Minor units per day of validity, exactly; None for an offer without days."""
    days = offer.validity_days + price.bonus_days if offer.validity_days else 0
    if not days:
        return None
    return Fraction(price.total.minor, days)


def best_value_id(offers: Iterable[Priced]) -> str | None:
    """The id of the validity offer with the lowest price per day, or None without one."""
    ranked = []
    for item in offers:
        if item.offer.kind is not OfferKind.VALIDITY:
            continue
        per_day = price_per_day(item.offer, item.price)
        if per_day is not None:
            days = item.offer.validity_days + item.price.bonus_days
            ranked.append((per_day, -days, item.offer.id))
    return min(ranked)[2] if ranked else None


def best_first(offers: Sequence[T]) -> list[T]:
    """``offers`` with the best-value one moved to the front, the rest in their order."""
    best = best_value_id(offers)
    return sorted(offers, key=lambda item: item.offer.id != best)
