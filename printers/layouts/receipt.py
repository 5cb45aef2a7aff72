"""The customer's receipt and the clerk's copy of one sale.

Travellers keep the receipt for expense claims, so it says who sold what to which (masked)
card, when on the kiosk's clock, for how much after which promotion, and how it was paid.
"""

from __future__ import annotations

from kiosk.core.messages import N_
from kiosk.core.sale import PaymentDetails, SaleRecord
from printers.document import Document
from printers.layouts.common import Speaker, kiosk_header, support_footer


def _identity(doc: Document, say: Speaker, sale: SaleRecord) -> None:
    doc.row(say(N_("Date")), say.when(sale.when))
    doc.row(say(N_("Transaction")), sale.transaction_id)
    doc.row(say(N_("SIM card")), sale.iccid_masked)
    if sale.phone_masked:
        doc.row(say(N_("Phone")), sale.phone_masked)


def _purchase(doc: Document, say: Speaker, sale: SaleRecord) -> None:
    price = sale.price
    doc.rule()
    doc.item(sale.offer.name(say.lang), say.money(price.list_price))
    if price.promotion is not None and price.discount:
        doc.item(price.promotion.name(say.lang), say.money(-price.discount))
    if price.bonus_days:
        name = price.promotion.name(say.lang) if price.promotion else say(N_("Bonus"))
        doc.item(name, say.plural(N_("+{n} day"), N_("+{n} days"), price.bonus_days))
    doc.total(say(N_("Total")), say.money(price.total))


def _payment(doc: Document, say: Speaker, payment: PaymentDetails) -> None:
    doc.rule()
    doc.row(say(N_("Paid by")), say.method(payment.method))
    details = (
        (N_("Card"), payment.card_masked),
        (N_("Authorisation code"), payment.auth_code),
        (N_("RRN"), payment.rrn),
        (N_("Terminal"), payment.terminal_id),
    )
    for label, value in details:
        if value:
            doc.row(say(label), value)
    doc.notes(*payment.slip_lines)


def _result(doc: Document, say: Speaker, sale: SaleRecord) -> None:
    if sale.validity_end is None and sale.allowances is None:
        return
    doc.rule()
    if sale.validity_end is not None:
        doc.row(say(N_("Valid until")), say.when(sale.validity_end), bold=True)
    if sale.allowances is not None:
        for label, value in say.allowances(sale.allowances):
            doc.row(label, value)


def _receipt(sale: SaleRecord, kind: str, title: str, say: Speaker) -> Document:
    doc = kiosk_header(Document(kind), say, sale.kiosk, title)
    _identity(doc, say, sale)
    _purchase(doc, say, sale)
    _payment(doc, say, sale.payment)
    _result(doc, say, sale)
    doc.notes(*(say(note) for note in sale.notes))
    return doc


def customer_receipt(sale: SaleRecord) -> Document:
    """In the customer's language, with the e-receipt QR code."""
    say = Speaker(sale.language, sale.kiosk.timezone)
    doc = _receipt(sale, "receipt", say(N_("Travel card renewal")), say)
    if sale.e_receipt_url:
        doc.rule().qr(sale.e_receipt_url, say(N_("Scan for your electronic receipt")))
    support_footer(doc, say, sale.kiosk)
    return doc.footer(say(N_("Thank you! Keep this receipt for your records.")))


def clerk_copy(sale: SaleRecord, lang: str = "ru") -> Document:
    """The store's copy, in the clerk's language, with a barcode to find the sale again."""
    say = Speaker(lang, sale.kiosk.timezone)
    doc = _receipt(sale, "clerk_copy", say(N_("Clerk copy")), say)
    doc.rule().barcode(sale.transaction_id)
    doc.row(say(N_("Customer language")), sale.language)
    return doc.text(say(N_("Signature: ______________")))
