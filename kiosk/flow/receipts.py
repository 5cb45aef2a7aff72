"""Turns a journaled transaction into the records the printer lays out.

Built only from the journal, so a receipt can be reprinted after a restart exactly as the
customer would have got it.
"""

from __future__ import annotations

from datetime import datetime

from kiosk.core import codec
from kiosk.core.money import Money
from kiosk.core.sale import (
    KioskIdentity,
    PaymentDetails,
    PaymentMethod,
    RefundKind,
    RefundRecord,
    SaleRecord,
)
from kiosk.core.transaction import Transaction


def sale_record(tx: Transaction, kiosk: KioskIdentity) -> SaleRecord:
    pay = tx.payment
    end = tx.renewal.get("validity_end")
    return SaleRecord(
        transaction_id=tx.tx_id,
        when=tx.created_at,
        kiosk=kiosk,
        language=tx.language,
        iccid_masked=tx.iccid_masked,
        phone_masked=tx.phone_masked,
        offer=codec.offer_from_dict(tx.sale["offer"]),
        price=codec.price_from_dict(tx.sale["price"]),
        payment=PaymentDetails(
            method=PaymentMethod(pay.get("method") or tx.method),
            auth_code=pay.get("auth_code"),
            rrn=pay.get("rrn"),
            card_masked=pay.get("card_masked"),
            terminal_id=pay.get("terminal_id"),
            slip_lines=tuple(pay.get("slip_lines", ())),
        ),
        validity_end=datetime.fromisoformat(end) if end else None,
        allowances=codec.allowances_from_dict(tx.renewal.get("allowances")),
        e_receipt_url=tx.sale.get("e_receipt_url"),
    )


def refund_record(tx: Transaction, kiosk: KioskIdentity) -> RefundRecord:
    refund = tx.refund
    return RefundRecord(
        sale=sale_record(tx, kiosk),
        kind=RefundKind(refund.get("kind", "reversal")),
        amount=Money(tx.amount_minor, tx.currency),
        reason_code=tx.renewal.get("reason", "renewal_failed"),
        refund_reference=refund.get("reference"),
    )
