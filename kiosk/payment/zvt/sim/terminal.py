"""The terminal simulator: a TCP server on loopback that speaks ZVT byte for byte, using the
same codec as the adapter (the codec itself is pinned against hand-computed bytes).

Outcomes are scripted per amount or as a queue for the next transactions; faults are
one-shot: slow ACK (held until ``release_ack`` or the ECR hangs up), NAK, connection drop
after the 04 0F, drop before the completion, busy, and reservations switched off.
"""

from __future__ import annotations

import socket
import threading
from collections import deque
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

from kiosk.payment.zvt import codes
from kiosk.payment.zvt import messages as m
from kiosk.payment.zvt.errors import ZvtError
from kiosk.payment.zvt.sim.ledger import Ledger
from kiosk.payment.zvt.transport import ConnectionLost, Link, Timeout, Timeouts

TERMINAL_ID = "52500001"
CARD = "4761********0010"  # the masked PAN the simulator reports (an EMV test-card range)


class Outcome(StrEnum):
    APPROVE = "approve"
    DECLINE = "decline"
    CANCEL = "cancel"  # the customer presses stop on the terminal
    WAIT_CARD = "wait_card"  # waits for a card until 06 B0 (or wait_for_card_s) ends it


class Fault(StrEnum):
    SLOW_ACK = "slow_ack"
    NAK = "nak"
    DROP_AFTER_STATUS = "drop_after_status"  # approved, 04 0F sent, then the line goes dead
    DROP_BEFORE_COMPLETION = "drop_before_completion"  # after the print lines, no 06 0F
    BUSY = "busy"


class _SimLink(Link):
    abort_requested = False  # a 06 B0 came while the simulator waited for an ACK


class _Dropped(Exception):
    """The simulator hangs up on purpose (a fault)."""


