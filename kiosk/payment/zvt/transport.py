"""One TCP connection to a terminal: whole APDUs in and out, with the specification's
time-outs. Over TCP the APDUs go raw (no DLE/STX framing, no CRC: TCP already checks).

T3 is how long a side waits for the acknowledgement 80 00 of what it sent (5 s in the
specification); ``idle_s`` bounds the silence while the terminal is master (the
specification leaves it to the ECR: a customer takes time, a dead terminal does not answer).
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.payment.zvt import apdu as frame
from kiosk.payment.zvt.apdu import Apdu
from kiosk.payment.zvt.errors import Incomplete, ZvtError

Clock = Callable[[], float]


class ConnectionLost(ZvtError):
    """The TCP connection closed or failed; whatever was in flight has an unknown fate."""


class Timeout(ZvtError):
    """Nothing (or only part of an APDU) arrived in time."""


@dataclass(frozen=True)
class Timeouts:
    connect_s: float = 3.0
    ack_s: float = 5.0  # T3
    idle_s: float = 180.0  # while the terminal is master
    poll_s: float = 0.2  # how often a wait looks at the injected clock again


class Link:
    """Reads and writes APDUs on a connected socket; ``send`` may come from another thread
    (06 B0 while the terminal is master)."""

    def __init__(self, sock: socket.socket, timeouts: Timeouts = Timeouts(),
                 clock: Clock = time.monotonic) -> None:
        self._sock = sock
        self._buf = b""
        self._send_lock = threading.Lock()
        self._timeouts = timeouts
        self._clock = clock
        self.closed = False

    @classmethod
    def connect(cls, host: str, port: int, timeouts: Timeouts = Timeouts(),
                clock: Clock = time.monotonic) -> Link:
        try:
            sock = socket.create_connection((host, port), timeout=timeouts.connect_s)
        except OSError as exc:
            raise ConnectionLost(f"cannot connect to {host}:{port}: {exc}") from None
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return cls(sock, timeouts, clock)

    @property
    def timeouts(self) -> Timeouts:
        return self._timeouts

    def send(self, message: Apdu) -> None:
        with self._send_lock:
            try:
                self._sock.sendall(message.encode())
            except OSError as exc:
                self.close()
                raise ConnectionLost(f"send failed: {exc}") from None

    def receive(self, timeout_s: float) -> Apdu:
        """The next whole APDU; ``Timeout`` when ``timeout_s`` of the clock pass first."""
        deadline = self._clock() + timeout_s
        while True:
            try:
                message, used = frame.decode(self._buf)
            except Incomplete:
                pass
            else:
                self._buf = self._buf[used:]
                return message
            if self._clock() >= deadline:
                raise Timeout(f"no APDU within {timeout_s} s")
            self._fill()

    def _fill(self) -> None:
        if self.closed:
            raise ConnectionLost("connection closed")
        try:
            ready, _, _ = select.select([self._sock], [], [], self._timeouts.poll_s)
            if not ready:
                return
            chunk = self._sock.recv(4096)
        except (OSError, ValueError) as exc:
            self.close()
            raise ConnectionLost(f"receive failed: {exc}") from None
        if not chunk:
            self.close()
            raise ConnectionLost("the other side closed the connection")
        self._buf += chunk

    def peer_closed(self, wait_s: float) -> bool:
        """True when the other side has hung up (data waiting to be read is not a hang-up)."""
        if self.closed:
            return True
        try:
            ready, _, _ = select.select([self._sock], [], [], wait_s)
            return bool(ready) and self._sock.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True

    def close(self) -> None:
        self.closed = True
        with contextlib.suppress(OSError):
            self._sock.close()
