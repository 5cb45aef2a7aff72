"""The operator simulator: docs/operator-api.yaml served over real HTTP.

Runs in-process for tests and the demo (``OperatorSimulator(data_dir).start()``, then
``.url`` and ``.stop()``) or as ``kiosk provider-sim``. Requests are authenticated exactly as
the real operator would; faults make it misbehave on purpose. The ``/_sim/...`` endpoints
(OTP codes, ledger, faults, clock) exist only here, for tests and demos, and need no
signature.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote
from zoneinfo import ZoneInfo

from kiosk.core.errors import Category
from kiosk.core.renewal import RenewalStatus
from kiosk.logs import event, redact_text
from kiosk.provider.demo_data import DEMO_KIOSK_ID, DEMO_KIOSK_KEY, TIMEZONE
from kiosk.provider.signing import WINDOW_S, AuthError, Verifier
from kiosk.provider.sim import test_api
from kiosk.provider.sim.clock import SimClock
from kiosk.provider.sim.errors import ApiError, operational_error
from kiosk.provider.sim.faults import RESPONSE_FAULTS, Fault, FaultKind, FaultPlan
from kiosk.provider.sim.operator import SimOperator
from kiosk.provider.sim.otp import OtpDesk, OtpLimits
from kiosk.provider.sim.store import LedgerEntry, SimStore

log = logging.getLogger(__name__)

JSON_TYPE = "application/json; charset=utf-8"
FAULT_HEADER = "X-Sim-Fault"
MAX_BODY = 64 * 1024
Answer = tuple[int, Any]
Route = tuple[str, re.Pattern[str], Callable[..., Answer]]


def _routes(op: SimOperator) -> list[Route]:
    """The operator API: (method, path pattern, handler(kiosk_id, body, outcome, *groups))."""
    return [
        ("GET", re.compile(r"/v1/cards/([^/]+)"), lambda k, b, o, iccid: (
            200, op.card_json(iccid))),
        ("GET", re.compile(r"/v1/cards/([^/]+)/offers"), lambda k, b, o, iccid: (
            200, op.offers_json(iccid))),
        ("POST", re.compile(r"/v1/cards/([^/]+)/otp"), lambda k, b, o, iccid: (
            201, op.send_otp(iccid, b))),
        ("POST", re.compile(r"/v1/otp/([^/]+)/verify"), lambda k, b, o, challenge: (
            200, op.verify_otp(challenge, b))),
        ("POST", re.compile(r"/v1/renewals"), lambda k, b, o: op.create_renewal(k, b, o)),
        ("GET", re.compile(r"/v1/renewals/([^/]+)"), lambda k, b, o, tx: (
            200, op.renewal_json(op.renewal(k, tx)))),
        ("POST", re.compile(r"/v1/renewals/([^/]+)/cancel"), lambda k, b, o, tx: (
            200, op.cancel_renewal(k, tx, b))),
    ]


def dispatch(routes: Iterable[Route], method: str, path: str, *args: Any) -> Answer:
    """Call the route for ``method path``; 404 for no such path, 405 for a wrong method."""
    path_known = False
    for route_method, pattern, handler in routes:
        match = pattern.fullmatch(path)
        if match is None:
            continue
        path_known = True
        if route_method == method:
            return handler(*args, *(unquote(g) for g in match.groups()))
    if path_known:
        raise operational_error(405, "method_not_allowed", f"{method} is not allowed here")
    raise operational_error(404, "not_found", "no such endpoint")


def _parse_json(body: bytes) -> Any:
    if not body.strip():
        return {}
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise operational_error(400, "bad_request", "the request body is not JSON") from None


def _strip_currency(value: Any) -> Any:
    """Every currency code in an answer replaced, for the wrong-currency fault."""
    if isinstance(value, dict):
        return {k: ("USD" if k == "currency" else _strip_currency(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip_currency(v) for v in value]
    return value


def _spoil(fault: Fault, payload: Any) -> tuple[bytes, str]:
    """The answer a response fault sends instead of ``payload``."""
    if fault.kind is FaultKind.MALFORMED_BODY:
        return json.dumps(payload).encode()[:-7], JSON_TYPE
    if fault.kind is FaultKind.WRONG_CONTENT_TYPE:
        return b"<html><body>502 Bad Gateway</body></html>", "text/html"
    if fault.kind is FaultKind.GARBAGE:
        return bytes(range(256)) * 2, JSON_TYPE
    if fault.kind is FaultKind.WRONG_CURRENCY:
        payload = _strip_currency(payload)
    elif isinstance(payload, dict):
        name = fault.field or next(iter(payload), "")
        payload = {k: v for k, v in payload.items() if k != name}
    return json.dumps(payload).encode(), JSON_TYPE


def _hang_up(connection: socket.socket) -> None:
    """Close both directions now: the client sees the connection drop, with no answer."""
    with contextlib.suppress(OSError):
        connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in separate writes; with Nagle on, the body waits for the
    # client's delayed ACK (about 40 ms a request on loopback keep-alive connections).
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Requests are logged as structured events instead (``sim.request``)."""

    def setup(self) -> None:
        super().setup()
        self.server.connections.add(self.connection)

    def finish(self) -> None:
        self.server.connections.discard(self.connection)
        super().finish()

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def _handle(self, method: str) -> None:
        sim = self.server.sim
        target = self.path
        path, _, query = target.partition("?")
        length = self._body_length()
        if length is None:
            self.close_connection = True  # the unread body would garble the next request
            error = operational_error(413, "bad_request", f"a body is 0 to {MAX_BODY} bytes")
            self._send(413, error.envelope())
            return
        body = self.rfile.read(length) if length else b""
        if path.startswith("/_sim/"):
            self._test_endpoint(method, path, query, body)
            return
        try:
            faults = sim.faults.take(method, path) + self._header_faults()
        except ValueError as exc:
            self._send(400, operational_error(400, "bad_fault", str(exc)).envelope())
            return
        kinds = {fault.kind: fault for fault in faults}
        for fault in faults:
            if fault.kind is FaultKind.LATENCY:
                sim.stopping.wait(fault.delay_ms / 1000)
        if FaultKind.DROP_BEFORE in kinds or sim.stopping.is_set():
            self._drop(method, path, "drop_before")
            return
        if FaultKind.SERVER_ERROR in kinds:
            status = kinds[FaultKind.SERVER_ERROR].status
            error = ApiError(status, "unavailable", Category.TRANSIENT, "operator unavailable")
            self._send(status, error.envelope())
            return
        with sim.in_flight:
            status, payload = self._process(method, path, target, body, kinds)
        if FaultKind.DROP_AFTER in kinds:
            self._drop(method, path, "drop_after")
            return
        spoiler = next((f for f in faults if f.kind in RESPONSE_FAULTS), None)
        if spoiler is not None and status < 400:
            raw, content_type = _spoil(spoiler, payload)
            self._send_raw(status, raw, content_type)
        else:
            self._send(status, payload)
        event(log, "sim.request", method=method, path=redact_text(path), http_code=status)

    def _body_length(self) -> int | None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            return None
        return length if 0 <= length <= MAX_BODY else None

    def _header_faults(self) -> list[Fault]:
        spec = self.headers.get(FAULT_HEADER)
        return [Fault.from_spec(spec)] if spec else []

    def _process(
        self, method: str, path: str, target: str, body: bytes, kinds: Mapping[FaultKind, Fault]
    ) -> Answer:
        sim = self.server.sim
        outcome = None
        if FaultKind.RENEWAL_FAILED in kinds:
            outcome = RenewalStatus.FAILED
        elif FaultKind.RENEWAL_PENDING in kinds:
            outcome = RenewalStatus.PENDING
        try:
            kiosk_id = sim.verifier.verify(method, target, self.headers, body)
            return dispatch(sim.routes, method, path, kiosk_id, _parse_json(body), outcome)
        except AuthError as exc:
            event(log, "sim.auth_refused", level=logging.WARNING, error_code=exc.code)
            return 401, ApiError(401, exc.code, Category.OPERATIONAL, exc.reason).envelope()
        except ApiError as exc:
            return exc.status, exc.envelope()
        except Exception:
            log.exception("sim.internal_error")
            error = ApiError(500, "internal_error", Category.TRANSIENT, "internal error")
            return 500, error.envelope()

    def _test_endpoint(self, method: str, path: str, query: str, body: bytes) -> None:
        try:
            data = _parse_json(body)
            status, payload = test_api.dispatch(
                self.server.sim, method, path, parse_qs(query), data
            )
        except ApiError as exc:
            status, payload = exc.status, exc.envelope()
        self._send(status, payload)

    def _drop(self, method: str, path: str, why: str) -> None:
        event(log, "sim.connection_dropped", method=method, path=redact_text(path), fault=why)
        self.close_connection = True
        _hang_up(self.connection)

    def _send(self, status: int, payload: Any) -> None:
        self._send_raw(status, json.dumps(payload, ensure_ascii=False).encode(), JSON_TYPE)

    def _send_raw(self, status: int, raw: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


class _InFlight:
    """Counts requests inside the operator logic, so closing waits for them."""

    def __init__(self) -> None:
        self._count = 0
        self._idle = threading.Condition()

    def __enter__(self) -> None:
        with self._idle:
            self._count += 1

    def __exit__(self, *exc: object) -> None:
        with self._idle:
            self._count -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout_s: float) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._count == 0, timeout_s)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], sim: OperatorSimulator) -> None:
        self.sim = sim
        self.connections: set[socket.socket] = set()
        super().__init__(address, _Handler)


