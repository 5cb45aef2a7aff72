"""Find a linear barcode in a picture and straighten it: the rescue for turned, small and
blurred Code128.

Decoders scan along pixel rows, so a Code128 turned more than about 20 degrees, or with bars
only one pixel wide, is lost even when it is plainly visible. Bars have a physical signature
that survives blur and noise: a patch where intensity changes strongly in one direction and
not at all in the other (high energy, high coherence of the gradient structure tensor). Found
on a 1/4-size copy (well under a millisecond), it gives the barcode's centre, direction and
length; the crop is then rotated upright and enlarged, and the bars are averaged along their
length, which lifts them out of sensor noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from kiosk.scanner.decoders import Box

_SCALE = 4
_WINDOW = 7
_CROP_LENGTH_PX = 640  # a straightened barcode is drawn about this long: 3+ px per module


@dataclass(frozen=True)
class LinearRegion:
    centre: tuple[float, float]
    angle_deg: float  # direction of the intensity gradient, across the bars
    length_px: float


def find_linear_barcode(gray: np.ndarray, smeared_along: float | None = None
                        ) -> LinearRegion | None:
    """The most bar-like patch of ``gray``, or None when nothing looks like bars.

    ``smeared_along``: the direction (degrees) the picture is smeared in, when the card is
    moving. A smear weakens only the edges it runs across, so on a moving card the sharpest
    bar-like structure is the card's edge parallel to the motion, not the bars; see
    ``_smeared_weight`` for how the search is held to the bars then.
    """
    small = cv2.resize(gray, None, fx=1 / _SCALE, fy=1 / _SCALE, interpolation=cv2.INTER_AREA)
    small = small.astype(np.float32)
    gx = cv2.Sobel(small, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(small, cv2.CV_32F, 0, 1, ksize=3)
    j11, j22, j12 = (cv2.boxFilter(m, -1, (_WINDOW, _WINDOW)) for m in (gx * gx, gy * gy, gx * gy))
    energy = j11 + j22
    coherence = np.sqrt((j11 - j22) ** 2 + 4 * j12 ** 2) / (energy + 1e-3)
    strength = coherence * np.sqrt(energy)
    extent = score = cv2.blur(strength, (5, 5))
    reach = 0.4
    if smeared_along is not None:
        # The smeared bars are strongest at their two ends (quiet zone to bars) and fade to
        # under a fifth of that in the middle of a 28 px smear; a lower cut keeps them whole.
        reach = 0.12
        gate, oscillation = _smeared_weight(gx, gy, (j11, j22, j12), smeared_along)
        extent = cv2.blur(strength * gate, (5, 5))
        score = cv2.blur(strength * gate * oscillation, (5, 5))
    y, x = np.unravel_index(int(np.argmax(score)), score.shape)
    if score[y, x] < 8 or coherence[y, x] < 0.5:
        return None
    # Under blur the narrow-bar stretches fade first and split the barcode into islands;
    # closing small gaps keeps it one region, so the crop is not cut short.
    mask = cv2.morphologyEx((extent > reach * extent[y, x]).astype(np.uint8), cv2.MORPH_CLOSE,
                            np.ones((5, 5), np.uint8))
    _, labels = cv2.connectedComponents(mask)
    ys, xs = np.nonzero(labels == labels[y, x])
    points = np.column_stack([xs, ys]).astype(np.float32) * _SCALE
    (cx, cy), (w, h), _ = cv2.minAreaRect(points)
    angle = 0.5 * np.degrees(np.arctan2(2 * j12[y, x], j11[y, x] - j22[y, x]))
    return LinearRegion((float(cx), float(cy)), float(angle), float(max(w, h, 8 * _SCALE)))


# Widest angle between the bars' gradient and the motion for which the smear is worth undoing:
# beyond it the smear across the bars is under 0.7 of the motion, and the ordinary stages read
# them as soon as the motion eases.
_SMEAR_GATE_DEG = 45.0
_OSCILLATION_SPAN = (15, 5)  # quarter-size pixels along, across the motion: a few bar pairs


def _smeared_weight(gx: np.ndarray, gy: np.ndarray,
                    tensor: tuple[np.ndarray, np.ndarray, np.ndarray],
                    along_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """Per-pixel weights (gate, oscillation) that keep smeared bars, drop card edges.

    Two physical differences: only structure whose gradient runs with the motion is smeared
    (edges across the motion stay sharp and need no rescue), and bars alternate dark and light,
    so their gradient along the motion changes sign within a few bar widths, while a smeared
    card edge is one long ramp of one sign. The second factor is 1 - |mean g| / mean |g| of the
    gradient along the motion over a window: near 1 on bars, near 0 on an edge.
    """
    j11, j22, j12 = tensor
    orientation = 0.5 * np.degrees(np.arctan2(2 * j12, j11 - j22))
    off_motion = np.abs((orientation - along_deg + 90) % 180 - 90)
    turn = np.radians(along_deg)
    along = gx * np.cos(turn) + gy * np.sin(turn)
    across_rows = abs(np.cos(turn)) >= abs(np.sin(turn))
    window = _OSCILLATION_SPAN if across_rows else _OSCILLATION_SPAN[::-1]
    net = np.abs(cv2.boxFilter(along, -1, window))
    total = cv2.boxFilter(np.abs(along), -1, window) + 1e-3
    return (off_motion < _SMEAR_GATE_DEG).astype(np.float32), 1 - net / total


def region_box(region: LinearRegion, shape: tuple[int, ...], margin: float = 0.15) -> Box:
    """Upright bounding box of the region's turned square, a little larger, clipped to the
    picture: the full-resolution crop the row scanners get before any straightening."""
    half = region.length_px * (0.5 + margin)
    turn = np.radians(region.angle_deg)
    reach_x = half * (abs(np.cos(turn)) + 0.5 * abs(np.sin(turn)))
    reach_y = half * (abs(np.sin(turn)) + 0.5 * abs(np.cos(turn)))
    cx, cy = region.centre
    height, width = shape[:2]
    return (max(int(cx - reach_x), 0), max(int(cy - reach_y), 0),
            min(int(cx + reach_x) + 1, width), min(int(cy + reach_y) + 1, height))


def straighten_scale(region: LinearRegion) -> float:
    """How many pixels of the straightened crop one camera pixel becomes."""
    return float(np.clip(_CROP_LENGTH_PX / region.length_px, 1.0, 3.0))


def straighten(gray: np.ndarray, region: LinearRegion) -> np.ndarray:
    """The region turned so bars stand upright, enlarged so modules are several pixels wide."""
    scale = straighten_scale(region)
    width = int(region.length_px * scale * 1.4) + 40
    height = max(int(width * 0.45), 120)
    matrix = cv2.getRotationMatrix2D(region.centre, region.angle_deg, scale)
    matrix[0, 2] += width / 2 - region.centre[0]
    matrix[1, 2] += height / 2 - region.centre[1]
    return cv2.warpAffine(gray, matrix, (width, height), flags=cv2.INTER_CUBIC,
                          borderMode=cv2.BORDER_REPLICATE)


def bar_band(upright: np.ndarray) -> tuple[int, int]:
    """First and last row of the bars in a straightened crop: where averaging is safe."""
    across = np.abs(cv2.Sobel(upright, cv2.CV_32F, 1, 0, ksize=3)).mean(axis=1)
    middle = upright.shape[0] // 2
    threshold = 0.5 * across[middle - 10:middle + 10].max()
    top = bottom = middle
    while top > 0 and across[top - 1] > threshold:
        top -= 1
    while bottom < upright.shape[0] - 1 and across[bottom + 1] > threshold:
        bottom += 1
    return top, bottom


def bar_profile(upright: np.ndarray, rows: int = 24) -> np.ndarray:
    """Average the bar band along the bars and sharpen it: one clean scan line, as an image."""
    top, bottom = bar_band(upright)
    line = upright[top:bottom + 1].astype(np.float32).mean(axis=0)
    smooth = cv2.GaussianBlur(line[None, :], (0, 0), 2.0)[0]
    sharp = np.clip(line + 1.5 * (line - smooth), 0, 255).astype(np.uint8)
    return np.repeat(sharp[None, :], rows, axis=0)
