"""Best value (kiosk.core.value): the lowest price per day of validity actually paid."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from kiosk.core.money import Money
from kiosk.core.offers import Offer, OfferKind
from kiosk.core.promotions import PriceBreakdown
from kiosk.core.value import best_first, best_value_id, price_per_day


@dataclass(frozen=True)
class Item:
    offer: Offer
    price: PriceBreakdown


def item(offer_id: str, kind: OfferKind, rub: int, days: int = 0, data_mb: int = 0,
         pay: int | None = None, bonus: int = 0) -> Item:
    offer = Offer(offer_id, kind, Money(rub * 100, "RUB"), validity_days=days, data_mb=data_mb)
    total = Money((rub if pay is None else pay) * 100, "RUB")
    return Item(offer, PriceBreakdown(offer_id, offer.price, offer.price - total, total, bonus))


def test_price_per_day_is_exact_and_counts_bonus_days():
    assert price_per_day(*_fields(item("v3", OfferKind.VALIDITY, 300, 3))) == 10000
    assert price_per_day(*_fields(item("v7", OfferKind.VALIDITY, 600, 7, bonus=2))) == \
        Fraction(60000, 9)
    assert price_per_day(*_fields(item("d", OfferKind.DATA, 100, data_mb=1024))) is None


def _fields(i: Item):
    return i.offer, i.price


def test_the_longest_cheapest_per_day_validity_offer_wins_and_data_packs_do_not_compete():
    offers = [item("v3", OfferKind.VALIDITY, 300, 3), item("v30", OfferKind.VALIDITY, 1900, 30),
              item("v7", OfferKind.VALIDITY, 600, 7), item("d", OfferKind.DATA, 10, data_mb=1)]
    assert best_value_id(offers) == "v30"
    assert [i.offer.id for i in best_first(offers)] == ["v30", "v3", "v7", "d"]


def test_a_discount_or_bonus_days_can_change_the_winner():
    offers = [item("v7", OfferKind.VALIDITY, 600, 7, pay=350), item("v30", OfferKind.VALIDITY,
                                                                       1900, 30)]
    assert best_value_id(offers) == "v7"  # 50 a day against 63.33
    offers = [item("v7", OfferKind.VALIDITY, 600, 7, bonus=3), item("v30", OfferKind.VALIDITY,
                                                                      1900, 30)]
    assert best_value_id(offers) == "v7"  # 60 a day against 63.33


def test_a_tie_goes_to_the_longer_offer_then_the_lower_id():
    assert best_value_id([item("a", OfferKind.VALIDITY, 300, 3),
                          item("b", OfferKind.VALIDITY, 600, 6)]) == "b"
    assert best_value_id([item("b", OfferKind.VALIDITY, 300, 3),
                          item("a", OfferKind.VALIDITY, 300, 3)]) == "a"


def test_no_validity_offer_means_no_mark():
    assert best_value_id([item("d", OfferKind.DATA, 100, data_mb=1024)]) is None
    assert best_value_id([]) is None
