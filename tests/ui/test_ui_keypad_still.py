"""The keypad never moves under the finger (issue 13, defect 5).

The number panel above the keys used to grow when an error appeared or the number wrapped, so
the keys moved 37-86 px between two taps. Each keypad screen is driven through the real window
by touches and the keys' window positions are compared before and after.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from kivy.core.window import Window

from kiosk.flow.view import Step
from kiosk.ui.keypad import Keypad
from tests.fakes import FakeOperator, demo_card
from tests.ui.conftest import ICCID, SIZE_VARIABLE
from tests.ui.test_ui_renewal import PRICE, to_card, to_code

pytestmark = pytest.mark.ui


def to_phone(ui) -> None:
    to_card(ui)
    ui.tap(PRICE)
    ui.tap("Continue")
    ui.wait_step(Step.PHONE)


def key_places(ui) -> dict[str, tuple[float, float, float, float]]:
    """Every key's rectangle in window coordinates, by its label."""
    pads = [w for w in ui.root.walk(restrict=True) if isinstance(w, Keypad)]
    assert len(pads) == 1, "one keypad on screen"
    places = {}
    for key in pads[0].children:
        if getattr(key, "text", ""):
            x, y = key.to_window(key.x, key.y)
            places[key.text] = (round(x, 1), round(y, 1), key.width, key.height)
    assert len(places) >= 11
    return places


def test_iccid_keys_stay_put_through_errors_and_a_wrapping_number(make_ui):
    ui = make_ui()
    ui.tap("Start")
    ui.tap("Type the number instead")
    before = key_places(ui)
    ui.type_digits("7")
    assert ui.shows("A SIM card number starts with 89.")
    assert key_places(ui) == before, "an error moved the keys"
    ui.tap("←")
    wrong_last = ICCID[:-1] + str((int(ICCID[-1]) + 1) % 10)
    ui.type_digits(wrong_last + "1")  # 20 digits: the grouped number takes its most room
    assert key_places(ui) == before, "the long number moved the keys"
    ui.tap("←")
    ui.tap("Check the number")
    assert ui.shows("This card number has a typo: please check the digits.")
    assert key_places(ui) == before, "the engine's error moved the keys"
    ui.tap("Русский")
    assert key_places(ui) == before, "the Russian error moved the keys"


def test_phone_keys_stay_put_when_the_number_is_refused(make_ui):
    ui = make_ui(operator=FakeOperator(replace(demo_card(ICCID), phone_masked=None)))
    to_phone(ui)
    before = key_places(ui)
    ui.tap("+")
    ui.type_digits("7905")
    ui.tap("Send code")
    assert ui.shows("This is not a valid phone number. Include the country code, e.g. +7.")
    assert key_places(ui) == before
    ui.tap("中文简体")
    assert key_places(ui) == before


def test_code_keys_stay_put_after_a_wrong_code(make_ui):
    ui = make_ui()
    to_code(ui)
    before = key_places(ui)
    ui.type_digits("000000")
    ui.tap("Confirm")
    ui.wait_for(lambda: ui.engine.view.code.error is not None, "the wrong code's error")
    assert key_places(ui) == before, "the wrong code's error moved the keys"
    ui.tap("Русский")
    assert key_places(ui) == before


def test_the_other_orientation_in_its_own_window():
    """An offscreen window keeps the size it opened with: the same tests in a landscape
    (or portrait) window run in a process of their own."""
    if os.environ.get(SIZE_VARIABLE):
        pytest.skip("already the other orientation's run")
    width, height = Window.size
    other = f"{max(width, height)}x{min(width, height)}" if height > width else \
        f"{min(width, height)}x{max(width, height)}"
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x",
         str(Path(__file__)), "-k", "not other_orientation"],
        cwd=root, env={**os.environ, SIZE_VARIABLE: other}, capture_output=True, text=True,
        timeout=900, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def _messages() -> list[str]:
    """Every catalog message a keypad screen can show under the number."""
    from kiosk.core import iccid, phone
    from kiosk.flow.engine import PROBLEMS
    from kiosk.provider import client_messages as cm

    keys = [*iccid.REASONS.values(), phone.INVALID_PHONE, PROBLEMS["too_soon"],
            *cm.BY_CATEGORY.values(), cm.UNREACHABLE, cm.BAD_ANSWER, cm._CODE_SPENT,
            cm._TRY_LATER, *(message for message, _params in cm.BY_CODE.values())]
    return sorted(set(keys))


def _check_rooms_fit(ui, longest_number: str) -> list[str]:
    from kiosk.i18n import LANGUAGES, Translator
    from kiosk.ui.keypad import Room

    too_big = []
    for lang in LANGUAGES:
        ui.engine.set_language(lang)
        ui.idle()
        t = Translator(lang)
        rooms = [w for w in ui.root.walk(restrict=True) if isinstance(w, Room)]
        assert rooms
        for room in rooms:
            label = room.children[0]
            if not hasattr(label, "source_text"):
                continue  # the spinner
            candidates = {"number": [longest_number], "note": [],
                          "message": [t.gettext(k).format(count=20, attempts_left=4)
                                      for k in _messages()]}[room.holds]
            for words in candidates:
                label.text = words
                ui.idle()
                if label.height > room.height + 0.5:
                    too_big.append(f"{lang}: {words!r} {label.height} > {room.height}")
    return too_big


def test_every_languages_longest_words_fit_the_panel(make_ui):
    """Room for the longest number and any error in two lines, in all four languages."""
    ui = make_ui()
    ui.tap("Start")
    ui.tap("Type the number instead")
    assert _check_rooms_fit(ui, "8970 1012 3456 7890 1234") == []


def test_the_code_and_its_errors_fit(make_ui):
    ui = make_ui()
    to_code(ui)
    assert _check_rooms_fit(ui, "1 2 3 4 5 6") == []


def test_the_longest_phone_number_and_errors_fit(make_ui):
    ui = make_ui(operator=FakeOperator(replace(demo_card(ICCID), phone_masked=None)))
    to_phone(ui)
    assert _check_rooms_fit(ui, "+" + "9" * 15) == []
