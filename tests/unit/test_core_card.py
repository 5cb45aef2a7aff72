"""A card's plan keeps every name the operator gave it and falls back like offers do."""

from datetime import UTC, datetime

import pytest

from kiosk.core.card import NO_PLAN, Allowances, CardInfo, CardStatus, Plan
from kiosk.core.iccid import Iccid
from kiosk.core.money import Money
from kiosk.core.offers import Offer, OfferKind
from tests.helpers import make_iccid

NAMES = {"en": "Travel Plus", "ru": "Турист Плюс", "zh_Hans": "旅行加强套餐",
         "zh_Hant": "旅行加強方案"}


def card(plan: Plan) -> CardInfo:
    return CardInfo(Iccid.parse(make_iccid("897010123456789012")), CardStatus.ACTIVE, plan,
                    datetime(2026, 12, 1, tzinfo=UTC), Money(0, "RUB"), Allowances(), None)


@pytest.mark.parametrize("lang", sorted(NAMES))
def test_the_plan_reads_in_each_language_it_has(lang):
    assert card(Plan("travel-plus", NAMES)).plan.name(lang) == NAMES[lang]


@pytest.mark.parametrize(("names", "expected"), [
    ({"en": "Travel Plus"}, "Travel Plus"),  # no Russian name: English
    ({"en": "Travel Plus", "ru": ""}, "Travel Plus"),  # an empty name is no name
    ({"zh_Hans": "旅行加强套餐"}, "travel-plus"),  # neither Russian nor English: the id
    ({}, "travel-plus"),
])
def test_a_missing_name_falls_back_to_english_then_the_id(names, expected):
    assert Plan("travel-plus", names).name("ru") == expected


def test_plans_offers_and_promotions_fall_back_alike():
    """One rule for every operator name, so a screen never mixes two fallbacks."""
    names = {"en": "English only", "zh_Hans": ""}
    offer = Offer("o-1", OfferKind.SMS, Money(100, "RUB"), sms=5, names=names)
    plan = Plan("p-1", names)
    assert plan.name("zh_Hans") == offer.name("zh_Hans") == "English only"
    assert Plan("p-1").name("zh_Hans") == "p-1" and Offer(
        "o-1", OfferKind.SMS, Money(100, "RUB"), sms=5).name("zh_Hans") == "o-1"


def test_an_unknown_card_has_no_plan_name():
    assert card(NO_PLAN).plan.name("en") == ""
