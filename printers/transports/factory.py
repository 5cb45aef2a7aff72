"""The transport the [printer] section of the configuration names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from printers.transports.base import Transport
from printers.transports.file import FileTransport
from printers.transports.network import NetworkTransport
from printers.transports.serial import SerialTransport
from printers.transports.usb import UsbTransport


def transport_from_config(
    section: Mapping[str, Any], virtual_address: tuple[str, int] | None = None
) -> Transport:
    """``virtual`` connects over the network code to the in-process printer's address."""
    kind, timeout = section["transport"], float(section["timeout_s"])
    if kind == "virtual":
        if virtual_address is None:
            raise ValueError("transport 'virtual' needs the virtual printer's address")
        return NetworkTransport(*virtual_address, timeout_s=timeout)
    if kind == "network":
        return NetworkTransport(section["host"], section["port"], timeout_s=timeout)
    if kind == "usb":
        return UsbTransport(section["usb_vendor_id"], section["usb_product_id"], timeout)
    if kind == "serial":
        return SerialTransport(section["serial_device"], section["baudrate"], timeout)
    if kind == "file":
        return FileTransport(section["path"], timeout)
    raise ValueError(f"unknown printer transport {kind!r}")
