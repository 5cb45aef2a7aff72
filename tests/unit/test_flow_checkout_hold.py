"""The money held until the renewal is applied: a terminal that holds (pre-authorisation)
books after the renewal and releases on failure, against the real simulator and journal."""

from collections import Counter

import pytest

from kiosk.core.money import Money
from kiosk.core.transaction import ReceiptState, TxState
from kiosk.flow.checkout import Checkout, Retry
from kiosk.journal.reconcile import charges_from_rows, reconcile
from kiosk.payment.simulator import PaymentSimulator
from tests.fakes import NOW, FakeOperator, RecordingPrinter, demo_card
from tests.unit.test_flow_checkout import ICCID, IDENTITY, charged, new_tx, run


@pytest.fixture
def holding(tmp_path):
    return PaymentSimulator(tmp_path / "terminal.sqlite", holds=True)


def steps(journal):
    return [(e["step"], e["kind"]) for e in journal.events("tx-1")]


def test_a_held_payment_is_booked_after_the_renewal_and_before_the_receipt(journal, holding):
    tx, _, printer, _ = run(journal, holding)
    assert tx.state is TxState.DONE and tx.receipt is ReceiptState.PRINTED
    assert charged(holding) == {"tx-1": "approved"}
    assert steps(journal) == [
        ("created", "info"),
        ("payment.reserve", "intent"), ("payment.reserve", "result"),
        ("renewal.create", "intent"), ("renewal.create", "result"),
        ("payment.book", "intent"), ("payment.book", "result"), ("payment.book", "result"),
        ("receipt.print", "intent"), ("receipt.print", "result"),
    ]
    assert tx.payment["held"] and tx.payment["booked"]
    assert printer.sales[0].payment.auth_code


def test_a_failed_renewal_releases_the_hold_and_nothing_is_charged(journal, holding):
    tx, _, printer, _ = run(journal, holding, FakeOperator(demo_card(ICCID), "fail"))
    assert tx.state is TxState.RELEASED and tx.receipt is ReceiptState.PRINTED
    assert charged(holding) == {"tx-1": "released"}
    assert printer.refunds[0].kind == "release" and printer.sales == []
    kinds = {e["step"] for e in journal.events("tx-1")}
    assert "payment.reverse" not in kinds and "payment.refund" not in kinds
    assert holding.end_of_day().approved_count == 0  # the day's totals never saw a charge


def test_the_money_rule_checker_accepts_held_sales_and_flags_an_open_hold(journal, holding):
    run(journal, holding)
    holding.reserve("stray", Money(100, "RUB"), lambda _p: None)  # held, never settled
    found = reconcile(journal.all(), charges_from_rows(holding.ledger()),
                      Counter({"tx-1": 1}))
    assert [(v.kind, v.reference) for v in found] == [
        ("hold_unsettled", "stray"), ("charge_without_journal", "stray")]


class LostBooking(PaymentSimulator):
    """Books, then the answer never arrives (the connection dropped)."""

    def book(self, reference, amount):
        super().book(reference, amount)
        raise TimeoutError("no answer from the terminal")


def test_a_booking_whose_answer_was_lost_is_asked_about_not_sent_twice(journal, tmp_path):
    terminal = LostBooking(tmp_path / "t.sqlite", holds=True)
    tx, _, _, _ = run(journal, terminal)
    assert tx.state is TxState.DONE
    assert charged(terminal) == {"tx-1": "approved"}
    books = [e for e in journal.events("tx-1") if e["step"] == "payment.book"]
    assert [e["kind"] for e in books] == ["intent", "result", "result"]
    asked = [e["data"] for e in journal.events("tx-1") if e["step"] == "payment.return_query"]
    assert asked == [{"kind": "book", "refund_reference": None, "outcome": "done"}]


def test_a_hold_the_terminal_will_not_book_goes_to_staff(journal, tmp_path):
    """The hold expired before the renewal came back: the renewal stands without payment,
    and only staff can settle that (never a second charge on a guess)."""

    class Expired(PaymentSimulator):
        def book(self, reference, amount):
            self.release(reference)  # the terminal let the hold go on its own
            return super().book(reference, amount)

    terminal = Expired(tmp_path / "t.sqlite", holds=True)
    tx, _, _, _ = run(journal, terminal)
    assert (tx.state, tx.note) == (TxState.MANUAL_REVIEW, "book_refused")


def test_recovery_books_a_hold_whose_renewal_was_applied_before_a_crash(journal, holding):
    """The kiosk died between the operator's "applied" and the booking: recovery books."""
    operator = FakeOperator(demo_card(ICCID))
    checkout = Checkout(journal, holding, operator, RecordingPrinter(), IDENTITY,
                        retry=Retry(attempts=2), sleep=lambda _s: None, now=lambda: NOW)
    new_tx(journal)
    journal.intent("tx-1", "payment.reserve", TxState.PAYMENT_PENDING)
    holding.reserve("tx-1", Money(70000, "RUB"), lambda _p: None)
    # the crash came before the reservation's answer was journaled
    tx = checkout.drive("tx-1", print_receipts=False)
    assert tx.state is TxState.DONE and tx.receipt is ReceiptState.PENDING
    assert charged(holding) == {"tx-1": "approved"}
    assert operator.creates == ["tx-1"]
