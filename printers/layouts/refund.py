"""The slip a customer gets when a paid renewal failed and the money went back."""

from __future__ import annotations

from datetime import datetime

from kiosk.core.messages import N_
from kiosk.core.sale import RefundKind, RefundRecord
from printers.document import Document
from printers.layouts.common import Speaker, kiosk_header, support_footer

TITLES = {RefundKind.REVERSAL: N_("Payment reversal"), RefundKind.REFUND: N_("Refund"),
          RefundKind.RELEASE: N_("Payment hold released")}
EXPLANATIONS = {
    RefundKind.REVERSAL: N_(
        "The renewal could not be applied. The payment was cancelled and will not be charged."
    ),
    RefundKind.REFUND: N_(
        "The renewal could not be applied. The amount is returned to your payment method; "
        "it may take several days to appear."
    ),
    RefundKind.RELEASE: N_(
        "The renewal could not be applied. The amount held on your card was released and "
        "was not charged."
    ),
}
REASONS = {
    "renewal_failed": N_("The operator could not apply the renewal"),
    "renewal_rejected": N_("The operator refused the renewal"),
    "customer_cancelled": N_("Cancelled by the customer"),
}


def refund_slip(refund: RefundRecord, when: datetime | None = None) -> Document:
    """In the customer's language; ``when`` is the time of the return (default: the sale's)."""
    sale = refund.sale
    say = Speaker(sale.language, sale.kiosk.timezone)
    doc = kiosk_header(Document("refund"), say, sale.kiosk, say(TITLES[refund.kind]))
    doc.row(say(N_("Date")), say.when(when or sale.when))
    doc.row(say(N_("Transaction")), sale.transaction_id)
    if refund.refund_reference:
        doc.row(say(N_("Refund reference")), refund.refund_reference)
    doc.row(say(N_("SIM card")), sale.iccid_masked)
    doc.rule()
    doc.item(sale.offer.name(say.lang), say.money(sale.price.total))
    doc.row(say(N_("Paid by")), say.method(sale.payment.method))
    if sale.payment.card_masked:
        doc.row(say(N_("Card")), sale.payment.card_masked)
    doc.total(say(N_("Returned")), say.money(refund.amount))
    reason = REASONS.get(refund.reason_code)
    doc.row(say(N_("Reason")), say(reason) if reason else refund.reason_code)
    doc.rule().notes(say(EXPLANATIONS[refund.kind]))
    return support_footer(doc, say, sale.kiosk)
