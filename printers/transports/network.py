"""Raw TCP (port 9100, "JetDirect"), the way Ethernet receipt printers are reached."""

from __future__ import annotations

import socket

from printers.transports.base import Transport, TransportError


class NetworkTransport(Transport):
    def __init__(self, host: str, port: int = 9100, timeout_s: float = 5.0) -> None:
        super().__init__(timeout_s)
        self.host, self.port = host, port

    def open(self) -> None:
        self.close()
        try:
            sock = socket.create_connection((self.host, self.port), self.timeout_s)
        except OSError as exc:
            raise TransportError(f"cannot connect to {self.host}:{self.port}: {exc}") from exc
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._handle = sock

    def _failed(self, what: str, exc: Exception) -> TransportError:
        self.close()
        return TransportError(f"{what} {self.host}:{self.port} failed: {exc}")

    def write(self, data: bytes) -> None:
        sock = self._open_handle()
        try:
            sock.settimeout(self.timeout_s)
            sock.sendall(data)
        except OSError as exc:
            raise self._failed("sending to", exc) from exc

    def read_some(self, timeout_s: float) -> bytes:
        sock = self._open_handle()
        try:
            sock.settimeout(max(timeout_s, 0.001))
            data = sock.recv(256)
        except TimeoutError:
            return b""
        except OSError as exc:
            raise self._failed("reading from", exc) from exc
        if not data:
            raise self._failed("reading from", ConnectionResetError("connection closed"))
        return data

    def describe(self) -> str:
        return f"network {self.host}:{self.port}"
