"""Small hostile HTTP servers on loopback, raw sockets, for what a real operator never sends.

Each connection's request is read whole (head and Content-Length body) and recorded; then the
test's ``respond(conn, request)`` writes whatever it likes. ``sent`` counts the bytes the
server managed to hand to the kernel, so a test can tell how much a client really read
without timing anything.
"""

from __future__ import annotations

import contextlib
import json
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Request:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes


@dataclass
class HostileServer:
    respond: Callable[[socket.socket, Request], None]
    requests: list[Request] = field(default_factory=list)
    sent: int = 0
    stop: threading.Event = field(default_factory=threading.Event)
    tls: ssl.SSLContext | None = None  # serve HTTPS with this context

    def __post_init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self.url = f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._conns: list[socket.socket] = []
        self._accepting = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self) -> HostileServer:
        self._accepting.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self._accepting.join(10)
        for conn in self._conns:  # a client may keep its connection idle in a pool
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(10)
        self._listener.close()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            self._conns.append(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        try:
            if self.tls is not None:
                conn = self.tls.wrap_socket(conn, server_side=True)
            with conn:
                while not self.stop.is_set():
                    request = _read_request(conn)
                    if request is None:
                        return
                    with self._lock:
                        self.requests.append(request)
                    self.respond(conn, request)
        except OSError:
            return

    def send(self, conn: socket.socket, data: bytes) -> None:
        """Send and count; raises OSError once the client has gone."""
        conn.sendall(data)
        with self._lock:
            self.sent += len(data)


def _read_request(conn: socket.socket) -> Request | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        body += chunk
    return Request(method, target, headers, body)


def answer(
    status: int, body: bytes = b"", reason: str = "X", close: bool = False, **headers: str
) -> bytes:
    """One whole HTTP/1.1 answer; header names use _ for -."""
    lines = [f"HTTP/1.1 {status} {reason}"]
    named = {k.replace("_", "-"): v for k, v in headers.items()}
    named.setdefault("Content-Length", str(len(body)))
    if close:
        named["Connection"] = "close"
    lines += [f"{k}: {v}" for k, v in named.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def json_answer(status: int, data: Any, **headers: str) -> bytes:
    return answer(status, json.dumps(data).encode(), Content_Type="application/json", **headers)


def renewal(transaction_id: str, minor: int = 30000, status: str = "applied") -> dict[str, Any]:
    """A renewal answer the client would accept for ``transaction_id``."""
    return {
        "transaction_id": transaction_id, "status": status, "offer_id": "validity-3d",
        "amount": {"minor": minor, "currency": "RUB"}, "promotion_id": None, "bonus_days": 0,
        "reason_code": None, "validity_end": "2026-03-19T09:00:00+00:00",
        "allowances": {"data_mb": 3500, "voice_min": 45, "sms": 20},
        "operator_reference": "OP-EVIL", "created_at": "2026-03-04T09:00:00+00:00",
        "updated_at": "2026-03-04T09:00:00+00:00",
    }
