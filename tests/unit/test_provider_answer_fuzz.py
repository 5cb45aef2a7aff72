"""Fuzzing the client's answer parsing: from raw bytes and arbitrary JSON to a decoded value,
only a valid result or a typed ``OperatorError`` comes out, never a crash."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kiosk.core.card import CardInfo
from kiosk.core.iccid import Iccid
from kiosk.core.money import Money
from kiosk.core.renewal import OtpChallenge, OtpVerification, RenewalResult
from kiosk.flow.ports import OfferCatalog, OperatorError
from kiosk.provider import demo_data as demo
from kiosk.provider import strict_json, wire
from kiosk.provider.client import OperatorClient
from tests.integration.hostile_http import renewal

ACTIVE = Iccid.parse(demo.ICCID_ACTIVE)
CLIENT = OperatorClient("http://127.0.0.1:9", demo.DEMO_KIOSK_ID, demo.DEMO_KIOSK_KEY)
DECODERS = {
    "card": (lambda obj: CLIENT._card(obj, ACTIVE), CardInfo),
    "catalog": (CLIENT._catalog, OfferCatalog),
    "renewal": (lambda obj: CLIENT._renewal(obj, "tx-1", Money(30000, "RUB")), RenewalResult),
    "challenge": (wire.decode_challenge, OtpChallenge),
    "verification": (wire.decode_verification, OtpVerification),
}
STATUSES = [200, 201, 204, 301, 307, 400, 404, 409, 422, 429, 500, 503]
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63) | st.text(max_size=20)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner,
                                                               max_size=5),
    max_leaves=30,
)


def outcome(status: int, body: bytes, decoder: str):
    """The decoded value, or the typed error the client raised."""
    decode, _ = DECODERS[decoder]
    try:
        return CLIENT.read_answer(status, "application/json", body, decode)
    except OperatorError as exc:
        return exc
    except Exception as exc:  # the client's internal retry wrapper carries its error
        error = getattr(exc, "error", None)
        assert isinstance(error, OperatorError), repr(exc)
        return error


def check(status: int, body: bytes, decoder: str) -> None:
    result = outcome(status, body, decoder)
    if isinstance(result, OperatorError):
        # the catch-all for decoder crashes is a last resort, never how an answer is refused
        assert not str(result.details.get("reason", "")).startswith("unexpected"), result.details
    else:
        assert 200 <= status < 300
        assert isinstance(result, DECODERS[decoder][1])


@FUZZ
@given(data=st.binary(max_size=2000))
@example(data=b"9" * 5000)
@example(data=b"[" * 200_000)
@example(data=b'{"a":1,"a":2}')
@example(data=b"NaN")
@example(data=b"1e999999")
def test_strict_json_takes_any_bytes(data):
    with contextlib.suppress(strict_json.JsonRefused):
        strict_json.loads(data)


@FUZZ
@given(value=json_values)
def test_strict_json_reads_what_json_writes(value):
    assert strict_json.loads(json.dumps(value).encode()) == value


@FUZZ
@given(status=st.sampled_from(STATUSES), body=st.binary(max_size=500),
       decoder=st.sampled_from(sorted(DECODERS)))
def test_any_bytes_become_a_value_or_a_typed_error(status, body, decoder):
    check(status, body, decoder)


@FUZZ
@given(status=st.sampled_from(STATUSES), value=json_values,
       decoder=st.sampled_from(sorted(DECODERS)))
def test_any_json_becomes_a_value_or_a_typed_error(status, value, decoder):
    check(status, json.dumps(value).encode(), decoder)


ENVELOPE = {"error": {"code": "amount_mismatch", "category": "user", "message": "m",
                      "details": {"attempts_left": 2}}}


def near_valid() -> dict[str, dict]:
    now = datetime(2026, 3, 4, 9, 0, tzinfo=UTC).isoformat()
    return {
        "renewal": renewal("tx-1"),
        "challenge": {"challenge_id": "c-1", "phone_masked": "+7 ******4567", "expires_at": now,
                      "resend_after": now, "resends_left": 3, "attempts_left": 5},
        "verification": {"verification_token": "t", "expires_at": now},
    }


@FUZZ
@given(decoder=st.sampled_from(["renewal", "challenge", "verification", "envelope"]),
       data=st.data())
def test_one_field_changed_to_anything_is_a_value_or_a_typed_error(decoder, data):
    """Valid answers with one field (or one envelope field) replaced by any JSON value."""
    if decoder == "envelope":
        body, target, status = json.loads(json.dumps(ENVELOPE)), None, 400
        target = body["error"]
    else:
        body = near_valid()[decoder]
        target, status = body, 200
    key = data.draw(st.sampled_from(sorted(target)))
    target[key] = data.draw(json_values)
    check(status, json.dumps(body).encode(), "renewal" if decoder == "envelope" else decoder)


def test_the_fuzz_would_see_a_crash():
    """The check is not vacuous: an untyped exception from a decoder fails it."""

    def broken(_obj):
        raise KeyError("boom")

    DECODERS["broken"] = (broken, RenewalResult)
    try:
        with pytest.raises(AssertionError):
            check(200, b"{}", "broken")
    finally:
        del DECODERS["broken"]
