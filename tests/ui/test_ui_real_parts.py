"""Renewals through real parts: the camera scanner reading a generated video, the operator
simulator over loopback HTTP, touches on the real window.

The camera is wired to the screen by ``kiosk.ui.main.ScanLink``, the object the app itself
uses; only the printer is a recording fake.
"""

from __future__ import annotations

import wave
from datetime import UTC, datetime

import numpy as np
import pytest

from kiosk.core.sale import PaymentMethod
from kiosk.flow.view import Step
from kiosk.i18n import Translator
from kiosk.payment.simulator import Script
from kiosk.provider import demo_data
from kiosk.provider.testing import add_fault, sent_code
from kiosk.scanner.camera import CameraScanner
from kiosk.scanner.demo import write_card_video
from kiosk.scanner.sources import VideoSource
from kiosk.ui import text
from kiosk.ui.camera_view import CameraPreview
from kiosk.ui.context import DemoCard
from kiosk.ui.feedback import Feedback
from kiosk.ui.kiosk_app import clock_poster
from kiosk.ui.main import ScanLink

pytestmark = pytest.mark.ui
CARD = demo_data.ICCID_ACTIVE
NOT_A_CARD = "https://airline.example/boarding?pnr=K7Q2XZ&seat=14C"


@pytest.fixture(scope="session")
def videos(tmp_path_factory):
    """One pass of the demo card (Code 128) and one of a boarding-pass QR code."""
    folder = tmp_path_factory.mktemp("camera")
    made = {}
    for name, payload, symbology in (("card", CARD, "code128"), ("other", NOT_A_CARD, "qr")):
        path = folder / f"{name}.avi"
        passes = write_card_video(path, [payload], np.random.default_rng(11),
                                  symbologies=(symbology,), hold_frames=12)
        made[name] = (path, passes[-1].leaves)  # the file and its length in frames
    return made


@pytest.fixture
def camera(videos):
    """A real ``CameraScanner`` on a video, wired to the screen as ``kiosk.ui.main`` does."""
    started = []

    def make(video: str) -> tuple[CameraScanner, ScanLink]:
        link = ScanLink(clock_poster)
        path, _length = videos[video]
        scanner = CameraScanner(lambda: VideoSource(str(path), live=False, loop=True),
                                **link.camera_options())
        started.append(scanner)
        return scanner, link

    yield make
    for scanner in started:
        scanner.stop()


def sim_ui(make_ui, operator_sim, tmp_path, camera=None):
    """The UI on the operator simulator; with ``camera`` (scanner, link) wired and started."""
    sim, client = operator_sim
    scanner, link = camera or (None, None)
    ui = make_ui(operator=client, now=datetime.now(UTC), cards=(DemoCard("Demo card", CARD),),
                 feedback=Feedback(tmp_path / "sounds"),
                 camera=(lambda: CameraPreview(scanner.latest_preview)) if scanner else None)
    ui.sim = sim
    if scanner is not None:
        link.attach(ui.root, ui.engine, scanner)
        scanner.start()
    return ui


def price_button(ui) -> str:
    return text.money(Translator("en"), ui.engine.view.offers[0].price.total)


def enter_sent_code(ui) -> None:
    ui.type_digits(sent_code(ui.sim, ui.engine.view.code.challenge_id))
    ui.tap("Confirm")


def test_whole_renewal_from_a_camera_read(make_ui, operator_sim, camera, videos, tmp_path):
    scanner, link = camera("card")
    ui = sim_ui(make_ui, operator_sim, tmp_path, (scanner, link))
    ui.tap("Start")
    ui.wait_step(Step.CARD)  # the camera read the card; nothing was typed or tapped
    assert ui.root.feedback.played == ["read"] and ui.root.flash.kind == "read"
    card_before = ui.engine.view.card
    assert ui.shows("Your card") and ui.shows(card_before.iccid_masked)
    ui.tap(price_button(ui))
    assert ui.shows("Check your renewal")
    ui.tap("Continue")
    ui.wait_step(Step.CODE)
    assert ui.shows("We sent a code to")
    enter_sent_code(ui)
    ui.wait_step(Step.DONE)
    assert ui.shows("Your card is renewed") and ui.shows("Please take your receipt.")
    validity = ui.engine.view.result.validity_end
    assert validity > card_before.validity_end  # as re-read from the operator
    assert ui.shows(text.local_date(Translator("en"), validity, ui.root.tz))
    assert [str(t.state) for t in ui.journal.all()] == ["done"] and len(ui.printer.sales) == 1
    ui.tap("Finish")
    assert ui.engine.view.step is Step.ATTRACT and ui.shows("Renew your travel SIM card here")
    # The renewed card is still in front of the camera (the video loops): it does not start
    # a new session by itself.
    shown, length = scanner.stats.frames, videos["card"][1]
    ui.wait_for(lambda: scanner.stats.frames > shown + 2 * length, "the video shown twice more")
    assert ui.engine.view.step is Step.ATTRACT and ui.root.feedback.played == ["read"]


