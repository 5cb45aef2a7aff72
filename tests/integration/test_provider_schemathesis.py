"""Schemathesis against the running simulator: docs/operator-api.yaml and the server agree.

It generates valid and invalid requests for every operation from the contract, signs each one
as the demo kiosk (a requests auth hook over kiosk/provider/signing.py, which sees the exact
bytes that go out) and runs every check it has; a bounded number of examples keeps it to
seconds. A failure names the request to replay: the contract or the simulator is wrong.
"""

from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from kiosk.provider.demo_data import DEMO_KIOSK_ID, DEMO_KIOSK_KEY
from kiosk.provider.signing import sign_headers
from kiosk.provider.testing import running_simulator

DOC_PATH = Path(__file__).resolve().parents[2] / "docs" / "operator-api.yaml"
EXAMPLES = 20  # per operation: ~5 s idle; 25 took 55 s with both cores busy at load 10

CONFIG = SchemathesisConfig.from_dict({
    "generation": {"max-examples": EXAMPLES, "deterministic": True},
    "checks": {
        # Refusals that no JSON Schema can foresee are part of the contract: a wrong ICCID
        # check digit, a code already expired (410), a wrong code or an offer the card
        # cannot buy (422). Everything else schema-valid must be accepted.
        "positive_data_acceptance": {
            "expected-statuses": ["2xx", "401", "403", "404", "409", "410", "422", "429"],
        },
    },
})
SCHEMA = schemathesis.openapi.from_path(DOC_PATH, config=CONFIG)


class KioskSignature(requests.auth.AuthBase):
    """Signs the prepared request: method, path with query and body exactly as sent."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        body = request.body if isinstance(request.body, bytes) else (request.body or "")
        request.headers.update(sign_headers(
            DEMO_KIOSK_KEY, DEMO_KIOSK_ID, request.method or "GET", request.path_url, body))
        return request


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    with running_simulator(tmp_path_factory.mktemp("schemathesis")) as sim:
        yield sim


@SCHEMA.parametrize()
@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_the_simulator_keeps_the_contract(case, sim):
    case.call_and_validate(base_url=sim.url, auth=KioskSignature())
