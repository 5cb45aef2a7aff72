"""USB printer class devices by vendor/product id, through python-escpos's Usb (pyusb).

python-escpos finds the device and its bulk endpoints and detaches the kernel driver; we
add timeouts on every transfer and turn its errors (including "Resource busy") into
``TransportError`` so the service reconnects instead of failing for good.
"""

from __future__ import annotations

from escpos.exceptions import DeviceNotFoundError, USBNotFoundError

from printers.transports.base import Transport, TransportError


class UsbTransport(Transport):
    def __init__(self, vendor_id: int, product_id: int, timeout_s: float = 5.0) -> None:
        super().__init__(timeout_s)
        self.vendor_id, self.product_id = vendor_id, product_id

    def open(self) -> None:
        from escpos.printer import Usb  # pyusb is imported only where USB is used

        self.close()
        printer = Usb(self.vendor_id, self.product_id, timeout=int(self.timeout_s * 1000))
        try:
            printer.open()
        except (DeviceNotFoundError, USBNotFoundError, OSError, ValueError) as exc:
            raise TransportError(f"USB {self.vendor_id:04x}:{self.product_id:04x}: {exc}") from exc
        self._handle = printer

    def _failed(self, exc: Exception) -> TransportError:
        self.close()
        return TransportError(f"USB {self.vendor_id:04x}:{self.product_id:04x}: {exc}")

    def write(self, data: bytes) -> None:
        printer = self._open_handle()
        try:
            printer._raw(data)
        except Exception as exc:  # pyusb raises USBError/USBTimeoutError
            raise self._failed(exc) from exc

    def read_some(self, timeout_s: float) -> bytes:
        printer = self._open_handle()
        try:
            data = printer.device.read(printer.in_ep, 16, max(int(timeout_s * 1000), 1))
        except Exception as exc:
            if "timed out" in str(exc).lower() or getattr(exc, "errno", None) == 110:
                return b""
            raise self._failed(exc) from exc
        return bytes(data)

    def describe(self) -> str:
        return f"usb {self.vendor_id:04x}:{self.product_id:04x}"
