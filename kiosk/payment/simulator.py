"""An in-process card terminal that behaves like the real ones, faults included.

Outcomes are scripted per transaction or by default: approve, decline, customer cancel,
timeout before sending, timeout after sending (unknown; a later query tells the truth),
approve then connection lost, and a busy terminal. With ``holds`` it holds money as a
pre-authorisation does: ``reserve`` holds, ``book`` charges, ``release`` lets go. Its
ledger is a SQLite file, written before it answers, like a terminal's own memory: after a
crash of the kiosk the ledger is the truth the recovery tests check against.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from kiosk.core.money import Money
from kiosk.core.sale import PaymentMethod
from kiosk.payment.durable import durable_db
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


class Script(StrEnum):
    APPROVE = "approve"
    DECLINE = "decline"
    CANCEL = "cancel"
    TIMEOUT_BEFORE_SEND = "timeout_before_send"
    TIMEOUT_AFTER_SEND = "timeout_after_send"
    APPROVE_THEN_LOST = "approve_then_lost"
    BUSY = "busy"


_SCHEMA = """
CREATE TABLE IF NOT EXISTS charges (
    reference TEXT PRIMARY KEY, amount_minor INTEGER NOT NULL, currency TEXT NOT NULL,
    status TEXT NOT NULL, auth_code TEXT, rrn TEXT, pending_queries INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, owner_pid INTEGER);
CREATE TABLE IF NOT EXISTS holds (
    reference TEXT PRIMARY KEY, settled TEXT, settled_at TEXT);
CREATE TABLE IF NOT EXISTS refunds (
    refund_reference TEXT PRIMARY KEY, reference TEXT NOT NULL, amount_minor INTEGER NOT NULL,
    currency TEXT NOT NULL, created_at TEXT NOT NULL);