def test_a_barcode_that_is_not_a_card_is_explained_on_screen(make_ui, operator_sim, camera,
                                                             tmp_path):
    ui = sim_ui(make_ui, operator_sim, tmp_path, camera("other"))
    ui.tap("Русский")
    ui.wait_for(lambda: ui.root.ui.rejected is not None, "a rejected scan")
    assert ui.shows("В этом штрихкоде нет номера SIM-карты.")
    assert ui.shows("Покажите штрихкод, напечатанный на SIM-карте или её держателе.")
    assert ui.engine.view.step is Step.ATTRACT and ui.root.ui.mode == "scan"
    assert ui.root.feedback.played == ["rejected"] and ui.root.flash.kind == "rejected"
    ui.tap("Ввести номер вручную")
    assert not ui.shows("В этом штрихкоде нет номера SIM-карты.")


def test_feedback_sounds_are_written_once_as_short_wav_files(tmp_path):
    Feedback(tmp_path)
    stamps = {}
    for name in ("read", "rejected"):
        with wave.open(str(tmp_path / f"{name}.wav")) as sound:
            assert sound.getnchannels() == 1 and sound.getsampwidth() == 2
            assert 0.05 < sound.getnframes() / sound.getframerate() < 0.5
        stamps[name] = (tmp_path / f"{name}.wav").stat().st_mtime_ns
    Feedback(tmp_path)
    assert {n: (tmp_path / f"{n}.wav").stat().st_mtime_ns for n in stamps} == stamps


def test_the_plan_reads_in_the_language_chosen_on_the_card_screen(make_ui, operator_sim,
                                                                  tmp_path):
    """The operator's Chinese plan name, not the English one, once the customer switches."""
    plan = demo_data.PLANS["travel-plus"].names
    ui = sim_ui(make_ui, operator_sim, tmp_path)
    ui.tap("Start")
    ui.tap("Demo card")
    ui.wait_step(Step.CARD)
    assert ui.shows(f"Plan: {plan['en']}")
    ui.tap("中文简体")
    assert ui.engine.view.step is Step.CARD
    assert ui.shows(f"套餐：{plan['zh_Hans']}")
    assert not ui.shows(plan["en"])
    ui.tap("Русский")
    assert ui.shows(f"Тариф: {plan['ru']}") and not ui.shows(plan["zh_Hans"])


def test_declined_payment_then_retry_on_the_operator_simulator(make_ui, operator_sim,
                                                               tmp_path):
    ui = sim_ui(make_ui, operator_sim, tmp_path)
    ui.terminals[PaymentMethod.CARD].script_next(Script.DECLINE)
    to_code(ui)
    enter_sent_code(ui)
    ui.wait_step(Step.PROBLEM)
    assert ui.shows("The payment was declined. Nothing was charged.")
    assert ui.shows("Pay another way")
    ui.tap("Try again")
    ui.wait_step(Step.DONE)
    assert sorted(str(t.state) for t in ui.journal.all()) == ["declined", "done"]


def test_failed_renewal_returns_the_money_on_the_operator_simulator(make_ui, operator_sim,
                                                                    tmp_path):
    ui = sim_ui(make_ui, operator_sim, tmp_path)
    add_fault(ui.sim, kind="renewal_failed")
    to_code(ui)
    enter_sent_code(ui)
    ui.wait_step(Step.PROBLEM)
    assert ui.shows("The money is back on your card. Please keep the slip.")
    assert ui.shows("E-receipt")
    assert len(ui.printer.refunds) == 1
    ui.tap("Finish")
    assert ui.engine.view.step is Step.ATTRACT


def to_code(ui) -> None:
    ui.tap("Start")
    ui.tap("Demo card")
    ui.wait_step(Step.CARD)
    ui.tap(price_button(ui))
    ui.tap("Continue")
    ui.wait_step(Step.CODE)
