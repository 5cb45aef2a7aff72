"""Transport edges a real printer shows: more bytes than asked for, a device node that is
gone. Over real TCP on loopback and real files (issue 19, printer defects 1 and 4)."""

from __future__ import annotations

import socket
import threading

import pytest

from printers.profiles import load_profile
from printers.samples import demo_sale
from printers.service import ReceiptPrinter
from printers.status import Health, process_id_response
from printers.transports.file import FileTransport
from printers.transports.network import NetworkTransport

READY = 0x12  # a status byte with only the fixed bits: online, paper present
PAPER_OUT = 0x12 | 0x60


class ChattyPrinter:
    """A TCP printer that answers every status query and every job confirmation, then
    sends one more status byte in the same packet (an automatic status back, as printers
    with ASB on do), so whoever reads the answer is handed more than it asked for."""

    def __init__(self, paper: int = READY) -> None:
        self.paper = paper
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.address = self.listener.getsockname()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.listener.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        buffer = b""
        with conn:
            while chunk := conn.recv(65536):
                buffer += chunk
                buffer = self._answer(conn, buffer)

    def _answer(self, conn: socket.socket, buffer: bytes) -> bytes:
        while True:
            status = buffer.find(b"\x10\x04")
            job = buffer.find(b"\x1d(H\x06\x00\x30\x30")
            if status >= 0 and len(buffer) >= status + 3 and (job < 0 or status < job):
                n = buffer[status + 2]
                answer = self.paper if n == 4 else READY
                conn.sendall(bytes((answer, READY)))
                buffer = buffer[status + 3:]
            elif job >= 0 and len(buffer) >= job + 11:
                conn.sendall(process_id_response(buffer[job + 7:job + 11]) + bytes((READY,)))
                buffer = buffer[job + 11:]
            else:
                return buffer

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def chatty():
    printers = []

    def make(**kw) -> ReceiptPrinter:
        peer = ChattyPrinter(**kw)
        printers.append(peer)
        return ReceiptPrinter(NetworkTransport(*peer.address, timeout_s=1.0),
                              load_profile("TM-T88V"))

    yield make
    for peer in printers:
        peer.close()


def test_a_confirmation_followed_by_a_status_byte_is_a_confirmation(chatty):
    service = chatty()
    try:
        outcome = service.print_sale(demo_sale("en"))
        assert outcome.confirmed, outcome.detail
    finally:
        service.close()


def test_an_extra_status_byte_never_makes_a_paper_out_printer_ready(chatty):
    service = chatty(paper=PAPER_OUT)
    try:
        for _ in range(3):  # every query, not only the first on a fresh connection
            assert service.status().health is Health.PAPER_OUT
    finally:
        service.close()


def test_read_exactly_returns_what_was_asked_and_keeps_the_rest():
    left, right = socket.socketpair()
    transport = NetworkTransport("127.0.0.1", 9, timeout_s=1.0)
    transport._handle = left  # an open connection whose other end we hold
    try:
        right.sendall(b"abc")
        assert transport.read_exactly(1) == b"a"
        assert transport.read_exactly(2) == b"bc"
    finally:
        transport.close()
        right.close()


def test_a_printer_device_node_that_is_gone_is_unreachable_never_printed(tmp_path):
    """/dev/usb/lp0 disappears when the printer is unplugged: nothing may create it as a
    plain file and call the receipt printed."""
    node = tmp_path / "dev" / "usb" / "lp0"
    node.parent.mkdir(parents=True)
    service = ReceiptPrinter(FileTransport(node), load_profile("TM-T88V"))
    try:
        assert service.status().health is Health.UNREACHABLE
        outcome = service.print_sale(demo_sale("en"))
        assert not outcome.confirmed
        assert not node.exists()
    finally:
        service.close()
