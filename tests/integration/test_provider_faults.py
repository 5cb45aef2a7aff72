"""Every simulator fault against the real client: retries where safe, unknown outcomes
resolved by our id, bad answers as clear errors, and never a renewal twice."""

import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import requests

from kiosk.core.errors import Category
from kiosk.core.iccid import Iccid
from kiosk.core.money import Money
from kiosk.core.renewal import RenewalStatus
from kiosk.flow.ports import OperatorError, RenewalOutcomeUnknown
from kiosk.provider import demo_data as demo
from kiosk.provider.client import OperatorClient
from kiosk.provider.client_messages import BAD_ANSWER
from kiosk.provider.sim.clock import SimClock
from kiosk.provider.sim.faults import Fault, FaultKind
from kiosk.provider.sim.server import OperatorSimulator
from kiosk.provider.testing import (
    add_fault,
    client_for,
    running_simulator,
    sent_code,
    signed_request,
)

NOW = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
ACTIVE = Iccid.parse(demo.ICCID_ACTIVE)
WEEK = Money(60000, "RUB")
VALIDITY_BEFORE = NOW + timedelta(days=12)


@pytest.fixture
def sim(tmp_path):
    with running_simulator(tmp_path, clock=SimClock(NOW)) as sim:
        yield sim


@pytest.fixture
def client(sim):
    with client_for(sim) as client:
        yield client


def token(sim, client):
    challenge = client.send_otp(ACTIVE)
    return client.verify_otp(challenge.challenge_id, sent_code(sim, challenge.challenge_id))


def create(client, tx, verification):
    return client.create_renewal(tx, ACTIVE, "validity-7d", WEEK,
                                 verification.verification_token, None)


def outcome_unknown_under(sim, client, kind, tx):
    """Create ``tx`` while every create meets ``kind``: the client must say it does not know."""
    verification = token(sim, client)
    add_fault(sim, kind=kind, method="POST", path="/v1/renewals", count=None)
    with pytest.raises(RenewalOutcomeUnknown) as caught:
        create(client, tx, verification)
    requests.delete(f"{sim.url}/_sim/faults", timeout=5)
    return caught.value, verification


def resolve(client, tx):
    """Read the renewal back until the operator has it, as start-up recovery polls (bounded
    in time against a hang, generously: the simulator's threads share the machine)."""
    end = time.monotonic() + 120
    while time.monotonic() < end:
        found = client.get_renewal(tx)
        if found is not None:
            return found
        time.sleep(0.05)
    raise AssertionError(f"{tx} never reached the operator")


def faults_left(sim):
    return requests.get(f"{sim.url}/_sim/faults", timeout=5).json()["faults"]


# --- the hard one: applied, but the answer lost -----------------------------------------------


def test_applied_but_answer_lost_is_unknown_then_resolved_by_our_id(sim, client):
    unknown, verification = outcome_unknown_under(sim, client, "drop_after", "tx-lost")
    assert unknown.details == {"transaction_id": "tx-lost"}
    assert unknown.category is Category.TRANSIENT

    found = client.get_renewal("tx-lost")
    assert found.status is RenewalStatus.APPLIED
    assert found.validity_end == VALIDITY_BEFORE + timedelta(days=7)
    assert create(client, "tx-lost", verification) == found  # the same id: the first result
    assert [(e.transaction_id, e.status) for e in sim.ledger()] == [
        ("tx-lost", RenewalStatus.APPLIED)]
    assert client.lookup(ACTIVE).validity_end == VALIDITY_BEFORE + timedelta(days=7)


def test_one_lost_answer_is_cured_by_the_idempotent_retry(sim, client):
    verification = token(sim, client)
    add_fault(sim, kind="drop_after", method="POST", path="/v1/renewals")
    result = create(client, "tx-retry", verification)
    assert result.status is RenewalStatus.APPLIED
    assert len(sim.ledger()) == 1
    assert client.lookup(ACTIVE).validity_end == VALIDITY_BEFORE + timedelta(days=7)


def test_dropped_before_processing_is_unknown_and_nothing_was_applied(sim, client):
    outcome_unknown_under(sim, client, "drop_before", "tx-dropped")
    assert client.get_renewal("tx-dropped") is None
    assert sim.ledger() == []


