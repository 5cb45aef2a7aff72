"""RS-232 / USB-serial printers through pyserial, with read and write timeouts."""

from __future__ import annotations

import serial

from printers.transports.base import Transport, TransportError


class SerialTransport(Transport):
    def __init__(self, device: str, baudrate: int = 115200, timeout_s: float = 5.0) -> None:
        super().__init__(timeout_s)
        self.device, self.baudrate = device, baudrate
        self._port: serial.Serial | None = None

    @property
    def is_open(self) -> bool:
        return self._port is not None

    def open(self) -> None:
        self.close()
        try:
            self._port = serial.serial_for_url(
                self.device, baudrate=self.baudrate, timeout=self.timeout_s,
                write_timeout=self.timeout_s, rtscts=False, dsrdtr=True,
            )
        except (serial.SerialException, ValueError) as exc:
            raise TransportError(f"cannot open {self.device}: {exc}") from exc

    def close(self) -> None:
        if self._port is not None:
            try:
                self._port.close()
            finally:
                self._port = None

    def write(self, data: bytes) -> None:
        if self._port is None:
            raise TransportError("not open")
        try:
            self._port.write(data)
            self._port.flush()
        except (serial.SerialException, OSError) as exc:
            self.close()
            raise TransportError(f"writing to {self.device} failed: {exc}") from exc

    def read_some(self, timeout_s: float) -> bytes:
        if self._port is None:
            raise TransportError("not open")
        try:
            self._port.timeout = max(timeout_s, 0.001)
            return self._port.read(max(self._port.in_waiting, 1))
        except (serial.SerialException, OSError) as exc:
            self.close()
            raise TransportError(f"reading from {self.device} failed: {exc}") from exc

    def describe(self) -> str:
        return f"serial {self.device} {self.baudrate}"
