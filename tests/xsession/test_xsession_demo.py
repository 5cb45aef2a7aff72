"""A newcomer's ``kiosk demo`` under a real X server, driven by real input events (xdotool).

The kiosk reports each built screen's buttons in its structured log (``ui.buttons``, debug
level) and each step it reaches (``flow.step``); the test taps those buttons with the X
pointer, types on the keypad, and types like a USB barcode scanner (a keyboard wedge), and
reads the engine's progress back from the log: the start screen stays until someone acts, the
demo row's card is read by the camera and renewed to the receipt through the paced terminal,
a number typed on the keypad is looked up, and wedge scans at 1 and 15 ms per key are read.
"""

from __future__ import annotations

import time

import pytest
import requests

from kiosk.provider import demo_data
from tests.xsession.xserver import KioskProcess, Pointer

ACTIVE = demo_data.ICCID_ACTIVE

pytestmark = pytest.mark.xsession


def _steps(kiosk: KioskProcess) -> list[str]:
    return [e["step"] for e in kiosk.events() if e.get("event") == "flow.step"]


def _reached(kiosk: KioskProcess, step: str, after: int) -> bool:
    return step in _steps(kiosk)[after:]


def _back_to_start(pointer: Pointer, kiosk: KioskProcess) -> None:
    buttons = pointer.screen("card", lambda b: any(label == "Cancel" for label, *_ in b),
                             "the card screen's Cancel")
    pointer.tap(buttons["Cancel"])
    pointer.screen("attract", lambda b: any(label == "Start" for label, *_ in b),
                   "the start screen again")


def _has(label: str):
    return lambda buttons: any(words == label for words, *_ in buttons)


def _renew(pointer: Pointer, kiosk: KioskProcess) -> None:
    """From the card screen to the receipt: an offer, the SMS code (read from the operator
    simulator's test endpoint, as the traveller's phone would show it), the paced terminal."""
    card = pointer.screen("card", lambda b: any(w.startswith("RUB") for w, *_ in b), "offers")
    pointer.tap(next(place for words, place in card.items() if words.startswith("RUB")))
    pointer.tap(pointer.screen("offer", _has("Continue"), "the offer")["Continue"])
    keys = pointer.screen("code", _has("Confirm"), "the code screen")
    url = next(e["url"] for e in kiosk.events() if e.get("event") == "sim.listening")
    code = requests.get(f"{url}/_sim/otp", params={"iccid": ACTIVE}, timeout=30).json()["code"]
    for digit in code:
        pointer.tap(keys[digit])
    mark = len(_steps(kiosk))
    pointer.tap(keys["Confirm"])
    # the demo terminal holds each prompt a few seconds: the paying screen is seen live
    paying = pointer.screen("paying", _has("Cancel payment"), "the terminal's first prompt")
    assert "Cancel payment" in paying
    kiosk.wait_for(lambda: _reached(kiosk, "done", mark), "the renewal done")
    assert _steps(kiosk)[mark:] == ["paying", "renewing", "done"]
    pointer.tap(pointer.screen("done", _has("Finish"), "the done screen")["Finish"])
    pointer.screen("attract", _has("Start"), "the start screen again")


def test_demo_renewal_keypad_and_wedge_scans_under_a_real_x_server(xserver, xdotool, tmp_path):
    config = tmp_path / "kiosk.toml"
    config.write_text("[ui]\nwidth = 720\nheight = 1280\n")
    kiosk = KioskProcess(xserver, tmp_path / "data", config, log_level="debug")
    try:
        pointer = Pointer(xdotool, xserver, kiosk)
        start = pointer.screen("attract", lambda b: any(label == "Start" for label, *_ in b),
                               "the start screen")
        kiosk.wait_for(lambda: kiosk.has_event("scanner.health", state="ok"),
                       "the demo camera's first frames", limit_s=300)
        time.sleep(6)  # longer than a card's pass: the old looping camera read one by now
        assert _steps(kiosk) == ["attract"], "a session started with nobody acting"

        # the demo row: the camera is shown the card and the real scanner reads it
        pointer.tap(start["Start"])
        scan = pointer.screen("attract", lambda b: any(label.endswith(ACTIVE[-4:])
                                                       for label, *_ in b), "the demo row")
        mark = len(_steps(kiosk))
        pointer.tap(next(place for label, place in scan.items() if label.endswith(ACTIVE[-4:])))
        kiosk.wait_for(lambda: _reached(kiosk, "card", mark), "the card read by the camera")
        assert kiosk.has_event("scanner.read", iccid="****" + ACTIVE[-4:])
        _renew(pointer, kiosk)

        # the keypad, one real tap per digit
        start = pointer.screen("attract", lambda b: any(label == "Start" for label, *_ in b),
                               "the start screen")
        pointer.tap(start["Start"])
        scan = pointer.screen("attract", lambda b: any(label == "Type the number instead"
                                                       for label, *_ in b), "the scan screen")
        pointer.tap(scan["Type the number instead"])
        keys = pointer.screen("attract", lambda b: any(label == "Check the number"
                                                       for label, *_ in b), "the keypad")
        for digit in ACTIVE:
            pointer.tap(keys[digit])
        mark = len(_steps(kiosk))
        pointer.tap(keys["Check the number"])
        kiosk.wait_for(lambda: _reached(kiosk, "card", mark), "the card typed on the keypad")
        _back_to_start(pointer, kiosk)

        # a keyboard-wedge scanner at 1 ms and at 15 ms per key, at the start screen
        for delay_ms in (1, 15, 1):
            pointer.screen("attract", lambda b: any(label == "Start" for label, *_ in b),
                           "the start screen")
            mark = len(_steps(kiosk))
            pointer.type(ACTIVE + "\n", delay_ms)
            kiosk.wait_for(lambda mark=mark: _reached(kiosk, "card", mark),
                           f"the wedge scan at {delay_ms} ms per key")
            _back_to_start(pointer, kiosk)
    finally:
        kiosk.stop()
    assert "Traceback" not in kiosk.text()
