"""The operator simulator: docs/operator-api.yaml served over real HTTP.

Runs in-process for tests and the demo (``OperatorSimulator(data_dir).start()``, then
``.url`` and ``.stop()``) or as ``kiosk provider-sim``. Requests are authenticated exactly as
the real operator would; faults make it misbehave on purpose. The ``/_sim/...`` endpoints
(OTP codes, ledger, faults, clock) exist only here, for tests and demos, and need no
signature.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

from aiohttp import web

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
from kiosk.provider.sim.web import (
    JSON_TYPE,
    HttpLimits,
    WebServer,
    hang_up,
    json_errors,
    json_response,
    read_body,
)

log = logging.getLogger(__name__)

FAULT_HEADER = "X-Sim-Fault"
Answer = tuple[int, Any]
Operation = Callable[..., Answer]


def _routes(op: SimOperator) -> list[tuple[str, str, Operation]]:
    """The operator API: (method, path, operation(kiosk_id, body, outcome, **path_values))."""
    return [
        ("GET", "/v1/cards/{iccid}", lambda k, b, o, iccid: (200, op.card_json(iccid))),
        ("GET", "/v1/cards/{iccid}/offers", lambda k, b, o, iccid: (
            200, op.offers_json(iccid))),
        ("POST", "/v1/cards/{iccid}/otp", lambda k, b, o, iccid: (
            201, op.send_otp(iccid, b))),
        ("POST", "/v1/otp/{challenge}/verify", lambda k, b, o, challenge: (
            200, op.verify_otp(challenge, b))),
        ("GET", "/v1/renewals", lambda k, b, o, query: (
            200, op.renewals_json(k, query.get("since")))),
        ("POST", "/v1/renewals", lambda k, b, o: op.create_renewal(k, b, o)),
        ("GET", "/v1/renewals/{tx}", lambda k, b, o, tx: (
            200, op.renewal_json(op.renewal(k, tx)))),
        ("POST", "/v1/renewals/{tx}/cancel", lambda k, b, o, tx: (
            200, op.cancel_renewal(k, tx, b))),
    ]


def _parse_json(body: bytes) -> Any:
    if not body.strip():
        return {}
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
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


def _outcome(kinds: Mapping[FaultKind, Fault]) -> RenewalStatus | None:
    if FaultKind.RENEWAL_FAILED in kinds:
        return RenewalStatus.FAILED
    if FaultKind.RENEWAL_PENDING in kinds:
        return RenewalStatus.PENDING
    return None


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


class _Api:
    """The HTTP face of one simulator: authenticate, play faults, call the operator."""

    def __init__(self, sim: OperatorSimulator) -> None:
        self.sim = sim
        self.stopped = asyncio.Event()  # set on the loop when the simulator stops

    def application(self, routes: list[tuple[str, str, Operation]]) -> web.Application:
        app = web.Application(middlewares=[json_errors],
                              client_max_size=self.sim.limits.max_body)
        for method, path, operation in routes:
            app.router.add_route(method, path, self._endpoint(operation))
        app.router.add_route("*", "/_sim/{name}", self._test_endpoint)
        return app

    def _endpoint(self, operation: Operation) -> Callable[[web.Request], Any]:
        async def handle(request: web.Request) -> web.StreamResponse:
            return await self._handle(request, operation)

        return handle

    async def _handle(self, request: web.Request, operation: Operation) -> web.StreamResponse:
        sim = self.sim
        method, path = request.method, request.path
        body = await read_body(request, sim.limits)
        try:
            kiosk_id = sim.verifier.verify(method, request.raw_path, request.headers, body)
        except AuthError as exc:
            event(log, "sim.auth_refused", level=logging.WARNING, error_code=exc.code)
            error = ApiError(401, exc.code, Category.OPERATIONAL, exc.reason)
            return json_response(401, error.envelope())
        try:  # faults only for an authenticated kiosk: a stranger cannot steer the operator
            faults = sim.faults.take(method, path) + _header_faults(request)
        except ValueError as exc:
            return json_response(400, operational_error(400, "bad_fault", str(exc)).envelope())
        kinds = {fault.kind: fault for fault in faults}
        for fault in faults:
            if fault.kind is FaultKind.LATENCY:
                await self._pause(fault.delay_ms / 1000)
        if FaultKind.DROP_BEFORE in kinds or sim.stopping.is_set():
            return self._drop(request, "drop_before")
        if FaultKind.SERVER_ERROR in kinds:
            status = kinds[FaultKind.SERVER_ERROR].status
            error = ApiError(status, "unavailable", Category.TRANSIENT, "operator unavailable")
            return json_response(status, error.envelope())
        values: dict[str, Any] = dict(request.match_info)
        if method == "GET" and path == "/v1/renewals":  # the one operation with a query
            values["query"] = dict(request.query)
        status, payload = await asyncio.get_running_loop().run_in_executor(
            sim.workers, self._operate, operation, kiosk_id, body, _outcome(kinds), values)
        if FaultKind.DROP_AFTER in kinds:
            return self._drop(request, "drop_after")
        event(log, "sim.request", method=method, path=redact_text(path), http_code=status)
        spoiler = next((f for f in faults if f.kind in RESPONSE_FAULTS), None)
        if spoiler is not None and status < 400:
            raw, content_type = _spoil(spoiler, payload)
            return web.Response(status=status, body=raw, headers={"Content-Type": content_type})
        return json_response(status, payload)

    def _operate(
        self, operation: Operation, kiosk_id: str, body: bytes, outcome: RenewalStatus | None,
        values: dict[str, Any],
    ) -> Answer:
        """In a worker thread: the operator's logic blocks on SQLite, the loop must not."""
        with self.sim.in_flight:
            try:
                return operation(kiosk_id, _parse_json(body), outcome, **values)
            except ApiError as exc:
                return exc.status, exc.envelope()
            except Exception:
                log.exception("sim.internal_error")
                error = ApiError(500, "internal_error", Category.TRANSIENT, "internal error")
                return 500, error.envelope()

    async def _pause(self, seconds: float) -> None:
        """A latency fault; cut short when the simulator stops, as a server going down."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stopped.wait(), seconds)

    def _drop(self, request: web.Request, why: str) -> web.StreamResponse:
        event(log, "sim.connection_dropped", method=request.method,
              path=redact_text(request.path), fault=why)
        hang_up(request)
        return web.Response(status=204)  # never written: the connection is gone

    async def _test_endpoint(self, request: web.Request) -> web.StreamResponse:
        body = await read_body(request, self.sim.limits)
        try:
            status, payload = test_api.dispatch(
                self.sim, request.method, request.path, parse_qs(request.query_string),
                _parse_json(body),
            )
        except ApiError as exc:
            status, payload = exc.status, exc.envelope()
        except (OverflowError, ValueError) as exc:  # e.g. a clock moved past year 9999
            status, payload = 400, operational_error(400, "bad_request", str(exc)).envelope()
        return json_response(status, payload)


def _header_faults(request: web.Request) -> list[Fault]:
    spec = request.headers.get(FAULT_HEADER)
    return [Fault.from_spec(spec)] if spec else []


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
        limits: HttpLimits | None = None,
    ) -> None:
        self.clock = clock or SimClock()
        self.faults = FaultPlan(list(faults))
        self.limits = limits or HttpLimits()
        self.store = SimStore(Path(data_dir), self.clock.now())
        keys = dict(keys or {DEMO_KIOSK_ID: DEMO_KIOSK_KEY})
        self.verifier = Verifier(keys, window_s, auth_clock, nonces=self.store.nonces(window_s))
        self.otp = OtpDesk(otp_limits, book=self.store)
        self.operator = SimOperator(self.store, self.clock.now, ZoneInfo(timezone), self.otp)
        self.routes = _routes(self.operator)
        self._host, self._port = host, port
        self._web: WebServer | None = None
        self._api: _Api | None = None
        self.workers = ThreadPoolExecutor(4, thread_name_prefix="operator-sim")
        # A stopping simulator answers nothing more, like a server going down, and lets the
        # requests already being processed finish before its ledger closes under them.
        self.stopping = threading.Event()
        self.in_flight = _InFlight()
        self._closed = False

    def bind(self) -> OperatorSimulator:
        """Open the listening socket, so ``url`` is known before serving starts."""
        if self._web is None:
            self._api = _Api(self)
            app = self._api.application(self.routes)
            self._web = WebServer(app, self._host, self._port, self.limits)
            event(log, "sim.listening", url=self.url)
        return self

    def start(self) -> OperatorSimulator:
        """Serve in a background thread (tests, the demo)."""
        web_server = self.bind()._web
        assert web_server is not None
        web_server.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted (the command line)."""
        web_server = self.bind()._web
        assert web_server is not None
        try:
            web_server.serve_forever()
        finally:
            self._close()

    def stop(self) -> None:
        self.stopping.set()
        web_server, api = self._web, self._api
        if web_server is not None and api is not None:
            web_server.call_soon(api.stopped.set)
            web_server.stop()
        self._close()

    def _close(self) -> None:
        self.stopping.set()
        if self._closed:
            return
        self._closed = True
        self.in_flight.wait_idle(timeout_s=5.0)
        self.workers.shutdown(wait=True)
        self.store.close()


    def __enter__(self) -> OperatorSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._web is None:
            raise RuntimeError("the simulator is not running")
        return self._web.port

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
