"""The barcode payload parser: every card-carrier form, and hostile input as mere data."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.core.card_payload import (
    MAX_PAYLOAD_CHARS,
    REASONS,
    CardIdentity,
    PayloadRejected,
    parse_payload,
    read_payload,
)
from kiosk.i18n import Translator
from tests.helpers import make_iccid

ICCID20 = make_iccid("8970199123456789012")
ICCID19 = make_iccid("897012345678901234")
PHONE = "+79161234567"


def reason_of(text: str | bytes) -> str:
    with pytest.raises(PayloadRejected) as caught:
        parse_payload(text)
    return caught.value.reason


@pytest.mark.parametrize(
    "text",
    [
        ICCID20,
        ICCID19,
        f"  {ICCID20}\n",
        ICCID19 + "F",
        ICCID19 + "f",
        " ".join([ICCID20[:4], ICCID20[4:8], ICCID20[8:12], ICCID20[12:16], ICCID20[16:]]),
        "-".join([ICCID19[:5], ICCID19[5:10], ICCID19[10:]]),
        "\ufeff" + ICCID20,
    ],
)
def test_bare_digits_in_every_printed_form(text):
    identity = parse_payload(text)
    assert identity.iccid.digits in (ICCID20, ICCID19)
    assert identity.phone is None


@pytest.mark.parametrize(
    "text",
    [
        f"{ICCID20};{PHONE}",
        f"{ICCID20};89161234567",
        f"{ICCID20}|{PHONE}",
        f"ICCID: {ICCID20}\nMSISDN: {PHONE}",
        f"ICCID={ICCID20};MSISDN={PHONE}",
        f"iccid:{ICCID20}\r\nphone:+7 916 123-45-67\r\n",
        f"SIM No.: {ICCID20}, Tel: {PHONE}",
        f"ICCID：{ICCID20}\n手机号：{PHONE}",
        f"https://renew.example.ru/card?iccid={ICCID20}&msisdn=%2B79161234567",
        f"HTTPS://x.example/r?lang=en&ICCID={ICCID20}&phone=%2B79161234567",
        json.dumps({"iccid": ICCID20, "msisdn": PHONE}),
        json.dumps({"ICCID": int(ICCID20), "phone": PHONE, "plan": "travel"}),
    ],
)
def test_carrier_forms_with_phone(text):
    identity = parse_payload(text)
    assert identity.iccid.digits == ICCID20
    assert identity.phone is not None and identity.phone.e164 == PHONE


@pytest.mark.parametrize(
    "text",
    [
        f"https://renew.example.ru/card?iccid={ICCID19}",
        json.dumps({"iccid": ICCID19}),
        f"iccid: {ICCID19}\nplan: travel 30",
        f"ICCID {ICCID19}".replace(" ", ":", 1),
    ],
)
def test_forms_without_phone(text):
    assert parse_payload(text) == CardIdentity(parse_payload(ICCID19).iccid)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   \n", "empty"),
        ("1" * (MAX_PAYLOAD_CHARS + 1), "too_long"),
        (ICCID20[:-1] + str((int(ICCID20[-1]) + 1) % 10), "iccid_check_digit"),
        ("123456", "iccid_length"),
        (make_iccid("123456789012345678"), "iccid_prefix"),
        (f"{ICCID20}\x00", "unreadable"),
        (f"{ICCID20}\x1b[2J", "unreadable"),
        (b"\xff\xfe\x00\x01", "unreadable"),
        ("https://example.com/?q=1", "not_a_card"),
        ("WIFI:S:cafe;T:WPA;P:secret;;", "not_a_card"),
        ("ST00012|Name=ООО Ромашка|PersonalAcc=40702810", "not_a_card"),
        (f"'; DROP TABLE cards; --{ICCID20}", "not_a_card"),
        ("<script>alert(1)</script>", "not_a_card"),
        ('{"iccid": [1, 2]}', "not_a_card"),
        ("{" * 5000, "too_long"),
        ("[" * 400 + "]" * 100, "not_a_card"),
        ('{"a": ' * 60 + "1" + "}" * 60, "not_a_card"),
        ('{"iccid":' + '[' * 240 + ']' * 240 + '}', "not_a_card"),
        (json.dumps({"iccid": ICCID20, "ICCID": ICCID19}), "conflict"),
        (f"iccid={ICCID20}&iccid={ICCID19}", "conflict"),
        (f"{ICCID20};not-a-phone", "phone"),
        (f"{ICCID20};{PHONE};extra", "not_a_card"),
        (f"ICCID: {ICCID20}\nbanner", "not_a_card"),
        ("８９７０１９９１２３４５６７８９０１２３", "not_a_card"),
    ],
)
def test_rejections_name_their_reason(text, reason):
    assert reason_of(text) == reason


def test_rejection_carries_a_translatable_message():
    rejected = read_payload("123456")
    assert isinstance(rejected, PayloadRejected)
    assert rejected.message.key == REASONS["iccid_length"]
    english = Translator("en").message(rejected.message)
    assert "6 digits" in english
    assert Translator("ru").message(rejected.message) != english


def test_read_payload_returns_identity_or_rejection():
    assert isinstance(read_payload(ICCID20), CardIdentity)
    assert read_payload("nonsense").reason == "not_a_card"


def test_identity_never_shows_full_numbers():
    shown = repr(parse_payload(f"{ICCID20};{PHONE}")) + parse_payload(f"{ICCID20};{PHONE}").masked()
    assert ICCID20 not in shown and PHONE not in shown
    assert ICCID20[-4:] in shown


HOSTILE_PIECES = st.sampled_from(
    [ICCID20, ICCID19, PHONE, "iccid", "msisdn", ":", "=", ";", "&", "?", "{", "}", "[", "]",
     '"', "'", "\\", "\n", "\r", "\t", "\x1d", "\x00", "F", "%2B", "%", "http://", "' OR 1=1 --",
     "${jndi:ldap://x}", "\u202e", "８", "+", "-", " "]
)


def assert_only_own_rejection(payload):
    try:
        outcome = parse_payload(payload)
    except PayloadRejected as rejected:
        assert rejected.reason in REASONS
        rejected.message.render()
    else:
        assert isinstance(outcome, CardIdentity)


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=700))
def test_any_text_is_data(text):
    assert_only_own_rejection(text)


@settings(max_examples=300)
@given(st.binary(max_size=3000))
def test_any_bytes_are_data(data):
    assert_only_own_rejection(data)


@settings(max_examples=600)
@given(st.lists(HOSTILE_PIECES | st.text(max_size=8), max_size=40).map("".join))
def test_near_miss_payloads_are_data(text):
    assert_only_own_rejection(text)


@settings(max_examples=200)
@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=25),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["iccid", "msisdn", "phone", "x"]) | st.text(max_size=5), children,
        max_size=4),
    max_leaves=20,
))
def test_any_json_is_data(document):
    assert_only_own_rejection(json.dumps(document))


@given(st.integers(min_value=10**17, max_value=10**19 - 1))
def test_every_valid_iccid_is_accepted_bare_and_wrong_check_digits_never_are(number):
    body = "89" + str(number)[:17]
    good = make_iccid(body)
    assert parse_payload(good).iccid.digits == good
    for wrong in {str(d) for d in range(10)} - {good[-1]}:
        assert reason_of(body + wrong) == "iccid_check_digit"


def test_fuzz_run_over_random_buffers():
    """Hypothesis as a fuzzer: random byte buffers drive the text strategies directly."""
    rng = random.Random(4)
    for _ in range(3000):
        buffer = rng.randbytes(rng.randrange(1, 1200))
        test_near_miss_payloads_are_data.hypothesis.fuzz_one_input(buffer)
        test_any_text_is_data.hypothesis.fuzz_one_input(buffer)
