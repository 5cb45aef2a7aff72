"""One-time code limits over HTTP with the simulator's clock moved by the test:
wrong attempts, resend cooldown and count, expiry of codes and of verifications."""

from datetime import UTC, datetime

import pytest
import requests

from kiosk.core.errors import Category
from kiosk.core.iccid import Iccid
from kiosk.core.money import Money
from kiosk.flow.ports import OperatorError
from kiosk.provider import demo_data as demo
from kiosk.provider.sim.clock import SimClock
from kiosk.provider.testing import client_for, running_simulator, sent_code, signed_request

NOW = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
ACTIVE = Iccid.parse(demo.ICCID_ACTIVE)


@pytest.fixture
def clock():
    return SimClock(NOW)


@pytest.fixture
def sim(tmp_path, clock):
    with running_simulator(tmp_path, clock=clock) as sim:
        yield sim


@pytest.fixture
def client(sim):
    with client_for(sim) as client:
        yield client


def wrong(code):
    return "000000" if code != "000000" else "111111"


def refused(call, *args):
    with pytest.raises(OperatorError) as caught:
        call(*args)
    return caught.value


def test_wrong_codes_count_down_then_lock(sim, client):
    challenge = client.send_otp(ACTIVE)
    bad = wrong(sent_code(sim, challenge.challenge_id))
    for left in (4, 3, 2, 1):
        error = refused(client.verify_otp, challenge.challenge_id, bad)
        assert (error.code, error.category, error.details["attempts_left"]) == (
            "otp_wrong", Category.USER, left)
        assert error.message.params == {"attempts_left": left}
        assert error.message.render() == f"Wrong code. Attempts left: {left}."
    error = refused(client.verify_otp, challenge.challenge_id, bad)
    assert (error.code, error.details["attempts_left"]) == ("otp_attempts_exhausted", 0)
    right = sent_code(sim, challenge.challenge_id)
    assert refused(client.verify_otp, challenge.challenge_id, right).code == (
        "otp_attempts_exhausted")
    error = refused(client.send_otp, ACTIVE)
    assert error.code == "otp_blocked"
    assert error.details["retry_after_s"] == 300


def test_resend_waits_for_the_cooldown_and_is_limited(sim, client, clock):
    first = client.send_otp(ACTIVE)
    error = refused(client.send_otp, ACTIVE)
    assert (error.code, error.details["retry_after_s"]) == ("otp_resend_too_soon", 60)
    clock.advance(59)
    assert refused(client.send_otp, ACTIVE).details["retry_after_s"] == 1
    for left in (2, 1, 0):
        clock.advance(60)
        again = client.send_otp(ACTIVE)
        assert (again.challenge_id, again.resends_left) == (first.challenge_id, left)
    clock.advance(60)
    assert refused(client.send_otp, ACTIVE).code == "otp_resends_exhausted"
    latest = sent_code(sim, first.challenge_id)
    assert client.verify_otp(first.challenge_id, latest).verification_token


def test_a_code_expires(sim, client, clock):
    challenge = client.send_otp(ACTIVE)
    code = sent_code(sim, challenge.challenge_id)
    clock.advance(300)
    error = refused(client.verify_otp, challenge.challenge_id, code)
    assert (error.code, error.category) == ("otp_expired", Category.USER)
    assert client.send_otp(ACTIVE).challenge_id != challenge.challenge_id  # a fresh start


def test_a_code_works_once(sim, client):
    challenge = client.send_otp(ACTIVE)
    code = sent_code(sim, challenge.challenge_id)
    client.verify_otp(challenge.challenge_id, code)
    assert refused(client.verify_otp, challenge.challenge_id, code).code == "otp_already_used"
    assert refused(client.verify_otp, "no-such-challenge", code).code == (
        "otp_challenge_not_found")


def test_a_verification_expires(sim, client, clock):
    challenge = client.send_otp(ACTIVE)
    verification = client.verify_otp(challenge.challenge_id,
                                      sent_code(sim, challenge.challenge_id))
    clock.advance(900)
    error = refused(client.create_renewal, "tx-late", ACTIVE, "sms-50", Money(10000, "RUB"),
                    verification.verification_token, None)
    assert error.code == "verification_invalid"
    assert sim.ledger() == []


def test_a_verification_is_for_its_own_card(sim, client):
    challenge = client.send_otp(ACTIVE)
    verification = client.verify_otp(challenge.challenge_id,
                                      sent_code(sim, challenge.challenge_id))
    other = Iccid.parse(demo.ICCID_PROMO_USED)
    error = refused(client.create_renewal, "tx-other", other, "sms-50", Money(10000, "RUB"),
                    verification.verification_token, None)
    assert error.code == "verification_invalid"


def test_an_invalid_number_to_bind_is_refused_and_binds_nothing(sim, client):
    iccid = demo.ICCID_NO_PHONE
    answer = signed_request(sim, "POST", f"/v1/cards/{iccid}/otp", b'{"phone": "+1234"}')
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "phone_invalid"
    assert client.lookup(Iccid.parse(iccid)).phone_masked is None


def test_the_test_clock_endpoint_moves_expiry(sim, client):
    challenge = client.send_otp(ACTIVE)
    code = sent_code(sim, challenge.challenge_id)
    moved = requests.post(f"{sim.url}/_sim/clock", json={"advance_s": 301}, timeout=5).json()
    assert moved == {"now": "2026-03-04T09:05:01+00:00"}
    assert refused(client.verify_otp, challenge.challenge_id, code).code == "otp_expired"
    bad = requests.post(f"{sim.url}/_sim/clock", json={"advance_s": "soon"}, timeout=5)
    assert bad.status_code == 400
