"""A whole renewal and its unhappy paths, driven through the real window by touches."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kiosk.core.sale import PaymentMethod
from kiosk.flow.view import Step
from tests.fakes import FakeOperator, demo_card
from tests.ui.conftest import ICCID

pytestmark = pytest.mark.ui
PRICE = "RUB\xa0700.00"  # Babel puts a no-break space after the currency code


def to_card(ui) -> None:
    ui.tap("Start")
    ui.tap("Demo card")
    ui.wait_step(Step.CARD)


def to_code(ui) -> None:
    to_card(ui)
    ui.tap(PRICE)
    ui.tap("Continue")
    ui.wait_step(Step.CODE)


def test_whole_renewal_by_keypad(make_ui):
    ui = make_ui()
    assert ui.shows("Renew your travel SIM card here")
    assert ui.shows("Продлите здесь свою туристическую SIM-карту")
    assert ui.shows("在此为您的旅行SIM卡续费") and ui.shows("在此為您的旅行SIM卡續費")
    ui.tap("Start")
    assert ui.shows("Hold the card's barcode inside the frame")
    ui.tap("Type the number instead")
    ui.type_digits("7")
    assert ui.shows("A SIM card number starts with 89.")
    ui.tap("←")
    ui.type_digits(ICCID)
    assert ui.shows(" ".join(ICCID[i:i + 4] for i in range(0, len(ICCID), 4)))
    ui.tap("Check the number")
    ui.wait_step(Step.CARD)
    assert ui.shows("Valid until November 25, 2026, 3 days left")
    assert ui.shows("Balance: RUB\xa010.00")
    ui.tap(PRICE)
    assert ui.shows("Check your renewal") and ui.shows("To pay")
    ui.tap("Continue")
    ui.wait_step(Step.CODE)
    assert ui.shows("We sent a code to +7 ******4567") and ui.shows("Attempts left: 3")
    ui.type_digits("123456")
    assert ui.shows("1 2 3 4 5 6")
    ui.tap("Confirm")
    ui.wait_step(Step.DONE)
    assert ui.shows("Your card is renewed") and ui.shows("Please take your receipt.")
    assert len(ui.printer.sales) == 1
    ui.tap("Finish")
    assert ui.engine.view.step is Step.ATTRACT
    assert ui.shows("Renew your travel SIM card here") and not ui.shows("****")


def test_the_done_screens_e_receipt_qr_scans_to_the_receipt_address(make_ui, tmp_path):
    import zxingcpp
    from kivy.core.window import Window
    from PIL import Image

    ui = make_ui()
    to_code(ui)
    ui.type_digits("123456")
    ui.tap("Confirm")
    ui.wait_step(Step.DONE)
    url = ui.engine.view.result.e_receipt_url
    assert url and ui.shows("E-receipt")
    shot = Image.open(Window.screenshot(name=str(tmp_path / "done.png")))
    reads = [r.text for r in zxingcpp.read_barcodes(shot, formats=zxingcpp.BarcodeFormat.QRCode)]
    assert reads == [url]


def test_typed_number_with_a_typo_is_refused_on_screen(make_ui):
    ui = make_ui()
    ui.tap("Start")
    ui.tap("Type the number instead")
    wrong_last = ICCID[:-1] + str((int(ICCID[-1]) + 1) % 10)
    ui.type_digits(wrong_last)
    ui.tap("Check the number")
    assert ui.shows("This card number has a typo: please check the digits.")
    assert ui.engine.view.step is Step.ATTRACT


def test_wrong_code_then_right_code(make_ui):
    ui = make_ui()
    to_code(ui)
    ui.type_digits("000000")
    ui.tap("Confirm")
    ui.wait_for(lambda: ui.shows("Attempts left: 2"), "attempts left 2")
    assert ui.shows("_ _ _ _ _ _")  # the wrong code is cleared
    ui.type_digits("123456")
    ui.tap("Confirm")
    ui.wait_step(Step.DONE)


def test_choosing_a_payment_method(make_ui):
    ui = make_ui(methods=(PaymentMethod.CARD, PaymentMethod.SBP_QR))
    to_code(ui)
    ui.type_digits("123456")
    ui.tap("Confirm")
    ui.wait_step(Step.PAYMENT)
    assert ui.shows("How would you like to pay?") and ui.shows("Bank card")
    ui.tap("SBP (QR code)")
    ui.wait_step(Step.DONE)
    assert ui.journal.all()[0].method == "sbp_qr"


def test_binding_a_phone_number_first(make_ui):
    operator = FakeOperator(replace(demo_card(ICCID), phone_masked=None))
    ui = make_ui(operator=operator)
    to_card(ui)
    ui.tap(PRICE)
    ui.tap("Continue")
    ui.wait_step(Step.PHONE)
    assert ui.shows("This card has no phone number yet")
    ui.tap("Send code")
    assert ui.shows("This is not a valid phone number. Include the country code, e.g. +7.")
    ui.tap("+")
    ui.type_digits("79057778899")
    assert ui.shows("+79057778899")
    ui.tap("Send code")
    ui.wait_step(Step.CODE)


def test_unknown_card_offers_to_scan_another(make_ui):
    from kiosk.core.card import CardStatus

    ui = make_ui(operator=FakeOperator(demo_card(ICCID, CardStatus.UNKNOWN)))
    ui.tap("Start")
    ui.tap("Demo card")
    ui.wait_step(Step.PROBLEM)
    assert ui.shows("We could not find this card. Check the number and try again.")
    ui.tap("Scan another card")
    assert ui.engine.view.step is Step.ATTRACT
    assert ui.shows("Hold the card's barcode inside the frame")


def test_the_terminals_prompts_show_live_in_place_on_the_payment_screen(make_ui, monkeypatch):
    import threading

    from kiosk.payment.simulator import PaymentSimulator

    gates = [threading.Event() for _ in range(3)]
    original = PaymentSimulator.authorise

    def held_authorise(self, reference, amount, on_prompt):
        def prompt_then_wait(prompt):
            on_prompt(prompt)
            if prompt.code in ("present_card", "enter_pin", "processing"):
                gates[["present_card", "enter_pin", "processing"].index(prompt.code)].wait(10)

        return original(self, reference, amount, prompt_then_wait)

    monkeypatch.setattr(PaymentSimulator, "authorise", held_authorise)
    try:
        ui = make_ui()
        to_code(ui)
        ui.type_digits("123456")
        ui.tap("Confirm")
        ui.wait_for(lambda: ui.shows("Insert, tap or swipe your card on the terminal."),
                    "the terminal's first prompt")
        assert ui.shows("Cancel payment")  # while the terminal waits for the card
        gates[0].set()
        ui.wait_for(lambda: ui.shows("Enter your PIN on the terminal."), "the PIN prompt")
        assert not ui.shows("Cancel payment") and not ui.shows("Insert, tap or swipe")
        screen = ui.root.body.children[0]
        gates[1].set()
        ui.wait_for(lambda: ui.shows("Processing payment, please wait"), "processing")
        assert ui.root.body.children[0] is screen  # only the words changed, in place
        assert not ui.shows("Enter your PIN on the terminal.")
    finally:
        for gate in gates:  # never leave the terminal's thread waiting
            gate.set()
    ui.wait_step(Step.DONE)
