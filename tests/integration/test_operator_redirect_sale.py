"""A whole sale, through the real engine, checkout, journal, payment simulator and operator
simulator, against an operator whose front answers 307 to the renewal create.

Today's defect (issue 12, section 1): the client followed the 307, re-sent the signed renewal to
the Location host and took its "applied": the customer was charged, the screen said done, and
the operator never saw the renewal. Now the create is *unknown*, read back by our id, and the
sale never ends done without the operator's own ledger holding the renewal.
"""

from __future__ import annotations

import http.client
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from kiosk import app
from kiosk import config as config_mod
from kiosk.core.renewal import RenewalStatus
from kiosk.core.transaction import TxState
from kiosk.demo import headless
from kiosk.flow.checkout import Retry
from kiosk.provider import demo_data
from kiosk.provider.client import OperatorClient
from tests.integration.hostile_http import HostileServer, json_answer, renewal
from tests.recovery.money_rule import check


class Front:
    """A small front in front of the real operator simulator: forwards every request as it
    came, except what ``redirect(n)`` says to answer with a 307 (n: the create's number)."""

    def __init__(self, upstream: str, elsewhere: str, mode: str) -> None:
        self.upstream = urlsplit(upstream)
        self.elsewhere = elsewhere
        self.mode = mode
        self.log: list[tuple[str, str, int]] = []
        self.creates = 0
        self._lock = threading.Lock()
        front = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                front.handle(self)

            do_POST = do_GET

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Front:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(10)

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        body = request.rfile.read(int(request.headers.get("Content-Length", "0")))
        is_create = request.command == "POST" and request.path == "/v1/renewals"
        with self._lock:
            self.creates += is_create
            number = self.creates
        redirect = is_create and (
            self.mode == "always" or (self.mode == "first" and number == 1)
            or self.mode == "after_forwarding")
        if redirect and self.mode == "after_forwarding":
            self.forward(request, body)  # the operator acts; the kiosk gets only a redirect
        if redirect:
            self.log.append((request.command, request.path, 307))
            request.send_response(307)
            request.send_header("Location", f"{self.elsewhere}/v1/renewals")
            request.send_header("Content-Length", "0")
            request.end_headers()
            return
        status, headers, answer = self.forward(request, body)
        self.log.append((request.command, request.path, status))
        request.send_response(status)
        for name, value in headers:
            if name.lower() in ("content-type", "content-length", "retry-after"):
                request.send_header(name, value)
        request.end_headers()
        request.wfile.write(answer)

    def forward(self, request, body):
        conn = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=10)
        try:
            headers = {k: v for k, v in request.headers.items() if k.lower() != "host"}
            conn.request(request.command, request.path, body=body, headers=headers)
            answer = conn.getresponse()
            return answer.status, answer.getheaders(), answer.read()
        finally:
            conn.close()


@pytest.fixture
def elsewhere():
    """The host the Location names: it would say "applied" to any renewal sent to it."""

    def respond(conn, request):
        sent = json.loads(request.body or b"{}")  # echoes the renewal, as a forger would
        answer = renewal(sent.get("transaction_id", "tx"), sent.get("amount", {}).get("minor", 1))
        answer["offer_id"] = sent.get("offer_id", "validity-5d")
        server.send(conn, json_answer(200, answer, Connection="close"))

    server = HostileServer(respond)
    with server:
        yield server


def sale(tmp_path, elsewhere, mode):
    """One headless renewal through the real parts, the operator client pointed at the front."""
    data_dir = tmp_path / "data"
    cfg = config_mod.load(None)
    kiosk = app.build(cfg, data_dir)
    sim = kiosk.simulators["operator"]
    try:
        with Front(sim.url, elsewhere.url, mode) as front:
            client = OperatorClient.from_config(cfg, base_url=front.url,
                                                sleep=lambda _s: None)
            kiosk.operator = client
            kiosk._closers.append(client.close)
            kiosk.retry = Retry(attempts=3, first_delay_s=0.0)
            out = io.StringIO()
            final = headless(kiosk, demo_data.ICCID_ACTIVE, "validity-5d", "en", out)
            (tx,) = kiosk.journal.all()
            events = [(e["step"], e["kind"], e["data"].get("outcome"))
                      for e in kiosk.journal.events(tx.tx_id)]
            ledger = {e.transaction_id: e.status for e in sim.ledger()}
    finally:
        kiosk.close()
    return final, tx, events, ledger, front.log, data_dir


def renewal_steps(events):
    return [e for e in events if e[0].startswith("renewal.")]


def renewal_calls(log):
    return [entry for entry in log if entry[1].startswith("/v1/renewals")]


def test_a_create_redirected_once_is_read_back_by_our_id_and_sent_again_under_it(
        tmp_path, elsewhere):
    final, tx, events, ledger, log, data_dir = sale(tmp_path, elsewhere, "first")
    assert elsewhere.requests == []  # the signed renewal never left for the other host
    assert renewal_calls(log) == [
        ("POST", "/v1/renewals", 307),
        ("GET", f"/v1/renewals/{tx.tx_id}", 404),
        ("POST", "/v1/renewals", 201),
    ]
    assert renewal_steps(events) == [
        ("renewal.create", "intent", None),
        ("renewal.create", "result", "unknown"),
        ("renewal.create", "result", "applied"),
    ]
    assert final == "done" and tx.state is TxState.DONE
    assert ledger == {tx.tx_id: RenewalStatus.APPLIED}
    assert check(data_dir) == []


def test_a_create_the_operator_applied_but_answered_with_a_redirect_is_found_by_our_id(
        tmp_path, elsewhere):
    final, tx, events, ledger, log, data_dir = sale(tmp_path, elsewhere, "after_forwarding")
    assert elsewhere.requests == []
    assert renewal_calls(log) == [
        ("POST", "/v1/renewals", 307),
        ("GET", f"/v1/renewals/{tx.tx_id}", 200),
    ]
    assert renewal_steps(events) == [
        ("renewal.create", "intent", None),
        ("renewal.create", "result", "unknown"),
        ("renewal.lookup", "result", "applied"),
    ]
    assert final == "done" and tx.state is TxState.DONE
    assert ledger == {tx.tx_id: RenewalStatus.APPLIED}
    assert check(data_dir) == []


def test_an_operator_that_always_redirects_the_create_never_gets_a_sale_done(
        tmp_path, elsewhere):
    final, tx, events, ledger, log, _data_dir = sale(tmp_path, elsewhere, "always")
    assert elsewhere.requests == []
    assert ledger == {}
    assert final != "done" and tx.state is not TxState.DONE
    assert renewal_steps(events)[:2] == [("renewal.create", "intent", None),
                                         ("renewal.create", "result", "unknown")]
    assert ("GET", f"/v1/renewals/{tx.tx_id}", 404) in log  # read back by our id


def test_an_operator_that_always_redirects_the_create_gets_the_money_returned(
        tmp_path, elsewhere):
    final, tx, _events, ledger, _log, data_dir = sale(tmp_path, elsewhere, "always")
    assert ledger == {}
    assert check(data_dir) == []
    assert tx.state in (TxState.REVERSED, TxState.REFUNDED), final
