"""A serial printer at 9600 baud takes a long job at its own pace: the write and the wait for
the printer's confirmation allow for the configured baud rate and the job's size, never a
fixed few seconds (issue 19, printer defect 2). A pty stands in for the port."""

from __future__ import annotations

import os
import pty
import threading
import tty

from printers.service import ReceiptPrinter
from printers.transports.serial import SerialTransport

BAUD = 9600


def test_a_long_job_gets_the_time_its_baud_rate_needs():
    master, slave = pty.openpty()
    tty.setraw(slave)
    job = b"\x1b@" + b"x" * 29_000  # a Chinese raster receipt on 80 mm
    got = bytearray()

    def drain() -> None:
        while len(got) < len(job):
            got.extend(os.read(master, 65536))

    reader = threading.Thread(target=drain, daemon=True)
    transport = SerialTransport(os.ttyname(slave), baudrate=BAUD, timeout_s=5)
    try:
        transport.open()
        reader.start()
        transport.write(job)
        reader.join(60)
        assert bytes(got) == job
        # 29 KB at 960 bytes a second is half a minute on the wire: a 5 s limit cut it off.
        assert transport._handle.write_timeout >= 5 + len(job) / (BAUD / 10)
    finally:
        transport.close()
        os.close(master)
        os.close(slave)


def test_the_confirmation_wait_follows_the_baud_rate():
    printer = ReceiptPrinter(SerialTransport("/dev/null", baudrate=BAUD, timeout_s=5),
                             profile=None)
    assert printer._confirm_timeout(29_000) >= 5 + 29_000 / (BAUD / 10)
