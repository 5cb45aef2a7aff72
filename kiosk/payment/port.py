"""What the flow engine needs from any payment adapter: card terminal, QR wallet or cash.

Results say plainly whether money moved. ``UNKNOWN`` means a request went out and no answer
came back: the engine then asks ``query`` by the same reference, and never authorises again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from kiosk.core.messages import N_
from kiosk.core.money import Money
from kiosk.core.sale import PaymentMethod


class PaymentOutcome(StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"
    CANCELLED = "cancelled"  # by the customer at the terminal, or aborted by the kiosk
    NOT_SENT = "not_sent"  # never reached the terminal: safe to try again
    UNKNOWN = "unknown"  # sent, then silence: ask with query()
    IN_PROGRESS = "in_progress"  # query only: the terminal is still working on it
    NOT_FOUND = "not_found"  # query only: the terminal never saw this reference


class ReturnOutcome(StrEnum):
    DONE = "done"
    REFUSED = "refused"  # e.g. a reversal after the terminal's day was closed
    UNKNOWN = "unknown"
    NOT_FOUND = "not_found"  # query_return only: the terminal has no such return


@dataclass(frozen=True)
class TerminalPrompt:
    """A live message from the terminal, shown to the customer as it happens."""

    code: str
    message: str  # catalog key
    # What a QR method's code encodes (the wallet's payment link), shown on screen to scan
    qr_payload: str | None = None


PROMPTS = {
    "present_card": N_("Insert, tap or swipe your card on the terminal."),
    "enter_pin": N_("Enter your PIN on the terminal."),
    "processing": N_("Processing payment, please wait..."),
    "remove_card": N_("Please take your card."),
    "scan_qr": N_("Scan the QR code with your banking or wallet app."),
    "insert_cash": N_("Insert banknotes."),
}


def prompt(code: str, qr_payload: str | None = None) -> TerminalPrompt:
    return TerminalPrompt(code, PROMPTS[code], qr_payload)


@dataclass(frozen=True)
class PaymentResult:
    reference: str
    outcome: PaymentOutcome
    amount: Money
    method: PaymentMethod
    auth_code: str | None = None
    rrn: str | None = None
    card_masked: str | None = None
    terminal_id: str | None = None
    slip_lines: tuple[str, ...] = ()
    reason: str | None = None  # decline or failure code from the terminal
    returned: str | None = None  # recent() only: "reversal" or "refund" when money went back


@dataclass(frozen=True)
class ReturnResult:
    """The end of a settlement call: a reversal or refund, or, on a terminal that holds
    money (``HoldingPort``), the booking or release of a held amount."""

    reference: str
    outcome: ReturnOutcome
    kind: str  # "reversal", "refund", "book" or "release"
    refund_reference: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class DeviceStatus:
    ready: bool
    detail: str = ""


@dataclass(frozen=True)
class EndOfDay:
    approved_count: int
    approved_total: Money
    returned_count: int
    returned_total: Money


class PaymentPort(Protocol):
    method: PaymentMethod

    def authorise(
        self, reference: str, amount: Money, on_prompt: Callable[[TerminalPrompt], None]
    ) -> PaymentResult: ...

    def abort(self, reference: str) -> bool:
        """Ask the terminal to stop waiting for the customer; True when it did."""

    def query(self, reference: str) -> PaymentResult:
        """The terminal's own record of ``reference`` (IN_PROGRESS and NOT_FOUND possible)."""

    def reverse(self, reference: str) -> ReturnResult:
        """Cancel the same-day charge (the customer's statement never shows it). Idempotent."""

    def refund(self, reference: str, amount: Money, refund_reference: str) -> ReturnResult:
        """Return money as a separate credit, idempotent on ``refund_reference``."""

    def query_return(
        self, reference: str, kind: str, refund_reference: str | None = None
    ) -> ReturnResult:
        """The terminal's own record of a return already attempted (``kind`` "reversal" or
        "refund"): DONE when the money went back, NOT_FOUND when it did not. Asked before
        any new attempt, so a return whose answer was lost is never made twice."""

    def recent(self, limit: int = 200) -> list[PaymentResult]:
        """The terminal's newest transactions, newest first: start-up checks them against
        the journal, so a charge the journal lost is found before the next customer."""

    def end_of_day(self) -> EndOfDay: ...

    def status(self) -> DeviceStatus: ...


class HoldingPort(PaymentPort, Protocol):
    """A terminal that can hold money until the renewal is applied (a pre-authorisation or
    reservation): the customer is charged only by ``book``, and a failed renewal ends with
    ``release``, so the statement never shows a charge and a refund. ``query`` answers
    APPROVED for a held amount; ``query_return`` also answers for "book" and "release"."""

    holds: bool  # this terminal is configured to hold (its firmware and acquirer allow it)

    def reserve(
        self, reference: str, amount: Money, on_prompt: Callable[[TerminalPrompt], None]
    ) -> PaymentResult:
        """Hold ``amount`` on the customer's card: APPROVED means held, nothing charged."""

    def book(self, reference: str, amount: Money) -> ReturnResult:
        """Charge the held amount (kind "book"). Idempotent: a held amount books once."""

    def release(self, reference: str) -> ReturnResult:
        """Let the held amount go (kind "release"): nothing is charged. Idempotent."""


def holds_money(port: PaymentPort) -> bool:
    """Whether sales through ``port`` hold the money first and book it after the renewal."""
    return bool(getattr(port, "holds", False))
