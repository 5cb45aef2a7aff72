"""The demo kiosk's camera waits for the demo row (issue 13, the demo).

The looping demo video started a session by itself 2-8 s after every return to the start
screen, so the start screen never stayed. Now the demo camera shows an empty scene until a
demo row button is pressed, then that card, read by the real scanner (capture, decoder,
confirmer) and handed to the screen as any card is.
"""

from __future__ import annotations

import pytest

from kiosk.flow.view import Step
from kiosk.scanner.camera import CameraScanner
from kiosk.scanner.demo import DemoCue, pass_length
from kiosk.ui.camera_view import CameraPreview
from kiosk.ui.kiosk_app import clock_poster
from kiosk.ui.main import ScanLink
from tests.helpers import make_iccid
from tests.ui.conftest import ICCID

pytestmark = pytest.mark.ui
OTHER = make_iccid("897019900000000003")


def test_the_demo_camera_shows_a_card_only_when_the_demo_row_is_pressed(make_ui, tmp_path):
    cue = DemoCue()
    link = ScanLink(clock_poster)
    scanner = CameraScanner.from_config({"source": "demo", "width": 1280, "height": 720},
                                        tmp_path / "data", demo_iccids=[OTHER, ICCID],
                                        demo_cue=cue, **link.camera_options())
    ui = make_ui(camera=lambda: CameraPreview(scanner.latest_preview),
                 show_demo_card=ScanLink.demo(scanner, cue))
    link.attach(ui.root, ui.engine, scanner, cue)
    scanner.start()
    try:
        ui.tap("Start")
        # longer than both cards' passes: the looping video would have shown them by now
        ui.wait_for(lambda: scanner.stats.decoded > 2 * pass_length(), "the camera's frames",
                    limit_s=300)
        assert ui.engine.view.step is Step.ATTRACT, "a card was read with nobody acting"
        ui.tap("Demo card")
        assert ui.engine.view.step is Step.ATTRACT  # not identified at once: the camera reads it
        ui.wait_step(Step.CARD)
        assert ui.engine.view.card.iccid_masked.endswith(ICCID[-4:])
        ui.tap("Cancel")  # at once, while the demo card is still held in front of the camera
        assert ui.engine.view.step is Step.ATTRACT
        seen = scanner.stats.decoded
        ui.wait_for(lambda: scanner.stats.decoded > seen + pass_length(),
                    "a card's pass worth of frames", limit_s=300)
        assert ui.engine.view.step is Step.ATTRACT, "the card still in view started a session"
    finally:
        scanner.stop()