def test_answer_too_late_is_unknown_and_applied_once(sim):
    with client_for(sim, read_timeout_s=0.2) as client:
        verification = token(sim, client)
        # the answer comes 2 s after the client gave up: a process descheduled for a while
        # on a loaded machine still finds no answer when its read timeout is handled
        add_fault(sim, kind="latency", delay_ms=2_000, method="POST", path="/v1/renewals",
                  count=3)
        with pytest.raises(RenewalOutcomeUnknown):
            create(client, "tx-slow", verification)
        found = resolve(client, "tx-slow")
    assert found.status is RenewalStatus.APPLIED
    assert [e.transaction_id for e in sim.ledger()] == ["tx-slow"]


def test_latency_within_the_timeout_is_just_slow(sim, client):
    add_fault(sim, kind="latency", delay_ms=50, count=None)
    assert client.lookup(ACTIVE).validity_end == VALIDITY_BEFORE


def test_unreachable_operator_never_got_the_renewal(sim):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    client = OperatorClient(f"http://127.0.0.1:{free_port}", demo.DEMO_KIOSK_ID,
                            demo.DEMO_KIOSK_KEY, sleep=lambda _s: None)
    with pytest.raises(OperatorError) as caught:
        client.create_renewal("tx-nowhere", ACTIVE, "validity-7d", WEEK, "token", None)
    assert not isinstance(caught.value, RenewalOutcomeUnknown)
    assert (caught.value.code, caught.value.category) == ("operator_unreachable",
                                                          Category.TRANSIENT)
    with pytest.raises(OperatorError) as caught:
        client.lookup(ACTIVE)
    assert caught.value.code == "operator_unreachable"


# --- server errors and retries ----------------------------------------------------------------


def test_reads_are_retried_past_a_server_error(sim, client):
    add_fault(sim, kind="server_error", status=503, method="GET", count=2)
    assert client.lookup(ACTIVE).validity_end == VALIDITY_BEFORE
    assert faults_left(sim) == []


def test_persistent_server_error_becomes_a_transient_error(sim, client):
    add_fault(sim, kind="server_error", status=502, count=None)
    with pytest.raises(OperatorError) as caught:
        client.offers(ACTIVE)
    assert (caught.value.code, caught.value.category) == ("unavailable", Category.TRANSIENT)
    assert caught.value.details["http_status"] == 502


def test_sending_a_code_is_never_retried(sim, client):
    add_fault(sim, kind="server_error", method="POST", path="/v1/cards/", count=2)
    with pytest.raises(OperatorError) as caught:
        client.send_otp(ACTIVE)
    assert caught.value.category is Category.TRANSIENT
    assert [f["count"] for f in faults_left(sim)] == [1]  # one request went out, not two


def test_a_dropped_code_request_is_an_error_not_a_second_sms(sim, client):
    add_fault(sim, kind="drop_after", method="POST", path="/v1/cards/")
    with pytest.raises(OperatorError) as caught:
        client.send_otp(ACTIVE)
    assert caught.value.code == "operator_unreachable"
    assert faults_left(sim) == []


def test_renewal_failed_by_the_operator_has_a_reason(sim, client):
    verification = token(sim, client)
    add_fault(sim, kind="renewal_failed")
    result = create(client, "tx-refused", verification)
    assert (result.status, result.reason_code) == (RenewalStatus.FAILED, "provisioning")
    assert client.lookup(ACTIVE).validity_end == VALIDITY_BEFORE


# --- bad answers ------------------------------------------------------------------------------

BAD_BODIES = [
    ("malformed_body", {}, "malformed JSON"),
    ("wrong_content_type", {}, "content type 'text/html'"),
    ("garbage", {}, "malformed JSON"),
    ("missing_field", {"field": "status"}, "$.status: missing"),
    ("wrong_currency", {}, "USD, but this kiosk sells in RUB"),
]


@pytest.mark.parametrize(("kind", "extra", "reason"), BAD_BODIES)
def test_bad_answers_become_clear_errors(sim, client, kind, extra, reason):
    add_fault(sim, kind=kind, method="GET", count=None, **extra)
    with pytest.raises(OperatorError) as caught:
        client.lookup(ACTIVE)
    assert caught.value.code == "operator_bad_answer"
    assert caught.value.message.key == BAD_ANSWER
    assert reason in caught.value.details["reason"]


