"""Start-up recovery: before the first customer, every unfinished attempt is settled.

It is ``Checkout.drive`` on each row a crash left behind, with receipts kept pending (nobody
is standing at the kiosk). One exception: an attempt journaled but never sent to the
terminal is closed as cancelled, since charging a customer who has gone would be wrong.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from kiosk import logs
from kiosk.core.transaction import TxState
from kiosk.flow.checkout import Checkout
from kiosk.journal.store import Journal

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
        try:
            if before is TxState.CREATED:
                tx = journal.result(tx.tx_id, "recovery", TxState.CANCELLED,
                                    {"note": "abandoned_before_payment"})
            else:
                tx = checkout_for(tx.method).drive(tx.tx_id, print_receipts=False)
        except Exception as exc:
            logs.event(log, "recovery.failed", logging.ERROR, tx=tx.tx_id, error=repr(exc))
            tx = journal.result(tx.tx_id, "recovery", TxState.MANUAL_REVIEW,
                                {"note": "recovery_error"}, error=repr(exc))
        logs.event(log, "recovery.settled", tx=tx.tx_id, before=before, after=tx.state)
        done.append(Recovered(tx.tx_id, before, tx.state, tx.note))
    return done
