"""Issue 13, "looks like an airport kiosk": what the screens say, read off the real window.

The done screen's sale facts and scannable e-receipt, the confirm screen's new validity end,
the best-value offer first and marked with the combos one touch away, the support contact
where a traveller may need a person, and the step indicator at the current step.
"""

from __future__ import annotations

import pytest
from kivy.core.window import Window

from kiosk.core.card import CardStatus
from kiosk.core.errors import Category
from kiosk.core.money import Money
from kiosk.core.offers import Offer, OfferKind
from kiosk.flow.ports import OfferCatalog, OperatorError
from kiosk.flow.progress import Stage
from kiosk.flow.view import Step
from kiosk.i18n import Translator
from kiosk.ui import text, theme
from kiosk.ui.steps import StepIndicator
from tests.fakes import FakeOperator, demo_card
from tests.ui.conftest import ICCID, SUPPORT, TZ
from tests.ui.test_ui_renewal import PRICE, to_card, to_code

pytestmark = pytest.mark.ui
MASKED = "****" + ICCID[-4:]
SUPPORT_SHOWN = SUPPORT.replace(" ", "\xa0")  # a phone number wraps whole


def indicator(ui) -> StepIndicator | None:
    found = [w for w in ui.root.walk(restrict=True) if isinstance(w, StepIndicator)
             and w.get_root_window() is not None]
    return found[0] if found else None


def test_the_confirm_screen_repeats_the_card_and_the_new_validity_end(make_ui):
    ui = make_ui()
    to_card(ui)
    ui.tap(PRICE)  # 7 days on a card valid until 25 November (12:00 in Moscow)
    assert ui.engine.view.step is Step.OFFER
    assert ui.shows(MASKED)
    assert ui.shows("Valid until now") and ui.shows("November 25, 2026")
    assert ui.shows("New validity end") and ui.shows("December 2, 2026")


def test_the_done_screen_shows_what_was_paid_for_which_card_until_when(make_ui):
    """(Its e-receipt QR is read off the window by test_ui_renewal's QR test.)"""
    ui = make_ui()
    to_code(ui)
    ui.type_digits("123456")
    ui.tap("Confirm")
    ui.wait_step(Step.DONE)
    result = ui.engine.view.result
    assert ui.shows("Amount paid") and ui.shows(PRICE) and ui.shows(MASKED)
    end = text.local_date(Translator("en"), result.validity_end, TZ)
    assert ui.shows("Valid until") and ui.shows(end)
    assert ui.shows("Transaction") and ui.shows(result.tx_id)
    assert ui.shows("E-receipt")


def _rub(major: int) -> Money:
    return Money(major * 100, "RUB")


class CatalogOperator(FakeOperator):
    """Several validity offers (the 30-day one cheapest per day, listed last) and a combo."""

    def offers(self, iccid) -> OfferCatalog:
        return OfferCatalog((
            Offer("v3", OfferKind.VALIDITY, _rub(300), validity_days=3, names={"en": "3 days"}),
            Offer("v7", OfferKind.VALIDITY, _rub(600), validity_days=7, names={"en": "7 days"}),
            Offer("v30", OfferKind.VALIDITY, _rub(1900), validity_days=30,
                  names={"en": "30 days"}),
            Offer("c7", OfferKind.COMBO, _rub(950), validity_days=7, data_mb=5120,
                  names={"en": "Week combo"}),
        ), ())


def _offer_cards(ui) -> list:
    cards = [w for w in ui.root.walk(restrict=True) if hasattr(w, "offer_id")
             and w.get_root_window() is not None]
    # reading order: top row first, left to right
    return sorted(cards, key=lambda w: (-round(w.to_window(w.x, w.top)[1]),
                                        w.to_window(w.x, w.y)[0]))


