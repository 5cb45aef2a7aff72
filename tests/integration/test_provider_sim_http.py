"""The simulator's HTTP edge over raw sockets on loopback: what a careless or hostile client
sends (odd header values, replays, stalls, chunked bodies, huge headers, wrong methods) gets a
clear refusal in the error envelope, and never ties the server up.

Nothing here waits on the clock to pass: each test blocks on a socket until the server
answers or closes it (with a generous socket timeout that only a broken server reaches).
"""

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests
import yaml

from kiosk.provider import demo_data as demo
from kiosk.provider.signing import HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP, sign_headers
from kiosk.provider.sim.web import HttpLimits
from kiosk.provider.testing import add_fault, running_simulator, signed_request

TARGET = f"/v1/cards/{demo.ICCID_ACTIVE}/otp"
CARD = f"/v1/cards/{demo.ICCID_ACTIVE}"
GIVE_UP_S = 30  # a socket that stays silent this long means the server failed the test
DOC = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "docs" / "operator-api.yaml").read_text("utf-8"))


@pytest.fixture
def sim(tmp_path):
    with running_simulator(tmp_path) as sim:
        yield sim


def connect(sim) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", sim.port), timeout=GIVE_UP_S)
    return sock


def request_bytes(method: str, target: str, headers: dict[str, bytes | str], body=b"") -> bytes:
    lines = [f"{method} {target} HTTP/1.1".encode(), b"Host: 127.0.0.1"]
    for name, value in headers.items():
        raw = value if isinstance(value, bytes) else value.encode()
        lines.append(name.encode() + b": " + raw)
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes; a timeout here is a failure."""
    chunks = []
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One answer on a connection that stays open (keep-alive)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"closed before an answer: {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, headers = parse_head(head)
    while len(body) < int(headers.get("content-length", 0)):
        body += sock.recv(65536)
    return status, headers, body


def parse_head(head: bytes) -> tuple[int, dict[str, str]]:
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers


def parse(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    status, headers = parse_head(head)
    return status, headers, body


def envelope(headers: dict[str, str], body: bytes) -> dict:
    assert headers["content-type"].startswith("application/json"), headers
    error = json.loads(body)["error"]
    assert set(error) == {"code", "category", "message", "details"}
    return error


def exchange(sim, data: bytes) -> tuple[int, dict[str, str], bytes]:
    with connect(sim) as sock:
        sock.sendall(data)
        return parse(read_until_closed(sock))


def signed_raw(**override: bytes) -> bytes:
    headers: dict[str, bytes | str] = dict(sign_headers(
        demo.DEMO_KIOSK_KEY, demo.DEMO_KIOSK_ID, "POST", TARGET, b"{}"))
    headers.update(override)
    headers |= {"Content-Length": "2", "Connection": "close"}
    return request_bytes("POST", TARGET, headers, b"{}")


# --- authentication headers of any shape ----------------------------------------------------


@pytest.mark.parametrize(("header", "value", "code"), [
    (HEADER_TIMESTAMP, b"9" * 5000, "auth_bad_timestamp"),
    (HEADER_TIMESTAMP, b"\xb2" * 10, "auth_bad_timestamp"),  # superscript two in latin-1
    (HEADER_TIMESTAMP, "١٧٦٤٦٧٠٠٠٠".encode(), "auth_bad_timestamp"),
    (HEADER_SIGNATURE, ("v1=" + "é" * 64).encode(), "auth_bad_signature"),
    (HEADER_NONCE, b"abc123", "auth_bad_nonce"),
    (HEADER_NONCE, b"g" * 32, "auth_bad_nonce"),
    (HEADER_NONCE, b"a" * 129, "auth_bad_nonce"),
    (HEADER_NONCE, ("é" * 16).encode(), "auth_bad_nonce"),
])
def test_odd_authentication_values_are_401_in_the_envelope(sim, header, value, code):
    status, headers, body = exchange(sim, signed_raw(**{header: value}))
    assert status == 401
    error = envelope(headers, body)
    assert (error["code"], error["category"]) == (code, "operational")


def test_a_request_replayed_after_a_restart_is_refused(tmp_path):
    raw = signed_raw()
    with running_simulator(tmp_path) as sim:
        assert exchange(sim, raw)[0] == 201
    with running_simulator(tmp_path) as sim:
        status, headers, body = exchange(sim, raw)
    assert status == 401
    assert envelope(headers, body)["code"] == "auth_replayed"


# --- connections that stall, and too many of them -------------------------------------------


@pytest.mark.parametrize("sent", [
    b"",
    b"GET " + CARD.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n",
])
def test_a_stalled_connection_is_closed_after_the_read_timeout(tmp_path, sent):
    limits = HttpLimits(read_timeout_s=0.2)
    with running_simulator(tmp_path, limits=limits) as sim, connect(sim) as sock:
        sock.sendall(sent)
        assert read_until_closed(sock) == b""  # closed by the server, nothing answered


def test_a_trickled_body_is_refused_with_408(tmp_path):
    limits = HttpLimits(read_timeout_s=0.2)
    with running_simulator(tmp_path, limits=limits) as sim, connect(sim) as sock:
        sock.sendall(request_bytes("POST", TARGET, {"Content-Length": "100"}, b'{"ph'))
        status, headers, body = parse(read_until_closed(sock))
    assert status == 408
    assert envelope(headers, body)["code"] == "request_timeout"


def test_connections_over_the_cap_get_503_and_the_others_keep_working(tmp_path):
    limits = HttpLimits(max_connections=3, read_timeout_s=GIVE_UP_S)
    with running_simulator(tmp_path, limits=limits) as sim:
        held = [connect(sim) for _ in range(3)]
        try:
            for sock in held:  # an answer proves the server counts the connection
                sock.sendall(request_bytes("GET", CARD, {}))
                assert read_response(sock)[0] == 401
            with connect(sim) as extra:
                status, headers, body = parse(read_until_closed(extra))
            assert status == 503
            assert envelope(headers, body)["category"] == "transient"
            held[0].sendall(request_bytes("GET", CARD, {}))
            assert read_response(held[0])[0] == 401
        finally:
            for sock in held:
                sock.close()


def test_many_stalled_connections_are_all_closed(tmp_path):
    limits = HttpLimits(max_connections=10, read_timeout_s=0.2)
    with running_simulator(tmp_path, limits=limits) as sim:
        stalled = [connect(sim) for _ in range(30)]
        try:
            for sock in stalled:
                sock.sendall(b"GET / HTTP/1.1\r\n")
            answers = [read_until_closed(sock) for sock in stalled]
        finally:
            for sock in stalled:
                sock.close()
        assert {parse(a)[0] for a in answers if a} <= {503}
        assert requests.get(sim.url + CARD, timeout=GIVE_UP_S).status_code == 401


# --- bodies, methods and error pages --------------------------------------------------------


def test_a_chunked_body_is_refused_with_411_and_never_read_as_a_request(sim):
    chunked = request_bytes("POST", TARGET, {"Transfer-Encoding": "chunked"},
                            b"2\r\n{}\r\n0\r\n\r\n")
    with connect(sim) as sock:
        sock.sendall(chunked)
        raw = read_until_closed(sock)
    assert raw.count(b"HTTP/1.1 ") == 1  # one answer: the chunks were not a second request
    status, headers, body = parse(raw)
    assert status == 411
    assert envelope(headers, body)["code"] == "length_required"


def test_the_fault_header_is_honoured_only_after_authentication(sim):
    for fault in ("server_error,status=503", "drop_before"):
        answer = requests.get(sim.url + CARD, headers={"X-Sim-Fault": fault}, timeout=5)
        assert answer.status_code == 401
    add_fault(sim, kind="drop_before", method="GET", path="/v1/cards")
    assert requests.get(sim.url + CARD, timeout=5).status_code == 401
    pending = requests.get(f"{sim.url}/_sim/faults", timeout=5).json()["faults"]
    assert [f["kind"] for f in pending] == ["drop_before"]  # a stranger did not use it up
    with pytest.raises(requests.ConnectionError):  # the kiosk's own request meets it
        signed_request(sim, "GET", CARD)
    answer = signed_request(sim, "GET", CARD, **{"X-Sim-Fault": "server_error,status=502"})
    assert answer.status_code == 502


def test_a_wrong_method_is_405_with_allow(sim):
    answer = signed_request(sim, "PATCH", TARGET, b"{}")
    assert answer.status_code == 405
    assert answer.headers["Allow"] == "POST"
    assert answer.json()["error"]["code"] == "method_not_allowed"
    answer = requests.delete(sim.url + "/v1/renewals", timeout=5)
    assert (answer.status_code, set(answer.headers["Allow"].split(","))) == (405, {"GET", "POST"})


@pytest.mark.parametrize(("raw", "status"), [
    (request_bytes("GET", CARD, {"X-Padding": "x" * 70_000}), 431),
    (request_bytes("GET", CARD, {f"X-Many-{i}": "1" for i in range(200)}), 431),
    (b"NOT HTTP AT ALL\r\n\r\n", 400),
    (b"GET /v1/cards/x HTTP/9.9\r\n\r\n", 400),
    (request_bytes("GET", "/nowhere", {"Connection": "close"}), 404),
    (request_bytes("POST", TARGET, {"Content-Length": "70000", "Connection": "close"}), 413),
])
def test_http_refusals_are_json_in_the_envelope(sim, raw, status):
    got, headers, body = exchange(sim, raw)
    assert got == status
    assert envelope(headers, body)["category"] == "operational"


# --- the contract says all of it ------------------------------------------------------------


def test_the_contract_declares_every_status_and_header_the_server_uses():
    http_statuses = {"400", "401", "404", "408", "411", "413", "422", "431", "5XX"}
    for path, item in DOC["paths"].items():
        for method, operation in item.items():
            missing = http_statuses - set(operation["responses"])
            assert not missing, f"{method} {path} does not document {sorted(missing)}"
    description = DOC["info"]["description"]
    for said in ("405 method_not_allowed", "`Allow`", "411 length_required",
                 "431 headers_too_large", "503 unavailable", "16 to 128 hex"):
        assert said in description
    schemes = DOC["components"]["securitySchemes"].values()
    assert {s["name"] for s in schemes if s["in"] == "header"} == {
        "X-Kiosk-Id", "X-Kiosk-Timestamp", "X-Kiosk-Nonce", "X-Kiosk-Signature"}
    assert DOC["security"] == [{name: [] for name in DOC["components"]["securitySchemes"]}]


def test_request_bodies_in_the_contract_are_as_strict_as_the_server():
    schemas = DOC["components"]["schemas"]
    for name in ("SendOtpRequest", "VerifyOtpRequest", "RenewalRequest", "CancelRequest",
                 "Money"):
        schema = schemas[name]
        assert schema["additionalProperties"] is False, name
        for field, spec in schema["properties"].items():
            if "string" in str(spec.get("type")):
                assert "minLength" in spec or "pattern" in spec, f"{name}.{field}"


# --- the same limits on the command line ----------------------------------------------------


def kiosk_command() -> str:
    return shutil.which("kiosk", path=os.path.dirname(sys.executable))


def test_the_command_closes_stalled_connections_after_its_read_timeout(tmp_path):
    process = subprocess.Popen(
        [kiosk_command(), "--data-dir", str(tmp_path), "provider-sim", "--port", "0",
         "--read-timeout", "0.2", "--max-connections", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        url = process.stdout.readline().split()[-1]
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=GIVE_UP_S) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\n")
            assert read_until_closed(sock) == b""
    finally:
        process.terminate()
        process.wait(timeout=GIVE_UP_S)


@pytest.mark.parametrize("option", [["--read-timeout", "0"], ["--read-timeout", "nan"],
                                    ["--max-connections", "0"]])
def test_the_command_refuses_bad_limits(tmp_path, option):
    result = subprocess.run(
        [kiosk_command(), "--data-dir", str(tmp_path), "provider-sim", "--port", "0", *option],
        capture_output=True, text=True, timeout=GIVE_UP_S,
    )
    assert result.returncode == 2
    assert option[0] in result.stderr
    assert "Traceback" not in result.stderr
