"""Carries one journaled attempt from "created" to a final state: the money rule in code.

``drive`` looks only at what the journal says and takes the next step, so the live sale and
start-up recovery are the same code: recovery is just ``drive`` on a row a crash left behind.
Every external call is journaled as an intent before it is made and as a result after. An
answer that never came is resolved by asking (terminal query, operator lookup by our id),
never by sending again under a new id.

On a terminal that holds money (``HoldingPort``) the payment is a hold: it is booked only once
the renewal is applied, before the receipt, and a failed renewal releases it, so the customer
is never charged for a renewal they did not get, not even for a day.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from kiosk import logs
from kiosk.core import codec
from kiosk.core.errors import Category
from kiosk.core.iccid import Iccid
from kiosk.core.money import Money
from kiosk.core.renewal import RenewalResult, RenewalStatus
from kiosk.core.transaction import ReceiptState, Transaction, TxState
from kiosk.faults import crash_point
from kiosk.flow.ports import (
    OperatorError,
    OperatorPort,
    PrintOutcome,
    ReceiptPrinterPort,
    RenewalOutcomeUnknown,
)
from kiosk.flow.receipts import refund_record, sale_record
from kiosk.journal.store import Journal
from kiosk.payment.port import (
    PaymentOutcome,
    PaymentPort,
    PaymentResult,
    ReturnOutcome,
    ReturnResult,
    TerminalPrompt,
    holds_money,
)

log = logging.getLogger(__name__)

_UNSETTLED = (PaymentOutcome.UNKNOWN, PaymentOutcome.IN_PROGRESS)
_STEP_OF = {"reversal": "payment.reverse", "refund": "payment.refund",
            "release": "payment.release", "book": "payment.book"}
_RETURN_STEPS = {step: kind for kind, step in _STEP_OF.items() if kind != "book"}
_RETURNED = {"reversal": TxState.REVERSED, "refund": TxState.REFUNDED,
             "release": TxState.RELEASED}
_UNSEEN_MEANS_NOT_RECEIVED = 2  # lookups after the resend that found no such renewal
_NOTHING_TAKEN = {
    PaymentOutcome.DECLINED: TxState.DECLINED,
    PaymentOutcome.CANCELLED: TxState.CANCELLED,
    PaymentOutcome.NOT_SENT: TxState.CANCELLED,
    PaymentOutcome.NOT_FOUND: TxState.CANCELLED,
}


def receipt_state(outcome: PrintOutcome) -> ReceiptState:
    if outcome.confirmed:
        return ReceiptState.PRINTED
    return ReceiptState.SENT if outcome.sent else ReceiptState.PENDING


@dataclass(frozen=True)
class Retry:
    """How hard to ask before handing a transaction to staff."""

    attempts: int = 6
    first_delay_s: float = 0.25
    max_delay_s: float = 4.0

    def delays(self) -> list[float]:
        return [min(self.first_delay_s * 2**i, self.max_delay_s) for i in range(self.attempts)]


class Checkout:
    def __init__(
        self,
        journal: Journal,
        payment: PaymentPort,
        operator: OperatorPort,
        printer: ReceiptPrinterPort,
        kiosk_identity,
        retry: Retry = Retry(),
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.journal = journal
        self.payment = payment
        self.operator = operator
        self.printer = printer
        self.kiosk = kiosk_identity
        self.retry = retry
        self.sleep = sleep
        self.now = now

    def drive(
        self,
        tx_id: str,
        on_prompt: Callable[[TerminalPrompt], None] = lambda _p: None,
        print_receipts: bool = True,
        on_state: Callable[[TxState], None] = lambda _s: None,
    ) -> Transaction:
        """Advance ``tx_id`` until it is final. ``print_receipts`` is off during recovery:
        nobody stands at the kiosk then, so receipts are kept pending for reprint."""
        tx = self.journal.get(tx_id)
        while not tx.is_final:
            before = self.journal.last_event(tx_id)
            tx = self._step(tx, on_prompt, print_receipts)
            on_state(tx.state)
            if self.journal.last_event(tx_id) == before:
                raise RuntimeError(f"checkout made no progress on {tx_id} in {tx.state}")
        return tx

    def _step(self, tx, on_prompt, print_receipts) -> Transaction:
        match tx.state:
            case TxState.CREATED:
                return self._authorise(tx, on_prompt)
            case TxState.PAYMENT_PENDING:
                return self._resolve_payment(tx)
            case TxState.PAID:
                return self._renew(tx)
            case TxState.RENEWAL_PENDING:
                return self._resolve_renewal(tx)
            case TxState.APPLIED:
                return self._settle_receipt(tx, print_receipts)
            case TxState.RETURN_PENDING:
                return self._return_money(tx, print_receipts)
        raise RuntimeError(f"no step from {tx.state}")

    # -- payment -----------------------------------------------------------------------

    def _amount(self, tx: Transaction) -> Money:
        return Money(tx.amount_minor, tx.currency)

    def _authorise(self, tx: Transaction, on_prompt) -> Transaction:
        amount = self._amount(tx)
        hold = holds_money(self.payment)
        step = "payment.reserve" if hold else "payment.authorise"
        tx = self.journal.intent(tx.tx_id, step, TxState.PAYMENT_PENDING,
                                 amount=str(amount), method=tx.method)
        crash_point("after_intent_journaled")
        try:
            take = self.payment.reserve if hold else self.payment.authorise
            result = take(tx.tx_id, amount, on_prompt)
        except Exception as exc:  # a broken adapter: the request may have gone out
            logs.event(log, "payment.error", logging.WARNING, tx=tx.tx_id, error=repr(exc))
            result = PaymentResult(tx.tx_id, PaymentOutcome.UNKNOWN, amount, tx.method)
        crash_point("after_authorise_returned")
        return self._payment_result(tx, result, step)

    def _payment_result(self, tx: Transaction, result: PaymentResult, step: str) -> Transaction:
        if result.outcome in _UNSETTLED:
            return self.journal.result(tx.tx_id, step, TxState.PAYMENT_PENDING,
                                       outcome=result.outcome, reason=result.reason)
        if result.outcome is PaymentOutcome.APPROVED:
            crash_point("after_payment_approved")  # learnt from authorise or from a query
            if result.amount != self._amount(tx):
                return self._manual(tx, "payment_amount_mismatch", charged=str(result.amount))
            details = {
                "outcome": result.outcome, "auth_code": result.auth_code, "rrn": result.rrn,
                "card_masked": result.card_masked, "terminal_id": result.terminal_id,
                "slip_lines": list(result.slip_lines), "method": result.method,
                "held": self._held(tx.tx_id),
            }
            tx = self.journal.result(tx.tx_id, step, TxState.PAID, {"payment": details},
                                     outcome=result.outcome)
            crash_point("after_payment_journaled")
            return tx
        state = _NOTHING_TAKEN[result.outcome]
        details = {"outcome": result.outcome, "reason": result.reason}
        return self.journal.result(tx.tx_id, step, state, {"payment": details},
                                   outcome=result.outcome, reason=result.reason)

    def _held(self, tx_id: str) -> bool:
        """Whether this sale's money was asked for as a hold: the journal says, not the
        port's configuration now (it may have changed between a crash and recovery)."""
        return any(e["step"] == "payment.reserve" for e in self.journal.events(tx_id))

    def _resolve_payment(self, tx: Transaction) -> Transaction:
        for delay in self.retry.delays():
            try:
                result = self.payment.query(tx.tx_id)
            except Exception as exc:
                self.journal.note(tx.tx_id, "payment.query", error=repr(exc))
                self.sleep(delay)
                continue
            crash_point("after_payment_query_returned")
            if result.outcome not in _UNSETTLED:
                return self._payment_result(tx, result, "payment.query")
            self.journal.note(tx.tx_id, "payment.query", outcome=result.outcome)
            self.sleep(delay)
        return self._manual(tx, "payment_unresolved")

    # -- renewal -----------------------------------------------------------------------

    def _renew(self, tx: Transaction) -> Transaction:
        tx = self.journal.intent(tx.tx_id, "renewal.create", TxState.RENEWAL_PENDING,
                                 offer=tx.offer_id)
        crash_point("after_renewal_intent")
        return self._send_renewal(tx)

    def _send_renewal(self, tx: Transaction) -> Transaction:
        if not tx.iccid or not tx.verification_token:
            return self._manual(tx, "renewal_data_missing")
        try:
            result = self.operator.create_renewal(
                tx.tx_id, Iccid.parse(tx.iccid), tx.offer_id, self._amount(tx),
                tx.verification_token, tx.promotion_id,
            )
            crash_point("after_renewal_returned")
        except RenewalOutcomeUnknown:
            crash_point("after_renewal_returned")
            return self.journal.result(tx.tx_id, "renewal.create", TxState.RENEWAL_PENDING,
                                       outcome="unknown")
        except OperatorError as exc:
            crash_point("after_renewal_returned")
            if exc.category is Category.TRANSIENT:
                return self.journal.result(tx.tx_id, "renewal.create", TxState.RENEWAL_PENDING,
                                           outcome="unknown", error=exc.code)
            return self._renewal_failed(tx, exc.code)
        if result.status is RenewalStatus.APPLIED:
            crash_point("after_renewal_applied")
        return self._renewal_result(tx, result, "renewal.create")

    def _renewal_result(self, tx: Transaction, result: RenewalResult, step: str) -> Transaction:
        if result.status is RenewalStatus.PENDING:
            return self.journal.result(tx.tx_id, step, TxState.RENEWAL_PENDING, outcome="pending")
        if result.status is RenewalStatus.APPLIED:
            renewal = {
                "status": result.status,
                "validity_end": result.validity_end.isoformat() if result.validity_end else None,
                "operator_reference": result.operator_reference,
                "allowances": codec.allowances_to_dict(result.allowances),
            }
            return self.journal.result(tx.tx_id, step, TxState.APPLIED, {"renewal": renewal},
                                       outcome=result.status)
        return self._renewal_failed(tx, result.reason_code or str(result.status))

    def _renewal_failed(self, tx: Transaction, reason: str) -> Transaction:
        return self.journal.result(tx.tx_id, "renewal.create", TxState.RETURN_PENDING,
                                   {"renewal": {"status": "failed", "reason": reason}},
                                   outcome="failed", reason=reason)

    def _resolve_renewal(self, tx: Transaction) -> Transaction:
        """Ask the operator by our id. Never seen: send once more under the same id (it is
        idempotent). Still never seen after that, twice: the operator did not get it (a
        redirect, a proxy that answered for it), so the renewal failed and the money goes
        back; the operator's own word, not a guess, settles it."""
        resent = False
        unseen = 0
        for delay in self.retry.delays():
            try:
                result = self.operator.get_renewal(tx.tx_id)
            except OperatorError as exc:
                self.journal.note(tx.tx_id, "renewal.lookup", error=exc.code)
                self.sleep(delay)
                continue
            crash_point("after_renewal_lookup_returned")
            if result is None and not resent:
                # The operator never saw it: the same id again is safe (idempotent).
                resent = True
                tx = self._send_renewal(tx)
                if tx.state is not TxState.RENEWAL_PENDING:
                    return tx
            elif result is not None and result.is_final:
                return self._renewal_result(tx, result, "renewal.lookup")
            elif result is None:
                unseen += 1
                self.journal.note(tx.tx_id, "renewal.lookup", outcome="not_found")
                if unseen >= _UNSEEN_MEANS_NOT_RECEIVED:
                    return self._renewal_failed(tx, "renewal_not_received")
            else:
                self.journal.note(tx.tx_id, "renewal.lookup", outcome="pending")
            self.sleep(delay)
        return self._manual(tx, "renewal_unresolved")

    # -- receipt and returns -----------------------------------------------------------

    def _book(self, tx: Transaction) -> Transaction:
        """Charge the held amount now that the renewal is applied. A booking whose answer
        was lost is asked about before another is sent; one the terminal refuses (the hold
        expired) leaves a renewal without payment, which only staff can settle."""
        if any(e["step"] == "payment.book" for e in self.journal.events(tx.tx_id)):
            answer = self._ask_return(tx, "book", None)
            if answer is ReturnOutcome.DONE:
                return self._booked(tx)
            if answer is not ReturnOutcome.NOT_FOUND:
                return self._manual(tx, "book_unresolved")
        for delay in self.retry.delays():
            answer = self._attempt_return(tx, "book", None, TxState.APPLIED)
            if answer is ReturnOutcome.DONE:
                return self._booked(tx)
            if answer is ReturnOutcome.REFUSED:
                return self._manual(tx, "book_refused")
            if answer is not ReturnOutcome.NOT_FOUND:
                return self._manual(tx, "book_unresolved")
            self.sleep(delay)
        return self._manual(tx, "book_unresolved")

    def _booked(self, tx: Transaction) -> Transaction:
        return self.journal.result(tx.tx_id, "payment.book", TxState.APPLIED,
                                   {"payment": {**tx.payment, "booked": True}}, outcome="done")

    def _settle_receipt(self, tx: Transaction, print_receipts: bool) -> Transaction:
        if tx.payment.get("held") and not tx.payment.get("booked"):
            return self._book(tx)
        if not print_receipts:
            tx = self.journal.result(tx.tx_id, "receipt", TxState.DONE,
                                     {"receipt": ReceiptState.PENDING}, outcome="kept_pending")
            return tx
        tx = self.journal.intent(tx.tx_id, "receipt.print", TxState.APPLIED)
        try:
            outcome = self.printer.print_sale(sale_record(tx, self.kiosk))
            receipt, detail = receipt_state(outcome), outcome.detail
        except Exception as exc:
            receipt, detail = ReceiptState.PENDING, repr(exc)
        crash_point("during_receipt")
        return self.journal.result(tx.tx_id, "receipt.print", TxState.DONE, {"receipt": receipt},
                                   outcome=receipt, detail=detail)

    def _return_money(self, tx: Transaction, print_receipts: bool) -> Transaction:
        """Reverse, else refund: never both. Every return attempted before (a crash may have
        lost its answer) is asked about by its reference before another is attempted."""
        for kind, reference in self._earlier_returns(tx.tx_id):
            answer = self._ask_return(tx, kind, reference)
            if answer is ReturnOutcome.DONE:
                return self._returned(tx, _RETURNED[kind], kind, reference, print_receipts)
            if answer is not ReturnOutcome.NOT_FOUND:
                return self._manual(tx, "return_unresolved", kind=kind)
        if tx.payment.get("held"):
            return self._release(tx, print_receipts)
        answer = self._attempt_return(tx, "reversal", None)
        if answer is ReturnOutcome.DONE:
            return self._returned(tx, TxState.REVERSED, "reversal", None, print_receipts)
        if answer is ReturnOutcome.UNKNOWN:
            return self._manual(tx, "return_unresolved", kind="reversal")
        refund_ref = f"{tx.tx_id}-R"
        for delay in self.retry.delays():
            answer = self._attempt_return(tx, "refund", refund_ref)
            if answer is ReturnOutcome.DONE:
                return self._returned(tx, TxState.REFUNDED, "refund", refund_ref, print_receipts)
            if answer not in (ReturnOutcome.NOT_FOUND, ReturnOutcome.REFUSED):  # nobody can tell
                break
            self.sleep(delay)
        return self._manual(tx, "return_failed")

    def _release(self, tx: Transaction, print_receipts: bool) -> Transaction:
        """A held amount is let go, never booked and refunded: nothing was charged."""
        for delay in self.retry.delays():
            answer = self._attempt_return(tx, "release", None)
            if answer is ReturnOutcome.DONE:
                return self._returned(tx, TxState.RELEASED, "release", None, print_receipts)
            if answer is not ReturnOutcome.NOT_FOUND:  # refused, or nobody can tell
                break
            self.sleep(delay)
        return self._manual(tx, "release_failed")

    def _earlier_returns(self, tx_id: str) -> list[tuple[str, str | None]]:
        """(kind, refund reference) of every return this transaction's journal says was
        about to be attempted, oldest first."""
        seen: list[tuple[str, str | None]] = []
        for event in self.journal.events(tx_id):
            kind = _RETURN_STEPS.get(event["step"])
            if kind and event["kind"] == "intent":
                attempt = (kind, event["data"].get("refund_reference"))
                if attempt not in seen:
                    seen.append(attempt)
        return seen

    def _attempt_return(self, tx: Transaction, kind: str, reference: str | None,
                        state: TxState = TxState.RETURN_PENDING) -> ReturnOutcome:
        """One settlement call (reversal, refund, release or book), journaled before and
        after: DONE, REFUSED (nothing moved, and the terminal said why), or, for an answer
        that did not come, what ``_ask_return`` learns: DONE, NOT_FOUND or UNKNOWN."""
        step = _STEP_OF[kind]
        self.journal.intent(tx.tx_id, step, state, refund_reference=reference)
        crash_point(f"after_{kind}_intent")
        try:
            result = self._settlement(tx, kind, reference)
            outcome, reason = result.outcome, result.reason
        except Exception as exc:
            outcome, reason = ReturnOutcome.UNKNOWN, repr(exc)
        crash_point(f"after_{kind}_returned")
        self.journal.result(tx.tx_id, step, state, outcome=outcome, reason=reason)
        if outcome is ReturnOutcome.UNKNOWN:
            return self._ask_return(tx, kind, reference)
        return outcome

    def _settlement(self, tx: Transaction, kind: str, reference: str | None) -> ReturnResult:
        if kind == "reversal":
            return self.payment.reverse(tx.tx_id)
        if kind == "refund":
            return self.payment.refund(tx.tx_id, self._amount(tx), reference or "")
        if kind == "release":
            return self.payment.release(tx.tx_id)
        return self.payment.book(tx.tx_id, self._amount(tx))

    def _ask_return(self, tx: Transaction, kind: str, reference: str | None) -> ReturnOutcome:
        """What the terminal knows of one earlier return, asked until it says."""
        for delay in self.retry.delays():
            try:
                answer = self.payment.query_return(tx.tx_id, kind, reference).outcome
            except Exception as exc:
                self.journal.note(tx.tx_id, "payment.return_query", kind=kind, error=repr(exc))
                self.sleep(delay)
                continue
            crash_point("after_return_query_returned")
            self.journal.note(tx.tx_id, "payment.return_query", kind=kind,
                              refund_reference=reference, outcome=answer)
            if answer in (ReturnOutcome.DONE, ReturnOutcome.NOT_FOUND):
                return answer
            self.sleep(delay)
        return ReturnOutcome.UNKNOWN

    def _returned(self, tx, state, kind, reference, print_receipts) -> Transaction:
        tx = self.journal.result(tx.tx_id, f"payment.{kind}", state,
                                 {"refund": {"kind": kind, "reference": reference}}, outcome="done")
        if print_receipts:
            try:
                receipt = receipt_state(self.printer.print_refund(refund_record(tx, self.kiosk)))
            except Exception:
                receipt = ReceiptState.PENDING
        else:
            receipt = ReceiptState.PENDING
        self.journal.set_receipt(tx.tx_id, receipt, slip="refund")
        return self.journal.get(tx.tx_id)

    def _manual(self, tx: Transaction, reason: str, **data) -> Transaction:
        logs.event(log, "checkout.manual_review", logging.ERROR, tx=tx.tx_id, reason=reason)
        return self.journal.result(tx.tx_id, "manual_review", TxState.MANUAL_REVIEW,
                                   {"note": reason}, reason=reason, **data)
