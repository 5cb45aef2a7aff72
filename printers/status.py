"""Printer status from the real ESC/POS queries, as device health the kiosk acts on.

DLE EOT n (real-time: answered even while the printer is in error) tells online/offline,
cover, paper-end stop and the paper sensors; every answer has bits 1 and 4 set and bits 0
and 7 clear, which tells a real status byte from noise. A job is confirmed with GS ( H
(transmit a process-id response): the printer answers only after it has processed
everything sent before it, so the answer means "printed", and carries our job id.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kiosk.core.messages import N_

DLE_EOT = b"\x10\x04"
PRINTER, OFFLINE_CAUSE, ERROR_CAUSE, PAPER = 1, 2, 3, 4
_FIXED_MASK, _FIXED_BITS = 0x93, 0x12
OFFLINE_BIT = 0x08
COVER_OPEN_BIT, PAPER_STOP_BIT, ERROR_BIT = 0x04, 0x20, 0x40
NEAR_END_BITS, PAPER_END_BITS = 0x0C, 0x60
PROCESS_ID_HEADER = b"\x37\x22"


class Health(StrEnum):
    READY = "ready"
    PAPER_NEAR_END = "paper_near_end"  # prints; tell staff to change the roll soon
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"  # answers, but reports itself offline or in error
    UNREACHABLE = "unreachable"  # no connection, or no answer to status queries
    UNKNOWN = "unknown"  # a transport that cannot read status (a plain file)


MESSAGES = {
    Health.READY: N_("The printer is ready."),
    Health.PAPER_NEAR_END: N_("The printer's paper roll is nearly used up."),
    Health.PAPER_OUT: N_("The printer is out of paper."),
    Health.COVER_OPEN: N_("The printer cover is open."),
    Health.OFFLINE: N_("The printer is offline."),
    Health.UNREACHABLE: N_("The printer does not answer."),
    Health.UNKNOWN: N_("The printer's status cannot be read."),
}
PRINTABLE = frozenset({Health.READY, Health.PAPER_NEAR_END, Health.UNKNOWN})


@dataclass(frozen=True)
class PrinterStatus:
    health: Health
    detail: str = ""

    @property
    def ready(self) -> bool:
        """A receipt can be printed now (perhaps with a warning)."""
        return self.health in PRINTABLE

    @property
    def warning(self) -> bool:
        return self.health is not Health.READY

    @property
    def message(self) -> str:
        """Catalog key for staff screens and logs; translate with Translator.gettext."""
        return MESSAGES[self.health]


def status_request(n: int) -> bytes:
    return DLE_EOT + bytes((n,))


def valid_status_byte(value: int) -> bool:
    return value & _FIXED_MASK == _FIXED_BITS


def health_from(printer: int, offline_cause: int, paper: int) -> PrinterStatus:
    """Combine the answers to DLE EOT 1, 2 and 4; the worst condition wins."""
    raw = f"status {printer:02x} {offline_cause:02x} {paper:02x}"
    if offline_cause & COVER_OPEN_BIT:
        return PrinterStatus(Health.COVER_OPEN, raw)
    if paper & PAPER_END_BITS or offline_cause & PAPER_STOP_BIT:
        return PrinterStatus(Health.PAPER_OUT, raw)
    if printer & OFFLINE_BIT or offline_cause & ERROR_BIT:
        return PrinterStatus(Health.OFFLINE, raw)
    if paper & NEAR_END_BITS:
        return PrinterStatus(Health.PAPER_NEAR_END, raw)
    return PrinterStatus(Health.READY, raw)


def process_id_request(job_id: bytes) -> bytes:
    """GS ( H fn 48: answer ``37 22 id NUL`` once everything before it is processed."""
    if len(job_id) != 4 or not all(0x30 <= b <= 0x39 for b in job_id):
        raise ValueError("a process id is four ASCII digits")
    return b"\x1d(H\x06\x00\x30\x30" + job_id


def process_id_response(job_id: bytes) -> bytes:
    return PROCESS_ID_HEADER + job_id + b"\x00"
