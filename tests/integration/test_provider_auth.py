"""Signing over real HTTP: the simulator refuses tampered, stale, replayed and unsigned
requests with 401 in the error envelope, and the client turns that into an OperatorError;
``kiosk provider-sim`` as its own process does the same."""

import json
import os
import shutil
import subprocess
import sys
import time

import pytest
import requests

from kiosk.core.errors import Category
from kiosk.core.iccid import Iccid
from kiosk.flow.ports import OperatorError
from kiosk.provider import demo_data as demo
from kiosk.provider.client import OperatorClient
from kiosk.provider.signing import HEADER_SIGNATURE, sign_headers
from kiosk.provider.testing import running_simulator

TARGET = f"/v1/cards/{demo.ICCID_ACTIVE}/otp"
BODY = b"{}"


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    with running_simulator(tmp_path_factory.mktemp("sim")) as sim:
        yield sim


def post(sim, headers, body=BODY, target=TARGET):
    return requests.post(sim.url + target, data=body, headers=headers, timeout=5)


def signed(key=demo.DEMO_KIOSK_KEY, kiosk=demo.DEMO_KIOSK_ID, body=BODY, now=None):
    return sign_headers(key, kiosk, "POST", TARGET, body, now=now)


def refusal_code(answer):
    assert answer.status_code == 401
    assert answer.headers["Content-Type"].startswith("application/json")
    error = answer.json()["error"]
    assert error["category"] == "operational"
    assert set(error) == {"code", "category", "message", "details"}
    return error["code"]


def test_a_signed_request_is_served(sim):
    assert post(sim, signed()).status_code == 201


def test_unsigned_request(sim):
    assert refusal_code(post(sim, {})) == "auth_missing"


def test_tampered_body(sim):
    assert refusal_code(post(sim, signed(), body=b'{"phone": "+79057778899"}')) == (
        "auth_bad_signature")


def test_tampered_path(sim):
    other = f"/v1/cards/{demo.ICCID_EXPIRED}/otp"
    assert refusal_code(post(sim, signed(), target=other)) == "auth_bad_signature"


def test_stale_and_future_timestamps(sim):
    assert refusal_code(post(sim, signed(now=time.time() - 600))) == "auth_stale_timestamp"
    assert refusal_code(post(sim, signed(now=time.time() + 600))) == "auth_stale_timestamp"


def test_wrong_key_and_unknown_kiosk(sim):
    assert refusal_code(post(sim, signed(key="guessed"))) == "auth_bad_signature"
    assert refusal_code(post(sim, signed(kiosk="NOBODY-1"))) == "auth_unknown_kiosk"


def test_replayed_request(sim):
    headers = signed()
    post(sim, headers)
    assert refusal_code(post(sim, headers)) == "auth_replayed"


def test_the_client_reports_a_refused_kiosk_as_operational(sim):
    client = OperatorClient(sim.url, demo.DEMO_KIOSK_ID, "wrong-key", sleep=lambda _s: None)
    with pytest.raises(OperatorError) as caught:
        client.lookup(Iccid.parse(demo.ICCID_ACTIVE))
    assert (caught.value.code, caught.value.category) == ("auth_bad_signature",
                                                          Category.OPERATIONAL)
    assert caught.value.details["http_status"] == 401
    assert "staff" in caught.value.message.key


def test_test_endpoints_exist_only_under_sim(sim):
    headers = sign_headers(demo.DEMO_KIOSK_KEY, demo.DEMO_KIOSK_ID, "GET", "/v1/_sim/ledger", b"")
    answer = requests.get(f"{sim.url}/v1/_sim/ledger", headers=headers, timeout=5)
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"


@pytest.fixture
def sim_process(tmp_path):
    """``kiosk provider-sim`` on a free port, in its own data dir; stopped by its own pid."""
    kiosk = shutil.which("kiosk", path=os.path.dirname(sys.executable))
    process = subprocess.Popen(
        [kiosk, "--data-dir", str(tmp_path), "provider-sim", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("operator simulator listening on http://127.0.0.1:"), line
        yield line.split()[-1], tmp_path
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_command_refuses_a_bad_signature_with_401(sim_process):
    url, data_dir = sim_process
    headers = signed() | {HEADER_SIGNATURE: "v1=" + "0" * 64}
    answer = requests.post(url + TARGET, data=BODY, headers=headers, timeout=5)
    assert refusal_code(answer) == "auth_bad_signature"
    assert (data_dir / "operator-sim" / "operator-sim.sqlite").exists()


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_with_a_wrong_signature_gets_401(sim_process):
    url, _ = sim_process
    headers = signed(key="not-the-key")
    command = ["curl", "-s", "-o", "-", "-w", "\n%{http_code}", "-X", "POST", "--data", "{}"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url + TARGET], capture_output=True, text=True,
                            timeout=30, check=True).stdout
    body, status = output.rsplit("\n", 1)
    assert status == "401"
    assert json.loads(body)["error"]["code"] == "auth_bad_signature"


def test_the_command_refuses_bad_options(tmp_path):
    kiosk = shutil.which("kiosk", path=os.path.dirname(sys.executable))
    result = subprocess.run(
        [kiosk, "--data-dir", str(tmp_path), "provider-sim", "--fault", "meteor"],
        capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 2
    assert "kind must be one of" in result.stderr


def test_malformed_requests_get_a_clear_refusal(sim):
    too_big = requests.post(sim.url + TARGET, data=b"x" * 70_000, timeout=5)
    assert (too_big.status_code, too_big.json()["error"]["code"]) == (413, "bad_request")
    headers = sign_headers(demo.DEMO_KIOSK_KEY, demo.DEMO_KIOSK_ID, "POST", TARGET, b"{nope")
    not_json = requests.post(sim.url + TARGET, data=b"{nope", headers=headers, timeout=5)
    assert (not_json.status_code, not_json.json()["error"]["code"]) == (400, "bad_request")
    headers = sign_headers(demo.DEMO_KIOSK_KEY, demo.DEMO_KIOSK_ID, "PATCH", TARGET, b"{}")
    wrong_method = requests.patch(sim.url + TARGET, data=b"{}", headers=headers, timeout=5)
    assert (wrong_method.status_code, wrong_method.json()["error"]["code"]) == (
        405, "method_not_allowed")


@pytest.mark.parametrize(("body", "field"), [
    (b'{"transaction_id": "spaces are not allowed"}', None),
    (b'{"transaction_id": "tx-1"}', "$.iccid"),
    (b'{"transaction_id": "tx-1", "iccid": 8970199}', "$.iccid"),
    (b"[]", None),
])
def test_a_malformed_renewal_request_is_refused_and_records_nothing(sim, body, field):
    headers = sign_headers(demo.DEMO_KIOSK_KEY, demo.DEMO_KIOSK_ID, "POST", "/v1/renewals", body)
    answer = requests.post(sim.url + "/v1/renewals", data=body, headers=headers, timeout=5)
    error = answer.json()["error"]
    assert (answer.status_code, error["code"], error["category"]) == (
        400, "bad_request", "operational")
    assert error["details"].get("field") == field
    assert sim.ledger() == []
