"""docs/operator-api.yaml is a valid OpenAPI 3.1 document, and what the client sends and the
simulator answers, over real HTTP, conforms to it: every operation, success and errors."""

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from kiosk.core.iccid import Iccid
from kiosk.core.money import Money
from kiosk.core.phone import Phone
from kiosk.flow.ports import OperatorError
from kiosk.provider import demo_data as demo
from kiosk.provider.client import OperatorClient
from kiosk.provider.sim.clock import SimClock
from kiosk.provider.testing import add_fault, client_for, running_simulator, sent_code

DOC_PATH = Path(__file__).resolve().parents[2] / "docs" / "operator-api.yaml"
DOC = yaml.safe_load(DOC_PATH.read_text(encoding="utf-8"))
BASE = "urn:operator-api"
REGISTRY = Registry().with_resource(
    BASE, Resource.from_contents(DOC, default_specification=DRAFT202012)
)
ACTIVE = Iccid.parse(demo.ICCID_ACTIVE)


def test_the_document_is_valid_openapi():
    validate(DOC)
    assert DOC["openapi"].startswith("3.1")


def validator(schema_ref: dict) -> Draft202012Validator:
    return Draft202012Validator(
        {"$ref": BASE + schema_ref["$ref"]},
        registry=REGISTRY,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def operation_for(method: str, path: str) -> tuple[str, dict]:
    for template, item in DOC["paths"].items():
        pattern = re.sub(r"\{[^}]+\}", "[^/]+", template)
        if re.fullmatch(pattern, path) and method.lower() in item:
            return template, item[method.lower()]
    raise AssertionError(f"{method} {path} is not in the contract")


def response_schema(operation: dict, status: int) -> dict:
    responses = operation["responses"]
    response = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX")
    assert response is not None, f"status {status} is not documented"
    if "$ref" in response:
        response = DOC["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    return response["content"]["application/json"]["schema"]


class Recorder:
    """Every exchange of the client's session, checked against the contract as it happens."""

    def __init__(self) -> None:
        self.seen: set[tuple[str, str, int]] = set()
        self.problems: list[str] = []

    def __call__(self, response, *args, **kwargs):
        request = response.request
        path = request.path_url.split("?")[0]
        template, operation = operation_for(request.method, path)
        self.seen.add((request.method, template, response.status_code))
        if request.body:
            schema = operation["requestBody"]["content"]["application/json"]["schema"]
            self._check(f"request {request.method} {path}", schema, json.loads(request.body))
        assert response.headers["Content-Type"].startswith("application/json")
        schema = response_schema(operation, response.status_code)
        self._check(f"{response.status_code} {request.method} {path}", schema, response.json())
        return response

    def _check(self, what: str, schema: dict, instance) -> None:
        for error in validator(schema).iter_errors(instance):
            self.problems.append(f"{what}: {error.json_path}: {error.message}")


@pytest.fixture
def recorder():
    return Recorder()


@pytest.fixture
def setup(tmp_path, recorder):
    clock = SimClock(datetime(2026, 5, 2, 9, 0, tzinfo=UTC))  # May holidays: promotions on
    with running_simulator(tmp_path, clock=clock) as sim, client_for(sim) as client:
        client.session.hooks["response"].append(recorder)
        yield sim, client, clock


def refused(call, *args):
    with pytest.raises(OperatorError) as caught:
        call(*args)
    return caught.value.code


def verified(sim, client, iccid=ACTIVE, phone=None):
    challenge = client.send_otp(iccid, phone)
    return client.verify_otp(challenge.challenge_id, sent_code(sim, challenge.challenge_id))


def exercise_cards_and_codes(sim, client, clock):
    for iccid in (demo.ICCID_ACTIVE, demo.ICCID_EXPIRED, demo.ICCID_BLOCKED,
                  demo.ICCID_NO_PHONE, demo.ICCID_UNKNOWN):
        client.lookup(Iccid.parse(iccid))
    client.offers(ACTIVE)
    assert refused(client.offers, Iccid.parse(demo.ICCID_UNKNOWN)) == "card_not_found"
    no_phone = Iccid.parse(demo.ICCID_NO_PHONE)
    assert refused(client.send_otp, no_phone) == "phone_required"
    verified(sim, client, no_phone, Phone.parse(demo.PHONE_TO_BIND))
    challenge = client.send_otp(ACTIVE)
    assert refused(client.send_otp, ACTIVE) == "otp_resend_too_soon"
    code = sent_code(sim, challenge.challenge_id)
    wrong = "000000" if code != "000000" else "111111"
    assert refused(client.verify_otp, challenge.challenge_id, wrong) == "otp_wrong"
    clock.advance(301)
    assert refused(client.verify_otp, challenge.challenge_id, "123456") == "otp_expired"
    assert refused(client.verify_otp, "nope", "123456") == "otp_challenge_not_found"


def exercise_renewals(sim, client):
    token = verified(sim, client).verification_token
    price = Money(60000 - 12000, "RUB")  # 20 % off in the May holidays
    args = ("tx-1", ACTIVE, "validity-7d", price, token, "may-holidays-20")
    client.create_renewal(*args)
    client.create_renewal(*args)
    assert refused(client.create_renewal, "tx-1", ACTIVE, "sms-50", price, token, None) == (
        "idempotency_conflict")
    assert refused(client.create_renewal, "tx-2", ACTIVE, "sms-50", price, token, None) == (
        "verification_invalid")
    client.get_renewal("tx-1")
    assert client.get_renewal("tx-none") is None
    listed = client.renewals_since(datetime(2026, 1, 1, tzinfo=UTC))
    assert [r.transaction_id for r in listed] == ["tx-1"]
    client.cancel_renewal("tx-1", "payment_reversed")
    add_fault(sim, kind="renewal_failed")
    client.create_renewal("tx-3", ACTIVE, "sms-50", Money(8000, "RUB"),
                          verified_after_cooldown(sim, client), "may-holidays-20")
    assert refused(client.cancel_renewal, "tx-3", "payment_reversed") == (
        "renewal_not_cancellable")
    add_fault(sim, kind="server_error", method="GET", count=client.attempts)
    assert refused(client.lookup, ACTIVE) == "unavailable"


def verified_after_cooldown(sim, client):
    sim.clock.advance(301)
    return verified(sim, client).verification_token


def test_every_exchange_conforms_to_the_contract(setup, recorder):
    sim, client, clock = setup
    exercise_cards_and_codes(sim, client, clock)
    exercise_renewals(sim, client)
    stranger = OperatorClient(sim.url, demo.DEMO_KIOSK_ID, "wrong", sleep=lambda _s: None)
    stranger.session.hooks["response"].append(recorder)
    assert refused(stranger.lookup, ACTIVE) == "auth_bad_signature"

    assert recorder.problems == []
    operations = {(m.upper(), t) for t, item in DOC["paths"].items() for m in item}
    succeeded = {(m, t) for m, t, status in recorder.seen if status < 300}
    assert succeeded == operations
    statuses = {status for _m, _t, status in recorder.seen}
    assert statuses >= {200, 201, 401, 404, 409, 410, 403, 422, 429, 503}


def test_a_nonconforming_answer_would_be_caught():
    """The check itself can fail: a card without its status is refused by the schema."""
    _template, operation = operation_for("GET", f"/v1/cards/{demo.ICCID_ACTIVE}")
    schema = response_schema(operation, 200)
    card = {"iccid": demo.ICCID_ACTIVE, "plan": {"id": "x", "names": {"en": "X"}}}
    assert list(validator(schema).iter_errors(card))
    with pytest.raises(AssertionError):
        response_schema(operation, 418)
