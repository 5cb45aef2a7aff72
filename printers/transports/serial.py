"""RS-232 / USB-serial printers through pyserial, with read and write timeouts."""

from __future__ import annotations

import serial

from printers.transports.base import Transport, TransportError


class SerialTransport(Transport):
    def __init__(self, device: str, baudrate: int = 115200, timeout_s: float = 5.0) -> None:
        super().__init__(timeout_s)
        self.device, self.baudrate = device, baudrate
        self.bytes_per_s = baudrate / 10  # 8 data bits, a start and a stop bit

    def open(self) -> None:
        self.close()
        try:
            self._handle = serial.serial_for_url(
                self.device, baudrate=self.baudrate, timeout=self.timeout_s,
                write_timeout=self.timeout_s, rtscts=False, dsrdtr=True,
            )
        except (serial.SerialException, ValueError) as exc:
            raise TransportError(f"cannot open {self.device}: {exc}") from exc

    def write(self, data: bytes) -> None:
        port = self._open_handle()
        try:
            # A Chinese raster receipt is tens of KB: at 9600 baud that is half a minute.
            port.write_timeout = self.timeout_s + len(data) / self.bytes_per_s
            port.write(data)
            port.flush()
        except (serial.SerialException, OSError) as exc:
            self.close()
            raise TransportError(f"writing to {self.device} failed: {exc}") from exc

    def read_some(self, timeout_s: float) -> bytes:
        port = self._open_handle()
        try:
            port.timeout = max(timeout_s, 0.001)
            return port.read(max(port.in_waiting, 1))
        except (serial.SerialException, OSError) as exc:
            self.close()
            raise TransportError(f"reading from {self.device} failed: {exc}") from exc

    def describe(self) -> str:
        return f"serial {self.device} {self.baudrate}"
