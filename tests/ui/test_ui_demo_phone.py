"""The demo shows the SMS the simulated phone got, so a newcomer can finish a renewal from
the screen alone: the code comes from the real operator simulator over HTTP."""

from datetime import UTC, datetime

from kiosk.flow.view import Step
from kiosk.provider.testing import sent_code
from kiosk.ui.context import DemoCard
from kiosk.ui.demo_phone import DemoPhone
from kiosk.ui.kiosk_app import clock_poster
from tests.ui.test_ui_real_parts import CARD, to_code


def test_the_code_screen_of_the_demo_shows_the_sms_and_it_works(make_ui, operator_sim):
    sim, client = operator_sim
    phone = DemoPhone(lambda challenge: sent_code(sim, challenge), clock_poster)
    ui = make_ui(operator=client, now=datetime.now(UTC), cards=(DemoCard("Demo card", CARD),),
                 demo_phone=phone.fetch)
    to_code(ui)
    code = sent_code(sim, ui.engine.view.code.challenge_id)
    said = f'Demo: the phone got the SMS "Your code: {code}"'
    ui.wait_for(lambda: ui.shows(said), "the demo phone's SMS on screen")
    ui.type_digits(code)
    ui.tap("Confirm")
    ui.wait_step(Step.DONE)


def test_a_real_kiosk_shows_no_sms(make_ui, operator_sim):
    _sim, client = operator_sim
    ui = make_ui(operator=client, now=datetime.now(UTC), cards=(DemoCard("Demo card", CARD),))
    to_code(ui)
    assert not any(text.startswith("Demo: the phone") for text in ui.texts())
