"""``PaymentPort`` over ZVT/TCP: the kiosk's side of a real card terminal.

One connection, registered (06 00) when opened and again after every reconnect. A command
whose answer is lost after it went out is UNKNOWN and is resolved by a repeat receipt
(06 20), never by a second authorisation: the repeat receipt tells the terminal's last
transaction, which is ours when its trace number is newer than the last one we had seen.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from kiosk.core.money import Money
from kiosk.core.sale import PaymentMethod
from kiosk.logs import event
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
from kiosk.payment.zvt import codes
from kiosk.payment.zvt import messages as m
from kiosk.payment.zvt.errors import ZvtError
from kiosk.payment.zvt.refs import RefMap
from kiosk.payment.zvt.session import Refused, Turn, run
from kiosk.payment.zvt.transport import Link, Timeouts

log = logging.getLogger(__name__)
CURRENCIES = {"EUR": m.EUR, "RUB": m.RUB}
_FINAL = {"approved": PaymentOutcome.APPROVED, "declined": PaymentOutcome.DECLINED,
          "cancelled": PaymentOutcome.CANCELLED, "not_sent": PaymentOutcome.NOT_SENT,
          "not_found": PaymentOutcome.NOT_FOUND, "reserved": PaymentOutcome.APPROVED,
          "booked": PaymentOutcome.APPROVED, "released": PaymentOutcome.CANCELLED}


class _Offline(Exception):
    """No connection could be opened: nothing was sent."""


@dataclass(frozen=True)
class ZvtSettings:
    host: str
    port: int
    password: str = "000000"
    currency: str = "EUR"
    reservation: bool = False  # the terminal supports 06 22 / 06 24 / 06 25
    timeouts: Timeouts = field(default_factory=Timeouts)


class ZvtTerminal:
    """Implements ``PaymentPort`` (plus reserve / book / release for the pre-auth flow)."""

    def __init__(self, settings: ZvtSettings, refs_path: Path,
                 method: PaymentMethod = PaymentMethod.CARD,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if settings.currency not in CURRENCIES:
            raise ValueError(f"currency {settings.currency} has no ZVT code here")
        self.method = method
        self.settings = settings
        self.refs = RefMap(refs_path)
        self._clock = clock
        self._link: Link | None = None
        self._lock = threading.Lock()  # one command at a time; abort does not take it
        self._current: str | None = None
        self.terminal_id: str | None = None

    # -- connection ----------------------------------------------------------------------

    def _connected(self) -> Link:
        """The open link, or a new one, registered. A link the terminal closed while idle
        is noticed here, before a command goes out on it and comes back UNKNOWN."""
        if self._link is not None and not self._link.peer_closed(0.0):
            return self._link
        self._drop()
        link = None
        try:
            link = Link.connect(self.settings.host, self.settings.port,
                                self.settings.timeouts, self._clock)
            turn = run(link, m.Registration(self.settings.password, m.KIOSK_CONFIG,
                                            CURRENCIES[self.settings.currency]))
        except ZvtError as exc:
            if link is not None:
                link.close()
            event(log, "zvt.offline", logging.WARNING, reason=str(exc))
            raise _Offline(str(exc)) from None
        if isinstance(turn.end, m.Completion):
            self.terminal_id = turn.end.terminal_id or self.terminal_id
        event(log, "zvt.registered", terminal_id=self.terminal_id)
        self._link = link
        return link

    def _drop(self) -> None:
        if self._link is not None:
            self._link.close()
        self._link = None

    def close(self) -> None:
        self._drop()

    def _run(self, command, on_status=lambda s: None, on_info=lambda i: None,
             on_master=lambda master: None) -> Turn:
        """One command; a lost line closes the link (the next command reconnects and
        registers again). Raises ``_Offline`` (not sent), ``Refused``, or ``ZvtError``."""
        link = self._connected()
        turn = Turn()
        try:
            return run(link, command, on_status, on_info, turn, on_master)
        except Refused:
            raise
        except BaseException:  # mid-turn: the link is out of step with the terminal now
            self._drop()
            raise

    # -- payments ------------------------------------------------------------------------

    def authorise(self, reference: str, amount: Money,
                  on_prompt: Callable[[TerminalPrompt], None],
                  deliverable: Callable[[], bool] | None = None) -> PaymentResult:
        """``deliverable`` (optional, for the later hold-until-renewed flow) is asked when
        the terminal reports the approval, before it completes: False answers the 04 0F
        with 84 66 "goods not delivered" and the terminal reverses at once (CANCELLED)."""
        return self._pay(reference, amount, on_prompt, m.Authorisation, "payment",
                         deliverable)

    def reserve(self, reference: str, amount: Money,
                on_prompt: Callable[[TerminalPrompt], None]) -> PaymentResult:
        """06 22: the money is held, not taken, until ``book`` or ``release``."""
        if not self.settings.reservation:
            return self._result(reference, amount, PaymentOutcome.NOT_SENT,
                                reason="reservation_unsupported")
        return self._pay(reference, amount, on_prompt, m.PreAuthorisation, "reservation")

    def _pay(self, reference, amount, on_prompt, command_type, kind,
             deliverable: Callable[[], bool] | None = None) -> PaymentResult:
        if self.refs.get(reference) is not None:
            raise ValueError(f"reference {reference} was already used at this terminal")
        if amount.currency != self.settings.currency:
            return self._result(reference, amount, PaymentOutcome.NOT_SENT, reason="currency")

        def on_status(status: int) -> None:
            code = codes.prompt_code(status)
            if code:
                on_prompt(prompt(code))

        refused = []

        def on_info(info: m.StatusInformation) -> m.Nak | None:
            if info.result == codes.SUCCESS and deliverable is not None and not deliverable():
                refused.append(info)
                return m.Nak(m.NAK_GOODS_NOT_DELIVERED)
            return None

        def on_master(master: bool) -> None:
            self._current = reference if master else None

        with self._lock:
            try:
                try:
                    self._connected()
                except _Offline:
                    return self._result(reference, amount, PaymentOutcome.NOT_SENT,
                                        reason="offline")
                self.refs.begin(reference, kind, amount.minor, amount.currency)
                command = command_type(amount.minor, CURRENCIES[self.settings.currency])
                try:
                    turn = self._run(command, on_status, on_info, on_master)
                except Refused as exc:
                    reason = ("reservation_unsupported" if kind == "reservation"
                              and exc.code == codes.FUNCTION_NOT_POSSIBLE else
                              "busy" if exc.code == codes.RECEIVER_NOT_READY else
                              f"refused_{codes.reason(exc.code)}")
                    self.refs.update(reference, status="not_sent", reason=reason)
                    return self._result(reference, amount, PaymentOutcome.NOT_SENT,
                                        reason=reason)
                except (ZvtError, _Offline) as exc:
                    event(log, "zvt.unknown", logging.WARNING, reference=reference,
                          reason=type(exc).__name__)
                    self.refs.update(reference, status="unknown", reason="no_answer")
                    return self._result(reference, amount, PaymentOutcome.UNKNOWN,
                                        reason="no_answer")
                if refused and isinstance(turn.end, m.AbortAnswer):
                    self._store(reference, "cancelled", "goods_not_delivered", turn.info, ())
                    return self._from_row(self.refs.get(reference))
                return self._settle(reference, amount, turn, kind)
            finally:
                self._current = None

    def _settle(self, reference: str, amount: Money, turn: Turn, kind: str) -> PaymentResult:
        info = turn.info
        if info is not None:
            self.refs.saw_trace(info.trace)
        if isinstance(turn.end, m.AbortAnswer):
            status = "cancelled" if turn.end.result == codes.ABORTED else "declined"
            reason = codes.reason(turn.end.result)
        elif info is not None and info.result == codes.SUCCESS:
            status, reason = ("reserved" if kind == "reservation" else "approved"), None
        else:
            status = "declined"
            reason = codes.reason(info.result if info and info.result is not None
                                  else codes.SYSTEM_ERROR)
        self._store(reference, status, reason, info, turn.lines)
        return self._from_row(self.refs.get(reference))

    def _store(self, reference: str, status: str, reason: str | None,
               info: m.StatusInformation | None, lines) -> None:
        values = {"status": status, "reason": reason, "slip": tuple(lines)}
        if info is not None:
            values.update(trace=info.trace, receipt=info.receipt,
                          auth_code=info.auth_attribute, card_masked=info.card_number,
                          terminal_id=info.terminal_id or self.terminal_id)
        self.refs.update(reference, **values)

    def abort(self, reference: str) -> bool:
        """06 B0 on the live connection while the terminal waits for the card; the 06 1E
        that follows ends ``authorise`` as CANCELLED."""
        link = self._link
        if self._current != reference or link is None or link.closed:
            return False
        try:
            link.send(m.AbortCommand().to_apdu())
        except ZvtError:
            return False
        return True

    def query(self, reference: str) -> PaymentResult:
        row = self.refs.get(reference)
        if row is None:
            return PaymentResult(reference, PaymentOutcome.NOT_FOUND, Money(0, "XXX"),
                                 self.method)
        if row["status"] in _FINAL:
            return self._from_row(row)
        amount = Money(row["amount_minor"], row["currency"])
        with self._lock:
            try:
                turn = self._run(m.RepeatReceipt(self.settings.password))
            except Refused:
                return self._result(reference, amount, PaymentOutcome.IN_PROGRESS)
            except (ZvtError, _Offline):
                return self._result(reference, amount, PaymentOutcome.UNKNOWN,
                                    reason="no_answer")
        info = turn.info
        whose = self._whose(info, row["after_trace"], row["amount_minor"])
        if whose == "nothing":
            self.refs.update(reference, status="not_found")
            return self._from_row(self.refs.get(reference))
        if whose == "unclear":
            return self._result(reference, amount, PaymentOutcome.UNKNOWN, reason="superseded")
        self.refs.saw_trace(info.trace)
        status = ("cancelled" if info.result == codes.ABORTED else
                  "declined" if info.result != codes.SUCCESS else
                  "reserved" if row["kind"] == "reservation" else "approved")
        reason = None if info.result == codes.SUCCESS else codes.reason(info.result or 0)
        self._store(reference, status, reason, info, turn.lines)
        return self._from_row(self.refs.get(reference))

    def _whose(self, info: m.StatusInformation | None, after: int | None,
               amount_minor: int) -> str:
        """Is the terminal's last transaction (the repeat receipt) the one in doubt?
        "nothing": no transaction since the last trace we saw, so ours never ran; "ours";
        "unclear": a later or foreign transaction hides it (06 20 repeats only the last)."""
        if info is None or info.trace is None or info.trace == after:
            return "nothing"
        if self.refs.owner_of_trace(info.trace) is not None or info.amount != amount_minor:
            return "unclear"
        return "ours"

    # -- money back ----------------------------------------------------------------------

    def reverse(self, reference: str) -> ReturnResult:
        row = self.refs.get(reference)
        if row is None or row["status"] != "approved" or row["receipt"] is None:
            if row is not None and row["returned"] == "reversal":
                return ReturnResult(reference, ReturnOutcome.DONE, "reversal")
            return ReturnResult(reference, ReturnOutcome.REFUSED, "reversal", reason="no_charge")
        if row["returned"] == "reversal":
            return ReturnResult(reference, ReturnOutcome.DONE, "reversal")
        command = m.Reversal(self.settings.password, row["receipt"])
        return self._return(reference, "reversal", "", row["amount_minor"], command)

    def refund(self, reference: str, amount: Money, refund_reference: str) -> ReturnResult:
        row = self.refs.get(reference)
        if row is None or row["status"] != "approved":
            return ReturnResult(reference, ReturnOutcome.REFUSED, "refund", reason="no_charge")
        done = self.refs.get_return(reference, "refund", refund_reference)
        if done is not None and done["status"] == "done":
            return ReturnResult(reference, ReturnOutcome.DONE, "refund", refund_reference)
        command = m.Refund(self.settings.password, amount.minor,
                           CURRENCIES[self.settings.currency])
        return self._return(reference, "refund", refund_reference, amount.minor, command)

    def _return(self, reference: str, kind: str, refund_reference: str, amount_minor: int,
                command) -> ReturnResult:
        shown_ref = refund_reference or None
        with self._lock:
            try:
                self._connected()
            except _Offline:
                return ReturnResult(reference, ReturnOutcome.UNKNOWN, kind, shown_ref,
                                    reason="offline")
            self.refs.begin_return(reference, kind, refund_reference, amount_minor)
            try:
                turn = self._run(command)
            except Refused as exc:
                self.refs.update_return(reference, kind, refund_reference, status="refused")
                return ReturnResult(reference, ReturnOutcome.REFUSED, kind, shown_ref,
                                    reason=f"refused_{codes.reason(exc.code)}")
            except (ZvtError, _Offline):
                return ReturnResult(reference, ReturnOutcome.UNKNOWN, kind, shown_ref,
                                    reason="no_answer")
        return self._return_settled(reference, kind, refund_reference, turn)

    def _return_settled(self, reference, kind, refund_reference, turn: Turn) -> ReturnResult:
        shown_ref = refund_reference or None
        info = turn.info
        if info is not None:
            self.refs.saw_trace(info.trace)
        if isinstance(turn.end, m.AbortAnswer) or info is None or info.result != 0:
            code = turn.end.result if isinstance(turn.end, m.AbortAnswer) else (
                info.result if info and info.result is not None else codes.SYSTEM_ERROR)
            self.refs.update_return(reference, kind, refund_reference, status="refused")
            return ReturnResult(reference, ReturnOutcome.REFUSED, kind, shown_ref,
                                reason=codes.reason(code))
        self.refs.update_return(reference, kind, refund_reference, status="done",
                                trace=info.trace, receipt=info.receipt)
        if kind == "book":
            self.refs.update(reference, status="booked", slip=tuple(turn.lines))
        elif kind == "release":
            self.refs.update(reference, status="released", returned="release")
        else:
            self.refs.update(reference, returned=kind)
        return ReturnResult(reference, ReturnOutcome.DONE, kind, shown_ref)

    def query_return(self, reference: str, kind: str,
                     refund_reference: str | None = None) -> ReturnResult:
        row = self.refs.get_return(reference, kind, refund_reference or "")
        if row is None or row["status"] == "refused":
            return ReturnResult(reference, ReturnOutcome.NOT_FOUND, kind, refund_reference)
        if row["status"] == "done":
            return ReturnResult(reference, ReturnOutcome.DONE, kind, refund_reference)
        with self._lock:
            try:
                turn = self._run(m.RepeatReceipt(self.settings.password))
            except (ZvtError, _Offline):
                return ReturnResult(reference, ReturnOutcome.UNKNOWN, kind, refund_reference)
        whose = self._whose(turn.info, row["after_trace"], row["amount_minor"])
        if whose == "unclear":
            return ReturnResult(reference, ReturnOutcome.UNKNOWN, kind, refund_reference,
                                reason="superseded")
        if whose == "ours" and turn.info.result == codes.SUCCESS:
            return self._return_settled(reference, kind, refund_reference or "", turn)
        self.refs.update_return(reference, kind, refund_reference or "", status="refused")
        return ReturnResult(reference, ReturnOutcome.NOT_FOUND, kind, refund_reference)

    # -- holding the money until the renewal is applied (HoldingPort) --------------------

    @property
    def holds(self) -> bool:
        """Sales hold the money (06 22) where this terminal is configured for reservations."""
        return self.settings.reservation

    def book(self, reference: str, amount: Money) -> ReturnResult:
        """06 24: charge the held amount. Journaled like a return, so a booking whose answer
        was lost is asked about (``query_return(reference, "book")``), never sent twice."""
        row = self.refs.get(reference)
        if row is not None and row["status"] == "booked":
            return ReturnResult(reference, ReturnOutcome.DONE, "book")
        if row is None or row["status"] != "reserved" or row["receipt"] is None:
            return ReturnResult(reference, ReturnOutcome.REFUSED, "book",
                                reason="no_reservation")
        return self._return(reference, "book", "", amount.minor,
                            m.BookTotal(row["receipt"], amount.minor))

    def release(self, reference: str) -> ReturnResult:
        """06 25 (pre-authorisation reversal): the held money goes back whole."""
        row = self.refs.get(reference)
        if row is not None and row["status"] == "released":
            return ReturnResult(reference, ReturnOutcome.DONE, "release")
        if row is None or row["status"] != "reserved" or row["receipt"] is None:
            return ReturnResult(reference, ReturnOutcome.REFUSED, "release",
                                reason="no_reservation")
        return self._return(reference, "release", "", row["amount_minor"],
                            m.PreAuthReversal(row["receipt"]))

    # -- the day and the device ----------------------------------------------------------

    def recent(self, limit: int = 200) -> list[PaymentResult]:
        """What this adapter ran, newest first (a ZVT terminal cannot list transactions by
        the ECR's references: the map is the only place they exist)."""
        return [self._from_row(row) for row in self.refs.recent(limit)]

    def end_of_day(self) -> EndOfDay:
        with self._lock:
            turn = self._run(m.EndOfDayCommand(self.settings.password))
        info = turn.info
        currency = self.settings.currency
        if isinstance(turn.end, m.AbortAnswer) or info is None:
            raise ZvtError(f"end of day refused: {turn.end}")
        count = info.totals.count if info.totals else 0
        total = info.totals.total if info.totals else (info.amount or 0)
        self.refs.saw_trace(info.trace)
        returns = self.refs.returns_since(self.refs.meta("day_started") or "")
        self.refs.set_meta("day_started", datetime.now(UTC).isoformat())
        return EndOfDay(count, Money(total, currency), len(returns),
                        Money(sum(r["amount_minor"] for r in returns), currency))

    def status(self) -> DeviceStatus:
        with self._lock:
            try:
                turn = self._run(m.StatusEnquiry(self.settings.password))
            except Refused as exc:
                return DeviceStatus(False, f"busy ({codes.reason(exc.code)})")
            except (ZvtError, _Offline) as exc:
                return DeviceStatus(False, f"offline: {exc}")
        end = turn.end
        if isinstance(end, m.Completion) and not end.status_byte:
            return DeviceStatus(True, f"terminal {end.terminal_id or self.terminal_id}")
        detail = codes.reason(end.result if isinstance(end, m.AbortAnswer)
                              else end.status_byte or 0)
        return DeviceStatus(False, f"terminal status {detail}")

    # -- results -------------------------------------------------------------------------

    def _result(self, reference: str, amount: Money, outcome: PaymentOutcome,
                reason: str | None = None) -> PaymentResult:
        return PaymentResult(reference, outcome, amount, self.method, reason=reason,
                             terminal_id=self.terminal_id)

    def _from_row(self, row: dict) -> PaymentResult:
        amount = Money(row["amount_minor"], row["currency"])
        outcome = _FINAL.get(row["status"], PaymentOutcome.UNKNOWN)
        return PaymentResult(
            row["reference"], outcome, amount, self.method,
            auth_code=row["auth_code"],
            rrn=f"{row['trace']:06d}" if row["trace"] is not None else None,
            card_masked=row["card_masked"], terminal_id=row["terminal_id"] or self.terminal_id,
            slip_lines=row["slip"], reason=row["reason"], returned=row["returned"])
