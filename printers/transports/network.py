"""Raw TCP (port 9100, "JetDirect"), the way Ethernet receipt printers are reached."""

from __future__ import annotations

import socket

from printers.transports.base import Transport, TransportError


class NetworkTransport(Transport):
    def __init__(self, host: str, port: int = 9100, timeout_s: float = 5.0) -> None:
        super().__init__(timeout_s)
        self.host, self.port = host, port
        self._sock: socket.socket | None = None

    @property
    def is_open(self) -> bool:
        return self._sock is not None

    def open(self) -> None:
        self.close()
        try:
            self._sock = socket.create_connection((self.host, self.port), self.timeout_s)
        except OSError as exc:
            raise TransportError(f"cannot connect to {self.host}:{self.port}: {exc}") from exc
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def close(self) -> None:
        if self._sock is not None:
            try:
                self._sock.close()
            finally:
                self._sock = None

    def _failed(self, what: str, exc: Exception) -> TransportError:
        self.close()
        return TransportError(f"{what} {self.host}:{self.port} failed: {exc}")

    def write(self, data: bytes) -> None:
        if self._sock is None:
            raise TransportError("not connected")
        try:
            self._sock.settimeout(self.timeout_s)
            self._sock.sendall(data)
        except OSError as exc:
            raise self._failed("sending to", exc) from exc

    def read_some(self, timeout_s: float) -> bytes:
        if self._sock is None:
            raise TransportError("not connected")
        try:
            self._sock.settimeout(max(timeout_s, 0.001))
            data = self._sock.recv(256)
        except TimeoutError:
            return b""
        except OSError as exc:
            raise self._failed("reading from", exc) from exc
        if not data:
            raise self._failed("reading from", ConnectionResetError("connection closed"))
        return data

    def describe(self) -> str:
        return f"network {self.host}:{self.port}"
