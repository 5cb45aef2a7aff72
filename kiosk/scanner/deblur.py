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

from collections.abc import Iterator, Sequence

import cv2
import numpy as np

# (defocus sigma, motion length) in pixels of the camera frame. Defocus and hand motion are
# independent, so a blurred frame can carry any mix of the two: the guesses are the full grid
# of defocus 1.0-2.2 px (steps of 0.3: a Wiener filter forgives about +-0.15 px) by motion
# 0-6 px across the bars (what a hand adds within one exposure), stillest first. The old list
# sampled the two only along a diagonal (strong defocus with little motion, mild with much),
# and a frame both well out of focus and moving 4-6 px matched no guess. Restoring the located
# line of the 46 blurred Code128 frames of seeds 1, 7 and 2026: the old list read 27, this
# grid 31, and 43 with the measured noise (``line_noise_to_signal``). Each guess is one
# restored scan line (about 0.3 ms), tried only after the cheaper stages missed.
DEFOCUS_GUESSES = (1.6, 1.9, 1.3, 2.2, 1.0)
MOTION_GUESSES = (0.0, 2.0, 3.5, 5.0, 6.0)
BLUR_GUESSES: tuple[tuple[float, float], ...] = tuple(
    (sigma, motion) for motion in MOTION_GUESSES for sigma in DEFOCUS_GUESSES)
# Steepest edge of the bar band over its contrast, per camera pixel, below which the bars look
# blurred. A step blurred by a Gaussian of sigma s has a steepest slope of 1 / (s * 2.5) of
# its contrast, so 0.35 is sigma ~1.1 px, the mildest blur BLUR_GUESSES restores. Measured on
# the benchmark set: every rescued frame scored <= 0.24, sharp frames the rescue cannot help
# (a matrix code or glare mistaken for bars) >= 0.5.
SHARP_EDGE = 0.35
# Guesses for bars that look sharp: what is left is the pixel's own aperture (a 1 px box, about
# sigma 0.3) and a focused lens's softness (about 0.5 px). Harmless to modules of 2+ px, but a
# small card's Code128 has modules of about 1.1 px, and that much blur erases its narrowest
# bars for the row scanners; restoring it reads them (two lines, about 0.6 ms).
SHARP_GUESSES: tuple[tuple[float, float], ...] = ((0.3, 0.0), (0.5, 0.0))
_UPSAMPLE = 3  # restored lines are drawn wider so every module spans several pixels
_NOISE_TO_SIGNAL = 2e-3  # for one row's noise and a blur only roughly known
# Floor of the measured noise-to-signal ratio (``line_noise_to_signal``): what is left of a
# guess's mismatch with the true blur when the noise itself is negligible. With the true blur,
# restorations at 2e-3 / 5e-4 / 2e-4 / 1e-4 read 28 / 34 / 39 / 38 of 46 blurred Code128
# frames (seeds 1, 7, 2026); with the guess grid, 31 / 36 / 41 / 43.
MIN_NOISE_TO_SIGNAL = 1e-4


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


def line_noise_to_signal(rows: np.ndarray) -> float:
    """Noise-to-signal power ratio of the mean of ``rows`` (an aligned bar band), for Wiener.

    Why measure it: the mean of n rows carries 1/n of one row's noise power, and a band has
    100+ rows, so the fixed ratio made for a single row held back detail the averaged line
    still has. Noise is estimated from the differences of neighbouring rows (which also count
    any structure left between rows, so it errs high), the signal as a square wave spanning
    the line's range; the result never goes below ``MIN_NOISE_TO_SIGNAL``.
    """
    if rows.shape[0] < 2:
        return _NOISE_TO_SIGNAL
    row_noise = float(np.std(np.diff(rows.astype(np.float32), axis=0))) / np.sqrt(2)
    line_noise = row_noise / np.sqrt(rows.shape[0])
    low, high = np.percentile(rows.mean(axis=0), (2, 98))
    amplitude = max(float(high - low) / 2, 1e-3)
    return float(max((line_noise / amplitude) ** 2, MIN_NOISE_TO_SIGNAL))