"""

TERMINAL_ID = "SIM00001"
_FIRST_PROMPT = {
    PaymentMethod.SBP_QR: "scan_qr",
    PaymentMethod.ALIPAY: "scan_qr",
    PaymentMethod.WECHAT: "scan_qr",
    PaymentMethod.CASH: "insert_cash",
}
CARD_MASKED = "220220******4242"
QR_METHODS = (PaymentMethod.SBP_QR, PaymentMethod.ALIPAY, PaymentMethod.WECHAT)
_AFTER_FIRST = {  # what the terminal says once the customer has acted, up to the answer
    PaymentMethod.CARD: ("enter_pin", "processing"),
}


def qr_payload(method: PaymentMethod, reference: str, amount: Money) -> str | None:
    """A payment link shaped like the wallet's own (SBP's qr.nspk.ru link with the sum in
    kopecks, Alipay's qr.alipay.com code, WeChat Pay's native-pay URL), made up from the
    reference: what the simulated terminal shows to be scanned. None for other methods."""
    code = hashlib.sha256(f"{method}:{reference}".encode()).hexdigest().upper()
    if method is PaymentMethod.SBP_QR:
        return (f"https://qr.nspk.ru/AD{code[:30]}?type=02&bank=100000000111"
                f"&sum={amount.minor}&cur={amount.currency}&crc={code[30:34]}")
    if method is PaymentMethod.ALIPAY:
        return f"https://qr.alipay.com/bax{code[:22].lower()}"
    if method is PaymentMethod.WECHAT:
        return f"weixin://wxpay/bizpayurl?pr={code[:7]}"
    return None


class PaymentSimulator:
    """Implements ``PaymentPort``. Thread-safe; ``abort`` may come from another thread."""

    def __init__(
        self,
        ledger_path: Path,
        method: PaymentMethod = PaymentMethod.CARD,
        default: Script | str = Script.APPROVE,
        wait_for_card_s: float = 0.0,
        allow_reversal: bool = True,
        pending_queries: int = 1,
        holds: bool = False,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        prompt_pause_s: float = 0.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """``prompt_pause_s``: how long each prompt stays before the next, as a real
        terminal's would (the demo's screens; tests keep 0, or pass their own ``sleep``)."""
        self.prompt_pause_s = prompt_pause_s
        self.sleep = sleep
        self.ledger_path = ledger_path
        self.method = PaymentMethod(method)
        self.default = Script(default)
        self.wait_for_card_s = wait_for_card_s
        self.allow_reversal = allow_reversal
        self.pending_queries = pending_queries
        self.holds = holds
        self._now = now
        self.online = True  # off: the terminal is unplugged, status says so, nothing is sent
        self._scripts: dict[str, Script] = {}
        self._queue: deque[Script] = deque()
        self._aborts: dict[str, threading.Event] = {}
        self._lock = threading.Lock()
        ledger_path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.executescript(_SCHEMA)

    # -- scripting ---------------------------------------------------------------------

    def script(self, reference: str, outcome: Script | str) -> None:
        self._scripts[reference] = Script(outcome)

    def script_next(self, *outcomes: Script | str) -> None:
        """The next authorisations, in order, whatever their reference."""
        self._queue.extend(Script(o) for o in outcomes)

    def _outcome_for(self, reference: str) -> Script:
        if reference in self._scripts:
            return self._scripts.pop(reference)
        with self._lock:
            return self._queue.popleft() if self._queue else self.default

    # -- ledger ------------------------------------------------------------------------

    def _db(self) -> AbstractContextManager[sqlite3.Connection]:
        return durable_db(self.ledger_path)

    def _begin(self, reference: str, amount: Money) -> None:
        """The terminal knows of a transaction from its first moment, as a real one does:
        a query while the customer is still at the terminal answers "in progress"."""
        stamp = self._now().isoformat()
        with self._db() as db:
            db.execute(
                "INSERT INTO charges VALUES (?,?,?,'in_progress',NULL,NULL,0,?,?,?)",
                (reference, amount.minor, amount.currency, stamp, stamp, os.getpid()),
            )

    def _record(self, reference: str, status: str, pending: int = 0) -> None:
        digits = str(int(hashlib.sha256(reference.encode()).hexdigest(), 16))
        taken = status in ("approved", "reserved")
        auth, rrn = (digits[:6], digits[6:18]) if taken else (None, None)
        with self._db() as db:
            db.execute(
                "UPDATE charges SET status=?, auth_code=?, rrn=?, pending_queries=?, "
                "updated_at=?, owner_pid=NULL WHERE reference=?",
                (status, auth, rrn, pending, self._now().isoformat(), reference),
            )

    def _abandoned(self, row: sqlite3.Row) -> bool:
        """An in-progress transaction whose kiosk process died: a real terminal times it out
        and takes nothing; this one does the same when next asked."""
        if row["status"] != "in_progress" or row["owner_pid"] is None:
            return False
        try:
            os.kill(row["owner_pid"], 0)
        except ProcessLookupError:
            return True
        except PermissionError:  # alive, under another user
            pass
        return False

    def _row(self, reference: str) -> sqlite3.Row | None:
        with self._db() as db:
            db.row_factory = sqlite3.Row
            return db.execute("SELECT * FROM charges WHERE reference=?", (reference,)).fetchone()

    def ledger(self) -> list[dict]:
        """Every charge with its status and refunds: what really happened to the money."""
        with self._db() as db:
            db.row_factory = sqlite3.Row
            charges = [dict(r) for r in db.execute("SELECT * FROM charges ORDER BY created_at")]
            refunds = [dict(r) for r in db.execute("SELECT * FROM refunds")]
        for charge in charges:
            charge["refunds"] = [r for r in refunds if r["reference"] == charge["reference"]]
        return charges

    # -- the port ----------------------------------------------------------------------

    def authorise(
        self, reference: str, amount: Money, on_prompt: Callable[[TerminalPrompt], None]
    ) -> PaymentResult:
        return self._take(reference, amount, on_prompt, "approved")

    def reserve(
        self, reference: str, amount: Money, on_prompt: Callable[[TerminalPrompt], None]
    ) -> PaymentResult:
        """A pre-authorisation: the customer's card goes through every step of a payment,
        and the amount is held, not charged, until ``book`` or ``release``."""
        return self._take(reference, amount, on_prompt, "reserved")

    def _take(self, reference: str, amount: Money, on_prompt: Callable[[TerminalPrompt], None],
              approved: str) -> PaymentResult:
        if self._row(reference) is not None:
            raise ValueError(f"reference {reference} was already used at this terminal")
        if not self.online:
            return self._result(reference, amount, PaymentOutcome.NOT_SENT, reason="offline")
        outcome = self._outcome_for(reference)
        if outcome in (Script.TIMEOUT_BEFORE_SEND, Script.BUSY):
            reason = "busy" if outcome is Script.BUSY else "no_answer"
            return self._result(reference, amount, PaymentOutcome.NOT_SENT, reason=reason)
        self._begin(reference, amount)
        say = self._paced(on_prompt)
        # Listening for an abort before the screen offers "Cancel": a tap right then counts.
        self._aborts[reference] = threading.Event()
        on_prompt(prompt(_FIRST_PROMPT.get(self.method, "present_card"),
                         qr_payload(self.method, reference, amount)))
        if self._customer_walked_away(reference) or outcome is Script.CANCEL:
            self._record(reference, "cancelled")
            return self._result(reference, amount, PaymentOutcome.CANCELLED, reason="cancelled")
        for code in _AFTER_FIRST.get(self.method, ("processing",)):
            say(prompt(code))
        if outcome is Script.DECLINE:
            self._record(reference, "declined")
            return self._result(reference, amount, PaymentOutcome.DECLINED, reason="51")
        pending = self.pending_queries if outcome is Script.TIMEOUT_AFTER_SEND else 0
        self._record(reference, approved, pending)
        if outcome in (Script.TIMEOUT_AFTER_SEND, Script.APPROVE_THEN_LOST):
            return self._result(reference, amount, PaymentOutcome.UNKNOWN, reason="no_answer")
        if self.method is PaymentMethod.CARD:
            say(prompt("remove_card"))
        return self._from_row(self._row(reference))

    def _paced(self, on_prompt: Callable[[TerminalPrompt], None]
               ) -> Callable[[TerminalPrompt], None]:
        def say(shown: TerminalPrompt) -> None:
            on_prompt(shown)
            if self.prompt_pause_s > 0:
                self.sleep(self.prompt_pause_s)

        return say

    def _customer_walked_away(self, reference: str) -> bool:
        event = self._aborts[reference]
        try:
            if self.prompt_pause_s > 0:  # the first prompt's few seconds; abort counts after
                self.sleep(self.prompt_pause_s)
            return event.wait(self.wait_for_card_s) if self.wait_for_card_s else event.is_set()
        finally:
            self._aborts.pop(reference, None)

    def abort(self, reference: str) -> bool:
        event = self._aborts.get(reference)
        if event is None:
            return False
        event.set()
        return True

    def query(self, reference: str) -> PaymentResult:
        row = self._row(reference)
        if row is None:
            return PaymentResult(reference, PaymentOutcome.NOT_FOUND, Money(0, "XXX"), self.method)
        if self._abandoned(row):
            self._record(reference, "cancelled")
            row = self._row(reference)
        if row["status"] == "in_progress":
            return self._from_row(row)
        if row["pending_queries"] > 0:
            with self._db() as db:
                db.execute(
                    "UPDATE charges SET pending_queries=pending_queries-1 WHERE reference=?",
                    (reference,),
                )
            amount = Money(row["amount_minor"], row["currency"])
            return self._result(reference, amount, PaymentOutcome.IN_PROGRESS)
        return self._from_row(row)

    def reverse(self, reference: str) -> ReturnResult:
        row = self._row(reference)
        if row is not None and row["status"] == "reversed":
            return ReturnResult(reference, ReturnOutcome.DONE, "reversal")
        if row is None or row["status"] != "approved":  # a held amount is released instead
            return ReturnResult(reference, ReturnOutcome.REFUSED, "reversal", reason="no_charge")
        if not self.allow_reversal:
            return ReturnResult(reference, ReturnOutcome.REFUSED, "reversal", reason="day_closed")
        with self._db() as db:
            db.execute(
                "UPDATE charges SET status='reversed', updated_at=? WHERE reference=?",
                (self._now().isoformat(), reference),
            )
        return ReturnResult(reference, ReturnOutcome.DONE, "reversal")

    def refund(self, reference: str, amount: Money, refund_reference: str) -> ReturnResult:
        row = self._row(reference)
        if row is None or row["status"] != "approved":
            return ReturnResult(reference, ReturnOutcome.REFUSED, "refund", reason="no_charge")
        with self._db() as db:
            db.execute(
                "INSERT OR IGNORE INTO refunds VALUES (?,?,?,?,?)",
                (refund_reference, reference, amount.minor, amount.currency,
                 self._now().isoformat()),
            )
        return ReturnResult(reference, ReturnOutcome.DONE, "refund", refund_reference)

    def book(self, reference: str, amount: Money) -> ReturnResult:
        return self._settle_hold(reference, "book", "approved")

    def release(self, reference: str) -> ReturnResult:
        return self._settle_hold(reference, "release", "released")

    def _settle_hold(self, reference: str, kind: str, status: str) -> ReturnResult:
        """A held amount is booked or released once; asking again for the same answers DONE,
        and the other is refused (a booked amount is not released, nor the reverse)."""
        row = self._row(reference)
        if row is not None and row["status"] == status and self._hold_settled(reference) == kind:
            return ReturnResult(reference, ReturnOutcome.DONE, kind)
        if row is None or row["status"] != "reserved":
            return ReturnResult(reference, ReturnOutcome.REFUSED, kind, reason="no_hold")
        stamp = self._now().isoformat()
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute("UPDATE charges SET status=?, updated_at=? WHERE reference=?",
                       (status, stamp, reference))
            db.execute("INSERT OR REPLACE INTO holds VALUES (?,?,?)", (reference, kind, stamp))
            db.execute("COMMIT")
        return ReturnResult(reference, ReturnOutcome.DONE, kind)

    def _hold_settled(self, reference: str) -> str | None:
        with self._db() as db:
            row = db.execute("SELECT settled FROM holds WHERE reference=?",
                             (reference,)).fetchone()
        return row[0] if row else None

    def query_return(
        self, reference: str, kind: str, refund_reference: str | None = None
    ) -> ReturnResult:
        if kind in ("book", "release"):
            done = self._hold_settled(reference) == kind
        elif kind == "reversal":
            row = self._row(reference)
            done = row is not None and row["status"] == "reversed"
        else:
            with self._db() as db:
                done = db.execute("SELECT 1 FROM refunds WHERE refund_reference=? AND "
                                  "reference=?", (refund_reference, reference)).fetchone()
        outcome = ReturnOutcome.DONE if done else ReturnOutcome.NOT_FOUND
        return ReturnResult(reference, outcome, kind, refund_reference)

    def recent(self, limit: int = 200) -> list[PaymentResult]:
        with self._db() as db:
            db.row_factory = sqlite3.Row
            rows = db.execute("SELECT * FROM charges ORDER BY created_at DESC, reference LIMIT ?",
                              (limit,)).fetchall()
            refunded = {r[0] for r in db.execute("SELECT reference FROM refunds")}
        results = []
        for row in rows:
            returned = {"reversed": "reversal", "released": "release"}.get(row["status"]) or (
                "refund" if row["reference"] in refunded else None)
            results.append(replace(self._from_row(row), returned=returned))
        return results

    def end_of_day(self) -> EndOfDay:
        charges = self.ledger()
        currency = charges[0]["currency"] if charges else "RUB"
        approved = [c for c in charges if c["status"] in ("approved", "reversed")]
        returned = [c for c in charges if c["status"] == "reversed" or c["refunds"]]
        return EndOfDay(
            len(approved),
            Money(sum(c["amount_minor"] for c in approved), currency),
            len(returned),
            Money(sum(c["amount_minor"] for c in returned), currency),
        )

    def status(self) -> DeviceStatus:
        return DeviceStatus(True, "simulator") if self.online else DeviceStatus(False, "offline")

    # -- results -----------------------------------------------------------------------

    def _result(
        self, reference: str, amount: Money, outcome: PaymentOutcome, reason: str | None = None
    ) -> PaymentResult:
        return PaymentResult(reference, outcome, amount, self.method, reason=reason,
                             terminal_id=TERMINAL_ID)

    def _from_row(self, row: sqlite3.Row) -> PaymentResult:
        amount = Money(row["amount_minor"], row["currency"])
        status = row["status"]
        if status == "in_progress":
            return self._result(row["reference"], amount, PaymentOutcome.IN_PROGRESS)
        outcome = {
            "approved": PaymentOutcome.APPROVED,
            "reserved": PaymentOutcome.APPROVED,  # held: the money is the customer's no more
            "reversed": PaymentOutcome.APPROVED,
            "released": PaymentOutcome.APPROVED,
            "declined": PaymentOutcome.DECLINED,
            "cancelled": PaymentOutcome.CANCELLED,
        }[status]
        if outcome is not PaymentOutcome.APPROVED:
            return self._result(row["reference"], amount, outcome, reason=status)
        slip = (
            f"TERMINAL {TERMINAL_ID}",
            f"CARD {CARD_MASKED}",
            f"AUTH {row['auth_code']}  RRN {row['rrn']}",
            f"AMOUNT {amount}",
            "APPROVED",
        )
        return PaymentResult(
            row["reference"], outcome, amount, self.method, row["auth_code"], row["rrn"],
            CARD_MASKED, TERMINAL_ID, slip,
        )
