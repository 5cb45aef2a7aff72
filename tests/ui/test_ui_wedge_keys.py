"""A USB barcode scanner (keyboard wedge) on the real window (issue 13, defect 6).

Key events are dispatched to the real Kivy ``Window`` in bursts, as one frame delivers them:
every key the display server queued while the main loop was busy comes in one go at the next
frame. A scanner at 1 ms per key puts a whole code into a frame or two; at 15 ms per key one
or two keys come per frame, and a frame that is slow (a screen being built) gathers several.
Key timing taken from Kivy's frame clock saw the slow frame as a pause in the typing and cut
the scan in two: two of three scans were lost at 15 ms per key.
"""

from __future__ import annotations

import time

import pytest
from kivy.base import EventLoop
from kivy.clock import Clock
from kivy.core.window import Window

from kiosk.scanner.wedge import KeyboardWedge
from kiosk.ui.keys import WedgeInput
from tests.helpers import make_iccid

pytestmark = pytest.mark.ui
CARDS = [make_iccid("897010123456789012"), make_iccid("8970199000000000031"),
         make_iccid("897012345678901234")]
FRAME_S = 1 / 60
SLOW_FRAME_S = 0.12  # a screen being built: more than the 50 ms between a scanner's keys


def _frame(slow: bool = False) -> None:
    if slow:
        Clock.schedule_once(lambda _dt: time.sleep(SLOW_FRAME_S), -1)
    EventLoop.idle()


def _key(char: str) -> None:
    code = 13 if char == "\r" else ord(char)
    Window.dispatch("on_key_down", code, 0, None if char == "\r" else char, [])


def _scan_in_frames(code: str, spacing_s: float, slow_every: int) -> None:
    """``code`` and Enter, as frames of 1/60 s would deliver keys typed ``spacing_s`` apart;
    every ``slow_every``-th frame is a slow one."""
    keys = [*code, "\r"]
    per_frame = max(1, round(FRAME_S / spacing_s))
    for number, start in enumerate(range(0, len(keys), per_frame)):
        for char in keys[start:start + per_frame]:
            _key(char)
        _frame(slow=number % slow_every == slow_every - 1)


@pytest.mark.parametrize("spacing_ms", [1, 15])
def test_three_scans_in_a_row_through_slow_frames_are_all_read(window, spacing_ms):
    scans, typed = [], []
    wedge = KeyboardWedge(scans.append, typed.append, max_key_interval_ms=50)
    keys = WedgeInput(wedge.feed, wedge.tick)
    try:
        _frame()
        for code in CARDS:
            _scan_in_frames(code, spacing_ms / 1000, slow_every=2 if spacing_ms == 1 else 4)
        end = time.monotonic() + 30
        while time.monotonic() < end and len(scans) < len(CARDS) and not typed:
            _frame()
    finally:
        keys.close()
    assert typed == [], "scanner keys were handed on as a person's typing"
    assert all(hasattr(s, "iccid") for s in scans), f"a scan was cut: {scans}"
    assert [s.iccid.digits for s in scans] == CARDS


def test_a_person_typing_between_frames_is_still_a_person(window):
    """Keys a person types, each in its own frame with free frames between, pass on."""
    scans, typed = [], []
    wedge = KeyboardWedge(scans.append, typed.append, max_key_interval_ms=50)
    keys = WedgeInput(wedge.feed, wedge.tick)
    try:
        for char in "89701012":
            _key(char)
            pause_end = time.monotonic() + 0.2  # a person: 200 ms between keys
            while time.monotonic() < pause_end:
                _frame()
                time.sleep(0.01)
        end = time.monotonic() + 30
        while time.monotonic() < end and "".join(typed) != "89701012":
            _frame()
            time.sleep(0.01)
    finally:
        keys.close()
    assert scans == [] and "".join(typed) == "89701012"


def test_pause_clock_counts_only_pauses_a_free_frame_proves():
    from kiosk.ui.keys import PauseClock

    now = [100.0]
    pauses = PauseClock(lambda: now[0])
    first = pauses.key()
    now[0] += 0.4  # one slow frame: the keys typed meanwhile come together after it
    pauses.frame()
    assert pauses.key() == first and pauses.key() == first
    for _ in range(3):  # then free frames with no key: a real pause from the last key
        now[0] += 0.03
        pauses.frame()
    now[0] += 0.01
    assert pauses.key() == pytest.approx(first + 0.06)