def restored_lines(line: np.ndarray, frame_to_line: float,
                   guesses: tuple[tuple[float, float], ...] = BLUR_GUESSES,
                   rows: int = 16, noise_to_signal: float = _NOISE_TO_SIGNAL
                   ) -> Iterator[np.ndarray]:
    """``line`` (a mean bar profile) Wiener-restored under each blur guess, as uint8 images.

    ``frame_to_line`` is how many line pixels one camera pixel became when straightening;
    ``noise_to_signal`` the Wiener filter's regularisation (``line_noise_to_signal``).
    """
    line = line.astype(np.float32)
    size = cv2.getOptimalDFTSize(line.size + 64)
    padded = np.pad(line, (32, size - line.size - 32), mode="edge")
    spectrum = np.fft.rfft(padded)
    freqs = np.fft.rfftfreq(size)
    for sigma, motion in guesses:
        transfer = _transfer(freqs, sigma * frame_to_line, motion * frame_to_line)
        wiener = np.conj(transfer) / (np.abs(transfer) ** 2 + noise_to_signal)
        restored = np.fft.irfft(spectrum * wiener, size)[32:32 + line.size]
        yield _as_image(restored, rows)


def joint_restoration(lines: Sequence[np.ndarray], motions: Sequence[float], frame_to_line: float,
                      sigma: float, noise_to_signal: float, rows: int = 16) -> np.ndarray:
    """One scan line restored from several exposures of it, each smeared its own length.

    Why: a box smear of length L erases the frequencies k / L, and once it spans 10+ bar
    widths several of them fall inside the band Code128 needs, so no filter of one frame brings
    those bars back. A card slowing down is smeared a different length in each frame, and the
    zeros of one exposure fall where the other still holds the signal: the least-squares
    estimate sum(conj(H_i) Y_i) / (sum(|H_i|^2) + nsr) recovers every frequency any exposure
    kept. ``lines`` must be drawn at one scale and aligned (``aligned_exposure``); ``motions``
    are their smear lengths across the bars, in camera pixels.
    """
    restored = _least_squares(lines, motions, frame_to_line, sigma, noise_to_signal)
    return _as_image(restored, rows)


def aligned_exposure(reference: np.ndarray, other: np.ndarray, motions: tuple[float, float],
                     frame_to_line: float, sigma: float, noise_to_signal: float,
                     limit: int = 8) -> np.ndarray:
    """``other`` (the same bars in another frame) shifted onto ``reference``, sub-pixel.

    The locator places each frame's smeared bars to a few pixels, too coarse to add two
    exposures. Their raw lines do not correlate well (each smear erased other frequencies), so
    each is restored under its own smear first and the restorations are correlated.
    """
    restored = [_least_squares([line], [motion], frame_to_line, sigma, noise_to_signal)
                for line, motion in zip((reference, other), motions, strict=True)]
    offset = _shift(restored[0], restored[1], limit)
    xs = np.arange(other.size, dtype=np.float64)
    return np.interp(xs + offset, xs, other.astype(np.float64))


def _least_squares(lines: Sequence[np.ndarray], motions: Sequence[float], frame_to_line: float,
                   sigma: float, noise_to_signal: float) -> np.ndarray:
    size = cv2.getOptimalDFTSize(lines[0].size + 64)
    freqs = np.fft.rfftfreq(size)
    transfers = [_transfer(freqs, sigma * frame_to_line, motion * frame_to_line)
                 for motion in motions]
    numerator = sum(np.conj(transfer) * np.fft.rfft(_padded(line, size))
                    for line, transfer in zip(lines, transfers, strict=True))
    power = sum(np.abs(transfer) ** 2 for transfer in transfers)
    return np.fft.irfft(numerator / (power + noise_to_signal), size)[32:32 + lines[0].size]


def _padded(line: np.ndarray, size: int) -> np.ndarray:
    return np.pad(line.astype(np.float64), (32, size - line.size - 32), mode="edge")


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


