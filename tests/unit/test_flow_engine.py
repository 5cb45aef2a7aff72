"""The engine as the UI sees it: events in, Views out, deterministic with InlineRunner."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.core.card import CardStatus
from kiosk.core.sale import KioskIdentity, PaymentMethod
from kiosk.core.transaction import TxState
from kiosk.flow.checkout import Checkout, Retry
from kiosk.flow.engine import Engine, EngineSettings
from kiosk.flow.runner import InlineRunner
from kiosk.flow.view import Action, Step
from kiosk.journal.store import Journal
from kiosk.payment.simulator import PaymentSimulator, Script
from tests.fakes import NOW, FakeOperator, RecordingPrinter, demo_card
from tests.helpers import make_iccid

ICCID = make_iccid("897010123456789012")


class Clock:
    def __init__(self):
        self.now = NOW

    def __call__(self):
        return self.now


@pytest.fixture
def kit(tmp_path):
    clock = Clock()
    journal = Journal(tmp_path / "j.sqlite", now=clock)
    terminal = PaymentSimulator(tmp_path / "t.sqlite")
    operator = FakeOperator(demo_card(ICCID))
    printer = RecordingPrinter()
    identity = KioskIdentity("K-1", "Hall", "Travel Card", "+7 800", "Europe/Moscow")
    settings = EngineSettings("K-1", ZoneInfo("Europe/Moscow"), idle_timeout_s=60,
                              idle_warning_s=15)
    engine = Engine(
        settings, operator, {PaymentMethod.CARD: terminal}, printer, journal,
        lambda port: Checkout(journal, port, operator, printer, identity,
                              retry=Retry(attempts=2), sleep=lambda _s: None, now=clock),
        InlineRunner(), now=clock,
    )
    views = []
    engine.subscribe(views.append)
    yield engine, operator, terminal, printer, journal, clock, views
    journal.close()


def to_code(engine):
    engine.identify(ICCID)
    engine.choose_offer("val-7")
    engine.confirm_offer()


def test_full_renewal(kit):
    engine, _operator, _terminal, printer, _journal, _, views = kit
    engine.identify(ICCID)
    assert engine.view.step is Step.CARD
    assert engine.view.card.iccid_masked == "****" + ICCID[-4:]
    assert engine.view.card.days_left == 3
    engine.choose_offer("val-7")
    assert engine.view.chosen.price.total.minor == 70000
    engine.confirm_offer()
    assert engine.view.step is Step.CODE and engine.view.code.phone_masked.endswith("4567")
    engine.submit_code("123456")
    assert engine.view.step is Step.DONE
    result = engine.view.result
    assert result.state == "done" and result.reread
    assert result.e_receipt_url.endswith(result.tx_id)
    steps = [v.step for v in views]
    assert Step.PAYING in steps and Step.RENEWING in steps
    prompts = [(v.prompt.code, v.can_cancel) for v in views if v.prompt]
    assert prompts[:2] == [("present_card", True), ("enter_pin", False)]
    assert len(printer.sales) == 1
    engine.finish()
    assert engine.view.step is Step.ATTRACT and engine.view.card is None


def test_typed_number_errors_stay_on_screen(kit):
    engine = kit[0]
    engine.identify("8970 1234")
    assert engine.view.step is Step.ATTRACT
    assert "19 or 20" in engine.view.input_error.render()


def test_unknown_and_blocked_cards(kit):
    engine, operator = kit[0], kit[1]
    operator.card = demo_card(ICCID, CardStatus.UNKNOWN)
    engine.identify(ICCID)
    assert engine.view.problem.code == "card_unknown"
    assert Action.SCAN_AGAIN in engine.view.problem.actions
    operator.card = demo_card(ICCID, CardStatus.BLOCKED)
    engine.identify(ICCID)
    assert engine.view.problem.code == "card_blocked"


def test_wrong_code_shows_attempts_left(kit):
    engine = kit[0]
    to_code(engine)
    engine.submit_code("000000")
    assert engine.view.step is Step.CODE
    assert engine.view.code.attempts_left == 2 and engine.view.code.error is not None


def test_resend_respects_cooldown(kit):
    engine, _, _, _, _, clock, _ = kit
    to_code(engine)
    engine.resend_code()
    assert engine.view.code.error is not None  # too soon
    clock.now += timedelta(seconds=31)
    engine.resend_code()
    assert engine.view.step is Step.CODE and engine.view.code.error is None


def test_decline_then_retry_uses_a_new_transaction(kit):
    engine, _, terminal, _, journal, _, _ = kit
    terminal.script_next(Script.DECLINE)
    to_code(engine)
    engine.submit_code("123456")
    assert engine.view.problem.code == "declined"
    assert Action.RETRY in engine.view.problem.actions
    engine.retry()
    assert engine.view.step is Step.DONE
    states = sorted(str(t.state) for t in journal.all())
    assert states == ["declined", "done"]
    assert len({c["reference"] for c in terminal.ledger()}) == 2


def test_renewal_failure_tells_customer_money_returned(kit):
    engine, operator, terminal, printer, _, _, _ = kit
    operator.behaviour = "fail"
    to_code(engine)
    engine.submit_code("123456")
    assert engine.view.problem.code == "reversed"
    assert engine.view.result.state == "reversed"
    assert terminal.ledger()[0]["status"] == "reversed"
    assert len(printer.refunds) == 1


def test_idle_warning_then_wipe(kit):
    engine, _, _, _, _, clock, _ = kit
    to_code(engine)
    clock.now += timedelta(seconds=50)
    engine.tick()
    assert engine.view.idle_warning_s == 10
    engine.touch()
    assert engine.view.idle_warning_s is None
    clock.now += timedelta(seconds=61)
    engine.tick()
    assert engine.view.step is Step.ATTRACT and engine.view.card is None
    assert engine._challenge is None and engine._token is None


def test_no_idle_reset_while_paying(kit):
    engine, _, _, _, _, clock, _ = kit
    engine._publish(step=Step.PAYING)
    clock.now += timedelta(hours=1)
    engine.tick()
    assert engine.view.step is Step.PAYING


def test_refuse_sale_when_printer_down(kit, tmp_path):
    engine, _, _, printer, journal, _, _ = kit
    engine.settings = EngineSettings("K-1", ZoneInfo("Europe/Moscow"),
                                     refuse_sale_without_printer=True)
    printer.works = False
    to_code(engine)
    engine.submit_code("123456")
    assert engine.view.problem.code == "printer_unavailable"
    assert journal.all() == []


def test_printer_down_warns_and_keeps_receipt_pending(kit):
    engine, _, _, printer, journal, _, _ = kit
    printer.works = False
    to_code(engine)
    engine.submit_code("123456")
    assert engine.view.step is Step.DONE
    assert engine.view.printer_ready is False
    assert str(engine.view.result.receipt) == "pending"
    assert journal.all()[0].state is TxState.DONE


def test_language_switch_keeps_the_screen(kit):
    engine = kit[0]
    engine.identify(ICCID)
    engine.set_language("zh_Hant")
    assert engine.view.step is Step.CARD and engine.view.language == "zh_Hant"


def test_unknown_card_is_not_asked_for_offers(kit):
    engine, operator = kit[0], kit[1]
    operator.card = demo_card(ICCID, CardStatus.UNKNOWN)
    operator.offers = lambda _iccid: (_ for _ in ()).throw(AssertionError("offers asked"))
    engine.identify(ICCID)
    assert engine.view.problem.code == "card_unknown"
    assert engine.view.problem.actions == (Action.SCAN_AGAIN, Action.FINISH)


def test_idle_kiosk_with_no_answering_terminal_is_out_of_service(kit):
    engine, _, terminal, _, journal, clock, _ = kit
    terminal.online = False
    engine.tick()
    assert engine.view.step is Step.ATTRACT and engine.view.out_of_service
    engine.identify(ICCID)
    assert engine.view.step is Step.ATTRACT  # a scanned card is not led towards payment
    terminal.online = True
    clock.now += timedelta(seconds=10)
    engine.tick()
    assert engine.view.out_of_service  # asked again only every service_check_s
    clock.now += timedelta(seconds=25)
    engine.tick()
    assert not engine.view.out_of_service
    engine.identify(ICCID)
    assert engine.view.step is Step.CARD
    assert journal.all() == []


def test_terminal_gone_during_the_session_charges_nothing(kit):
    engine, _, terminal, printer, journal, _, _ = kit
    to_code(engine)
    terminal.online = False
    engine.submit_code("123456")
    assert engine.view.problem.code == "payment_unavailable"
    assert journal.all() == [] and terminal.ledger() == [] and printer.sales == []


def test_only_answering_terminals_are_offered(kit, tmp_path):
    engine, _, card_terminal, _, _, _, _ = kit
    qr_terminal = PaymentSimulator(tmp_path / "qr.sqlite", method=PaymentMethod.SBP_QR)
    engine.payments[PaymentMethod.SBP_QR] = qr_terminal
    engine.settings = EngineSettings("K-1", ZoneInfo("Europe/Moscow"),
                                     methods=(PaymentMethod.CARD, PaymentMethod.SBP_QR))
    qr_terminal.online = False
    to_code(engine)
    engine.submit_code("123456")
    assert engine.view.step is Step.DONE and engine.view.method is PaymentMethod.CARD
    assert engine.view.methods == (PaymentMethod.CARD,)
    engine.finish()
    engine.pay(PaymentMethod.SBP_QR)  # nothing offered it: ignored
    assert qr_terminal.ledger() == [] and len(card_terminal.ledger()) == 1


def test_a_journal_that_cannot_be_written_stops_the_sale_before_the_terminal(kit):
    engine, _, terminal, _, journal, _, _ = kit
    to_code(engine)
    journal._db.close()
    engine.submit_code("123456")
    assert engine.view.problem.code == "kiosk_fault"
    assert terminal.ledger() == []


def test_an_open_finding_keeps_the_kiosk_out_of_service_until_resolved(kit):
    engine, _, _, _, journal, clock, _ = kit
    journal.add_finding("terminal", "lost-1", "approved 700.00 RUB, unknown to the journal")
    clock.now += timedelta(seconds=31)
    engine.tick()
    assert engine.view.step is Step.ATTRACT and engine.view.out_of_service
    engine.identify(ICCID)
    assert engine.view.step is Step.ATTRACT
    [finding] = journal.findings()
    journal.resolve_finding(finding["id"], "refunded at the bank, ref 881")
    clock.now += timedelta(seconds=31)
    engine.tick()
    assert not engine.view.out_of_service
    engine.identify(ICCID)
    assert engine.view.step is Step.CARD


class CountingOperator(FakeOperator):
    def __init__(self, card):
        super().__init__(card)
        self.sent, self.verified = 0, []

    def send_otp(self, iccid, phone=None):
        self.sent += 1
        return super().send_otp(iccid, phone)

    def verify_otp(self, challenge_id, code):
        self.verified.append(code)
        return super().verify_otp(challenge_id, code)


@pytest.mark.parametrize("code", ["", "123", "12345", "1234567", "12345a", "١٢٣٤٥٦"])
def test_a_code_of_the_wrong_length_never_reaches_the_operator(kit, code):
    engine = kit[0]
    engine.operator = operator = CountingOperator(demo_card(ICCID))
    to_code(engine)
    engine.submit_code(code)
    assert operator.verified == [] and engine.view.step is Step.CODE
    assert engine.view.code.error.params == {"count": 6}
    assert engine.view.code.attempts_left == 3
    engine.submit_code("123456")
    assert operator.verified == ["123456"] and engine.view.step is Step.DONE


def test_the_start_screen_times_out_once_someone_touched_it(kit):
    engine, _, _, _, _, clock, _ = kit
    clock.now += timedelta(minutes=5)
    engine.tick()
    assert engine.view.idle_warning_s is None  # untouched: already wiped, no warning
    session = engine.view.session
    engine.touch()  # the keypad face, a half-typed number: the engine only sees touches
    clock.now += timedelta(seconds=50)
    engine.tick()
    assert engine.view.idle_warning_s == 10
    clock.now += timedelta(seconds=11)
    engine.tick()
    assert engine.view.step is Step.ATTRACT and engine.view.session != session
    assert engine.view.idle_warning_s is None
    clock.now += timedelta(minutes=5)
    engine.tick()
    assert engine.view.idle_warning_s is None


def test_a_language_chosen_at_the_start_is_wiped_after_the_timeout(kit):
    engine, _, _, _, _, clock, _ = kit
    engine.set_language("zh_Hans")
    clock.now += timedelta(seconds=61)
    engine.tick()
    assert engine.view.language == "en" and engine.view.step is Step.ATTRACT


def test_every_return_to_the_start_is_in_the_default_language(kit):
    engine = kit[0]
    engine.identify(ICCID)
    engine.set_language("ru")
    engine.cancel()
    assert engine.view.step is Step.ATTRACT and engine.view.language == "en"
    engine.set_language("ru")
    to_code(engine)
    engine.submit_code("123456")
    engine.finish()
    assert engine.view.language == "en"


def test_scan_again_keeps_the_language_and_wipes_the_card(kit):
    engine, operator = kit[0], kit[1]
    operator.card = demo_card(ICCID, CardStatus.UNKNOWN)
    engine.set_language("zh_Hant")
    engine.identify(ICCID)
    session = engine.view.session
    engine.scan_again()
    assert engine.view.step is Step.ATTRACT and engine.view.language == "zh_Hant"
    assert engine.view.session != session and engine._card is None


def test_choosing_again_reuses_the_code_still_valid(kit):
    engine, _, _, _, _, clock, _ = kit
    engine.operator = operator = CountingOperator(demo_card(ICCID))
    to_code(engine)
    first = engine.view.code.challenge_id
    engine.back()
    engine.choose_offer("val-7")
    engine.confirm_offer()
    assert engine.view.step is Step.CODE and engine.view.code.challenge_id == first
    assert operator.sent == 1
    engine.back()
    clock.now += timedelta(minutes=6)  # expired: a new code this time
    engine.choose_offer("val-7")
    engine.confirm_offer()
    assert engine.view.step is Step.CODE and operator.sent == 2


def test_a_used_code_is_not_reused_after_going_back_from_payment(kit, tmp_path):
    engine = kit[0]
    engine.operator = operator = CountingOperator(demo_card(ICCID))
    to_code(engine)
    engine._publish(step=Step.PAYMENT)  # as after a right code with two methods
    engine._token = "token-1"
    engine.back()
    engine.choose_offer("val-7")
    engine.confirm_offer()
    assert operator.sent == 2


def test_a_transient_failure_sending_the_code_is_retried_keeping_the_offer(kit):
    engine = kit[0]

    class Flaky(CountingOperator):
        fails = 1

        def send_otp(self, iccid, phone=None):
            if self.fails:
                self.fails -= 1
                raise RuntimeError("connection reset")
            return super().send_otp(iccid, phone)

    engine.operator = operator = Flaky(demo_card(ICCID))
    to_code(engine)
    assert engine.view.problem.code == "operator_unreachable"
    engine.retry()
    assert engine.view.step is Step.CODE and engine.view.chosen.offer.id == "val-7"
    assert operator.sent == 1
