"""The terminal simulator as a second process sees it: through its own SQLite ledger."""

from __future__ import annotations

import threading

from kiosk.core.money import Money
from kiosk.payment.port import PaymentOutcome, ReturnOutcome
from kiosk.payment.simulator import PaymentSimulator

AMOUNT = Money(70000, "RUB")


def test_a_transaction_waiting_for_the_card_is_in_progress_to_a_query(tmp_path):
    """An in-progress answer is never "not found": that read as cancelled closed a sale
    whose customer was about to pay."""
    ledger = tmp_path / "ledger.sqlite"
    terminal = PaymentSimulator(ledger, wait_for_card_s=120)
    other = PaymentSimulator(ledger)
    asked = threading.Event()
    results = []
    worker = threading.Thread(target=lambda: results.append(
        terminal.authorise("tx-1", AMOUNT, lambda _p: asked.set())))
    worker.start()
    try:
        assert asked.wait(60)
        assert other.query("tx-1").outcome is PaymentOutcome.IN_PROGRESS
        assert other.reverse("tx-1").outcome is ReturnOutcome.REFUSED
    finally:
        terminal.abort("tx-1")
        worker.join(60)
    assert results[0].outcome is PaymentOutcome.CANCELLED
    assert other.query("tx-1").outcome is PaymentOutcome.CANCELLED


def test_returns_are_found_by_their_references(tmp_path):
    terminal = PaymentSimulator(tmp_path / "ledger.sqlite", allow_reversal=False)
    terminal.authorise("tx-1", AMOUNT, lambda _p: None)
    assert terminal.query_return("tx-1", "reversal").outcome is ReturnOutcome.NOT_FOUND
    assert terminal.reverse("tx-1").outcome is ReturnOutcome.REFUSED
    assert terminal.query_return("tx-1", "reversal").outcome is ReturnOutcome.NOT_FOUND
    assert terminal.query_return("tx-1", "refund", "tx-1-R").outcome is ReturnOutcome.NOT_FOUND
    assert terminal.refund("tx-1", AMOUNT, "tx-1-R").outcome is ReturnOutcome.DONE
    assert terminal.query_return("tx-1", "refund", "tx-1-R").outcome is ReturnOutcome.DONE
    assert terminal.query_return("tx-1", "refund", "tx-1-X").outcome is ReturnOutcome.NOT_FOUND
    [recent] = terminal.recent()
    assert (recent.outcome, recent.returned) == (PaymentOutcome.APPROVED, "refund")


def test_a_cancel_as_soon_as_the_first_prompt_shows_is_not_lost(tmp_path):
    """The screen offers "Cancel payment" on the first prompt: a tap at that very moment
    (before the terminal starts waiting for the card) still cancels."""
    terminal = PaymentSimulator(tmp_path / "ledger.sqlite", wait_for_card_s=120)
    result = terminal.authorise("tx-1", AMOUNT, lambda _p: terminal.abort("tx-1"))
    assert result.outcome is PaymentOutcome.CANCELLED


def test_a_paced_terminal_holds_each_prompt_before_the_next(tmp_path):
    """The demo's terminal shows its prompts for a few seconds each, as a real one does; the
    pause goes through the injected ``sleep``, so this runs at once."""
    events = []
    terminal = PaymentSimulator(tmp_path / "ledger.sqlite", prompt_pause_s=3.0,
                                sleep=lambda s: events.append(("pause", s)))
    result = terminal.authorise("tx-1", AMOUNT, lambda p: events.append(("say", p.code)))
    assert result.outcome is PaymentOutcome.APPROVED
    assert events == [("say", "present_card"), ("pause", 3.0), ("say", "enter_pin"),
                      ("pause", 3.0), ("say", "processing"), ("pause", 3.0),
                      ("say", "remove_card"), ("pause", 3.0)]


def test_unpaced_by_default(tmp_path):
    pauses = []
    terminal = PaymentSimulator(tmp_path / "ledger.sqlite", sleep=pauses.append)
    terminal.authorise("tx-1", AMOUNT, lambda _p: None)
    assert pauses == []


def test_a_qr_method_shows_a_payment_link_for_its_wallet(tmp_path):
    from kiosk.core.sale import PaymentMethod

    links = {}
    for method in (PaymentMethod.SBP_QR, PaymentMethod.ALIPAY, PaymentMethod.WECHAT):
        prompts = []
        terminal = PaymentSimulator(tmp_path / f"{method}.sqlite", method)
        assert terminal.authorise("tx-1", AMOUNT, prompts.append).outcome is \
            PaymentOutcome.APPROVED
        assert [p.code for p in prompts] == ["scan_qr", "processing"]  # no PIN for a wallet
        links[method] = prompts[0].qr_payload
        assert all(p.qr_payload is None for p in prompts[1:])
    assert links[PaymentMethod.SBP_QR].startswith("https://qr.nspk.ru/AD")
    assert "sum=70000&cur=RUB" in links[PaymentMethod.SBP_QR]
    assert links[PaymentMethod.ALIPAY].startswith("https://qr.alipay.com/")
    assert links[PaymentMethod.WECHAT].startswith("weixin://wxpay/bizpayurl?pr=")
    card = []
    PaymentSimulator(tmp_path / "card.sqlite").authorise("tx-1", AMOUNT, card.append)
    assert all(p.qr_payload is None for p in card)