@pytest.mark.parametrize(("kind", "extra", "reason"), BAD_BODIES)
def test_bad_offer_answers_become_clear_errors(sim, client, kind, extra, reason):
    extra = {"field": "offers"} if kind == "missing_field" else extra
    add_fault(sim, kind=kind, method="GET", count=None, **extra)
    with pytest.raises(OperatorError) as caught:
        client.offers(ACTIVE)
    assert caught.value.code == "operator_bad_answer"


def test_one_bad_read_is_retried(sim, client):
    add_fault(sim, kind="malformed_body", method="GET", count=1)
    assert client.lookup(ACTIVE).validity_end == VALIDITY_BEFORE


def test_unreadable_renewal_answers_are_an_unknown_outcome(sim, client):
    outcome_unknown_under(sim, client, "wrong_currency", "tx-garbled")
    assert client.get_renewal("tx-garbled").status is RenewalStatus.APPLIED
    assert len(sim.ledger()) == 1


# --- steering the faults ----------------------------------------------------------------------


def test_a_fault_for_one_request_by_header(sim):
    answer = signed_request(sim, "GET", f"/v1/cards/{demo.ICCID_ACTIVE}",
                            **{"X-Sim-Fault": "server_error,status=504"})
    assert answer.status_code == 504
    assert answer.json()["error"]["category"] == "transient"


def test_bad_fault_requests_are_refused_and_change_nothing(sim):
    for fault in ({"kind": "meteor"}, {"kind": "latency", "delay_ms": "long"},
                  {"kind": "latency", "colour": "red"}, ["latency"]):
        answer = requests.post(f"{sim.url}/_sim/faults", json=fault, timeout=5)
        assert answer.status_code == 400
        assert answer.json()["error"]["code"] == "bad_fault"
    assert faults_left(sim) == []


def test_fault_specs_from_the_command_line():
    fault = Fault.from_spec("latency,delay_ms=500,count=0,path=/v1/cards")
    assert (fault.kind, fault.delay_ms, fault.count, fault.path) == (
        FaultKind.LATENCY, 500, None, "/v1/cards")
    assert Fault.from_spec("drop_after,method=post").method == "POST"
    for spec in ("", "meteor", "latency,delay_ms", "server_error,status=404"):
        with pytest.raises(ValueError):
            Fault.from_spec(spec)


def test_faults_from_configuration_apply_from_the_start(tmp_path):
    faults = [Fault(FaultKind.SERVER_ERROR, method="GET", count=None)]
    with running_simulator(tmp_path, faults=faults) as sim, client_for(sim) as client:
        with pytest.raises(OperatorError) as caught:
            client.lookup(ACTIVE)
        assert caught.value.code == "unavailable"


def test_test_endpoints_show_the_ledger(sim, client):
    create(client, "tx-ledger", token(sim, client))
    entries = requests.get(f"{sim.url}/_sim/ledger", timeout=5).json()["renewals"]
    assert [(e["transaction_id"], e["status"], e["amount"]) for e in entries] == [
        ("tx-ledger", "applied", {"minor": 60000, "currency": "RUB"})]
    assert json.dumps(entries)  # plain JSON, readable by any test


def test_stopping_mid_request_applies_nothing_and_logs_no_internal_error(tmp_path, caplog):
    """A server going down under a slow request: the kiosk cannot know, the ledger stays
    consistent and closes only after the request left the operator logic."""
    sim = OperatorSimulator(tmp_path, clock=SimClock(NOW)).start()
    with client_for(sim, read_timeout_s=180) as client, ThreadPoolExecutor(1) as pool:
        verification = token(sim, client)
        # held until the stop, however long the test takes to get there (a stop ends the wait)
        add_fault(sim, kind="latency", delay_ms=120_000, method="POST", path="/v1/renewals")
        pending = pool.submit(create, client, "tx-stop", verification)
        while sim.faults.pending():  # the request has reached the server and is waiting
            time.sleep(0.01)
        sim.stop()
        with pytest.raises(OperatorError):
            pending.result(timeout=120)
    for handler in threading.enumerate():
        if "process_request" in handler.name:
            handler.join(timeout=120)
    assert "sim.internal_error" not in caplog.text
    with running_simulator(tmp_path, clock=SimClock(NOW)) as again:
        assert again.ledger() == []