class TerminalSimulator:
    def __init__(
        self,
        ledger_path: Path,
        password: str = "000000",
        currency: int = m.EUR,
        reservation: bool = True,
        default: Outcome | str = Outcome.APPROVE,
        wait_for_card_s: float = 30.0,
        step: Callable[[str], None] = lambda name: None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.ledger = Ledger(ledger_path)
        self.password = password
        self.currency = currency
        self.reservation = reservation
        self.default = Outcome(default)
        self.wait_for_card_s = wait_for_card_s
        self.step = step  # called before each step ("ack", "status", "approve"...): delays
        self._by_amount: dict[int, Outcome] = {}
        self._next: deque[Outcome] = deque()
        self._faults: deque[Fault] = deque()
        self.release_ack = threading.Event()
        self.registrations = 0
        self.commands: list[tuple[int, int]] = []  # every command received, in order
        self._server = socket.create_server((host, port))
        self._server.settimeout(0.1)  # accept() looks at the stop flag this often
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._links: list[Link] = []

    # -- scripting -----------------------------------------------------------------------

    @property
    def address(self) -> tuple[str, int]:
        return self._server.getsockname()[:2]

    def script_amount(self, amount_minor: int, outcome: Outcome | str) -> None:
        self._by_amount[amount_minor] = Outcome(outcome)

    def script_next(self, *outcomes: Outcome | str) -> None:
        self._next.extend(Outcome(o) for o in outcomes)

    def fault(self, *faults: Fault | str) -> None:
        """One-shot faults, used by the next transactions in order."""
        self._faults.extend(Fault(f) for f in faults)

    def _outcome(self, amount: int) -> Outcome:
        if self._next:
            return self._next.popleft()
        return self._by_amount.get(amount, self.default)

    def _take_fault(self, *wanted: Fault) -> Fault | None:
        if self._faults and self._faults[0] in wanted:
            return self._faults.popleft()
        return None

    # -- server --------------------------------------------------------------------------

    def start(self) -> TerminalSimulator:
        thread = threading.Thread(target=self._accept, name="zvt-sim", daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        self.release_ack.set()
        self._server.close()
        for link in list(self._links):
            link.close()
        for thread in self._threads:
            thread.join(timeout=10)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                sock, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            sock.settimeout(None)
            thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, sock: socket.socket) -> None:
        link = _SimLink(sock, Timeouts(ack_s=30.0, idle_s=3600.0))
        self._links.append(link)
        session = {"registered": False}
        try:
            while not self._stop.is_set():
                try:
                    command = m.decode(link.receive(3600.0))
                except Timeout:
                    continue
                except ConnectionLost:
                    return
                except ZvtError:  # not a command we can read: refused, the line stays up
                    link.send(m.Nak(codes.FUNCTION_NOT_POSSIBLE).to_apdu())
                    continue
                self.commands.append(command.CODE if hasattr(command, "CODE") else (0x84, 0))
                self._handle(link, session, command)
        except (ConnectionLost, _Dropped, Timeout):
            pass
        finally:
            link.close()
            self._links.remove(link)

    # -- commands ------------------------------------------------------------------------

    def _ack_command(self, link: Link) -> None:
        """The ACK to a command, or a fault in its place."""
        if self._take_fault(Fault.SLOW_ACK):
            while not self.release_ack.is_set():  # held: the ECR gives up and hangs up
                self.step("slow_ack")
                if link.peer_closed(0.05):
                    raise _Dropped
        self.step("ack")
        link.send(m.Ack().to_apdu())

    def _refuse(self, link: Link) -> bool:
        fault = self._take_fault(Fault.NAK, Fault.BUSY)
        if fault is Fault.NAK:
            link.send(m.Nak(codes.FUNCTION_NOT_POSSIBLE).to_apdu())
        elif fault is Fault.BUSY:
            link.send(m.Nak(codes.RECEIVER_NOT_READY).to_apdu())
        return fault is not None

    def _handle(self, link: Link, session: dict, command) -> None:
        if isinstance(command, m.Ack):
            return  # a stray acknowledgement (e.g. of our abort)
        if isinstance(command, m.Registration):
            self._register(link, session, command)
            return
        if isinstance(command, m.AbortCommand):
            link.send(m.Ack().to_apdu())  # nothing running: acknowledged, nothing to stop
            return
        if self._refuse(link):
            return
        if not session["registered"] or getattr(command, "password", self.password) \
                != self.password:
            link.send(m.Nak(codes.FUNCTION_NOT_POSSIBLE).to_apdu())
            return
        handler = {
            m.Authorisation: self._payment, m.PreAuthorisation: self._payment,
            m.Reversal: self._reversal, m.Refund: self._refund,
            m.BookTotal: self._book, m.PreAuthReversal: self._release,
            m.PartialReversal: self._partial, m.EndOfDayCommand: self._end_of_day,
            m.StatusEnquiry: self._status, m.RepeatReceipt: self._repeat,
        }.get(type(command))
        if handler is None:
            link.send(m.Nak(codes.FUNCTION_NOT_POSSIBLE).to_apdu())
            return
        if isinstance(command, m.PreAuthorisation) and not self.reservation:
            link.send(m.Nak(codes.FUNCTION_NOT_POSSIBLE).to_apdu())
            return
        self._ack_command(link)
        handler(link, command)

    def _register(self, link: Link, session: dict, command: m.Registration) -> None:
        if command.password != self.password or command.currency not in (None, self.currency):
            link.send(m.Nak(codes.FUNCTION_NOT_POSSIBLE).to_apdu())
            return
        link.send(m.Ack().to_apdu())  # faults are for transactions, not the log-on
        session["registered"] = True
        self.registrations += 1
        self._send(link, m.Completion(0, TERMINAL_ID, command.currency))

    def _send(self, link: Link, message) -> None:
        """Send as master and wait T3 for the ECR's acknowledgement."""
        link.send(message.to_apdu())
        while True:
            answer = m.decode(link.receive(link.timeouts.ack_s))
            if isinstance(answer, m.AbortCommand):  # overtook the ACK: kept for later
                self.commands.append(answer.CODE)
                link.abort_requested = True
                link.send(m.Ack().to_apdu())
                continue
            if isinstance(answer, m.Nak):
                raise _EcrNak(answer.code)
            return

    def _info(self, row: dict, original: int | None = None) -> m.StatusInformation:
        ok = row["result"] == 0
        return m.StatusInformation(
            result=row["result"], amount=row["amount_minor"], currency=row["currency"],
            trace=row["trace"], original_trace=original, terminal_id=TERMINAL_ID,
            receipt=row["receipt"], card_number=CARD if ok else None,
            auth_attribute=row["auth_code"], card_name="VISA" if ok else None)

    def _slip(self, row: dict, title: str) -> list[m.PrintLine]:
        amount = row["amount_minor"]
        lines = [title, f"TERMINAL {TERMINAL_ID}", f"TRACE {row['trace']:06d}",
                 f"AMOUNT {amount // 100}.{amount % 100:02d}",
                 "APPROVED" if row["result"] == 0 else f"DECLINED {row['result']:02X}"]
        if row["receipt"] is not None:
            lines.insert(3, f"RECEIPT {row['receipt']:04d}  AUTH {row['auth_code']}")
        return [m.PrintLine(0x80 if i == len(lines) - 1 else 0, text)
                for i, text in enumerate(lines)]

    def _finish(self, link: Link, row: dict, title: str) -> None:
        """04 0F, print lines, 06 0F; with the drop faults in between."""
        self.step("status_information")
        link.send(self._info(row).to_apdu())
        if self._take_fault(Fault.DROP_AFTER_STATUS):
            raise _Dropped
        answer = m.decode(link.receive(link.timeouts.ack_s))
        if isinstance(answer, m.Nak) and answer.code == m.NAK_GOODS_NOT_DELIVERED:
            self.ledger.set_status(row["trace"], "reversed")  # the terminal reverses at once
            self._send(link, m.AbortAnswer(codes.ABORTED))
            return
        for line in self._slip(row, title):
            self._send(link, line)
        if self._take_fault(Fault.DROP_BEFORE_COMPLETION):
            raise _Dropped
        self._send(link, m.Completion(terminal_id=TERMINAL_ID))

    def _payment(self, link: Link, command: m.Authorisation | m.PreAuthorisation) -> None:
        reservation = isinstance(command, m.PreAuthorisation)
        outcome = self._outcome(command.amount)
        self.step("insert_card")
        self._send(link, m.IntermediateStatus(codes.INSERT_CARD))
        if outcome is Outcome.WAIT_CARD and self._wait_for_abort(link):
            self._abort(link, command, reservation)
            return
        if outcome is Outcome.CANCEL:
            self._abort(link, command, reservation)
            return
        self.step("pin")
        self._send(link, m.IntermediateStatus(codes.WATCH_PIN_PAD))
        self.step("host")
        self._send(link, m.IntermediateStatus(codes.HOST_RESPONSE))
        if outcome is Outcome.DECLINE:
            row = self.ledger.add("reservation" if reservation else "payment", command.amount,
                                  command.currency or self.currency, "declined", codes.DECLINED)
            self._finish(link, row, "PRE-AUTH" if reservation else "PAYMENT")
            return
        row = self.ledger.add("reservation" if reservation else "payment", command.amount,
                              command.currency or self.currency,
                              "reserved" if reservation else "approved", codes.SUCCESS)
        self._send(link, m.IntermediateStatus(codes.REMOVE_CARD))
        self._finish(link, row, "PRE-AUTH" if reservation else "PAYMENT")

    def _wait_for_abort(self, link: Link) -> bool:
        """True when the ECR sent 06 B0 while the terminal waited for a card."""
        if link.abort_requested:
            return True
        try:
            message = m.decode(link.receive(self.wait_for_card_s))
        except Timeout:
            return False
        if isinstance(message, m.AbortCommand):
            self.commands.append(message.CODE)
            link.send(m.Ack().to_apdu())
            return True
        return False

    def _abort(self, link: Link, command, reservation: bool) -> None:
        self.ledger.add("reservation" if reservation else "payment", command.amount,
                        command.currency or self.currency, "cancelled", codes.ABORTED)
        self._send(link, m.AbortAnswer(codes.ABORTED))

    def _reversal(self, link: Link, command: m.Reversal) -> None:
        original = self.ledger.by_receipt(command.receipt, ("payment",))
        if original is None or original["status"] not in ("approved",):
            code = codes.ALREADY_REVERSED if original else codes.REVERSAL_NOT_POSSIBLE
            self._send(link, m.AbortAnswer(code))
            return
        if original["day"] != self.ledger.day():
            self._send(link, m.AbortAnswer(codes.REVERSAL_NOT_POSSIBLE))
            return
        self.ledger.set_status(original["trace"], "reversed")
        row = self.ledger.add("reversal", original["amount_minor"], original["currency"],
                              "approved", codes.SUCCESS, command.receipt)
        self._finish(link, row, "REVERSAL")

    def _refund(self, link: Link, command: m.Refund) -> None:
        row = self.ledger.add("refund", command.amount, command.currency or self.currency,
                              "approved", codes.SUCCESS)
        self._finish(link, row, "REFUND")

    def _reserved(self, link: Link, receipt: int) -> dict | None:
        original = self.ledger.by_receipt(receipt, ("reservation",))
        if original is None or original["status"] != "reserved":
            self._send(link, m.AbortAnswer(codes.PRE_AUTH_ERROR))
            return None
        return original

    def _book(self, link: Link, command: m.BookTotal) -> None:
        original = self._reserved(link, command.receipt)
        if original is None:
            return
        amount = original["amount_minor"] if command.amount is None else command.amount
        if amount > original["amount_minor"]:
            self._send(link, m.AbortAnswer(0xB7))  # pre-authorisation amount exceeded
            return
        self.ledger.set_status(original["trace"], "booked")
        row = self.ledger.add("booking", amount, original["currency"], "approved",
                              codes.SUCCESS, command.receipt)
        self._finish(link, row, "BOOK TOTAL")

    def _release(self, link: Link, command: m.PreAuthReversal) -> None:
        original = self._reserved(link, command.receipt)
        if original is None:
            return
        self.ledger.set_status(original["trace"], "released")
        row = self.ledger.add("release", original["amount_minor"], original["currency"],
                              "approved", codes.SUCCESS, command.receipt)
        self._finish(link, row, "PRE-AUTH REVERSAL")

    def _partial(self, link: Link, command: m.PartialReversal) -> None:
        original = self._reserved(link, command.receipt)
        if original is None:
            return
        left = original["amount_minor"] - (command.amount or 0)
        self.ledger.set_status(original["trace"], "reserved", max(left, 0))
        row = self.ledger.add("partial_reversal", command.amount or 0, original["currency"],
                              "approved", codes.SUCCESS, command.receipt)
        self._finish(link, row, "PARTIAL REVERSAL")

    def _end_of_day(self, link: Link, command: m.EndOfDayCommand) -> None:
        rows = self.ledger.close_day()
        money_in = [r for r in rows if r["kind"] in ("payment", "booking")
                    and r["status"] in ("approved", "booked")]
        receipts = [r["receipt"] for r in rows if r["receipt"]] or [0]
        totals = m.Totals(min(receipts), max(receipts),
                          ((len(money_in), sum(r["amount_minor"] for r in money_in)),))
        self._send(link, m.StatusInformation(result=0, amount=totals.total, totals=totals,
                                             terminal_id=TERMINAL_ID))
        self._send(link, m.Completion(terminal_id=TERMINAL_ID))

    def _status(self, link: Link, command: m.StatusEnquiry) -> None:
        self._send(link, m.Completion(0, TERMINAL_ID))

    def _repeat(self, link: Link, command: m.RepeatReceipt) -> None:
        row = self.ledger.last()
        if row is None:
            self._send(link, m.AbortAnswer(codes.FUNCTION_NOT_POSSIBLE))
            return
        self._finish(link, row, "COPY")


class _EcrNak(_Dropped):
    def __init__(self, code: int) -> None:
        super().__init__(f"ECR answered 84 {code:02X}")
        self.code = code
