"""The ports the flow engine depends on. Adapters implement them; only app.py picks which.

Every call may block on I/O; the engine calls them from worker threads, never from the UI's.
Expected failures are raised as ``KioskError`` subclasses (see ``kiosk.core.errors``) so the
engine can tell a customer's mistake from a network hiccup from a broken kiosk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from kiosk.core.card import CardInfo
from kiosk.core.errors import Category, KioskError
from kiosk.core.iccid import Iccid
from kiosk.core.messages import N_, Message
from kiosk.core.money import Money
from kiosk.core.offers import Offer
from kiosk.core.phone import Phone
from kiosk.core.promotions import Promotion
from kiosk.core.renewal import OtpChallenge, OtpVerification, RenewalResult
from kiosk.core.sale import RefundRecord, SaleRecord


@dataclass(frozen=True)
class OfferCatalog:
    offers: tuple[Offer, ...]
    promotions: tuple[Promotion, ...]


class OperatorError(KioskError):
    """The operator refused or failed; ``category`` says whether to retry, fix, or stop."""


class RenewalOutcomeUnknown(OperatorError):
    """A renewal request went out and no answer came back: resolve with ``get_renewal``."""

    category = Category.TRANSIENT

    def __init__(self, transaction_id: str) -> None:
        super().__init__(
            "renewal_outcome_unknown",
            Message(N_("We are checking with the operator whether your renewal went through.")),
            transaction_id=transaction_id,
        )


class OperatorPort(Protocol):
    def lookup(self, iccid: Iccid) -> CardInfo:
        """The card's status; an unknown card comes back with status UNKNOWN, not an error."""

    def offers(self, iccid: Iccid) -> OfferCatalog: ...

    def send_otp(self, iccid: Iccid, phone: Phone | None = None) -> OtpChallenge:
        """Send a code to the bound number; ``phone`` binds that number first (unbound card)."""

    def verify_otp(self, challenge_id: str, code: str) -> OtpVerification:
        """Raises OperatorError(category USER, code ``otp_wrong``...) with attempts left."""

    def create_renewal(
        self,
        transaction_id: str,
        iccid: Iccid,
        offer_id: str,
        amount: Money,
        verification_token: str,
        promotion_id: str | None,
    ) -> RenewalResult:
        """Idempotent on ``transaction_id``. Raises RenewalOutcomeUnknown when no answer came."""

    def get_renewal(self, transaction_id: str) -> RenewalResult | None:
        """Our renewal by our id; None when the operator never saw it."""

    def cancel_renewal(self, transaction_id: str, reason: str) -> RenewalResult:
        """Undo an applied renewal whose payment had to be returned. Idempotent."""

    def renewals_since(self, since: datetime) -> list[RenewalResult]:
        """Every renewal this kiosk created since ``since``, as the operator recorded it:
        start-up compares them with the journal, so a renewal it lost is found."""


@dataclass(frozen=True)
class PrintOutcome:
    """``confirmed`` only when the printer said the job finished. ``sent``: the whole job went
    to a printer that cannot say whether it printed (no confirmation command, a device node);
    anything else is pending."""

    confirmed: bool
    detail: str = ""
    sent: bool = False


class ReceiptPrinterPort(Protocol):
    def print_sale(self, sale: SaleRecord) -> PrintOutcome: ...

    def print_refund(self, refund: RefundRecord) -> PrintOutcome: ...

    def ready(self) -> bool:
        """Whether a receipt can be printed now (paper, cover, online)."""
