"""Start-up recovery: before the first customer, every unfinished attempt is settled.

It is ``Checkout.drive`` on each row a crash left behind, with receipts kept pending (nobody
is standing at the kiosk). An attempt journaled but never sent to the terminal is closed as
cancelled, since charging a customer who has gone would be wrong; the terminal is asked
first all the same, in case the storage lost the payment intent that followed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from kiosk import logs
from kiosk.core.transaction import Transaction, TxState
from kiosk.faults import crash_point
from kiosk.flow.checkout import Checkout
from kiosk.journal.store import Journal
from kiosk.payment.port import PaymentOutcome

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recovered:
    tx_id: str
    before: TxState
    after: TxState
    note: str = ""


def recover(journal: Journal, checkout_for: Callable[[str], Checkout]) -> list[Recovered]:
    """Settle every unfinished transaction; ``checkout_for(method)`` gives its checkout."""
    done = []
    for tx in journal.unfinished():
        before = tx.state
        crash_point("during_recovery")
        try:
            checkout = checkout_for(tx.method)
            if before is TxState.CREATED:
                tx = _never_sent(journal, checkout, tx)
            tx = checkout.drive(tx.tx_id, print_receipts=False) if not tx.is_final else tx
        except Exception as exc:
            logs.event(log, "recovery.failed", logging.ERROR, tx=tx.tx_id, error=repr(exc))
            tx = journal.result(tx.tx_id, "recovery", TxState.MANUAL_REVIEW,
                                {"note": "recovery_error"}, error=repr(exc))
        logs.event(log, "recovery.settled", tx=tx.tx_id, before=before, after=tx.state)
        done.append(Recovered(tx.tx_id, before, tx.state, tx.note))
    return done


def _never_sent(journal: Journal, checkout: Checkout, tx: Transaction) -> Transaction:
    """Cancelled when the terminal never saw it; otherwise the intent was lost on the way to
    the disk and the payment is resolved like any other whose answer never came."""
    try:
        known = checkout.payment.query(tx.tx_id).outcome is not PaymentOutcome.NOT_FOUND
    except Exception as exc:
        logs.event(log, "recovery.query_failed", logging.WARNING, tx=tx.tx_id, error=repr(exc))
        known = True
    if not known:
        return journal.result(tx.tx_id, "recovery", TxState.CANCELLED,
                              {"note": "abandoned_before_payment"})
    return journal.intent(tx.tx_id, "payment.authorise", TxState.PAYMENT_PENDING,
                          note="intent_lost")
