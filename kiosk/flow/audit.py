"""Start-up audit: the journal checked against what the terminals and the operator recorded.

Recovery settles what the journal knows is unfinished; this finds what it does not know. A
journal deleted, restored from an old copy, or cut short by a power loss (the tail of its WAL
gone) leaves charges and renewals no row speaks of, and a kiosk that went on selling would
never tell anyone. Each one becomes a finding for an engineer (``Journal.add_finding``), and
the kiosk stops selling until they are resolved, where the configuration says so.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from kiosk import logs
from kiosk.core.renewal import RenewalStatus
from kiosk.core.transaction import Transaction, TxState
from kiosk.flow.ports import OperatorPort
from kiosk.journal.store import Journal
from kiosk.payment.port import PaymentOutcome, PaymentPort, PaymentResult

log = logging.getLogger(__name__)

_MONEY_TAKEN = (PaymentOutcome.APPROVED, PaymentOutcome.IN_PROGRESS, PaymentOutcome.UNKNOWN)
_NOTHING_TAKEN = (TxState.DECLINED, TxState.CANCELLED, TxState.REVERSED, TxState.REFUNDED,
                  TxState.RELEASED)


@dataclass(frozen=True)
class Finding:
    source: str  # terminal, operator, journal
    reference: str
    detail: str


def audit(
    journal: Journal, payments: Iterable[PaymentPort], operator: OperatorPort, since: datetime
) -> list[Finding]:
    """Record and return what the journal does not account for. A device that cannot be
    asked is logged and asked again at the next start; it is no finding by itself."""
    rows = {tx.tx_id: tx for tx in journal.all()}
    found: dict[str, Finding] = {}
    for port in payments:
        try:
            recent = port.recent()
        except Exception as exc:
            logs.event(log, "audit.terminal_unasked", logging.WARNING, error=repr(exc))
            continue
        for charge in recent:
            finding = _charge_finding(charge, rows.get(charge.reference))
            if finding:
                found.setdefault(f"terminal:{charge.reference}", finding)
    try:
        renewals = operator.renewals_since(since)
    except Exception as exc:
        logs.event(log, "audit.operator_unasked", logging.WARNING, error=repr(exc))
        renewals = []
    for renewal in renewals:
        tx = rows.get(renewal.transaction_id)
        if renewal.status is RenewalStatus.APPLIED and (tx is None or tx.state in _NOTHING_TAKEN):
            said = "unknown to the journal" if tx is None else f"journal says {tx.state}"
            found.setdefault(f"operator:{renewal.transaction_id}", Finding(
                "operator", renewal.transaction_id, f"renewal applied, {said}"))
    for finding in found.values():
        if journal.add_finding(finding.source, finding.reference, finding.detail):
            logs.event(log, "audit.finding", logging.ERROR, source=finding.source,
                       tx=finding.reference, detail=finding.detail)
    return list(found.values())


def _charge_finding(charge: PaymentResult, tx: Transaction | None) -> Finding | None:
    if charge.outcome not in _MONEY_TAKEN or charge.returned:
        return None
    amount = f"{charge.outcome} {charge.amount}"
    if tx is None:
        return Finding("terminal", charge.reference, f"{amount}, unknown to the journal")
    if tx.state in _NOTHING_TAKEN:
        return Finding("terminal", charge.reference, f"{amount}, journal says {tx.state}")
    return None
