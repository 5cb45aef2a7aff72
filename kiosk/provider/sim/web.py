"""The HTTP side of a simulator: an aiohttp application on its own event loop thread.

aiohttp's server parses HTTP (chunked bodies, header limits, keep-alive), routes with
``405`` and ``Allow`` and closes idle connections; this module adds what a reference server
for kiosks needs on top: a cap on open connections, a deadline for each request to arrive,
requests with a ``Transfer-Encoding`` refused, and every error page, whatever its cause, in
the operator API's JSON envelope. An asyncio server holds a stalled connection for the
price of a socket, not a thread, so sixty stalled clients starve nobody.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import LineTooLong
from aiohttp.web_protocol import RequestHandler

from kiosk.core.errors import Category
from kiosk.provider.sim.errors import ApiError, operational_error

log = logging.getLogger(__name__)

JSON_TYPE = "application/json; charset=utf-8"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class HttpLimits:
    """What one client may hold: the defaults suit a kiosk; tests make them small."""

    read_timeout_s: float = 10.0  # for a request's head and body to arrive; idle keep-alive too
    max_connections: int = 64  # open at once; one more is answered 503 and closed
    max_body: int = 64 * 1024
    max_header_line: int = 8190  # one header line or the request line, in bytes
    max_headers: int = 64


_CODES = {
    400: "bad_request", 404: "not_found", 405: "method_not_allowed", 408: "request_timeout",
    411: "length_required", 413: "bad_request", 431: "headers_too_large",
    503: "unavailable",
}


def error_envelope(status: int, message: str) -> dict[str, Any]:
    """A refusal that came from HTTP itself (routing, limits), in the API's one envelope."""
    category = Category.TRANSIENT if status >= 500 else Category.OPERATIONAL
    code = _CODES.get(status, "internal_error" if status >= 500 else "bad_request")
    return ApiError(status, code, category, message).envelope()


def json_response(status: int, payload: Any, **headers: str) -> web.Response:
    body = json.dumps(payload, ensure_ascii=False).encode()
    return web.Response(status=status, body=body, headers={"Content-Type": JSON_TYPE} | headers)


def _raw_answer(status: int, message: str) -> bytes:
    """A whole HTTP answer as bytes, for a connection that never got as far as a request."""
    body = json.dumps(error_envelope(status, message)).encode()
    head = (f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\nContent-Type: {JSON_TYPE}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n")
    return head.encode() + body


class _Protocol(RequestHandler):
    """aiohttp's connection handler with a connection cap and JSON error pages."""

    max_connections = HttpLimits.max_connections

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        manager = self._manager
        if manager is not None and len(manager.connections) > self.max_connections:
            assert isinstance(transport, asyncio.Transport)
            transport.write(_raw_answer(503, "too many connections: try again later"))
            self.force_close()
            transport.close()

    def handle_error(
        self, request: Any, status: int = 500, exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        """aiohttp's own refusals (bad request line, header limits...) as JSON; 431 for size."""
        if isinstance(exc, LineTooLong) or (message or "").startswith("Too many headers"):
            status = 431
        if status >= 500:
            log.error("sim.http_error", exc_info=exc)
        text = "internal error" if status >= 500 else (message or HTTPStatus(status).phrase)
        response = json_response(status, error_envelope(status, text.splitlines()[0][:200]))
        response.force_close()
        return response


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Routing and size refusals (404, 405 with Allow, 413) in the envelope; bodies must say
    their length, since a chunked body is what a proxy in the middle would garble."""
    if "Transfer-Encoding" in request.headers:
        response = json_response(411, error_envelope(
            411, "send the body with a Content-Length, not a Transfer-Encoding"))
        response.force_close()
        return response
    try:
        return await handler(request)
    except ApiError as exc:
        response = json_response(exc.status, exc.envelope())
    except web.HTTPException as exc:
        headers = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else {}
        message = {404: "no such endpoint", 405: f"{request.method} is not allowed here",
                   413: "the body is too large"}.get(exc.status, exc.reason)
        response = json_response(exc.status, error_envelope(exc.status, message), **headers)
    if response.status in (408, 413):
        response.force_close()  # the unread rest of the body would garble the next request
    return response


async def read_body(request: web.Request, limits: HttpLimits) -> bytes:
    """The whole body, within the size cap and the read deadline (a trickle is refused)."""
    length = request.content_length
    if length is not None and length > limits.max_body:
        raise web.HTTPRequestEntityTooLarge(max_size=limits.max_body, actual_size=length)
    try:
        return await asyncio.wait_for(request.read(), limits.read_timeout_s)
    except TimeoutError:
        raise operational_error(408, "request_timeout", "the body did not arrive in time") from None


def hang_up(request: web.Request) -> None:
    """Close the connection now: the client sees it drop, with no answer."""
    request.protocol.force_close()
    transport = request.transport
    if transport is not None:
        transport.abort()


class WebServer:
    """Serves ``app`` on a socket bound at once (so the URL is known) from a loop thread."""

    def __init__(self, app: web.Application, host: str, port: int, limits: HttpLimits) -> None:
        self.limits = limits
        self.app = app
        self.socket = socket.create_server((host, port), backlog=128)
        self.socket.setblocking(False)
        self.loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self.socket.getsockname()[1]

    async def _open(self) -> None:
        runner = web.AppRunner(self.app, handle_signals=False, access_log=None,
                               shutdown_timeout=5.0)
        await runner.setup()
        manager = runner.server
        assert manager is not None
        limits = self.limits

        def make() -> RequestHandler:
            handler = _Protocol(
                manager, loop=self.loop, keepalive_timeout=limits.read_timeout_s,
                max_line_size=limits.max_header_line, max_field_size=limits.max_header_line,
                max_headers=limits.max_headers, access_log=None, lingering_time=0.5,
            )
            handler.max_connections = limits.max_connections
            return handler

        self._runner = runner
        self._server = await self.loop.create_server(make, sock=self.socket)

    def start(self) -> None:
        self.loop.run_until_complete(self._open())
        self._thread = threading.Thread(target=self.loop.run_forever, name="sim-http",
                                        daemon=True)
        self._thread.start()

    def serve_forever(self) -> None:
        """In this thread until interrupted (Ctrl-C), then closed."""
        self.loop.run_until_complete(self._open())
        try:
            self.loop.run_forever()
        finally:
            self.loop.run_until_complete(self._close())
            self.loop.close()

    def call_soon(self, callback: Callable[[], Any]) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is already closed
            self.loop.call_soon_threadsafe(callback)

    async def _close(self) -> None:
        if self._server is not None:
            self._server.close()
        if self._runner is not None:
            await self._runner.cleanup()
        self._server = self._runner = None

    def stop(self) -> None:
        """Stop listening, hang up every connection, end the loop thread."""
        if self._thread is None:  # bound, never served
            self.socket.close()
            self.loop.close()
            return
        future = asyncio.run_coroutine_threadsafe(self._close(), self.loop)
        with contextlib.suppress(Exception):
            future.result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join()
        self._thread = None
        self.loop.close()
        self.socket.close()
