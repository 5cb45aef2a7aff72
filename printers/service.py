"""The receipt printer the flow engine talks to (``ReceiptPrinterPort``).

A job is only confirmed when the printer itself says it processed it; every other ending
(refused before sending for paper or cover, connection lost, no answer in time) comes back
as ``PrintOutcome(confirmed=False)`` so the engine keeps the receipt pending for reprint.
Status is read before every job, and a dead connection is re-opened, so a printer that was
switched off and on again is used again without restarting the kiosk.

A job the paper ran out on is held by the printer and printed once a new roll is in; its
confirmation then comes late, and is caught whenever the kiosk next talks to the printer, so
a reprint of that receipt is answered "printed" instead of printing it a second time.
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
SENT_UNCONFIRMABLE = "sent; this printer cannot confirm a job"
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
        self._awaiting: dict[bytes, str] = {}  # unconfirmed job id -> what it printed
        self._printed_late: set[str] = set()  # what a late confirmation said was printed

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
                self._late_confirmations(self.transport.drain())
                return self._query()
            except TransportError as exc:
                self.transport.close()
                if attempt == 2:
                    return st.PrinterStatus(st.Health.UNREACHABLE, str(exc))
        raise AssertionError("unreachable")

    def _query(self) -> st.PrinterStatus:
        answers = []
        for n in (st.PRINTER, st.OFFLINE_CAUSE, st.PAPER):
            # A byte left from the last answer is not this one's (a late confirmation is).
            self._late_confirmations(self.transport.drain())
            self.transport.write(st.status_request(n))
            answer = self._status_answer()
            if not answer or not st.valid_status_byte(answer[0]):
                self.transport.close()
                return st.PrinterStatus(st.Health.UNREACHABLE, f"no valid answer to DLE EOT {n}")
            answers.append(answer[0])
        return st.health_from(*answers)

    def _status_answer(self) -> bytes:
        """The one-byte answer to a status request; a job confirmation that comes first (a
        held job finished late) is taken for what it is, not read as a status."""
        for _ in range(4):
            answer = self.transport.read_exactly(1)
            if answer != st.PROCESS_ID_HEADER[:1]:
                return answer
            rest = self.transport.read_until(b"\x00", self.transport.timeout_s)
            self._late_confirmations(answer + rest)
        return b""

    def _late_confirmations(self, stale: bytes) -> None:
        """Jobs whose confirmation arrived after the kiosk stopped waiting (a roll changed)."""
        for job_id, key in list(self._awaiting.items()):
            if st.process_id_response(job_id) in stale:
                del self._awaiting[job_id]
                self._printed_late.add(key)
                event(log, "printer.late_confirmation", job=job_id.decode(), printed=key)

    # -- printing ---------------------------------------------------------------------------
    def print_document(self, document: Document, key: str | None = None) -> PrintOutcome:
        """Print and confirm; refused up front when the printer says it cannot print.
        ``key`` names what is printed (a sale's receipt), so a held job that printed late
        is not printed again."""
        job = encode(document, self.profile)
        with self._lock:
            health = self._status()
            if key is not None and key in self._printed_late:
                self._printed_late.discard(key)
                return self._outcome(document, PrintOutcome(
                    True, "printed when the paper was changed (late confirmation)"))
            if not health.ready:
                return self._outcome(document, PrintOutcome(
                    False, f"not sent: {health.health.value}"))
            try:
                outcome = self._send_and_confirm(job, key)
            except TransportError as exc:
                self.transport.close()
                outcome = PrintOutcome(False, f"connection lost: {exc}")
            return self._outcome(document, outcome, len(job))

    def _send_and_confirm(self, job: bytes, key: str | None) -> PrintOutcome:
        if not self.transport.reads_status:
            self.transport.write(job)
            if getattr(self.transport, "is_regular_file", False):
                return PrintOutcome(True, "written to file")
            return PrintOutcome(False, "sent; device cannot confirm", sent=True)
        if not self.profile.confirms_jobs:
            self.transport.write(job)
            return PrintOutcome(False, SENT_UNCONFIRMABLE, sent=True)
        job_id = f"{next(self._job_ids) % 10000:04d}".encode()
        self.transport.write(job + st.process_id_request(job_id))
        expected = st.process_id_response(job_id)
        answer = self.transport.read_until(expected, self._confirm_timeout(len(job)))
        if answer.endswith(expected):
            return PrintOutcome(True, f"printed, job {job_id.decode()}")
        if key is not None:
            self._awaiting[job_id] = key  # the printer may finish it later, and say so
        why = self._query_with_reconnect() if self.transport.is_open else None
        if why is not None and why.health is st.Health.PAPER_OUT:
            return PrintOutcome(False, "paper ran out during the job; the printer holds it "
                                       "until a new roll is loaded")
        return PrintOutcome(False, f"no confirmation from the printer "
                                   f"(got {answer.hex() or 'nothing'})")

    def _confirm_timeout(self, size: int) -> float:
        """The printer answers after printing: allow for the link (a serial line at its
        configured baud rate) or the print head, whichever is slower, on long jobs."""
        rate = min(self.transport.bytes_per_s or PRINT_BYTES_PER_S, PRINT_BYTES_PER_S)
        return self.transport.timeout_s + size / rate

    def _outcome(self, document: Document, outcome: PrintOutcome, size: int = 0) -> PrintOutcome:
        event(log, "printer.job", level=logging.INFO if outcome.confirmed else logging.WARNING,
              kind=document.kind, confirmed=outcome.confirmed, sent=outcome.sent,
              detail=outcome.detail, bytes=size)
        return outcome

    # -- ReceiptPrinterPort and the clerk's and engineer's papers ---------------------------
    def print_sale(self, sale: SaleRecord) -> PrintOutcome:
        return self.print_document(customer_receipt(sale), f"sale:{sale.transaction_id}")

    def print_refund(self, refund: RefundRecord) -> PrintOutcome:
        return self.print_document(refund_slip(refund, self.clock()),
                                   f"refund:{refund.sale.transaction_id}")

    def print_clerk_copy(self, sale: SaleRecord) -> PrintOutcome:
        return self.print_document(clerk_copy(sale, self.clerk_language),
                                   f"clerk:{sale.transaction_id}")

    def print_shift_report(self, totals: ShiftTotals, kiosk: KioskIdentity) -> PrintOutcome:
        return self.print_document(shift_report(totals, kiosk, self.clerk_language))

    def print_test_page(self, kiosk: KioskIdentity, lang: str = "en") -> PrintOutcome:
        return self.print_document(printer_test_page(kiosk, self.profile, self.clock(), lang))

