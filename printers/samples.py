"""Demo records for every layout: the CLI, the tests, the bench and UI screenshots use them.

Identifiers are already masked, as the flow engine hands them over; the times are fixed so
a sample prints the same every time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from kiosk.core.card import Allowances
from kiosk.core.money import Money
from kiosk.core.offers import Offer, OfferKind
from kiosk.core.promotions import PriceBreakdown, PromoKind, Promotion, Window
from kiosk.core.sale import (
    KioskIdentity,
    PaymentDetails,
    PaymentMethod,
    RefundKind,
    RefundRecord,
    SaleRecord,
)
from printers.document import Document
from printers.layouts import (
    clerk_copy,
    customer_receipt,
    printer_test_page,
    refund_slip,
    shift_report,
)
from printers.profiles import PrinterProfile
from printers.shift import MethodTotal, ReportKind, ShiftTotals

TIMEZONE = "Europe/Moscow"
SALE_TIME = datetime(2025, 5, 8, 11, 42, 7, tzinfo=ZoneInfo("UTC"))
LAYOUTS = ("receipt", "refund", "clerk_copy", "test_page", "x_report", "z_report")

DEMO_KIOSK = KioskIdentity(
    kiosk_id="SVO-T2-07",
    location="Sheremetyevo Airport, Terminal B",
    operator_name="Travel Card Russia",
    support_contact="+7 800 555-35-35",
    timezone=TIMEZONE,
)

DEMO_OFFER = Offer(
    id="validity-30d",
    kind=OfferKind.COMBO,
    price=Money(150000, "RUB"),
    validity_days=30,
    data_mb=20480,
    voice_min=100,
    names={
        "en": "30 days + 20 GB + 100 min",
        "ru": "30 дней + 20 ГБ + 100 мин",
        "zh_Hans": "30天 + 20GB流量 + 100分钟",
        "zh_Hant": "30天 + 20GB流量 + 100分鐘",
    },
)

DEMO_PROMOTION = Promotion(
    id="may-holidays",
    kind=PromoKind.PERCENT,
    value=1000,
    windows=(Window(datetime(2025, 5, 1), datetime(2025, 5, 12)),),
    names={
        "en": "May holidays -10%",
        "ru": "Майские праздники -10%",
        "zh_Hans": "五一假期九折",
        "zh_Hant": "五一假期九折",
    },
)


def demo_sale(language: str = "en") -> SaleRecord:
    discount = DEMO_OFFER.price.percent(DEMO_PROMOTION.value)
    return SaleRecord(
        transaction_id="TX-20250508-0042",
        when=SALE_TIME,
        kiosk=DEMO_KIOSK,
        language=language,
        iccid_masked="****1234",
        phone_masked="+7 ******4567",
        offer=DEMO_OFFER,
        price=PriceBreakdown(
            DEMO_OFFER.id, DEMO_OFFER.price, discount, DEMO_OFFER.price - discount,
            promotion=DEMO_PROMOTION,
        ),
        payment=PaymentDetails(
            method=PaymentMethod.CARD,
            auth_code="A1B2C3",
            rrn="512811420042",
            card_masked="2200 **** **** 7788",
            terminal_id="T0071234",
            slip_lines=("MIR DEBIT", "CONTACTLESS  PIN NOT REQUIRED"),
        ),
        validity_end=SALE_TIME + timedelta(days=40),
        allowances=Allowances(data_mb=20480, voice_min=100, sms=None),
        e_receipt_url="https://receipts.travelcard.example/r/TX-20250508-0042",
    )


def demo_refund(language: str = "en") -> RefundRecord:
    sale = demo_sale(language)
    return RefundRecord(
        sale=sale,
        kind=RefundKind.REVERSAL,
        amount=sale.price.total,
        reason_code="renewal_failed",
        refund_reference="RV-0042",
    )


def demo_shift(kind: ReportKind = ReportKind.X) -> ShiftTotals:
    return ShiftTotals(
        kind=kind,
        shift_number=118,
        opened_at=SALE_TIME - timedelta(hours=3),
        printed_at=SALE_TIME + timedelta(hours=5),
        clerk="Ivanova A.",
        sales=(
            MethodTotal(PaymentMethod.CARD, 14, Money(1890000, "RUB")),
            MethodTotal(PaymentMethod.SBP_QR, 5, Money(575000, "RUB")),
            MethodTotal(PaymentMethod.CASH, 3, Money(300000, "RUB")),
        ),
        refunds_count=1,
        refunds_amount=Money(135000, "RUB"),
        pending_receipts=1,
    )


def sample_document(layout: str, language: str, profile: PrinterProfile) -> Document:
    """The demo ``layout`` in ``language``: what ``kiosk print-sample`` prints."""
    builders: dict[str, Callable[[], Document]] = {
        "receipt": lambda: customer_receipt(demo_sale(language)),
        "refund": lambda: refund_slip(demo_refund(language)),
        "clerk_copy": lambda: clerk_copy(demo_sale("en"), language),
        "test_page": lambda: printer_test_page(DEMO_KIOSK, profile, SALE_TIME, language),
        "x_report": lambda: shift_report(demo_shift(ReportKind.X), DEMO_KIOSK, language),
        "z_report": lambda: shift_report(demo_shift(ReportKind.Z), DEMO_KIOSK, language),
    }
    if layout not in builders:
        raise ValueError(f"unknown layout {layout!r}; expected one of {', '.join(LAYOUTS)}")
    return builders[layout]()
