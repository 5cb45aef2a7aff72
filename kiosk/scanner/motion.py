"""Read a matrix code on a card that is still sliding into view: motion deblur along its path.

Why: a hand bringing a card under the camera slows down as it arrives, but for the first few
frames with the code fully in view the card still moves tens of pixels a frame, and the
exposure smears it into a streak no decoder reads. The smear is a box blur along the card's
path whose length is the distance the card travels while the shutter is open. Between two
video frames the card's displacement can be measured (phase correlation of two small frames);
the blur length is a fraction of it (the exposure's share of the frame interval, and the hand
is slowing down), so a few fractions are tried. A Wiener filter along that direction then
restores QR and Data Matrix modules (5+ px) well enough to decode. Code128 modules (2 px)
come back from a smear of 5-6 px once the straightened bars' mean line is restored with a
motion length from the measured shift (the rescue stage's fixed guesses cover defocus, not
that). A smear of 25+ px erases frequencies inside the band the bars need, and no single
frame brings them back; but the card is slowing down, so the frame before was smeared longer
and its erased frequencies lie elsewhere: the two lines, each with the smear length read off
its own spectrum, are restored together.

Only frames where the card moved a lot and nothing was read pay for this, and every candidate
is parsed and validated like any other, so a bad guess can cost time but not a wrong read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import cv2
import numpy as np

from kiosk.scanner.deblur import (
    aligned_band,
    aligned_exposure,
    bounded_restoration,
    joint_restoration,
    line_noise_to_signal,
    restored_lines,
    smear_lengths,
)
from kiosk.scanner.decoders import Box, Candidate, ZxingDecoder
from kiosk.scanner.locate import (
    LinearRegion,
    bar_band,
    find_linear_barcode,
    region_box,
    straighten,
    straighten_scale,
)

_SHIFT_SCALE = 4  # displacement is measured on quarter-size frames: about a millisecond
MIN_SHIFT_PX = 12.0  # below this the ordinary stages read the card; no rescue needed
MIN_PEAK = 0.18  # weaker correlation peaks were noise or a card appearing, not moving
# Blur length as a fraction of the displacement since the last frame, most likely first.
# Swept 0.25-0.5 on the bench's entry videos (exposure half a frame, hand slowing down): 0.35
# read every matrix card three frames after it was fully in view, 0.4 some a frame earlier.
# A camera with a shorter shutter smears less; the guesses would then need re-measuring.
EXPOSURE_SHARES = (0.35, 0.4)
_NOISE_TO_SIGNAL = 5e-3  # 1e-2 and 2e-2 lost one of those reads each, 3e-3 gained none
# For Code128 each guess is one restored scan line (well under a millisecond), so a wider
# spread is affordable: a slowing hand smears less than the last displacement suggests (the
# bench's last smeared entry frame read at 0.21 of it).
LINEAR_SHARES = (0.2, 0.25, 0.15, 0.3, 0.35)
_LINEAR_DEFOCUS = 0.5  # px: the lens is focused on the card; a little softness only
# Across-bar shift (px) from which the smear may be longer than the share guesses reach, so
# its length is measured from the line and the bounded restoration is tried.
LONG_SMEAR_FROM_SHIFT_PX = 30.0
MIN_MEASURED_SMEAR_PX = 4.0  # shorter smears are read by the share guesses or plain stages
# The frame before was exposed while the card moved faster: its smear is searched up to this
# many times this frame's shift across the bars (a hand that at most halved its speed within a
# frame). Its spectrum decides the length within that reach.
EARLIER_SMEAR_REACH = 2.0
# How far (share of the bars' length) the bars found in the frame before may lie from where
# the measured shift puts them before they are taken for something else.
_EARLIER_PLACE_TOLERANCE = 0.25


@dataclass(frozen=True)
class Shift:
    """How far the picture's content moved since the last frame, in frame pixels."""

    dx: float
    dy: float
    peak: float  # phase correlation strength, 0..1: how sure the estimate is

    @property
    def length(self) -> float:
        return float(np.hypot(self.dx, self.dy))

    @property
    def moving(self) -> bool:
        return self.length >= MIN_SHIFT_PX and self.peak >= MIN_PEAK


def small_copy(gray: np.ndarray) -> np.ndarray:
    """The quarter-size float copy that ``frame_shift`` compares; kept from frame to frame."""
    scale = 1 / _SHIFT_SCALE
    return cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA).astype(
        np.float32)


def frame_shift(previous: np.ndarray, current: np.ndarray) -> Shift:
    """Displacement of the strongest moving content between two ``small_copy`` pictures.

    The still background correlates at zero shift, so the zero neighbourhood is ignored: the
    remaining peak is the card. Sub-pixel by a parabola through the peak's neighbours.
    """
    cross = np.conj(np.fft.rfft2(previous)) * np.fft.rfft2(current)
    surface = np.fft.irfft2(cross / (np.abs(cross) + 1e-3), previous.shape)
    for rows in (slice(0, 3), slice(-3, None)):
        for cols in (slice(0, 3), slice(-3, None)):
            surface[rows, cols] = -1.0
    height, width = surface.shape
    y, x = np.unravel_index(int(np.argmax(surface)), surface.shape)
    fx = x + _vertex(surface[y, (x - 1) % width], surface[y, x], surface[y, (x + 1) % width])
    fy = y + _vertex(surface[(y - 1) % height, x], surface[y, x], surface[(y + 1) % height, x])
    fx = fx - width if fx > width / 2 else fx
    fy = fy - height if fy > height / 2 else fy
    return Shift(_SHIFT_SCALE * fx, _SHIFT_SCALE * fy, float(surface[y, x]))


def _vertex(left: float, mid: float, right: float) -> float:
    denominator = left - 2 * mid + right
    return float(0.5 * (left - right) / denominator) if denominator != 0 else 0.0


def deblur_along_rows(gray: np.ndarray, length: float) -> np.ndarray:
    """``gray`` Wiener-restored for a horizontal box blur of ``length`` pixels."""
    rows = gray.astype(np.float32)
    width = rows.shape[1]
    size = cv2.getOptimalDFTSize(width + 64)
    padded = np.pad(rows, ((0, 0), (32, size - width - 32)), mode="edge")
    transfer = np.sinc(length * np.fft.rfftfreq(size)).astype(np.float32)
    wiener = transfer / (transfer * transfer + _NOISE_TO_SIGNAL)
    restored = np.fft.irfft(np.fft.rfft(padded, axis=1) * wiener, size, axis=1)
    return np.clip(restored[:, 32:32 + width], 0, 255).astype(np.uint8)


class MotionRescue:
    """Matrix codes on a moving card: deblur the half-size frame along the measured motion.

    Half size: QR and Data Matrix modules stay 2.5+ px, the blur halves with them, and each
    guess costs a quarter of the full frame's time.
    """

    def __init__(self, shares: tuple[float, ...] = EXPOSURE_SHARES) -> None:
        self._shares = shares
        self._zxing = ZxingDecoder(("qr", "datamatrix"), try_downscale=False,
                                   name="zxing-cpp/motion-deblurred")
        self._line_zxing = ZxingDecoder(("code128",), try_rotate=False, try_downscale=False,
                                        name="zxing-cpp/motion-deblurred-line")

    def __call__(self, gray: np.ndarray, shift: Shift,
                 previous: np.ndarray | None = None) -> list[Candidate]:
        """Codes read off ``gray`` once the smear of ``shift`` is undone.

        ``previous``: the frame before (grayscale, same size), when there is one: a Code128
        smeared too far to restore alone is restored from both exposures together.
        """
        return self._matrix(gray, shift) or self._linear(gray, shift, previous)

    def _linear(self, gray: np.ndarray, shift: Shift,
                previous: np.ndarray | None) -> list[Candidate]:
        """Code128: the straightened bars' mean line restored for the motion across them.

        Only the motion's component across the bars smears them; along the bars it only
        lengthens them. The bars are looked for as structure smeared along the motion (the
        card's edges along the motion stay sharper and would be taken for bars otherwise).
        Cheap guesses first: Wiener restorations at shares of the measured shift, which read
        smears of a few bar widths; for smears of 15 px and more the smear length read off the
        line's own spectrum, then this frame and the one before restored together, then a
        restoration held to the print's two levels.
        """
        along = float(np.degrees(np.arctan2(shift.dy, shift.dx)))
        region = find_linear_barcode(gray, smeared_along=along)
        if region is None:
            return []
        bars = _bars(gray, region)
        across = np.radians(region.angle_deg)
        smear = abs(shift.dx * np.cos(across) + shift.dy * np.sin(across))

        def earlier() -> _Bars | None:
            return None if previous is None else _earlier_bars(previous, region, shift, along)

        box = region_box(region, gray.shape)
        for restored in self._restorations(bars, straighten_scale(region), smear, earlier):
            found = self._line_zxing.decode(restored)
            if found:
                return [Candidate(c.text, c.symbology, c.backend, box) for c in found]
        return []

    @staticmethod
    def _restorations(bars: _Bars, scale: float, smear: float,
                      earlier: Callable[[], _Bars | None]) -> Iterator[np.ndarray]:
        """Restored lines to try, cheapest and most likely first; made only when asked for."""
        guesses = tuple((_LINEAR_DEFOCUS, share * smear) for share in LINEAR_SHARES)
        yield from restored_lines(bars.line, scale, guesses)
        if smear < LONG_SMEAR_FROM_SHIFT_PX:
            return
        lengths = smear_lengths(bars.line, scale, MIN_MEASURED_SMEAR_PX, smear)
        before = earlier()
        if before is not None:
            yield from _two_exposures(bars, before, lengths, scale, smear)
        for length in lengths:
            for nudge in (0.0, -0.25, 0.25):
                yield bounded_restoration(bars.line, scale, _LINEAR_DEFOCUS, length + nudge)

    def _matrix(self, gray: np.ndarray, shift: Shift) -> list[Candidate]:
        half = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
        turn = np.degrees(np.arctan2(shift.dy, shift.dx))
        along, to_half = _turned(half, turn)
        for share in self._shares:
            found = self._zxing.decode(deblur_along_rows(along, share * shift.length / 2))
            if found:
                back = cv2.invertAffineTransform(to_half)
                return [_mapped(c, back) for c in found]
        return []


@dataclass(frozen=True)
class _Bars:
    """One frame's bars, straightened: their mean line and its measured noise."""

    line: np.ndarray
    noise_to_signal: float


def _bars(gray: np.ndarray, region: LinearRegion) -> _Bars:
    upright = straighten(gray, region)
    rows = aligned_band(upright, bar_band(upright))
    return _Bars(rows.mean(axis=0), line_noise_to_signal(rows))


def _earlier_bars(previous: np.ndarray, region: LinearRegion, shift: Shift,
                  along: float) -> _Bars | None:
    """The same bars in the frame before, drawn at this frame's angle and scale.

    Located again in that frame (its smear differs, so its centre is not simply this one
    moved back), and only kept where the measured shift says the card was: anything else is
    other bar-like structure, not this code one exposure earlier.
    """
    found = find_linear_barcode(previous, smeared_along=along)
    if found is None:
        return None
    expected = (region.centre[0] - shift.dx, region.centre[1] - shift.dy)
    off = np.hypot(found.centre[0] - expected[0], found.centre[1] - expected[1])
    if off > _EARLIER_PLACE_TOLERANCE * region.length_px:
        return None
    return _bars(previous, replace(region, centre=found.centre))


def _two_exposures(bars: _Bars, before: _Bars, lengths: list[float], scale: float,
                   smear: float) -> Iterator[np.ndarray]:
    """This frame's line and the one before restored together, for each pair of smears.

    Each frame's smear length is read off its own line's spectrum: the hand slows down, so the
    earlier exposure is smeared longer, and its spectral zeros fall elsewhere.
    """
    noise = max(bars.noise_to_signal, before.noise_to_signal)
    earlier_lengths = smear_lengths(before.line, scale, MIN_MEASURED_SMEAR_PX,
                                    EARLIER_SMEAR_REACH * smear)
    for then in earlier_lengths:
        for now in lengths:
            shifted = aligned_exposure(bars.line, before.line, (now, then), scale,
                                       _LINEAR_DEFOCUS, noise)
            yield joint_restoration([bars.line, shifted], [now, then], scale, _LINEAR_DEFOCUS,
                                    noise)


def _turned(picture: np.ndarray, turn_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """``picture`` turned so the motion runs along the rows, and the 2x3 map that did it.

    Motion within a few degrees of a row (left or right) needs no turn: the box blur is
    symmetric, so its sign does not matter.
    """
    folded = (turn_deg + 90) % 180 - 90
    if abs(folded) < 3:
        return picture, np.float32([[1, 0, 0], [0, 1, 0]])
    height, width = picture.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), folded, 1.0)
    return cv2.warpAffine(picture, matrix, (width, height), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REPLICATE), matrix


def _mapped(candidate: Candidate, back: np.ndarray) -> Candidate:
    """``candidate`` with its box mapped from the turned half-size picture to the frame."""
    if candidate.box is None:
        return candidate
    x0, y0, x1, y1 = candidate.box
    corners = np.float32([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
    frame = (corners @ back[:, :2].T + back[:, 2]) * 2
    box: Box = (int(frame[:, 0].min()), int(frame[:, 1].min()), int(frame[:, 0].max()),
                int(frame[:, 1].max()))
    return Candidate(candidate.text, candidate.symbology, candidate.backend, box)
