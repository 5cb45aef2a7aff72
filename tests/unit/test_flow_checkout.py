"""Every checkout branch against the real payment simulator and a real journal file."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.core import codec
from kiosk.core.money import Money
from kiosk.core.promotions import best_price
from kiosk.core.sale import KioskIdentity
from kiosk.core.transaction import ReceiptState, Transaction, TxState
from kiosk.flow.checkout import Checkout, Retry
from kiosk.journal.store import JournalError
from kiosk.payment.simulator import PaymentSimulator, Script
from tests.fakes import NOW, WEEK, FakeOperator, RecordingPrinter, demo_card
from tests.helpers import make_iccid

ICCID = make_iccid("897010123456789012")
IDENTITY = KioskIdentity("K-1", "Test hall", "Travel Card", "+7 800", "Europe/Moscow")




@pytest.fixture
def terminal(tmp_path):
    return PaymentSimulator(tmp_path / "terminal.sqlite")


def new_tx(journal, tx_id="tx-1") -> Transaction:
    price = best_price(WEEK, [], NOW, ZoneInfo("Europe/Moscow"))
    tx = Transaction(
        tx_id, TxState.CREATED, NOW, NOW, ICCID, "****" + ICCID[-4:], journal.hash_iccid(ICCID),
        "+7 ******4567", WEEK.id, price.total.minor, "RUB", None, "card", "en", "token-1",
        sale={"offer": codec.offer_to_dict(WEEK), "price": codec.price_to_dict(price)},
    )
    return journal.create(tx)


def run(journal, terminal, operator=None, printer=None, script=Script.APPROVE,
        retry_attempts=3, **kw):
    terminal.script("tx-1", script)
    operator = operator or FakeOperator(demo_card(ICCID))
    printer = printer or RecordingPrinter()
    checkout = Checkout(journal, terminal, operator, printer, IDENTITY,
                        retry=Retry(attempts=retry_attempts), sleep=lambda _s: None,
                        now=lambda: NOW)
    new_tx(journal)
    prompts = []
    tx = checkout.drive("tx-1", prompts.append, **kw)
    return tx, operator, printer, prompts


def charged(terminal):
    return {c["reference"]: c["status"] for c in terminal.ledger()}


def test_happy_path_journals_every_step_and_prints(journal, terminal):
    tx, operator, printer, prompts = run(journal, terminal)
    assert tx.state is TxState.DONE and tx.receipt is ReceiptState.PRINTED
    assert charged(terminal) == {"tx-1": "approved"}
    assert operator.creates == ["tx-1"]
    assert [p.code for p in prompts] == ["present_card", "enter_pin", "processing", "remove_card"]
    steps = [(e["step"], e["kind"]) for e in journal.events("tx-1")]
    assert steps == [
        ("created", "info"),
        ("payment.authorise", "intent"), ("payment.authorise", "result"),
        ("renewal.create", "intent"), ("renewal.create", "result"),
        ("receipt.print", "intent"), ("receipt.print", "result"),
    ]
    sale = printer.sales[0]
    assert sale.iccid_masked.endswith(ICCID[-4:]) and sale.payment.auth_code
    assert sale.validity_end == NOW + timedelta(days=10)
    assert tx.iccid is None and tx.verification_token is None  # wiped once final


@pytest.mark.parametrize(
    ("script", "state"),
    [(Script.DECLINE, TxState.DECLINED), (Script.CANCEL, TxState.CANCELLED),
     (Script.TIMEOUT_BEFORE_SEND, TxState.CANCELLED), (Script.BUSY, TxState.CANCELLED)],
)
def test_nothing_taken_branches(journal, terminal, script, state):
    tx, operator, _, _ = run(journal, terminal, script=script)
    assert tx.state is state
    assert charged(terminal).get("tx-1") in (None, "declined", "cancelled")
    assert operator.creates == []


@pytest.mark.parametrize("script", [Script.TIMEOUT_AFTER_SEND, Script.APPROVE_THEN_LOST])
def test_unknown_payment_is_resolved_by_query_not_resent(journal, terminal, script):
    tx, operator, _, _ = run(journal, terminal, script=script)
    assert tx.state is TxState.DONE
    assert charged(terminal) == {"tx-1": "approved"}
    assert operator.creates == ["tx-1"]
    assert any(e["step"] == "payment.query" for e in journal.events("tx-1"))


def test_renewal_failed_is_reversed_and_slip_printed(journal, terminal):
    tx, _, printer, _ = run(journal, terminal, FakeOperator(demo_card(ICCID), "fail"))
    assert tx.state is TxState.REVERSED and tx.receipt is ReceiptState.PRINTED
    assert charged(terminal) == {"tx-1": "reversed"}
    assert printer.refunds[0].kind == "reversal" and printer.sales == []


def test_refund_when_reversal_refused(journal, tmp_path):
    terminal = PaymentSimulator(tmp_path / "t.sqlite", allow_reversal=False)
    tx, _, _, _ = run(journal, terminal, FakeOperator(demo_card(ICCID), "fail"))
    assert tx.state is TxState.REFUNDED
    [charge] = terminal.ledger()
    assert charge["status"] == "approved" and len(charge["refunds"]) == 1
    assert charge["refunds"][0]["amount_minor"] == charge["amount_minor"]


def test_lost_renewal_answer_is_read_back_once(journal, terminal):
    tx, operator, _, _ = run(journal, terminal, FakeOperator(demo_card(ICCID), "lost"))
    assert tx.state is TxState.DONE
    assert operator.creates == ["tx-1"]  # read back by our id, never sent again


def test_unreachable_operator_ends_in_manual_review_with_money_recorded(journal, terminal):
    tx, _, _, _ = run(journal, terminal, FakeOperator(demo_card(ICCID), "unreachable"))
    assert tx.state is TxState.MANUAL_REVIEW
    assert charged(terminal) == {"tx-1": "approved"}
    assert tx.note == "renewal_unresolved"


def test_printer_failure_keeps_sale_and_receipt_pending(journal, terminal):
    tx, _, _, _ = run(journal, terminal, printer=RecordingPrinter(works=False))
    assert tx.state is TxState.DONE and tx.receipt is ReceiptState.PENDING
    assert charged(terminal) == {"tx-1": "approved"}
    assert [t.tx_id for t in journal.pending_receipts()] == ["tx-1"]


def test_recovery_mode_does_not_print(journal, terminal):
    tx, _, printer, _ = run(journal, terminal, print_receipts=False)
    assert tx.receipt is ReceiptState.PENDING and printer.sales == []


def test_journal_refuses_to_touch_a_final_transaction(journal, terminal):
    run(journal, terminal)
    with pytest.raises(JournalError):
        journal.intent("tx-1", "payment.authorise", TxState.PAYMENT_PENDING)
    with pytest.raises(Exception, match="append-only"):
        journal._db.execute("DELETE FROM events")


def test_same_reference_is_never_charged_twice(terminal):
    terminal.authorise("r1", Money(100, "RUB"), lambda _p: None)
    with pytest.raises(ValueError):
        terminal.authorise("r1", Money(100, "RUB"), lambda _p: None)


class FlakyReturns(PaymentSimulator):
    """The real simulator, but a reversal's answer is lost after the terminal acted on it
    (``lose_reversal``), or every question about a return goes unanswered."""

    lose_reversal = False
    deaf = False

    def reverse(self, reference):
        result = super().reverse(reference)
        if self.lose_reversal:
            raise TimeoutError("no answer from the terminal")
        return result

    def query_return(self, reference, kind, refund_reference=None):
        if self.deaf:
            raise TimeoutError("no answer from the terminal")
        return super().query_return(reference, kind, refund_reference)


def test_a_lost_reversal_answer_is_asked_for_before_any_refund(journal, tmp_path):
    terminal = FlakyReturns(tmp_path / "t.sqlite")
    terminal.lose_reversal = True
    tx, _, _, _ = run(journal, terminal, FakeOperator(demo_card(ICCID), "fail"))
    assert tx.state is TxState.REVERSED
    [charge] = terminal.ledger()
    assert (charge["status"], charge["refunds"]) == ("reversed", [])
    asked = [e["data"] for e in journal.events("tx-1") if e["step"] == "payment.return_query"]
    assert asked == [{"kind": "reversal", "refund_reference": None, "outcome": "done"}]


def test_a_return_nobody_can_confirm_goes_to_staff_not_to_a_second_return(journal, tmp_path):
    terminal = FlakyReturns(tmp_path / "t.sqlite", allow_reversal=False)
    terminal.lose_reversal = terminal.deaf = True
    tx, _, _, _ = run(journal, terminal, FakeOperator(demo_card(ICCID), "fail"))
    assert (tx.state, tx.note) == (TxState.MANUAL_REVIEW, "return_unresolved")
    [charge] = terminal.ledger()
    assert (charge["status"], charge["refunds"]) == ("approved", [])  # no refund on a guess


def test_a_second_drive_asks_about_every_earlier_return_first(journal, tmp_path):
    """As recovery after a crash: the refund went through, its answer was never journaled;
    driving again finds it by its reference and makes no other return."""
    terminal = PaymentSimulator(tmp_path / "t.sqlite", allow_reversal=False)
    checkout = Checkout(journal, terminal, FakeOperator(demo_card(ICCID), "fail"),
                        RecordingPrinter(), IDENTITY, retry=Retry(attempts=2),
                        sleep=lambda _s: None, now=lambda: NOW)
    new_tx(journal)
    journal.intent("tx-1", "payment.authorise", TxState.PAYMENT_PENDING)
    terminal.authorise("tx-1", Money(70000, "RUB"), lambda _p: None)
    journal.result("tx-1", "payment.authorise", TxState.PAID, outcome="approved")
    journal.intent("tx-1", "payment.reverse", TxState.RETURN_PENDING)
    journal.result("tx-1", "payment.reverse", TxState.RETURN_PENDING, outcome="refused")
    journal.intent("tx-1", "payment.refund", TxState.RETURN_PENDING, refund_reference="tx-1-R")
    terminal.refund("tx-1", Money(70000, "RUB"), "tx-1-R")  # then the kiosk died
    terminal.allow_reversal = True  # a new day: a reversal would now be accepted
    tx = checkout.drive("tx-1", print_receipts=False)
    assert tx.state is TxState.REFUNDED
    [charge] = terminal.ledger()
    assert (charge["status"], len(charge["refunds"])) == ("approved", 1)


def test_a_renewal_the_operator_never_received_is_returned_not_kept(journal, terminal):
    """Every create answered by someone else (a redirect): read back, sent once more under
    the same id, read back twice more as never seen; the money goes back."""
    tx, operator, _, _ = run(journal, terminal, FakeOperator(demo_card(ICCID), "unheard"),
                             retry_attempts=6)
    assert tx.state is TxState.REVERSED
    assert operator.creates == ["tx-1", "tx-1"]
    assert charged(terminal) == {"tx-1": "reversed"}
    lookups = [e["data"].get("outcome") for e in journal.events("tx-1")
               if e["step"] == "renewal.lookup"]
    assert lookups == ["not_found", "not_found"]