# Spectral zeros of a box smear are looked for below this frequency (cycles per line pixel):
# above it the bars carry little energy and a zero is lost in the noise floor.
_ZERO_SEARCH_TOP = 0.35


def smear_lengths(line: np.ndarray, frame_to_line: float, shortest: float, longest: float,
                  count: int = 2) -> list[float]:
    """Box smear lengths (camera pixels) that ``line`` most likely went through, best first.

    Why: a box smear of length L multiplies the spectrum by sinc(L f), which is zero at every
    f = k / L, and Code128's spectrum is broad, so the line's spectrum has a comb of dips there
    whatever the code says. Each candidate L is scored by how far below its neighbourhood the
    spectrum lies at its zeros, summed (mean times the root of their number), so a long comb
    that matches beats a short one that fits by chance. Knowing L to a quarter pixel is what
    makes a 15+ px smear restorable; a share of the frame-to-frame shift is not that precise.
    """
    edges = np.diff(line.astype(np.float64))
    size = 8 * edges.size
    spectrum = np.abs(np.fft.rfft(edges * np.hanning(edges.size), size))
    level = np.log(spectrum + 1e-6 * spectrum.max())
    lengths = np.arange(shortest, longest, 0.1) * frame_to_line
    counts = (_ZERO_SEARCH_TOP * lengths).astype(int)
    lengths, counts = lengths[counts > 0], counts[counts > 0]
    if lengths.size == 0:
        return []
    # Every candidate's zeros at once (one row per length, masked past its own count): one
    # interpolation of a few thousand points instead of a Python loop over hundreds of
    # lengths, which cost about 60 ms a frame for a 70 px smear.
    zeros = np.arange(1, counts.max() + 1)[None, :]
    inside = zeros <= counts[:, None]
    freqs = np.fft.rfftfreq(size)
    dip = np.interp(zeros / lengths[:, None], freqs, level) - np.interp(
        (zeros + 0.5) / lengths[:, None], freqs, level)
    score = np.where(inside, dip, 0.0).sum(axis=1) / np.sqrt(counts)
    scored = sorted(zip(score.tolist(), (lengths / frame_to_line).tolist(), strict=True))
    return _distinct([length for _, length in scored], count)


def _distinct(lengths: list[float], count: int, apart: float = 1.0) -> list[float]:
    chosen: list[float] = []
    for length in lengths:
        if all(abs(length - other) > apart for other in chosen):
            chosen.append(length)
        if len(chosen) == count:
            break
    return chosen


def bounded_restoration(line: np.ndarray, frame_to_line: float, sigma: float, motion: float,
                        iterations: int = 120, rows: int = 16) -> np.ndarray:
    """``line`` restored under a known blur, held to the light print can reflect.

    Why: a smear of 10+ bar widths has several spectral zeros inside the band Code128 needs,
    and a linear (Wiener) filter cannot bring back what the zeros erased. But light reflected
    by print is never negative and never brighter than the blank paper (the line's brightest
    level): iterating the restoration (Landweber) while clipping every sample to that range
    fills the erased frequencies with values the print allows. A tighter ink level (from the
    line's mean) was tried and read fewer of the bench's smeared frames.
    """
    line = line.astype(np.float64)
    size = cv2.getOptimalDFTSize(line.size + 128)
    padded = np.pad(line, (64, size - line.size - 64), mode="edge")
    transfer = _transfer(np.fft.rfftfreq(size), sigma * frame_to_line, motion * frame_to_line)
    observed = np.fft.rfft(padded)
    estimate = np.fft.irfft(observed * transfer / (transfer * transfer + _NOISE_TO_SIGNAL), size)
    paper = float(np.percentile(line, 99))
    for _ in range(iterations):
        estimate = np.clip(estimate, 0.0, paper)
        residual = observed - np.fft.rfft(estimate) * transfer
        estimate += np.fft.irfft(residual * transfer, size)
    return _as_image(np.clip(estimate, 0.0, paper)[64:64 + line.size], rows)
