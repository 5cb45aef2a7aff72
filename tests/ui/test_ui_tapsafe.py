"""Screens that are safe to tap (issue 13): whole codes only, double taps that cancel
nothing, idle timeouts on every screen, touch anywhere to start, a steady idle warning,
retries that keep the traveller's choice. All through the real window, by touches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from kivy.base import EventLoop
from kivy.uix.label import Label

from kiosk.core.card import CardStatus
from kiosk.core.errors import Category
from kiosk.core.sale import PaymentMethod
from kiosk.flow.ports import OperatorError
from kiosk.flow.view import Step
from kiosk.i18n import Translator
from kiosk.provider import demo_data
from kiosk.provider.testing import sent_code
from kiosk.ui import text
from kiosk.ui.context import DemoCard
from tests.fakes import FakeOperator, demo_card
from tests.ui.conftest import ICCID, words
from tests.ui.test_ui_renewal import PRICE, to_card, to_code

pytestmark = pytest.mark.ui
LEAVING = ("Cancel", "Cancel payment", "Back", "Use the camera")  # leave or lose the sale


class CountingOperator(FakeOperator):
    """The fake operator, counting codes sent and checked; ``verify_fails`` transient
    failures come before the right answer, and a new code inside the cool-down is refused
    as the real operator refuses it."""

    def __init__(self, card=None, verify_fails: int = 0, too_soon_s: int | None = None) -> None:
        super().__init__(card or demo_card(ICCID))
        self.sent: list[object] = []
        self.verified: list[str] = []
        self.verify_fails = verify_fails
        self.too_soon_s = too_soon_s

    def send_otp(self, iccid, phone=None):
        if self.too_soon_s is not None:
            wait, self.too_soon_s = self.too_soon_s, None
            raise OperatorError("otp_resend_too_soon", "too soon", Category.USER,
                                retry_after_s=wait)
        if self.sent:
            raise OperatorError("otp_resend_too_soon", "too soon", Category.USER,
                                retry_after_s=30)
        self.sent.append(phone)
        return super().send_otp(iccid, phone)

    def verify_otp(self, challenge_id, code):
        self.verified.append(code)
        if self.verify_fails:
            self.verify_fails -= 1
            raise OperatorError("unreachable", "down", Category.TRANSIENT)
        return super().verify_otp(challenge_id, code)


def centre(widget) -> tuple[float, float]:
    return widget.to_window(*widget.center)


def overlaps(a, b) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


def leaving_buttons(ui) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Every button on screen that leaves the screen backwards or ends the sale."""
    names = LEAVING + (("Finish",) if ui.engine.view.step is Step.PROBLEM else ())
    found = []
    for w in ui.root.walk(restrict=True):
        if (isinstance(w, Label) and hasattr(w, "trigger_action") and words(w) in names
                and w.get_root_window() is not None):
            found.append((words(w), (*w.to_window(w.x, w.y), w.width, w.height)))
    return found


# -- 1: the code screen sends whole codes only ---------------------------------------------

def test_confirm_stays_disabled_until_the_code_is_whole(make_ui):
    operator = CountingOperator()
    ui = make_ui(operator=operator)
    to_code(ui)
    confirm = ui.button("Confirm")
    assert confirm.disabled
    ui.tap_at(*centre(confirm))  # nothing typed
    assert operator.verified == [] and ui.engine.view.step is Step.CODE
    ui.type_digits("123")
    confirm = ui.button("Confirm")
    assert confirm.disabled
    ui.tap_at(*centre(confirm))  # three digits of six
    assert operator.verified == [] and ui.engine.view.step is Step.CODE
    assert ui.engine.view.code.attempts_left == 3
    ui.type_digits("456")
    ui.tap("Confirm")
    ui.wait_step(Step.DONE)
    assert operator.verified == ["123456"]


# -- 2: a double tap never cancels ---------------------------------------------------------

def test_taps_in_the_first_moments_of_a_new_screen_are_ignored(make_ui):
    ui = make_ui()
    ui.tap("Start")
    ui.tap("Type the number instead", after_s=0.2)  # the second tap of a double tap
    assert ui.shows("Hold the card's barcode inside the frame")
    ui.tap("Русский", after_s=0.1)  # the language buttons too
    assert ui.engine.view.language == "en"
    ui.tap("Type the number instead", after_s=0.5)  # 0.8 s after the screen came
    assert ui.shows("Type the card number")


def test_a_tap_just_after_the_idle_warning_goes_reaches_nothing_below(make_ui):
    ui = make_ui()
    to_card(ui)
    cancel = ui.button("Cancel")
    ui.clock.now += timedelta(seconds=50)
    ui.root.tick()
    ui.idle()
    assert ui.shows("Are you still there?")
    ui.tap("Yes, I am here")
    ui.tap_at(*centre(cancel), after_s=0.15)
    assert ui.engine.view.step is Step.CARD


