from datetime import UTC, datetime, timedelta

import pytest

from kiosk.core.card import Allowances, CardInfo, CardStatus, Plan
from kiosk.core.errors import InvalidInput
from kiosk.core.iccid import Iccid
from kiosk.core.money import Money
from kiosk.core.offers import Offer, OfferKind, eligible_offers, require_eligible
from kiosk.core.phone import Phone, mask_e164
from tests.helpers import make_iccid

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
OFFERS = [
    Offer("val-7", OfferKind.VALIDITY, Money(70000, "RUB"), validity_days=7),
    Offer("data-5", OfferKind.DATA, Money(50000, "RUB"), data_mb=5120),
    Offer("combo", OfferKind.COMBO, Money(99000, "RUB"), validity_days=7, data_mb=1024),
]


def card(status, end=NOW + timedelta(days=3)):
    return CardInfo(
        Iccid.parse(make_iccid("897010123456789012")),
        status,
        Plan("travel-30", {"en": "Travel 30"}),
        end,
        Money(1000, "RUB"),
        Allowances(data_mb=100),
        "+7 ******4567",
    )


def ids(offers):
    return [o.id for o in offers]


def test_active_card_may_buy_anything():
    assert ids(eligible_offers(card(CardStatus.ACTIVE), OFFERS)) == ["val-7", "data-5", "combo"]


def test_expired_card_buys_validity_first():
    assert ids(eligible_offers(card(CardStatus.EXPIRED), OFFERS)) == ["val-7", "combo"]
    with pytest.raises(InvalidInput) as info:
        require_eligible(card(CardStatus.EXPIRED), OFFERS[1])
    assert "validity" in info.value.message.render()


@pytest.mark.parametrize("status", [CardStatus.BLOCKED, CardStatus.UNKNOWN])
def test_blocked_or_unknown_card_buys_nothing(status):
    assert eligible_offers(card(status), OFFERS) == []


def test_offer_in_other_currency_is_not_eligible():
    usd = Offer("usd", OfferKind.VALIDITY, Money(500, "USD"), validity_days=7)
    assert eligible_offers(card(CardStatus.ACTIVE), [usd]) == []


def test_offer_must_give_something_for_a_price():
    with pytest.raises(ValueError):
        Offer("nothing", OfferKind.DATA, Money(100, "RUB"))
    with pytest.raises(ValueError):
        Offer("free", OfferKind.DATA, Money(0, "RUB"), data_mb=10)


def test_days_left_counts_partial_days_up():
    c = card(CardStatus.ACTIVE, NOW + timedelta(days=2, hours=1))
    assert c.days_left(NOW) == 3
    assert card(CardStatus.EXPIRED, NOW - timedelta(days=1)).days_left(NOW) == 0


def test_validity_end_must_be_aware():
    with pytest.raises(ValueError):
        card(CardStatus.ACTIVE, datetime(2026, 12, 1))


def test_phone_parse_and_mask():
    phone = Phone.parse("+7 916 123-45-67")
    assert phone.e164 == "+79161234567"
    assert phone.masked() == "+7 ******4567"
    assert Phone.parse("8 916 123 45 67").e164 == "+79161234567"  # Russian trunk prefix
    assert mask_e164("+8613812345678") == "+86 *******5678"


@pytest.mark.parametrize("text", ["", "12", "+7 000", "hello", "+999 1234567"])
def test_phone_rejects_invalid(text):
    with pytest.raises(InvalidInput):
        Phone.parse(text)
