from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.core.money import Money
from kiosk.core.offers import Offer, OfferKind
from kiosk.core.promotions import PromoKind, Promotion, Window, best_price, customer_value

MSK = ZoneInfo("Europe/Moscow")
ALWAYS = (Window(datetime(2026, 1, 1), datetime(2027, 1, 1)),)
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)  # 12:00 in Moscow, a Sunday

WEEK = Offer("val-7", OfferKind.VALIDITY, Money(70000, "RUB"), validity_days=7)
DATA = Offer("data-5", OfferKind.DATA, Money(50000, "RUB"), data_mb=5120)


def promo(pid, kind, value, **kw):
    kw.setdefault("windows", ALWAYS)
    if kind is PromoKind.FIXED:
        kw.setdefault("currency", "RUB")
    return Promotion(pid, kind, value, **kw)


def test_no_promotion_means_list_price():
    price = best_price(WEEK, [], NOW, MSK)
    assert price.total == price.list_price == Money(70000, "RUB")
    assert price.discount == Money(0, "RUB") and price.promotion is None


def test_best_for_customer_wins_across_kinds():
    ten_percent = promo("p10", PromoKind.PERCENT, 1000)  # 70.00
    fixed = promo("f50", PromoKind.FIXED, 5000)  # 50.00
    bonus = promo("b2", PromoKind.BONUS_DAYS, 2)  # 2 of 7 days = 200.00
    price = best_price(WEEK, [ten_percent, fixed, bonus], NOW, MSK)
    assert price.promotion is bonus
    assert price.bonus_days == 2 and price.total == WEEK.price
    price = best_price(WEEK, [ten_percent, fixed], NOW, MSK)
    assert price.promotion is ten_percent
    assert price.discount == Money(7000, "RUB") and price.total == Money(63000, "RUB")


def test_bonus_days_do_not_apply_to_packs():
    bonus = promo("b2", PromoKind.BONUS_DAYS, 2)
    assert best_price(DATA, [bonus], NOW, MSK).promotion is None


def test_window_is_read_in_kiosk_timezone():
    # 00:00-03:00 Moscow on 22 Nov is 21:00-24:00 UTC on 21 Nov.
    night = Window(datetime(2026, 11, 22, 0, 0), datetime(2026, 11, 22, 3, 0))
    p = promo("night", PromoKind.PERCENT, 5000, windows=(night,))
    inside = datetime(2026, 11, 21, 22, 30, tzinfo=UTC)
    assert best_price(WEEK, [p], inside, MSK).promotion is p
    assert best_price(WEEK, [p], NOW, MSK).promotion is None


def test_weekday_and_hours():
    weekend_lunch = Window(
        datetime(2026, 1, 1), datetime(2027, 1, 1), frozenset({5, 6}), time(11), time(14)
    )
    p = promo("lunch", PromoKind.PERCENT, 1000, windows=(weekend_lunch,))
    assert best_price(WEEK, [p], NOW, MSK).promotion is p  # Sunday 12:00
    monday = NOW + timedelta(days=1)
    assert best_price(WEEK, [p], monday, MSK).promotion is None
    sunday_evening = NOW + timedelta(hours=6)
    assert best_price(WEEK, [p], sunday_evening, MSK).promotion is None


def test_once_per_card():
    p = promo("first", PromoKind.PERCENT, 2000, once_per_card=True)
    assert best_price(WEEK, [p], NOW, MSK).promotion is p
    assert best_price(WEEK, [p], NOW, MSK, used=frozenset({"first"})).promotion is None


def test_scope_by_kind_offer_and_currency():
    data_only = promo("d", PromoKind.PERCENT, 1000, offer_kinds=frozenset({OfferKind.DATA}))
    assert best_price(WEEK, [data_only], NOW, MSK).promotion is None
    assert best_price(DATA, [data_only], NOW, MSK).promotion is data_only
    usd = promo("usd", PromoKind.FIXED, 100, currency="USD")
    assert best_price(WEEK, [usd], NOW, MSK).promotion is None


def test_ties_go_to_lowest_id():
    a, b = promo("b-promo", PromoKind.PERCENT, 1000), promo("a-promo", PromoKind.PERCENT, 1000)
    assert best_price(WEEK, [a, b], NOW, MSK).promotion.id == "a-promo"


def test_naive_now_is_refused():
    with pytest.raises(ValueError):
        best_price(WEEK, [], datetime(2026, 11, 22), MSK)


def test_fixed_discount_never_exceeds_price():
    huge = promo("huge", PromoKind.FIXED, 10**9)
    assert best_price(DATA, [huge], NOW, MSK).total == Money(0, "RUB")


promotions = st.builds(
    lambda i, kind, value: promo(
        f"p{i}", kind, min(value, 10_000) if kind is PromoKind.PERCENT else value
    ),
    st.integers(0, 99),
    st.sampled_from(list(PromoKind)),
    st.integers(1, 200_000),
)


@given(st.integers(1, 10**8), st.integers(1, 60), st.lists(promotions, max_size=6))
def test_breakdown_arithmetic_holds(price_minor, days, promos):
    offer = Offer("o", OfferKind.VALIDITY, Money(price_minor, "RUB"), validity_days=days)
    price = best_price(offer, promos, NOW, MSK)
    assert price.list_price - price.discount == price.total
    assert Money(0, "RUB") <= price.total <= price.list_price
    if price.promotion is not None:
        best = customer_value(price.promotion, offer)
        assert all(customer_value(p, offer) <= best for p in promos)
