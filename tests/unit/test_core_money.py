import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.core.errors import CurrencyMismatch
from kiosk.core.money import Money

amounts = st.integers(min_value=-(10**12), max_value=10**12)


def test_refuses_floats_and_bad_codes():
    with pytest.raises(TypeError):
        Money(10.5, "RUB")
    with pytest.raises(ValueError):
        Money(100, "rub")


def test_mixing_currencies_is_an_error():
    with pytest.raises(CurrencyMismatch):
        Money(100, "RUB") + Money(100, "USD")
    with pytest.raises(CurrencyMismatch):
        _ = Money(100, "RUB") < Money(100, "USD")


def test_parse_major_is_exact():
    assert Money.parse_major("1500.50", "RUB") == Money(150050, "RUB")
    assert Money.parse_major("1500", "JPY") == Money(1500, "JPY")
    with pytest.raises(ValueError):
        Money.parse_major("1.005", "RUB")


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "RUB\xa01,500.50"),
        ("ru", "1\xa0500,50\xa0₽"),
        ("zh_Hans", "RUB\xa01,500.50"),
        ("zh_Hant", "RUB\xa01,500.50"),
    ],
)
def test_format_per_locale(locale, expected):
    assert Money(150050, "RUB").format(locale) == expected


def test_percent_rounds_half_up():
    assert Money(999, "RUB").percent(1500) == Money(150, "RUB")  # 149.85 -> 150
    assert Money(10, "RUB").percent(500) == Money(1, "RUB")  # 0.5 -> 1
    assert Money(-10, "RUB").percent(500) == Money(-1, "RUB")


@given(amounts, amounts)
def test_add_then_subtract_is_identity(a, b):
    x, y = Money(a, "RUB"), Money(b, "RUB")
    assert (x + y) - y == x


@given(st.integers(0, 10**12), st.integers(0, 10_000))
def test_percent_stays_within_bounds(a, bp):
    part = Money(a, "RUB").percent(bp)
    assert 0 <= part.minor <= a
    assert abs(part.minor * 10_000 - a * bp) <= 5_000  # at most half a minor unit off


@given(st.integers(0, 10**9), st.integers(0, 10_000))
def test_percent_and_remainder_sum_to_whole(a, bp):
    whole = Money(a, "RUB")
    assert whole.percent(bp) + (whole - whole.percent(bp)) == whole
