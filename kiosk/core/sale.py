"""Everything a receipt says about one sale, gathered by the flow engine for the printer.

The printer layouts depend on this record, never on the engine or the journal, so receipts
can be laid out, previewed and tested from data alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from kiosk.core.card import Allowances
from kiosk.core.money import Money
from kiosk.core.offers import Offer
from kiosk.core.promotions import PriceBreakdown


class PaymentMethod(StrEnum):
    CARD = "card"
    SBP_QR = "sbp_qr"
    ALIPAY = "alipay"
    WECHAT = "wechat"
    CASH = "cash"


@dataclass(frozen=True)
class KioskIdentity:
    kiosk_id: str
    location: str
    operator_name: str
    support_contact: str
    timezone: str


@dataclass(frozen=True)
class PaymentDetails:
    method: PaymentMethod
    auth_code: str | None = None
    rrn: str | None = None
    card_masked: str | None = None  # as the terminal returned it, never a full PAN
    terminal_id: str | None = None
    slip_lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class SaleRecord:
    transaction_id: str
    when: datetime
    kiosk: KioskIdentity
    language: str
    iccid_masked: str
    phone_masked: str | None
    offer: Offer
    price: PriceBreakdown
    payment: PaymentDetails
    validity_end: datetime | None
    allowances: Allowances | None
    e_receipt_url: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


class RefundKind(StrEnum):
    REVERSAL = "reversal"  # same day, the charge disappears from the statement
    REFUND = "refund"  # a separate credit, may take days to show
    RELEASE = "release"  # a held amount let go: it was never charged


@dataclass(frozen=True)
class RefundRecord:
    """Printed when a renewal failed after payment: the customer keeps proof of the return."""

    sale: SaleRecord
    kind: RefundKind
    amount: Money
    reason_code: str
    refund_reference: str | None = None