class OperatorSimulator:
    """The simulated operator on ``host:port`` (0: any free port), state in ``data_dir``."""

    def __init__(
        self,
        data_dir: Path,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        clock: SimClock | None = None,
        keys: Mapping[str, str] | None = None,
        timezone: str = TIMEZONE,
        faults: Iterable[Fault] = (),
        otp_limits: OtpLimits | None = None,
        auth_clock: Callable[[], float] = time.time,
        window_s: int = WINDOW_S,
    ) -> None:
        self.clock = clock or SimClock()
        self.faults = FaultPlan(list(faults))
        keys = dict(keys or {DEMO_KIOSK_ID: DEMO_KIOSK_KEY})
        self.verifier = Verifier(keys, window_s, auth_clock)
        self.store = SimStore(Path(data_dir), self.clock.now())
        self.otp = OtpDesk(otp_limits, book=self.store)
        self.operator = SimOperator(self.store, self.clock.now, ZoneInfo(timezone), self.otp)
        self.routes = _routes(self.operator)
        self._host, self._port = host, port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        # A stopping simulator answers nothing more, like a server going down, and lets the
        # requests already being processed finish before its ledger closes under them.
        self.stopping = threading.Event()
        self.in_flight = _InFlight()

    def bind(self) -> OperatorSimulator:
        """Open the listening socket, so ``url`` is known before serving starts."""
        if self._server is None:
            self._server = _Server((self._host, self._port), self)
            event(log, "sim.listening", url=self.url)
        return self

    def start(self) -> OperatorSimulator:
        """Serve in a background thread (tests, the demo)."""
        server = self.bind()._server
        assert server is not None
        self._thread = threading.Thread(
            target=server.serve_forever, args=(0.05,), name="operator-sim", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted (the command line)."""
        server = self.bind()._server
        assert server is not None
        try:
            server.serve_forever()
        finally:
            self._close()

    def stop(self) -> None:
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
        if self._thread is not None:
            self._thread.join()
        self._close()

    def _close(self) -> None:
        self.stopping.set()
        server, self._server = self._server, None
        if server is not None:
            for connection in list(server.connections):
                _hang_up(connection)
            server.server_close()
        self.in_flight.wait_idle(timeout_s=5.0)
        self.store.close()

    def __enter__(self) -> OperatorSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the simulator is not running")
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self.port}"

    def now(self) -> datetime:
        return self.clock.now()

    def ledger(self) -> list[LedgerEntry]:
        return self.store.ledger()

    def otp_code(self, challenge_id: str) -> str | None:
        """The code last "sent" for a challenge, as the customer's phone would show it."""
        challenge = self.otp.challenge(challenge_id)
        return challenge.code if challenge else None
