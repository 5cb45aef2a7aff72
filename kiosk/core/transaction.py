"""One renewal attempt as the journal keeps it, and the states it moves through.

The state names the last thing the kiosk *knows* happened. An ``*_PENDING`` state means an
external call was journaled as intended and its result is not known yet: after a crash,
recovery must ask (terminal status, operator lookup by our id) before doing anything else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class TxState(StrEnum):
    CREATED = "created"  # journaled; nothing external has happened
    PAYMENT_PENDING = "payment_pending"  # authorise sent (or about to be): ask the terminal
    PAID = "paid"  # the terminal approved
    RENEWAL_PENDING = "renewal_pending"  # create sent (or about to be): ask the operator
    APPLIED = "applied"  # the operator applied the renewal; receipt not settled
    RETURN_PENDING = "return_pending"  # renewal failed: reversal or refund under way
    # final states
    DONE = "done"  # renewal applied; receipt printed or pending for reprint
    DECLINED = "declined"  # nothing taken
    CANCELLED = "cancelled"  # nothing taken (customer cancelled, or never sent)
    REVERSED = "reversed"  # renewal failed, charge reversed
    REFUNDED = "refunded"  # renewal failed, charge refunded
    RELEASED = "released"  # renewal failed, the held amount released: nothing was charged
    MANUAL_REVIEW = "manual_review"  # could not be resolved automatically: staff must look


FINAL_STATES = frozenset(
    {
        TxState.DONE,
        TxState.DECLINED,
        TxState.CANCELLED,
        TxState.REVERSED,
        TxState.REFUNDED,
        TxState.RELEASED,
        TxState.MANUAL_REVIEW,
    }
)


class ReceiptState(StrEnum):
    NONE = "none"
    PRINTED = "printed"
    PENDING = "pending"  # not confirmed by the printer: reprint from maintenance or clerk mode
    SENT = "sent"  # sent whole to a printer that cannot confirm: reprinted only on request


@dataclass
class Transaction:
    """The journal's row for one attempt. ``iccid`` is kept only until the sale is final."""

    tx_id: str
    state: TxState
    created_at: datetime
    updated_at: datetime
    iccid: str | None
    iccid_masked: str
    iccid_hash: str
    phone_masked: str | None
    offer_id: str
    amount_minor: int
    currency: str
    promotion_id: str | None
    method: str
    language: str
    verification_token: str | None = None
    payment: dict = field(default_factory=dict)
    renewal: dict = field(default_factory=dict)
    refund: dict = field(default_factory=dict)
    receipt: ReceiptState = ReceiptState.NONE
    sale: dict = field(default_factory=dict)  # the receipt's data, masked, for reprints
    note: str = ""

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES
