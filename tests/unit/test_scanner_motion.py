"""Cards still sliding into view: motion measured between frames, smear undone along it."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.scanner import samples
from kiosk.scanner.deblur import aligned_band, joint_restoration, smear_lengths
from kiosk.scanner.locate import bar_band, find_linear_barcode, straighten, straighten_scale
from kiosk.scanner.motion import (
    EXPOSURE_SHARES,
    LINEAR_SHARES,
    MotionRescue,
    Shift,
    frame_shift,
    small_copy,
)
from kiosk.scanner.pipeline import DecodePipeline, to_gray
from kiosk.scanner.track import RegionTracker

ICCID = samples.DEFAULT_DEMO_ICCIDS[0]
SMEAR_PX = 16.0  # what a card covers during the exposure two or three frames before it stops


def sliding(symbology: str, centres: list[float], smear: float, seed: int = 3) -> list[np.ndarray]:
    """Frames of one card at each x centre over one backdrop, smeared horizontally."""
    rng = np.random.default_rng(seed)
    card = samples.render_card(ICCID, symbology, rng)
    backdrop = samples.background(rng)
    return [to_gray(samples.render_scene(card, samples.Pose(center=(x, 360.0), width_px=720,
                                                            motion_px=smear), rng, backdrop))
            for x in centres]


def slowing(steps: list[tuple[float, float]], rotation: float = 0.0,
            seed: int = 3) -> list[np.ndarray]:
    """Code128 card frames at each (x centre, smear) over one backdrop: a hand slowing down."""
    rng = np.random.default_rng(seed)
    card = samples.render_card(ICCID, "code128", rng)
    backdrop = samples.background(rng)
    return [to_gray(samples.render_scene(card, samples.Pose(
        center=(x, 360.0), width_px=720, rotation_deg=rotation, motion_px=smear), rng, backdrop))
        for x, smear in steps]


def shift_for(smear: float, dx: float = -1.0, dy: float = 0.0) -> Shift:
    """The displacement whose first exposure-share guess is exactly ``smear``."""
    length = smear / EXPOSURE_SHARES[0]
    return Shift(dx * length, dy * length, peak=1.0)


def read(candidates) -> list[str]:
    return [c.text for c in candidates]


def test_displacement_of_the_card_is_measured_against_a_still_background():
    previous, current = sliding("qr", [700.0, 652.0], smear=0.0)
    shift = frame_shift(small_copy(previous), small_copy(current))
    assert shift.dx == pytest.approx(-48, abs=3) and shift.dy == pytest.approx(0, abs=3)
    assert shift.moving


def test_a_card_held_still_is_not_moving():
    previous, current = sliding("qr", [700.0, 700.5], smear=0.0)
    assert not frame_shift(small_copy(previous), small_copy(current)).moving


@pytest.mark.parametrize("symbology", ["qr", "datamatrix"])
def test_smeared_matrix_code_is_read_once_restored_along_the_motion(symbology):
    (frame,) = sliding(symbology, [640.0], smear=SMEAR_PX)
    assert not [d for d in DecodePipeline().decode(frame) if d.identity]
    assert read(MotionRescue()(frame, shift_for(SMEAR_PX))) == [ICCID]


def test_vertical_motion_is_turned_to_the_rows_and_the_box_mapped_back():
    (frame,) = sliding("qr", [640.0], smear=SMEAR_PX)
    upright = np.ascontiguousarray(np.rot90(frame))  # the smear now runs down the picture
    found = MotionRescue()(upright, shift_for(SMEAR_PX, dx=0.0, dy=1.0))
    assert read(found) == [ICCID]
    x0, y0, x1, y1 = found[0].box
    rng = np.random.default_rng(3)
    corners = samples.symbol_corners(samples.render_card(ICCID, "qr", rng),
                                     samples.Pose(center=(640.0, 360.0), width_px=720))
    # np.rot90 maps (x, y) of the frame to (y, width - 1 - x) of the turned picture.
    turned = np.column_stack([corners[:, 1], frame.shape[1] - 1 - corners[:, 0]])
    centre = turned.mean(axis=0)
    assert x0 < centre[0] < x1 and y0 < centre[1] < y1
    assert x1 - x0 < 2 * np.ptp(turned[:, 0]) and y1 - y0 < 2 * np.ptp(turned[:, 1])


def test_tracker_reads_the_sliding_card_on_the_second_frame():
    first, second = sliding("qr", [640.0 + SMEAR_PX / EXPOSURE_SHARES[0], 640.0], smear=SMEAR_PX)
    tracker = RegionTracker()
    assert not [d for d in tracker.decode(first) if d.identity]
    results = [d for d in tracker.decode(second) if d.identity]
    assert [d.identity.iccid.digits for d in results] == [ICCID]
    assert results[0].candidate.backend == "zxing-cpp/motion-deblurred"
    assert tracker.last_shift is not None and tracker.last_shift.moving


class CountingRescue(MotionRescue):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def __call__(self, gray, shift, previous=None):
        self.calls += 1
        return super().__call__(gray, shift, previous)


def test_rescue_is_not_paid_for_on_a_card_held_still_or_already_read():
    rescue = CountingRescue()
    tracker = RegionTracker(motion_rescue=rescue)
    for frame in sliding("qr", [640.0, 641.0, 640.0], smear=0.0):
        assert [d.identity.iccid.digits for d in tracker.decode(frame) if d.identity] == [ICCID]
    assert rescue.calls == 0


def test_code128_smeared_a_few_pixels_is_read_with_the_motion_length_across_its_bars():
    smear = 8.0
    (frame,) = sliding("code128", [640.0], smear=smear)
    assert not [d for d in DecodePipeline().decode(frame) if d.identity]
    found = MotionRescue()(frame, Shift(-smear / LINEAR_SHARES[0], 0.0, peak=1.0))
    assert read(found) == [ICCID]
    assert found[0].backend == "zxing-cpp/motion-deblurred-line"


def test_only_motion_across_the_bars_counts_as_their_smear():
    # A quarter turn: the card's smear now runs down the picture, across the turned bars.
    smear = 8.0
    (frame,) = sliding("code128", [640.0], smear=smear)
    turned = np.ascontiguousarray(np.rot90(frame))
    length = smear / LINEAR_SHARES[0]
    assert read(MotionRescue()(turned, Shift(0.0, length, peak=1.0))) == [ICCID]
    # The same length along the bars would smear nothing, so no restoration matches.
    assert read(MotionRescue()(turned, Shift(length, 0.0, peak=1.0))) == []


@pytest.mark.parametrize("smear", [16.0, 28.0])
def test_smeared_bars_are_found_where_the_card_edge_would_win(smear):
    (frame,) = sliding("code128", [640.0], smear=smear)
    card = samples.render_card(ICCID, "code128", np.random.default_rng(3))
    bars = samples.symbol_corners(card, samples.Pose(center=(640.0, 360.0), width_px=720))
    (left, top), (right, bottom) = bars.min(axis=0), bars.max(axis=0)
    # Edges along the motion (the bars' ends, the card's edges) stay sharp and win the search.
    plain = find_linear_barcode(frame)
    assert plain is None or abs(plain.angle_deg) > 60
    region = find_linear_barcode(frame, smeared_along=180.0)
    assert left <= region.centre[0] <= right and top <= region.centre[1] <= bottom
    assert abs(region.angle_deg) < 10 and region.length_px >= 0.9 * (right - left)


@pytest.mark.parametrize("smear", [16.0, 28.0])
def test_smear_length_is_read_off_the_bar_lines_spectrum(smear):
    (frame,) = sliding("code128", [640.0], smear=smear)
    region = find_linear_barcode(frame, smeared_along=0.0)
    upright = straighten(frame, region)
    line = aligned_band(upright, bar_band(upright)).mean(axis=0)
    lengths = smear_lengths(line, straighten_scale(region), 4.0, 3 * smear)
    assert lengths[0] == pytest.approx(smear, abs=0.3)


def test_code128_smeared_eight_bar_widths_is_read_by_the_bounded_restoration():
    # Bars 2.1 px wide: a 16 px smear has several spectral zeros where Code128 needs signal.
    # (At 28 px these 2.1 px bars are found and the length measured, but not read: the bench
    # cards read at 28 px have 2.2 px bars.)
    smear = 16.0
    (frame,) = sliding("code128", [640.0], smear=smear)
    assert not [d for d in DecodePipeline().decode(frame) if d.identity]
    found = MotionRescue()(frame, Shift(-2.6 * smear, 0.0, peak=1.0))
    assert read(found) == [ICCID]
    assert found[0].backend == "zxing-cpp/motion-deblurred-line"


@pytest.mark.parametrize(("before", "now", "rotation"), [(38.0, 28.0, 0.0), (50.0, 38.0, -6.0)])
def test_code128_smeared_too_far_for_one_frame_is_read_from_two_exposures(before, now, rotation):
    # Bars 2.1 px wide smeared 13-18 bar widths: neither frame alone holds the code (spectral
    # zeros inside its band), but the two smears' zeros fall apart.
    previous, current = slowing([(640.0 + 2 * now + 20, before), (640.0, now)], rotation)
    shift = frame_shift(small_copy(previous), small_copy(current))
    assert not [d for d in DecodePipeline().decode(current) if d.identity]
    assert read(MotionRescue()(current, shift)) == []
    found = MotionRescue()(current, shift, previous)
    assert read(found) == [ICCID]
    assert found[0].backend == "zxing-cpp/motion-deblurred-line"


def test_tracker_reads_a_slowing_code128_while_it_is_still_smeared_28_px():
    steps = [(860.0, 60.0), (740.0, 50.0), (640.0, 38.0), (564.0, 28.0)]
    tracker = RegionTracker()
    reads = [[d.identity.iccid.digits for d in tracker.decode(frame) if d.identity]
             for frame in slowing(steps)]
    assert [ICCID] in reads
    assert reads.index([ICCID]) <= 3


def test_a_previous_frame_without_the_code_adds_no_read():
    previous, current = slowing([(640.0 + 76, 38.0), (640.0, 28.0)])
    empty = to_gray(samples.render_scene(None, samples.Pose(), np.random.default_rng(4)))
    shift = frame_shift(small_copy(previous), small_copy(current))
    assert read(MotionRescue()(current, shift, empty)) == []


def test_two_smears_restore_bars_that_neither_restores_alone():
    rng = np.random.default_rng(5)
    truth = np.repeat(np.where(rng.random(180) < 0.5, 20.0, 230.0), 3)
    def smeared(length: int) -> np.ndarray:
        blurred = np.convolve(np.pad(truth, 60, mode="edge"), np.ones(length) / length, "same")
        return blurred[60:-60] + rng.normal(0, 0.2, truth.size)

    def fidelity(image: np.ndarray) -> float:
        return float(np.corrcoef(image[0, 1::3][:truth.size].astype(float), truth)[0, 1])

    lines, lengths = [smeared(39), smeared(27)], [39.0, 27.0]
    alone = [fidelity(joint_restoration([line], [length], 1.0, 0.3, 1e-3))
             for line, length in zip(lines, lengths, strict=True)]
    both = fidelity(joint_restoration(lines, lengths, 1.0, 0.3, 1e-3))
    assert both > max(alone) + 0.03
