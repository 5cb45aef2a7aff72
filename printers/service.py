"""The receipt printer the flow engine talks to (``ReceiptPrinterPort``).

A job is only confirmed when the printer itself says it processed it; every other ending
(refused before sending for paper or cover, connection lost, no answer in time) comes back
as ``PrintOutcome(confirmed=False)`` so the engine keeps the receipt pending for reprint.
Status is read before every job, and a dead connection is re-opened, so a printer that was
switched off and on again is used again without restarting the kiosk.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from kiosk.config import Config
from kiosk.core.sale import KioskIdentity, RefundRecord, SaleRecord
from kiosk.flow.ports import PrintOutcome
from kiosk.logs import event
from printers import status as st
from printers.document import Document
from printers.encode import encode
from printers.layouts import clerk_copy, customer_receipt, printer_test_page, refund_slip
from printers.layouts.shift_report import shift_report
from printers.profiles import PrinterProfile, load_profile
from printers.shift import ShiftTotals
from printers.transports.base import Transport, TransportError
from printers.transports.factory import transport_from_config
from printers.virtual import VirtualPrinter

log = logging.getLogger(__name__)
PRINT_BYTES_PER_S = 11_520  # how fast a thermal printer works through a raster job


class ReceiptPrinter:
    """Thread-safe: one job or status query at a time, from any worker thread."""

    def __init__(
        self,
        transport: Transport,
        profile: PrinterProfile,
        *,
        clerk_language: str = "ru",
        refuse_when_unavailable: bool = False,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        virtual: VirtualPrinter | None = None,
    ) -> None:
        self.transport = transport
        self.profile = profile
        self.clerk_language = clerk_language
        self.refuse_when_unavailable = refuse_when_unavailable
        self.clock = clock
        self.virtual = virtual  # the in-process printer of demo mode, if any
        self.last_status = st.PrinterStatus(st.Health.UNKNOWN, "not asked yet")
        self._lock = threading.Lock()
        self._job_ids = itertools.count(1)

    @classmethod
    def from_config(cls, config: Config, **kwargs: object) -> ReceiptPrinter:
        """From the [printer] section; transport "virtual" starts the demo printer here."""
        section = config.section("printer")
        profile = load_profile(section["profile"]).with_gb18030(section["gb18030"])
        virtual = None
        if section["transport"] == "virtual":
            virtual = VirtualPrinter(profile.name).start()
        transport = transport_from_config(section, virtual.address if virtual else None)
        return cls(
            transport,
            profile,
            clerk_language=section["clerk_language"],
            refuse_when_unavailable=section["refuse_sale_when_unavailable"],
            virtual=virtual,
            **kwargs,  # type: ignore[arg-type]
        )

    def close(self) -> None:
        with self._lock:
            self.transport.close()
        if self.virtual is not None:
            self.virtual.stop()

    # -- health -----------------------------------------------------------------------------
    def status(self) -> st.PrinterStatus:
        """Ask the printer now (paper, cover, online); never raises."""
        with self._lock:
            return self._status()

    def ready(self) -> bool:
        """Whether the kiosk may take money expecting a receipt; a near-end roll still prints."""
        return self.status().ready

    def _status(self) -> st.PrinterStatus:
        if not self.transport.reads_status:
            result = self._open_for_write()
        else:
            result = self._query_with_reconnect()
        if result.health != self.last_status.health:
            event(log, "printer.health", health=result.health.value, detail=result.detail,
                  transport=self.transport.describe())
        self.last_status = result
        return result

    def _open_for_write(self) -> st.PrinterStatus:
        try:
            self.transport.ensure_open()
        except TransportError as exc:
            return st.PrinterStatus(st.Health.UNREACHABLE, str(exc))
        return st.PrinterStatus(st.Health.UNKNOWN, "no status on this transport")

    def _query_with_reconnect(self) -> st.PrinterStatus:
        """One retry on a fresh connection: a power-cycled printer leaves a dead socket."""
        for attempt in (1, 2):
            try:
                self.transport.ensure_open()
                self.transport.drain()
                return self._query()
            except TransportError as exc:
                self.transport.close()
                if attempt == 2:
                    return st.PrinterStatus(st.Health.UNREACHABLE, str(exc))
        raise AssertionError("unreachable")

    def _query(self) -> st.PrinterStatus:
        answers = []
        for n in (st.PRINTER, st.OFFLINE_CAUSE, st.PAPER):
            self.transport.drain()  # a byte left from the last answer is not this one's
            self.transport.write(st.status_request(n))
            answer = self.transport.read_exactly(1)
            if not answer or not st.valid_status_byte(answer[0]):
                self.transport.close()
                return st.PrinterStatus(st.Health.UNREACHABLE, f"no valid answer to DLE EOT {n}")
            answers.append(answer[0])
        return st.health_from(*answers)

    # -- printing ---------------------------------------------------------------------------
    def print_document(self, document: Document) -> PrintOutcome:
        """Print and confirm; refused up front when the printer says it cannot print."""
        job = encode(document, self.profile)
        with self._lock:
            health = self._status()
            if not health.ready:
                return self._outcome(document, False, f"not sent: {health.health.value}")
            try:
                confirmed, detail = self._send_and_confirm(job)
            except TransportError as exc:
                self.transport.close()
                confirmed, detail = False, f"connection lost: {exc}"
            return self._outcome(document, confirmed, detail, len(job))

    def _send_and_confirm(self, job: bytes) -> tuple[bool, str]:
        if not self.transport.reads_status:
            self.transport.write(job)
            regular = getattr(self.transport, "is_regular_file", False)
            return regular, "written to file" if regular else "sent; device cannot confirm"
        job_id = f"{next(self._job_ids) % 10000:04d}".encode()
        self.transport.write(job + st.process_id_request(job_id))
        expected = st.process_id_response(job_id)
        answer = self.transport.read_until(expected, self._confirm_timeout(len(job)))
        if answer.endswith(expected):
            return True, f"printed, job {job_id.decode()}"
        return False, f"no confirmation from the printer (got {answer.hex() or 'nothing'})"

    def _confirm_timeout(self, size: int) -> float:
        """The printer answers after printing: allow for the link (a serial line at its
        configured baud rate) or the print head, whichever is slower, on long jobs."""
        rate = min(self.transport.bytes_per_s or PRINT_BYTES_PER_S, PRINT_BYTES_PER_S)
        return self.transport.timeout_s + size / rate

    def _outcome(
        self, document: Document, confirmed: bool, detail: str, size: int = 0
    ) -> PrintOutcome:
        event(log, "printer.job", level=logging.INFO if confirmed else logging.WARNING,
              kind=document.kind, confirmed=confirmed, detail=detail, bytes=size)
        return PrintOutcome(confirmed, detail)

    # -- ReceiptPrinterPort and the clerk's and engineer's papers ---------------------------
    def print_sale(self, sale: SaleRecord) -> PrintOutcome:
        return self.print_document(customer_receipt(sale))

    def print_refund(self, refund: RefundRecord) -> PrintOutcome:
        return self.print_document(refund_slip(refund, self.clock()))

    def print_clerk_copy(self, sale: SaleRecord) -> PrintOutcome:
        return self.print_document(clerk_copy(sale, self.clerk_language))

    def print_shift_report(self, totals: ShiftTotals, kiosk: KioskIdentity) -> PrintOutcome:
        return self.print_document(shift_report(totals, kiosk, self.clerk_language))

    def print_test_page(self, kiosk: KioskIdentity, lang: str = "en") -> PrintOutcome:
        return self.print_document(printer_test_page(kiosk, self.profile, self.clock(), lang))

