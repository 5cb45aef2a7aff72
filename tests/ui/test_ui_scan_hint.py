"""The barcode hint never covers the live camera picture (issue 13, item 9).

The gliding card hint came into the middle of the guide frame, over the very picture the
traveller is lining their card up in. It now stays beside the picture, gliding up to its
edge; only the thin corner brackets are drawn on the picture.
"""

from __future__ import annotations

import numpy as np
import pytest
from kivy.base import EventLoop
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.camera_view import CameraPreview
from kiosk.ui.scan_area import HINT_CYCLE_S, ScanArea
from kiosk.ui.theme import Metrics

pytestmark = pytest.mark.ui


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]):
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return min(ax + aw, bx + bw) - max(ax, bx) > 0.5 and min(ay + ah, by + bh) - max(ay, by) > 0.5


@pytest.mark.parametrize("size", [(1000, 900), (700, 760)])
def test_the_card_hint_stays_off_the_camera_picture_all_through_its_loop(window, size):
    frame = np.full((720, 1280, 3), 90, np.uint8)
    preview = CameraPreview(lambda: frame)
    area = ScanArea(Metrics(1080, 1920), preview)
    area.stop_ticking()
    row = BoxLayout(size_hint=(None, None), size=size, pos=(40, 300))
    row.add_widget(area)
    window.add_widget(row)
    try:
        for _ in range(3):
            EventLoop.idle()
        picture = (*preview.to_window(preview.x, preview.y), preview.width, preview.height)
        assert preview.width > 0.5 * size[0] and preview.height > 0.5 * size[1]
        guide = area.guide
        x, y, w, h = guide.frame_box()
        px, py, pw, ph = picture
        assert px <= x and x + w <= px + pw and py <= y and y + h <= py + ph, \
            "the guide frame marks a region of the picture"
        steps = 0
        for tenth in range(int(HINT_CYCLE_S * 10) + 1):
            guide.step(tenth / 10)
            EventLoop.idle()
            card = (*guide._card.pos, *guide._card.size)
            assert card[2] > 0 and card[3] > 0
            assert not _overlap(card, picture), f"the hint covers the picture at {tenth / 10} s"
            inside = area.x <= card[0] and card[0] + card[2] <= area.right and \
                area.y <= card[1] and card[1] + card[3] <= area.top
            assert inside, "the hint stays in its area"
            steps += 1
        assert steps > 20
    finally:
        window.remove_widget(row)
