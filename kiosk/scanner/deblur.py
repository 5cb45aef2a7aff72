"""Undo focus and motion blur on one straightened Code128 scan line.

Why this works where decoders alone fail: a Gaussian defocus of sigma 2 px on bars 2.2 px wide
leaves the narrowest bar/space pairs at about one percent of their contrast, which is below
the sensor noise of a single pixel row, so every row scanner gives up. But the blur is the same
along the whole bar height: averaging the 100+ rows of an upright barcode cuts the noise ten
times, and the weak high frequencies are then strong enough to be restored by a Wiener filter.

The blur is not known, so a few plausible point-spread functions (defocus sigma, and a box for
motion across the bars) are tried; each restored line costs well under a millisecond to
decode. Guessing wrong cannot produce a wrong read that reaches the customer: Code128 carries
its own checksum and every candidate must still pass the ICCID Luhn check.
"""

from __future__ import annotations

from collections.abc import Iterator

import cv2
import numpy as np

# (defocus sigma, motion length) in pixels of the camera frame, most likely first.
# The last guess reaches into the 4-6 px motion a hand adds (the grid stopped at 4 px); on the
# benchmark set it reads one more frame, and it is only tried after all the others missed.
BLUR_GUESSES: tuple[tuple[float, float], ...] = (
    (1.4, 0.0), (1.9, 0.0), (1.4, 4.0), (2.3, 0.0), (1.9, 4.0), (1.0, 0.0), (2.3, 4.0),
    (1.2, 5.5),
)
# Steepest edge of the bar band over its contrast, per camera pixel, below which the bars look
# blurred. A step blurred by a Gaussian of sigma s has a steepest slope of 1 / (s * 2.5) of
# its contrast, so 0.35 is sigma ~1.1 px, the mildest blur BLUR_GUESSES restores. Measured on
# the benchmark set: every rescued frame scored <= 0.24, sharp frames the rescue cannot help
# (a matrix code or glare mistaken for bars) >= 0.5.
SHARP_EDGE = 0.35
_UPSAMPLE = 3  # restored lines are drawn wider so every module spans several pixels
_NOISE_TO_SIGNAL = 2e-3


def edge_sharpness(upright: np.ndarray, band: tuple[int, int], frame_to_crop: float) -> float:
    """How steep the bar band's edges are, as a fraction of its contrast per camera pixel.

    Per-pixel gradients, not the row mean: bars not quite upright, or a matrix code taken for
    bars, would look blurred in the mean and sharp here, and they are not what deblurring fixes.
    """
    top, bottom = band
    rows = upright[top:bottom + 1].astype(np.float32)
    low, high = np.percentile(rows.mean(axis=0), (2, 98))
    slope = np.percentile(np.abs(cv2.Sobel(rows, cv2.CV_32F, 1, 0, ksize=3)), 99) / 8
    return float(slope * frame_to_crop / max(high - low, 1e-3))


def looks_blurred(upright: np.ndarray, band: tuple[int, int], frame_to_crop: float) -> bool:
    """Whether Wiener restoration can help: only when the bars' edges are soft."""
    return edge_sharpness(upright, band, frame_to_crop) < SHARP_EDGE


def aligned_band(upright: np.ndarray, band: tuple[int, int]) -> np.ndarray:
    """The bar band with residual slant removed, so averaging rows does not smear the bars.

    The angle from the locator is good to a degree or so; over a 100-row band that is a shift
    of 2 px, as much blur as we are trying to undo. The shift between the upper and lower
    halves' mean profiles (phase correlation) gives the slant, and rows are shifted back.
    """
    top, bottom = band
    rows = upright[top:bottom + 1].astype(np.float32)
    half = rows.shape[0] // 2
    if half < 4:
        return rows
    upper, lower = rows[:half].mean(axis=0), rows[half:].mean(axis=0)
    slope = _shift(upper, lower) / half
    if abs(slope) < 0.005:
        return rows
    offsets = (np.arange(rows.shape[0]) - rows.shape[0] / 2) * slope
    xs = np.arange(rows.shape[1], dtype=np.float32)
    map_x = (xs[None, :] + offsets[:, None]).astype(np.float32)
    map_y = np.repeat(np.arange(rows.shape[0], dtype=np.float32)[:, None], rows.shape[1], axis=1)
    return cv2.remap(rows, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def _shift(first: np.ndarray, second: np.ndarray, limit: int = 12) -> float:
    """Sub-pixel displacement of ``second`` against ``first`` (cross-correlation of edges)."""
    a, b = np.diff(first), np.diff(second)
    size = 2 * a.size
    corr = np.fft.irfft(np.conj(np.fft.rfft(a, size)) * np.fft.rfft(b, size), size)
    corr = np.concatenate([corr[-limit:], corr[:limit + 1]])
    peak = int(np.argmax(corr))
    if 0 < peak < corr.size - 1:
        left, mid, right = corr[peak - 1:peak + 2]
        denominator = left - 2 * mid + right
        offset = 0.5 * (left - right) / denominator if denominator != 0 else 0.0
    else:
        offset = 0.0
    return peak - limit + float(offset)


def restored_lines(line: np.ndarray, frame_to_line: float,
                   guesses: tuple[tuple[float, float], ...] = BLUR_GUESSES,
                   rows: int = 16) -> Iterator[np.ndarray]:
    """``line`` (a mean bar profile) Wiener-restored under each blur guess, as uint8 images.

    ``frame_to_line`` is how many line pixels one camera pixel became when straightening.
    """
    line = line.astype(np.float32)
    size = cv2.getOptimalDFTSize(line.size + 64)
    padded = np.pad(line, (32, size - line.size - 32), mode="edge")
    spectrum = np.fft.rfft(padded)
    freqs = np.fft.rfftfreq(size)
    for sigma, motion in guesses:
        transfer = _transfer(freqs, sigma * frame_to_line, motion * frame_to_line)
        wiener = np.conj(transfer) / (np.abs(transfer) ** 2 + _NOISE_TO_SIGNAL)
        restored = np.fft.irfft(spectrum * wiener, size)[32:32 + line.size]
        yield _as_image(restored, rows)


def _transfer(freqs: np.ndarray, sigma: float, motion: float) -> np.ndarray:
    """Optical transfer function of a Gaussian defocus and a box-shaped motion blur."""
    gauss = np.exp(-2 * (np.pi * sigma * freqs) ** 2)
    box = np.sinc(motion * freqs) if motion >= 1 else 1.0
    return gauss * box


def _as_image(restored: np.ndarray, rows: int) -> np.ndarray:
    low, high = np.percentile(restored, (2, 98))
    scaled = np.clip((restored - low) * (255.0 / max(high - low, 1e-3)), 0, 255)
    wide = cv2.resize(scaled[None, :].astype(np.float32), (restored.size * _UPSAMPLE, 1),
                      interpolation=cv2.INTER_LINEAR)
    return np.repeat(wide.astype(np.uint8), rows, axis=0)
