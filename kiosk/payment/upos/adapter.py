"""``PaymentPort`` over Sber's ``sb_pilot``: one program run per operation, each journaled in
the op log before and after, every unclear ending settled by the last-operation query.

Operations and their command codes, as public wrappers call them (verify against the vendor
document of the installed version): ``1 <kopecks>`` pay, ``8 <kopecks> <rrn>`` cancel the
same day, ``3 <kopecks> <rrn>`` refund, ``7`` end of day, ``26`` the last operation's result.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk import logs
from kiosk.core.money import Money
from kiosk.core.sale import PaymentMethod
from kiosk.payment.port import (
    DeviceStatus,
    EndOfDay,
    PaymentOutcome,
    PaymentResult,
    ReturnOutcome,
    ReturnResult,
    TerminalPrompt,
    prompt,
)
from kiosk.payment.upos import result as upos_result
from kiosk.payment.upos.oplog import Operation, OpLog
from kiosk.payment.upos.runner import run

log = logging.getLogger(__name__)

PAY, REFUND, CANCEL, CLOSE_DAY, LAST_OPERATION = "1", "3", "8", "7", "26"
_KIND_OF_RETURN = {"reversal": "cancel", "refund": "refund"}


@dataclass(frozen=True)
class UposSettings:
    executable: Path
    config_dir: Path | None  # pinpad.ini and what else the program reads beside it
    work_dir: Path  # one fresh folder per run is made under it
    timeout_s: float = 180.0  # the customer's time at the pin pad included
    query_timeout_s: float = 30.0
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Moscow"))  # its clock


class UposTerminal:
    """Thread-safe: one program run at a time (the pin pad serves one customer)."""

    method = PaymentMethod.CARD

    def __init__(self, settings: UposSettings,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.settings = settings
        self.oplog = OpLog(settings.work_dir / "operations.sqlite")
        self._now = now
        self._lock = threading.Lock()
        self._runs = 0

    # -- running the program -----------------------------------------------------------

    def _workdir(self, label: str) -> Path:
        self._runs += 1
        stamp = self._now().strftime("%Y%m%dT%H%M%S%f")
        return self.settings.work_dir / "runs" / f"{stamp}-{label}-{self._runs}"

    def _run(self, workdir: Path, args: list[str], timeout_s: float):
        done = run(self.settings.executable, args, workdir, self.settings.config_dir, timeout_s)
        if done.timed_out or done.result is None:
            logs.event(log, "upos.no_result", logging.WARNING, op=args[0],
                       timed_out=done.timed_out, exit_status=done.exit_status)
            return None, done
        try:
            return upos_result.parse(done.result, self.settings.timezone), done
        except upos_result.UposFileError as exc:
            logs.event(log, "upos.bad_result", logging.WARNING, op=args[0], error=str(exc))
            return None, done

    def _last_operation(self) -> upos_result.UposResult | None:
        answer, _ = self._run(self._workdir("last"), [LAST_OPERATION],
                              self.settings.query_timeout_s)
        return answer

    # -- the port ----------------------------------------------------------------------

    def authorise(self, reference: str, amount: Money,
                  on_prompt: Callable[[TerminalPrompt], None]) -> PaymentResult:
        if self.oplog.find(reference, "pay"):
            raise ValueError(f"reference {reference} was already sent to the terminal")
        with self._lock:
            workdir = self._workdir("pay")
            op_id = self.oplog.started(reference, "pay", amount.minor, amount.currency,
                                       workdir, self._now())
            on_prompt(prompt("present_card"))
            answer, done = self._run(workdir, [PAY, str(amount.minor)], self.settings.timeout_s)
            if answer is None:
                self.oplog.answered(op_id, "unknown", self._now())
                return self._result(reference, amount, PaymentOutcome.UNKNOWN, "no_result")
            return self._settled(op_id, reference, amount, answer, done.slip)

    def _settled(self, op_id: int, reference: str, amount: Money,
                 answer: upos_result.UposResult, slip: bytes) -> PaymentResult:
        state = _state_of(answer.code)
        self.oplog.answered(op_id, state, self._now(), answer.code, answer.auth_code,
                            answer.rrn, answer.card_masked, answer.operation_no)
        if state != "approved":
            outcome = (PaymentOutcome.CANCELLED if state == "cancelled"
                       else PaymentOutcome.DECLINED)
            return self._result(reference, amount, outcome, str(answer.code))
        return PaymentResult(reference, PaymentOutcome.APPROVED, amount, self.method,
                             answer.auth_code, answer.rrn, answer.card_masked,
                             answer.terminal_id, upos_result.slip_lines(slip))

    def abort(self, reference: str) -> bool:
        return False  # the vendor program owns the pin pad until it ends; it has its own cancel

    def query(self, reference: str) -> PaymentResult:
        """Our op log first; a run whose ending was unclear is asked of the terminal, and
        matched to the sale only when it was the terminal's last operation."""
        with self._lock:
            ops = self.oplog.find(reference, "pay")
            if not ops:
                return PaymentResult(reference, PaymentOutcome.NOT_FOUND, Money(0, "XXX"),
                                     self.method)
            op = ops[-1]
            amount = Money(op.amount_minor, op.currency)
            if op.state == "not_found":
                return self._result(reference, amount, PaymentOutcome.NOT_FOUND, "never_ran")
            if op.state not in ("started", "unknown"):
                return self._from_op(op)
            if self.oplog.last().id != op.id:
                return self._result(reference, amount, PaymentOutcome.UNKNOWN, "not_last")
            answer = self._last_operation()
            if answer is not None and self._before(answer, op):
                self.oplog.answered(op.id, "not_found", self._now())
                return self._result(reference, amount, PaymentOutcome.NOT_FOUND, "never_ran")
            if answer is None or not self._is(answer, op):
                return self._result(reference, amount, PaymentOutcome.UNKNOWN, "unmatched")
            return self._settled(op.id, reference, amount, answer, b"")

    def _from_op(self, op: Operation) -> PaymentResult:
        amount = Money(op.amount_minor, op.currency)
        if op.state == "approved":
            return PaymentResult(op.reference, PaymentOutcome.APPROVED, amount, self.method,
                                 op.auth_code, op.rrn, op.card_masked)
        outcome = PaymentOutcome.CANCELLED if op.state == "cancelled" else PaymentOutcome.DECLINED
        return self._result(op.reference, amount, outcome, str(op.code))

    def reverse(self, reference: str) -> ReturnResult:
        return self._return(reference, "reversal", None)

    def refund(self, reference: str, amount: Money, refund_reference: str) -> ReturnResult:
        return self._return(reference, "refund", refund_reference)

    def _return(self, reference: str, kind: str, refund_reference: str | None) -> ReturnResult:
        pays = [op for op in self.oplog.find(reference, "pay") if op.state == "approved"]
        if not pays or not pays[-1].rrn:
            return ReturnResult(reference, ReturnOutcome.REFUSED, kind, refund_reference,
                                "no_charge")
        pay = pays[-1]
        command = CANCEL if kind == "reversal" else REFUND
        with self._lock:
            workdir = self._workdir(_KIND_OF_RETURN[kind])
            op_id = self.oplog.started(reference, _KIND_OF_RETURN[kind], pay.amount_minor,
                                       pay.currency, workdir, self._now(), refund_reference)
            answer, _ = self._run(workdir, [command, str(pay.amount_minor), pay.rrn],
                                  self.settings.timeout_s)
            if answer is None:
                self.oplog.answered(op_id, "unknown", self._now())
                return ReturnResult(reference, ReturnOutcome.UNKNOWN, kind, refund_reference)
            state = _state_of(answer.code)
            self.oplog.answered(op_id, state, self._now(), answer.code, answer.auth_code,
                                answer.rrn, operation_no=answer.operation_no)
        outcome = ReturnOutcome.DONE if state == "approved" else ReturnOutcome.REFUSED
        return ReturnResult(reference, outcome, kind, refund_reference, str(answer.code))

    def query_return(self, reference: str, kind: str,
                     refund_reference: str | None = None) -> ReturnResult:
        ops = [op for op in self.oplog.find(reference, _KIND_OF_RETURN.get(kind, kind))
               if op.refund_reference == refund_reference]
        if not ops:
            return ReturnResult(reference, ReturnOutcome.NOT_FOUND, kind, refund_reference)
        op = ops[-1]
        if op.state in ("started", "unknown"):
            with self._lock:
                answer = self._last_operation() if self.oplog.last().id == op.id else None
                if answer is not None and self._before(answer, op):
                    self.oplog.answered(op.id, "not_found", self._now())
                    return ReturnResult(reference, ReturnOutcome.NOT_FOUND, kind,
                                        refund_reference)
                if answer is None or not self._is(answer, op):
                    return ReturnResult(reference, ReturnOutcome.UNKNOWN, kind, refund_reference)
                state = _state_of(answer.code)
                self.oplog.answered(op.id, state, self._now(), answer.code, answer.auth_code,
                                    answer.rrn, operation_no=answer.operation_no)
            op = self.oplog.find(reference, op.kind)[-1]
        outcome = ReturnOutcome.DONE if op.state == "approved" else ReturnOutcome.NOT_FOUND
        return ReturnResult(reference, outcome, kind, refund_reference)

    def recent(self, limit: int = 200) -> list[PaymentResult]:
        ops = self.oplog.recent(limit * 3)
        returned = {}
        for op in ops:
            if op.kind != "pay" and op.state == "approved":
                returned[op.reference] = "reversal" if op.kind == "cancel" else "refund"
        results = []
        for op in (o for o in ops if o.kind == "pay"):
            if op.state in ("started", "unknown"):
                amount = Money(op.amount_minor, op.currency)
                results.append(self._result(op.reference, amount, PaymentOutcome.UNKNOWN))
                continue
            result = self._from_op(op)
            results.append(replace(result, returned=returned.get(op.reference)))
        return results[:limit]

    def end_of_day(self) -> EndOfDay:
        with self._lock:
            self._run(self._workdir("close"), [CLOSE_DAY], self.settings.query_timeout_s)
        ops = self.oplog.recent(10_000)
        pays = [op for op in ops if op.kind == "pay" and op.state == "approved"]
        backs = [op for op in ops if op.kind != "pay" and op.state == "approved"]
        currency = pays[0].currency if pays else "RUB"
        return EndOfDay(len(pays), Money(sum(o.amount_minor for o in pays), currency),
                        len(backs), Money(sum(o.amount_minor for o in backs), currency))

    def status(self) -> DeviceStatus:
        executable = self.settings.executable
        if not executable.is_file():
            return DeviceStatus(False, f"{executable} missing")
        return DeviceStatus(True, "sb_pilot")

    def _before(self, answer: upos_result.UposResult, op: Operation) -> bool:
        """Whether the terminal's last operation is one the kiosk already had an answer
        for: then ``op`` never ran (one operation at a time; this pin pad is the kiosk's)."""
        return answer.operation_no is not None and self.oplog.knows(answer.operation_no)

    def _is(self, answer: upos_result.UposResult, op: Operation) -> bool:
        """Whether the terminal's last operation is ``op``: a number the kiosk has not seen
        answered, the same amount, and done after the kiosk started it (a terminal clock a
        little behind is allowed for)."""
        if answer.operation_no is None or self._before(answer, op):
            return False
        if answer.amount_minor != op.amount_minor or answer.when is None:
            return False
        return (answer.when - op.started_at).total_seconds() > -120

    def _result(self, reference: str, amount: Money, outcome: PaymentOutcome,
                reason: str | None = None) -> PaymentResult:
        return PaymentResult(reference, outcome, amount, self.method, reason=reason)


def _state_of(code: int) -> str:
    if code == upos_result.APPROVED:
        return "approved"
    return "cancelled" if code == upos_result.CUSTOMER_CANCELLED else "declined"
