"""One interface over every way to reach a printer (as python-escpos has one per transport).

Every call is bounded by a timeout. A broken connection raises ``TransportError`` and leaves
the transport closed; the next ``open`` starts afresh, which is how the kiosk reconnects
after the printer was power-cycled.
"""

from __future__ import annotations

import contextlib
import time
from abc import ABC, abstractmethod
from typing import Any


class TransportError(OSError):
    """The printer could not be reached, or the connection broke."""


class Transport(ABC):
    #: Whether the printer can answer status queries through this transport.
    reads_status: bool = True
    #: How fast the link carries a job (None: faster than any printer prints).
    bytes_per_s: float | None = None

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self._handle: Any = None  # socket, serial port, file or USB device while open
        self._unread = b""  # bytes that arrived beyond what a read asked for

    @property
    def is_open(self) -> bool:
        return self._handle is not None

    @abstractmethod
    def open(self) -> None: ...

    def close(self) -> None:
        """Forget the connection; a vanished device may fail to close, which changes nothing."""
        handle, self._handle = self._handle, None
        self._unread = b""
        if handle is not None:
            with contextlib.suppress(Exception):
                handle.close()

    def _open_handle(self) -> Any:
        if self._handle is None:
            raise TransportError("not open")
        return self._handle

    @abstractmethod
    def write(self, data: bytes) -> None: ...

    @abstractmethod
    def read_some(self, timeout_s: float) -> bytes:
        """Whatever arrived within ``timeout_s`` (b"" if nothing); raises if the link broke."""

    def ensure_open(self) -> None:
        if not self.is_open:
            self.open()

    def read_exactly(self, count: int, timeout_s: float | None = None) -> bytes:
        """``count`` bytes, or fewer when the deadline passes first. Never more: a device
        may send more in one packet (an automatic status byte after an answer), and what
        was not asked for is kept for the next read instead of spoiling this one."""
        deadline = time.monotonic() + (self.timeout_s if timeout_s is None else timeout_s)
        data = self._unread
        while len(data) < count:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            data += self.read_some(left)
        data, self._unread = data[:count], data[count:]
        return data

    def read_until(self, wanted: bytes, timeout_s: float | None = None) -> bytes:
        """Everything up to and including ``wanted``, or what came when the deadline
        passed without it: an answer may be preceded by unsolicited status bytes."""
        deadline = time.monotonic() + (self.timeout_s if timeout_s is None else timeout_s)
        data = self._unread
        while wanted not in data:
            left = deadline - time.monotonic()
            if left <= 0:
                self._unread = b""
                return data
            data += self.read_some(left)
        end = data.index(wanted) + len(wanted)
        data, self._unread = data[:end], data[end:]
        return data

    def drain(self) -> bytes:
        """Take stale answers (a late reply to an earlier query) off the line before asking
        again; returns them, for whoever waits on a late answer."""
        stale, self._unread = self._unread, b""
        while chunk := self.read_some(0.01):
            stale += chunk
        return stale

    def describe(self) -> str:
        return type(self).__name__