def test_a_double_tap_on_confirm_does_not_cancel_the_sale(make_ui):
    ui = make_ui(methods=(PaymentMethod.CARD, PaymentMethod.SBP_QR))
    to_code(ui)
    ui.type_digits("123456")
    confirm = ui.find("Confirm")
    spot = centre(confirm)
    ui.tap_at(*spot)
    ui.wait_step(Step.PAYMENT)
    ui.tap_at(*spot, after_s=0.7)  # the same finger again, on the payment screen
    assert ui.engine.view.step is Step.PAYMENT and ui.engine.view.card is not None


def test_a_double_tap_on_continue_sends_no_code(make_ui):
    operator = CountingOperator()
    ui = make_ui(operator=operator)
    to_card(ui)
    ui.tap(PRICE)
    spot = centre(ui.find("Continue"))
    ui.tap_at(*spot)
    ui.wait_step(Step.CODE)
    ui.tap_at(*spot, after_s=0.7)
    assert operator.verified == [] and ui.engine.view.step is Step.CODE


def test_no_screen_puts_a_way_out_where_the_last_screen_was_tapped(make_ui):
    """The whole flow, and problem screens: after each tap, no button that leaves or ends
    the sale stands where the finger was."""
    operator = CountingOperator()
    ui = make_ui(methods=(PaymentMethod.CARD, PaymentMethod.SBP_QR), operator=operator)
    for terminal in ui.terminals.values():
        terminal.wait_for_card_s = 60  # the paying screen stays until cancelled
    seen = []

    def terminal_waits(what: str) -> None:
        # The screen offers Cancel before the terminal thread listens for it: wait for both.
        ui.wait_for(lambda: ui.shows("Cancel payment")
                    and any(t._aborts for t in ui.terminals.values()), what)

    def tapped(where, label: str) -> None:
        for name, rect in leaving_buttons(ui):
            if overlaps(where, rect):
                seen.append(f"{label} -> {name} on {ui.engine.view.step}")

    tapped(ui.tap("Start"), "Start")
    tapped(ui.tap("Type the number instead"), "Type the number instead")
    operator.card = demo_card(ICCID, CardStatus.UNKNOWN)
    ui.type_digits(ICCID)
    where = ui.tap("Check the number")
    ui.wait_step(Step.PROBLEM)
    tapped(where, "Check the number")
    operator.card = demo_card(ICCID)
    tapped(ui.tap("Scan another card"), "Scan another card")
    where = ui.tap("Demo card")
    ui.wait_step(Step.CARD)
    tapped(where, "Demo card")
    tapped(ui.tap(PRICE), PRICE)
    where = ui.tap("Continue")
    ui.wait_step(Step.CODE)
    tapped(where, "Continue")
    ui.type_digits("123456")
    where = ui.tap("Confirm")
    ui.wait_step(Step.PAYMENT)
    tapped(where, "Confirm")
    for method in ("Bank card", "SBP (QR code)"):
        where = ui.tap(method)
        terminal_waits("the terminal waiting")
        tapped(where, method)
        where = ui.tap("Cancel payment")
        ui.wait_step(Step.PROBLEM)
        tapped(where, "Cancel payment")
        if method == "Bank card":
            where = ui.tap("Try again")
            terminal_waits("the terminal waiting again")
            tapped(where, "Try again")
            where = ui.tap("Cancel payment")
            ui.wait_step(Step.PROBLEM)
            where = ui.tap("Pay another way")
            ui.wait_step(Step.PAYMENT)
            tapped(where, "Pay another way")
    assert seen == []


# -- 3: every screen times out -------------------------------------------------------------

def _wait(ui, seconds: int) -> None:
    """``seconds`` pass with nobody touching the screen."""
    ui.clock.now += timedelta(seconds=seconds)
    ui.root.tick()
    ui.idle()


def _idle_until_wiped(ui, warning: str = "Are you still there?") -> None:
    _wait(ui, 50)
    assert ui.engine.view.idle_warning_s == 10 and ui.shows(warning)
    _wait(ui, 11)


def test_a_half_typed_number_warns_then_goes(make_ui):
    ui = make_ui()
    ui.tap("Start")
    ui.tap("Type the number instead")
    ui.type_digits("8970")
    _idle_until_wiped(ui)
    assert not ui.shows("8970") and not ui.shows("Type the card number")
    assert ui.shows("Renew your travel SIM card here") and ui.shows("Start")
    ui.tap("Start")  # a new customer starts with an empty keypad
    ui.tap("Type the number instead")
    assert not ui.shows("8970")


def test_the_camera_face_warns_then_goes(make_ui):
    ui = make_ui()
    ui.tap("Start")
    _idle_until_wiped(ui)
    assert not ui.shows("Hold the card's barcode inside the frame")
    assert ui.shows("Renew your travel SIM card here")


def test_a_chosen_language_on_the_start_screen_goes_back_to_the_default(make_ui):
    ui = make_ui()
    ui.tap("Русский")
    assert ui.engine.view.language == "ru"
    _idle_until_wiped(ui, "Вы ещё здесь?")
    assert ui.engine.view.language == "en" and ui.shows("Start")


