"""A reflection over the code: local contrast evened out, read again, only when there is one."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.scanner import samples
from kiosk.scanner.pipeline import (
    DecodePipeline,
    FrameView,
    GlareRescue,
    default_stages,
    has_highlight,
    to_gray,
)

ICCID = samples.DEFAULT_DEMO_ICCIDS[0]


def card_frame(symbology: str, glare: float = 0.0, glare_x: float = 0.5) -> np.ndarray:
    rng = np.random.default_rng(1)
    card = samples.render_card(ICCID, symbology, rng)
    pose = samples.Pose(width_px=700, glare=glare, glare_at=(glare_x, 0.45))
    return samples.render_scene(card, pose, rng)


def identities(results) -> list[tuple[str, str]]:
    return [(r.identity.iccid.digits, r.candidate.backend) for r in results if r.identity]


@pytest.mark.parametrize(("symbology", "glare", "glare_x"),
                         [("qr", 0.95, 0.8), ("code128", 1.05, 0.65)])
def test_code_under_a_reflection_is_read_once_contrast_is_evened(symbology, glare, glare_x):
    frame = card_frame(symbology, glare, glare_x)
    without_glare_stage = DecodePipeline(stages=default_stages()[:-1])
    assert identities(without_glare_stage.decode(frame)) == []
    assert identities(DecodePipeline().decode(frame)) == [(ICCID, "zxing-cpp/glare-evened")]


def test_frame_without_a_highlight_does_not_pay_for_the_glare_stage():
    gray = to_gray(card_frame("qr"))
    assert not has_highlight(gray)
    assert GlareRescue()(FrameView(gray)) == []


def test_clipped_reflection_is_seen_as_a_highlight():
    assert has_highlight(to_gray(card_frame("qr", glare=0.95, glare_x=0.8)))