def test_the_best_value_offer_comes_first_marked_and_combos_are_one_touch_away(make_ui):
    ui = make_ui(operator=CatalogOperator(demo_card(ICCID)))
    to_card(ui)
    cards = _offer_cards(ui)
    assert [c.offer_id for c in cards] == ["v30", "v3", "v7"]
    assert cards[0].best_value and not any(c.best_value for c in cards[1:])
    assert ui.shows("Best value")
    top_of_scroll = cards[0].to_window(cards[0].x, cards[0].top)[1]
    assert top_of_scroll <= Window.height  # on screen, not scrolled to
    ui.tap("Combo packs")
    assert [c.offer_id for c in _offer_cards(ui)] == ["c7"]
    assert ui.shows("Week combo")
    ui.tap("RUB\xa0950.00")
    assert ui.engine.view.chosen.offer.id == "c7"


def test_a_blocked_card_shows_the_support_contact(make_ui):
    ui = make_ui(operator=FakeOperator(demo_card(ICCID, CardStatus.BLOCKED)))
    ui.tap("Start")
    ui.tap("Demo card")
    ui.wait_step(Step.PROBLEM)
    assert ui.engine.view.problem.code == "card_blocked"
    assert ui.shows("What happened") and ui.shows("What you can do")
    assert ui.shows(SUPPORT_SHOWN)
    steps = indicator(ui)
    assert steps.current is Stage.CARD and steps.states[Stage.CARD] == "failed"


class LockingOperator(FakeOperator):
    def verify_otp(self, challenge_id, code):
        raise OperatorError("otp_attempts_exhausted", "Too many", Category.USER, attempts_left=0)


def test_too_many_codes_shows_the_support_contact(make_ui):
    ui = make_ui(operator=LockingOperator(demo_card(ICCID)))
    to_code(ui)
    ui.type_digits("000000")
    ui.tap("Confirm")
    ui.wait_step(Step.PROBLEM)
    assert ui.engine.view.problem.code == "code_blocked"
    assert ui.shows(SUPPORT_SHOWN)
    assert indicator(ui).current is Stage.VERIFY


def test_the_help_panel_shows_the_support_contact(make_ui):
    ui = make_ui()
    assert not ui.shows(SUPPORT_SHOWN)
    ui.tap("?")
    assert ui.shows(SUPPORT_SHOWN)


def test_the_step_indicator_marks_the_current_step(make_ui):
    ui = make_ui()
    assert indicator(ui) is None  # the welcome screen is before any session
    ui.tap("Start")
    assert indicator(ui).current is Stage.CARD
    ui.tap("Demo card")
    ui.wait_step(Step.CARD)
    assert indicator(ui).current is Stage.RENEWAL
    ui.tap(PRICE)
    ui.tap("Continue")
    ui.wait_step(Step.CODE)
    steps = indicator(ui)
    assert steps.current is Stage.VERIFY
    assert [steps.states[s] for s in Stage] == ["done", "done", "current", "ahead", "ahead"]
    assert steps.labels[Stage.VERIFY].color == list(theme.ACCENT)
    assert ui.shows("Verify") and ui.shows("Pay")
    ui.type_digits("123456")
    ui.tap("Confirm")
    ui.wait_step(Step.DONE)
    assert all(state == "done" for state in indicator(ui).states.values())


def test_ways_to_pay_show_their_marks_and_say_what_sbp_is(make_ui):
    from kiosk.core.sale import PaymentMethod
    from kiosk.ui.pictograms import Pictogram

    ui = make_ui(methods=(PaymentMethod.CARD, PaymentMethod.SBP_QR, PaymentMethod.CASH))
    to_code(ui)
    ui.type_digits("123456")
    ui.tap("Confirm")
    ui.wait_step(Step.PAYMENT)
    marks = [w for w in ui.root.walk(restrict=True) if isinstance(w, Pictogram)]
    assert {m.kind for m in marks} == {"mir", "unionpay", "visa", "mastercard", "sbp", "cash"}
    assert ui.shows("Russia's Faster Payments: pay from a Russian bank app")
    sbp = next(m for m in marks if m.kind == "sbp")
    ui.tap_at(*sbp.to_window(sbp.x + sbp.width / 2, sbp.y + sbp.height / 2))  # the mark
    # the simulator may approve at once: wait for the choice, not for one passing step
    ui.wait_for(lambda: ui.engine.view.method is PaymentMethod.SBP_QR, "SBP chosen")