def test_an_untouched_start_screen_never_warns(make_ui):
    ui = make_ui()
    for _ in range(3):
        _wait(ui, 59)
        assert ui.engine.view.idle_warning_s is None and not ui.shows("Are you still there?")


# -- 7: touch the screen to start ----------------------------------------------------------

def test_a_touch_anywhere_on_the_start_screen_starts(make_ui):
    ui = make_ui()
    words_label = next(w for w in ui.root.body.walk(restrict=True)
                       if isinstance(w, Label) and words(w) == "Renew your travel SIM card here")
    ui.tap("中文简体")  # a language button does not start
    assert ui.shows("在此为您的旅行SIM卡续费") and ui.engine.view.step is Step.ATTRACT
    assert not ui.shows("请将卡上的条形码放入框内")
    ui.tap("English")
    ui.tap("?")  # nor does help
    assert ui.shows("Can I renew in another city?")
    ui.tap("Close")
    assert not ui.shows("Hold the card's barcode inside the frame")
    ui.tap_at(*centre(words_label))  # the welcome words: not a button
    assert ui.shows("Hold the card's barcode inside the frame")


# -- 8: the idle warning is steady ---------------------------------------------------------

def test_the_idle_warning_counts_down_in_place(make_ui):
    ui = make_ui()
    to_card(ui)
    ui.clock.now += timedelta(seconds=46)
    ui.root.tick()
    ui.idle()
    assert ui.shows("Starting over in 14 s")
    panel = ui.root.overlay.children[0]
    for left in range(13, 5, -1):
        ui.clock.now += timedelta(seconds=1)
        ui.root.tick()
        EventLoop.idle()  # one frame
        assert ui.root.overlay.children == [panel]
        shown = [w for w in panel.walk(restrict=True) if isinstance(w, Label)
                 and words(w).startswith("Starting over in")]
        assert [words(w) for w in shown] == [f"Starting over in {left} s"]
        assert shown[0].texture is not None and shown[0].texture_size[0] > 0


# -- 9: smaller ----------------------------------------------------------------------------

def test_attempts_left_are_said_once(make_ui, operator_sim):
    """On the real operator simulator, whose wrong-code answer carries the attempts left."""
    sim, client = operator_sim
    ui = make_ui(operator=client, now=datetime.now(UTC),
                 cards=(DemoCard("Demo card", demo_data.ICCID_ACTIVE),))
    to_card(ui)
    ui.tap(text.money(Translator("en"), ui.engine.view.offers[0].price.total))
    ui.tap("Continue")
    ui.wait_step(Step.CODE)
    right = sent_code(sim, ui.engine.view.code.challenge_id)
    ui.type_digits("0" * 6 if right != "0" * 6 else "1" * 6)
    ui.tap("Confirm")
    ui.wait_for(lambda: ui.engine.view.code.error is not None, "the wrong code answered")
    assert sum("Attempts left" in t for t in ui.texts()) == 1
    assert ui.shows("Attempts left: 4")


def test_cancel_goes_back_to_the_default_language(make_ui):
    ui = make_ui()
    to_card(ui)
    ui.tap("Русский")
    ui.tap("Отмена")
    assert ui.engine.view.step is Step.ATTRACT and ui.engine.view.language == "en"
    assert ui.shows("Start")


# -- 4: a retry keeps the choice and the code ----------------------------------------------

def test_retry_after_a_failed_check_keeps_the_offer_and_the_code(make_ui):
    operator = CountingOperator(verify_fails=1)
    ui = make_ui(operator=operator)
    to_code(ui)
    ui.type_digits("123456")
    ui.tap("Confirm")
    ui.wait_step(Step.PROBLEM)
    ui.tap("Try again")
    ui.wait_step(Step.CODE)  # the same code, not the card screen and a new code
    assert len(operator.sent) == 1 and ui.engine.view.chosen.offer.id == "val-7"
    ui.type_digits("123456")
    ui.tap("Confirm")
    ui.wait_step(Step.DONE)
    assert operator.verified == ["123456", "123456"]


def test_a_code_that_must_wait_shows_a_countdown(make_ui):
    operator = CountingOperator(too_soon_s=42)
    ui = make_ui(operator=operator)
    to_card(ui)
    ui.tap(PRICE)
    ui.tap("Continue")
    ui.wait_step(Step.PROBLEM)
    assert ui.shows("A new code can be sent in 42 s") and ui.button("Try again").disabled
    _wait(ui, 1)
    assert ui.shows("A new code can be sent in 41 s") and ui.button("Try again").disabled
    _wait(ui, 41)
    assert ui.shows("A new code can be sent now.")
    ui.tap("Try again")
    ui.wait_step(Step.CODE)
    assert len(operator.sent) == 1 and ui.engine.view.chosen.offer.id == "val-7"
