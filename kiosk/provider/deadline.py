"""One overall deadline per operator call, enforced at the socket.

requests' read timeout bounds each socket read, not the call: a server trickling one byte
every half second keeps a call with a 2 s read timeout alive for as long as it likes, in the
headers as well as the body. Here every connection's socket is wrapped so that each read and
write waits at most for the time the current call has left (and never longer than the read
timeout); once none is left it fails as a timeout. The wrapper also notes whether any byte of
the request went out, which is what decides whether a failed renewal create is *unknown*.

Not bounded by it: name resolution (getaddrinfo blocks in C) and the TLS handshake, whose
reads wait at most the connect timeout each, as before.

The current attempt is a context variable: requests runs synchronously on the calling thread,
so the socket sees exactly the call that is using it. A socket used outside any attempt
behaves as a plain one.
"""

from __future__ import annotations

import io
import socket
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool


class DeadlinePassed(TimeoutError):
    """The call's overall deadline passed; a socket timeout, so every layer treats it as one."""


@dataclass
class Deadline:
    """When a whole call (every attempt, every read) must be over, on ``clock``."""

    ends_at: float
    clock: Callable[[], float]
    per_read_s: float

    @classmethod
    def after(cls, seconds: float, clock: Callable[[], float], per_read_s: float) -> Deadline:
        return cls(clock() + seconds, clock, per_read_s)

    def left(self) -> float:
        return self.ends_at - self.clock()

    def passed(self) -> bool:
        return self.left() <= 0

    def wait_s(self) -> float:
        """How long the next socket operation may block; raises once nothing is left."""
        left = self.left()
        if left <= 0:
            raise DeadlinePassed("the call's deadline has passed")
        return min(self.per_read_s, left)

    def timeouts(self, connect_s: float, read_s: float) -> tuple[float, float]:
        left = max(self.left(), 0.001)
        return min(connect_s, left), min(read_s, left)


@dataclass
class Attempt:
    """One request of a call; ``sent`` once any byte of it was handed to the socket."""

    deadline: Deadline
    sent: bool = False


_CURRENT: ContextVar[Attempt | None] = ContextVar("operator_attempt", default=None)


@contextmanager
def attempt(deadline: Deadline):
    current = Attempt(deadline)
    token = _CURRENT.set(current)
    try:
        yield current
    finally:
        _CURRENT.reset(token)


class BoundedSocket:
    """A connected socket whose reads and writes obey the current attempt's deadline."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)

    def _bound(self, sending: bool = False) -> None:
        current = _CURRENT.get()
        if current is None:
            return
        wait_s = current.deadline.wait_s()  # raises before anything is sent once it is late
        if sending:
            current.sent = True
        self._sock.settimeout(wait_s)

    def makefile(self, mode: str = "r", buffering: int | None = None, **kwargs: Any) -> Any:
        """http.client reads the answer through ``makefile("rb")``: route it through us."""
        if mode != "rb":
            return self._sock.makefile(mode, buffering, **kwargs)
        raw = socket.SocketIO(self, "rb")  # type: ignore[arg-type]
        self._sock._io_refs += 1  # type: ignore[attr-defined]  # as socket.makefile does
        return io.BufferedReader(raw, buffering if buffering and buffering > 0 else 65536)

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        self._bound()
        return self._sock.recv_into(buffer, nbytes, flags)

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        self._bound()
        return self._sock.recv(bufsize, flags)

    def sendall(self, data: Any, flags: int = 0) -> None:
        self._bound(sending=True)
        self._sock.sendall(data, flags)

    def send(self, data: Any, flags: int = 0) -> int:
        self._bound(sending=True)
        return self._sock.send(data, flags)


class _Connection(HTTPConnection):
    def connect(self) -> None:
        super().connect()
        self.sock = BoundedSocket(self.sock)  # type: ignore[assignment]


class _TlsConnection(HTTPSConnection):
    """Wrapped once the handshake is done: ``ssl`` needs the real socket to wrap."""

    def connect(self) -> None:
        super().connect()
        self.sock = BoundedSocket(self.sock)  # type: ignore[assignment]


class _Pool(HTTPConnectionPool):
    ConnectionCls = _Connection


class _TlsPool(HTTPSConnectionPool):
    ConnectionCls = _TlsConnection


_POOLS = {"http": _Pool, "https": _TlsPool}


class BoundedAdapter(HTTPAdapter):
    """A requests adapter whose connections use ``BoundedSocket``; mount it for http(s)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_POOLS)

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **kwargs)
        manager.pool_classes_by_scheme = dict(_POOLS)
        return manager
