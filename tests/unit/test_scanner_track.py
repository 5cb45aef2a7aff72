"""The live decode path: crops around the last seen code, whole frames often enough."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.scanner import samples
from kiosk.scanner.pipeline import DecodePipeline
from kiosk.scanner.track import RegionTracker

ICCID = samples.DEFAULT_DEMO_ICCIDS[0]
OTHER = samples.DEFAULT_DEMO_ICCIDS[1]


def scene(payload: str, symbology: str, seed: int = 1, **pose) -> tuple[np.ndarray, np.ndarray]:
    """A frame and where its code's corners are in it."""
    rng = np.random.default_rng(seed)
    card = samples.render_card(payload, symbology, rng)
    placed = samples.Pose(**pose)
    return samples.render_scene(card, placed, rng), samples.symbol_corners(card, placed)


def inside(corners: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    x0, y0, x1, y1 = box
    return bool(np.all(corners[:, 0] >= x0 - 2) and np.all(corners[:, 0] <= x1 + 2)
                and np.all(corners[:, 1] >= y0 - 2) and np.all(corners[:, 1] <= y1 + 2))


def iccids(results) -> list[str]:
    return [r.identity.iccid.digits for r in results if r.identity]


@pytest.mark.parametrize("symbology", samples.SYMBOLOGIES)
def test_read_reports_where_the_code_is_in_frame_pixels(symbology):
    image, corners = scene(ICCID, symbology, center=(500.0, 400.0), width_px=600)
    read = [r for r in DecodePipeline().decode(image) if r.identity]
    assert read and read[0].candidate.box is not None
    x0, y0, x1, y1 = read[0].candidate.box
    # Around the printed symbol's middle, and not much larger than the symbol: a box a crop
    # can be cut from (the locator's box for bars is a little generous).
    assert x0 < corners[:, 0].mean() < x1 and y0 < corners[:, 1].mean() < y1
    low, high = corners.min(axis=0), corners.max(axis=0)
    pad = 0.5 * float(max(high - low))
    assert x0 >= low[0] - pad and y0 >= low[1] - pad and x1 <= high[0] + pad and y1 <= high[1] + pad


def test_next_frame_is_searched_around_the_code_and_still_read():
    tracker = RegionTracker()
    image, corners = scene(ICCID, "qr", center=(900.0, 360.0), width_px=500)
    assert tracker.roi is None
    assert iccids(tracker.decode(image)) == [ICCID]
    roi = tracker.roi
    assert roi is not None and inside(corners, roi)
    assert (roi[2] - roi[0]) * (roi[3] - roi[1]) < 0.5 * image.shape[0] * image.shape[1]
    moved, _ = scene(ICCID, "qr", seed=2, center=(905.0, 364.0), width_px=500)
    assert iccids(tracker.decode(moved)) == [ICCID]


def test_crop_that_finds_nothing_sends_the_next_frame_whole():
    tracker = RegionTracker()
    tracker.decode(scene(ICCID, "code128")[0])
    assert tracker.roi is not None
    empty = samples.render_scene(None, samples.Pose(), np.random.default_rng(4))
    assert tracker.decode(empty) == []
    assert tracker.roi is None


def test_a_new_card_elsewhere_is_found_by_the_periodic_whole_frame_pass():
    tracker = RegionTracker(full_every=4)
    first, _ = scene(ICCID, "qr", center=(350.0, 360.0), width_px=500)
    tracker.decode(first)
    # The first card's crop is empty paper in the second picture only if that card is gone;
    # here both are shown, and the crop keeps reading the first one until a whole-frame pass.
    both = first.copy()
    second, _ = scene(OTHER, "datamatrix", seed=3, center=(1000.0, 360.0), width_px=500)
    both[:, 700:] = second[:, 700:]
    seen = set()
    for _ in range(4):
        seen.update(iccids(tracker.decode(both)))
    assert OTHER in seen


@pytest.mark.parametrize("shape", [(720, 1280), (720, 1280, 1)])
def test_kept_gray_frame_never_shares_the_callers_buffer(shape):
    """A camera reuses its frame buffer: the frame kept for motion rescue must be a copy,
    whether the frame came as plain gray or as gray with one channel axis."""
    tracker = RegionTracker()
    buffer = np.full(shape, 128, np.uint8)
    tracker.decode(buffer)
    buffer[:] = 0  # the camera writes its next picture into the same buffer
    assert tracker._previous_gray is not None
    assert int(tracker._previous_gray.min()) == 128
