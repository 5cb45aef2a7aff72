"""JSON shapes both ways: what the simulator encodes the client decodes to the same core
values, and a wrong field is named, never a KeyError."""

from datetime import UTC, datetime

import pytest

from kiosk.core.iccid import Iccid
from kiosk.core.renewal import OtpChallenge
from kiosk.provider import demo_data as demo
from kiosk.provider import wire
from kiosk.provider.client import OperatorClient


def test_offers_and_promotions_survive_the_round_trip():
    for offer in demo.OFFERS:
        assert wire.decode_offer(wire.Obj(wire.offer_json(offer))) == offer
    for promo in demo.PROMOTIONS:
        assert wire.decode_promotion(wire.Obj(wire.promotion_json(promo))) == promo


def test_plans_survive_the_round_trip_with_every_name():
    for plan in demo.PLANS.values():
        decoded = wire.decode_plan(wire.Obj(wire.plan_json(plan)))
        assert decoded == plan
        assert {lang: decoded.name(lang) for lang in plan.names} == plan.names


def test_the_client_keeps_every_plan_name_and_names_a_bad_one():
    """Decoding only (no request is made): the client's own card check, path and all."""
    iccid = Iccid.parse(demo.ICCID_ACTIVE)
    with OperatorClient("http://127.0.0.1:9", demo.DEMO_KIOSK_ID, demo.DEMO_KIOSK_KEY) as client:
        answer = {
            "iccid": iccid.digits, "status": "active",
            "plan": wire.plan_json(demo.PLANS["travel-plus"]),
            "validity_end": None, "balance": {"minor": 0, "currency": "RUB"}, "currency": "RUB",
            "allowances": {"data_mb": None, "voice_min": None, "sms": None},
            "phone_masked": None, "used_promotions": [],
        }
        card = client._card(wire.Obj(answer), iccid)
        assert card.plan == demo.PLANS["travel-plus"]
        assert card.plan.name("zh_Hans") == "旅行加强套餐"
        nameless = answer | {"plan": {"id": "travel-plus", "names": {}}}
        assert client._card(wire.Obj(nameless), iccid).plan.name("ru") == "travel-plus"
        garbled = answer | {"plan": {"id": "travel-plus", "names": {"en": "Travel", "ru": 7}}}
        with pytest.raises(wire.WireError) as caught:
            client._card(wire.Obj(garbled), iccid)
        assert (caught.value.where, caught.value.reason) == ("$.plan.names.ru", "expected a string")


@pytest.mark.parametrize(("plan", "where", "reason"), [
    ({"id": "p", "names": {"en": "P", "zh_Hant": None}}, "$.plan.names.zh_Hant", "string"),
    ({"id": "p", "names": ["Travel Plus"]}, "$.plan.names", "object"),
    ({"id": "p", "names": None}, "$.plan.names", "null"),
    ({"id": "p"}, "$.plan.names", "missing"),
    ({"id": "", "names": {"en": "P"}}, "$.plan.id", "non-empty string"),
    ({"names": {"en": "P"}}, "$.plan.id", "missing"),
])
def test_a_bad_plan_is_named(plan, where, reason):
    with pytest.raises(wire.WireError) as caught:
        wire.decode_plan(wire.Obj(plan, "$.plan"))
    assert caught.value.where == where
    assert reason in caught.value.reason


def test_a_challenge_survives_the_round_trip():
    moment = datetime(2026, 1, 1, 12, tzinfo=UTC)
    challenge = OtpChallenge("c1", "+7 ******4567", moment, moment, 3, 5)
    assert wire.decode_challenge(wire.Obj(wire.challenge_json(challenge))) == challenge


def offer_with(**changes):
    body = wire.offer_json(demo.OFFERS[0]) | changes
    return wire.Obj(body, "$.offers[0]")


@pytest.mark.parametrize(("changes", "where", "reason"), [
    ({"kind": "lottery"}, "$.offers[0].kind", "unknown value"),
    ({"price": {"minor": 1.5, "currency": "RUB"}}, "$.offers[0].price.minor", "integer"),
    ({"price": {"minor": 100, "currency": "rub"}}, "$.offers[0].price.currency", "ISO 4217"),
    ({"price": {"minor": 0, "currency": "RUB"}}, "$.offers[0]", "price must be positive"),
    ({"validity_days": -1}, "$.offers[0].validity_days", "at least 0"),
    ({"names": {"en": 5}}, "$.offers[0].names.en", "string"),
    ({"names": None}, "$.offers[0].names", "null"),
    ({"price": "600 RUB"}, "$.offers[0].price", "object"),
])
def test_decoding_names_the_wrong_field(changes, where, reason):
    with pytest.raises(wire.WireError) as caught:
        wire.decode_offer(offer_with(**changes))
    assert caught.value.where == where
    assert reason in caught.value.reason


def test_missing_fields_and_bad_times_are_named():
    body = {"verification_token": "t"}
    with pytest.raises(wire.WireError, match=r"\$\.expires_at: missing"):
        wire.decode_verification(wire.Obj(body))
    with pytest.raises(wire.WireError, match="no UTC offset"):
        wire.decode_verification(wire.Obj(body | {"expires_at": "2026-01-01T10:00:00"}))
    with pytest.raises(wire.WireError, match="RFC 3339"):
        wire.decode_verification(wire.Obj(body | {"expires_at": "tomorrow"}))
    with pytest.raises(wire.WireError, match="expected an object"):
        wire.Obj(["not", "an", "object"])


def test_bad_promotion_windows_are_named():
    body = wire.promotion_json(demo.PROMOTIONS[0])
    body["windows"] = [body["windows"][0] | {"weekdays": [7]}]
    with pytest.raises(wire.WireError, match=r"weekdays\[0\]"):
        wire.decode_promotion(wire.Obj(body))
    body["windows"] = [{"start": "2026-05-12T00:00:00", "end": "2026-05-01T00:00:00",
                        "weekdays": [], "daily_from": None, "daily_to": None}]
    with pytest.raises(wire.WireError, match="ends before it starts"):
        wire.decode_promotion(wire.Obj(body))


def test_times_keep_their_offset():
    assert wire.rfc3339(datetime(2026, 5, 1, 9, tzinfo=UTC)) == "2026-05-01T09:00:00+00:00"
    with pytest.raises(ValueError):
        wire.rfc3339(datetime(2026, 5, 1, 9))


def test_demo_cards_are_valid_numbers_and_the_unknown_one_is_unknown():
    iccids = [card.iccid for card in demo.CARDS]
    assert all(Iccid.parse(text).digits == text for text in [*iccids, demo.ICCID_UNKNOWN])
    assert demo.ICCID_UNKNOWN not in iccids
    assert len(set(iccids)) == len(iccids)
    assert {card.status.value for card in demo.CARDS} == {"active", "expired", "blocked"}
