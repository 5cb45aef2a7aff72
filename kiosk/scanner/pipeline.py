"""The decode pipeline: cheap first, rescue only when the cheap passes found no card.

1. zxing-cpp on the half-size frame (a quarter of the pixels): reads most QR and Data Matrix
   codes in about a millisecond.
2. zxing-cpp at full resolution, but only on the crop around the bars the locator found (a
   1/4-size structure-tensor search): reads Code128, whose 2-3 px modules do not survive
   halving, without scanning the whole frame.
3. zxing-cpp on the whole full-resolution frame: small matrix codes, Code128 the locator missed.
4. Rescue for linear codes the row scanners lose (turned, tiny, blurred): straighten and
   enlarge the located bars, then zxing-cpp on the straight crop, on the bar profile averaged
   along the bars, and on Wiener-restored profiles (under a grid of defocus and motion when
   the bars' edges look soft, else under the pixel's own softness, for 1 px modules).
5. Glare: only when a clipped highlight covers part of the frame, local contrast is evened out
   (CLAHE) and zxing-cpp reads the whole frame again.

Each candidate is parsed as a card payload before it counts; the pipeline stops at the first
stage that yields a card, so a good frame costs only the first stage or two.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property

import cv2
import numpy as np

from kiosk.core.card_payload import CardIdentity, PayloadRejected, read_payload
from kiosk.scanner.deblur import (
    BLUR_GUESSES,
    SHARP_GUESSES,
    aligned_band,
    line_noise_to_signal,
    looks_blurred,
    restored_lines,
)
from kiosk.scanner.decoders import Box, Candidate, Decoder, ZxingDecoder
from kiosk.scanner.locate import (
    LinearRegion,
    bar_band,
    bar_profile,
    find_linear_barcode,
    region_box,
    straighten,
    straighten_scale,
)


@dataclass(frozen=True)
class Guide:
    """The on-screen guide as fractions of the frame (left, top, right, bottom).

    The default is the whole frame: measured, cropping a margin lost turned cards whose
    barcode reaches the edge, and saved little time. The UI passes its guide when it draws one.
    """

    left: float = 0.0
    top: float = 0.0
    right: float = 1.0
    bottom: float = 1.0

    def box(self, width: int, height: int) -> Box:
        """The guide in pixels of a ``width`` x ``height`` frame."""
        return (int(self.left * width), int(self.top * height), int(self.right * width),
                int(self.bottom * height))


@dataclass(frozen=True)
class Decoded:
    """One candidate and what the payload parser made of it."""

    candidate: Candidate
    outcome: CardIdentity | PayloadRejected

    @property
    def identity(self) -> CardIdentity | None:
        return self.outcome if isinstance(self.outcome, CardIdentity) else None


class FrameView:
    """One grayscale picture and what stages derive from it, each made at most once.

    Stages share the half-size copy and the bar locator's answer instead of each resizing or
    searching the frame again.
    """

    def __init__(self, gray: np.ndarray) -> None:
        self.gray = gray

    @cached_property
    def half(self) -> np.ndarray:
        return cv2.resize(self.gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)

    @cached_property
    def linear_region(self) -> LinearRegion | None:
        return find_linear_barcode(self.gray)


Stage = Callable[[FrameView], list[Candidate]]


# Smaller than this on a side, a picture cannot hold a card's code at 2 px per module, and
# the stages' resizing would fail on it; larger, it is scaled down first, so one photograph
# of a huge size never costs minutes and gigabytes.
MIN_SIDE = 16
MAX_SIDE = 4096


def to_gray(frame: np.ndarray) -> np.ndarray:
    """8-bit grayscale from any picture a file or camera gives: gray, BGR, BGRA, two-channel
    (gray plus alpha) and 16-bit alike."""
    if frame.dtype != np.uint8:
        frame = cv2.convertScaleAbs(frame, alpha=255.0 / max(float(frame.max()), 1.0))
    if frame.ndim == 3 and frame.shape[2] == 1:
        frame = frame[:, :, 0]
    if frame.ndim == 2:
        return frame
    if frame.shape[2] == 2:
        return np.ascontiguousarray(frame[:, :, 0])
    code = cv2.COLOR_BGRA2GRAY if frame.shape[2] == 4 else cv2.COLOR_BGR2GRAY
    return cv2.cvtColor(frame, code)


def bounded(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """``gray`` no larger than MAX_SIDE on a side, and the factor that scaled it."""
    side = max(gray.shape[:2])
    if side <= MAX_SIDE:
        return gray, 1.0
    scale = MAX_SIDE / side
    return cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), scale


def too_small(frame: np.ndarray) -> bool:
    return frame.ndim < 2 or min(frame.shape[:2]) < MIN_SIDE


class DecodePipeline:
    """Frame in, parsed candidates out; see the module docstring for the stage order."""

    def __init__(self, guide: Guide | None = None, stages: Sequence[Stage] | None = None) -> None:
        self.guide = guide or Guide()
        self.stages = list(stages) if stages is not None else default_stages()

    def decode(self, frame: np.ndarray, roi: Box | None = None) -> list[Decoded]:
        """Candidates in ``frame`` (only inside ``roi`` when given); boxes in frame pixels."""
        if too_small(frame):
            return []
        gray = to_gray(frame)
        x0, y0, x1, y1 = roi or self.guide.box(gray.shape[1], gray.shape[0])
        region, scale = bounded(gray[y0:y1, x0:x1])
        if too_small(region):
            return []
        view = FrameView(region)
        results: list[Decoded] = []
        for stage in self.stages:
            found = [c.moved(1.0 / scale, x0, y0) for c in stage(view)]
            results.extend(parsed(found, results))
            if any(r.identity for r in results):
                break
        return results


def single_decoder(decoder: Decoder, guide: Guide | None = None) -> DecodePipeline:
    """One backend alone, for comparison in the benchmark and the camera test screen."""
    return DecodePipeline(guide, [lambda view: decoder.decode(view.gray)])


def default_stages() -> list[Stage]:
    return [HalfSizeMatrix(), LinearCrop(), FullSize(), LinearRescue(), GlareRescue()]


class HalfSizeMatrix:
    """Stage 1: every card symbology on the half-size frame.

    A quarter of the pixels: reads most QR and Data Matrix codes (modules 5+ px wide) in about
    a millisecond. Code128 modules are only 2-3 px wide, so it is left to the bar locator.
    """

    def __init__(self) -> None:
        self._zxing = ZxingDecoder(try_downscale=False, name="zxing-cpp/half")

    def __call__(self, view: FrameView) -> list[Candidate]:
        return [c.moved(2.0, 0, 0) for c in self._zxing.decode(view.half)]


class LinearCrop:
    """Stage 2: Code128 at full resolution, but only around the bars the locator found."""

    def __init__(self) -> None:
        self._zxing = ZxingDecoder(("code128",), try_downscale=False, name="zxing-cpp/crop")

    def __call__(self, view: FrameView) -> list[Candidate]:
        if view.linear_region is None:
            return []
        x0, y0, x1, y1 = region_box(view.linear_region, view.gray.shape)
        return [c.moved(1.0, x0, y0) for c in self._zxing.decode(view.gray[y0:y1, x0:x1])]


class FullSize:
    """Stage 3: the whole full-resolution frame, for small matrix codes the half-size pass lost
    and Code128 the locator pointed past (glare drew it elsewhere)."""

    def __init__(self) -> None:
        self._zxing = ZxingDecoder(try_downscale=False, name="zxing-cpp")

    def __call__(self, view: FrameView) -> list[Candidate]:
        return self._zxing.decode(view.gray)


class LinearRescue:
    """Stage 4: straighten the located bars, average them along their length, restore blur.

    zxing-cpp only: once the bars are straight, averaged and restored, pyzbar (which rescued
    blurred Code128 before the Wiener step existed) added no read on the benchmark set and
    cost a third of this stage's time.
    """

    def __init__(self) -> None:
        self._zxing = ZxingDecoder(("code128",), try_rotate=False, try_downscale=False,
                                   name="zxing-cpp/straightened")
        self._profile_zxing = ZxingDecoder(("code128",), try_rotate=False, try_downscale=False,
                                           name="zxing-cpp/profile")
        self._deblur_zxing = ZxingDecoder(("code128",), try_rotate=False, try_downscale=False,
                                          name="zxing-cpp/deblurred")

    def __call__(self, view: FrameView) -> list[Candidate]:
        region = view.linear_region
        if region is None:
            return []
        box = region_box(region, view.gray.shape)
        return [replace(c, box=box) for c in self._straightened(view.gray, region)]

    def _straightened(self, gray: np.ndarray, region: LinearRegion) -> list[Candidate]:
        upright = straighten(gray, region)
        found = self._zxing.decode(upright) or self._profile_zxing.decode(bar_profile(upright))
        return found or self._deblurred(upright, straighten_scale(region))

    def _deblurred(self, upright: np.ndarray, scale: float) -> list[Candidate]:
        """Last resort for blur: the slant-corrected mean line, Wiener-restored.

        When the bars look sharp only the pixel's and a focused lens's own softness is undone
        (``SHARP_GUESSES``, what 1 px modules lose): restoring a sharp picture under the
        defocus guesses only costs time (up to 35 ms a frame) and never found a card on the
        benchmark set.
        """
        band = bar_band(upright)
        guesses = BLUR_GUESSES if looks_blurred(upright, band, scale) else SHARP_GUESSES
        rows = aligned_band(upright, band)
        line = rows.mean(axis=0)
        # Four rows of each restored line are enough for the row scanner (the same reads as
        # 16 on the benchmark's blurred frames), and a frame no guess reads pays about 3 ms less.
        for restored in restored_lines(line, scale, guesses, rows=4,
                                       noise_to_signal=line_noise_to_signal(rows)):
            found = self._deblur_zxing.decode(restored)
            if found:
                return found
        return []


# Share of the 1/8-size frame within 3 grey levels of its brightest pixel above which part of
# it is a clipped highlight. Measured on the benchmark set: glare frames 0.014-0.06, others
# mostly below 0.01 (dim, washed-out frames up to 0.023; they are read before this stage).
HIGHLIGHT_SHARE = 0.012


def has_highlight(gray: np.ndarray) -> bool:
    """Whether part of ``gray`` is a flat plateau at its top level: a clipped reflection."""
    small = cv2.resize(gray, None, fx=0.125, fy=0.125, interpolation=cv2.INTER_AREA)
    return float((small >= int(small.max()) - 3).mean()) > HIGHLIGHT_SHARE


class GlareRescue:
    """Stage 5: a reflection washed part of the code out; even out local contrast, read again.

    Under a highlight the dark modules are lifted towards white: the contrast is still there
    but small beside the rest of the card, so the binarizers call it all white. CLAHE (tiles of
    1/8 of the frame) stretches each tile's own range. Only frames with a clipped highlight pay
    for it (about 15 ms for CLAHE and a whole-frame read); it read every glare frame of the
    benchmark set the other stages missed.
    """

    def __init__(self) -> None:
        self._clahe = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8))
        self._zxing = ZxingDecoder(try_downscale=False, name="zxing-cpp/glare-evened")

    def __call__(self, view: FrameView) -> list[Candidate]:
        if not has_highlight(view.gray):
            return []
        return self._zxing.decode(self._clahe.apply(view.gray))


def parsed(candidates: list[Candidate], seen: list[Decoded]) -> list[Decoded]:
    """Each candidate not already in ``seen``, run through the card payload parser."""
    known = {(d.candidate.text, d.candidate.symbology) for d in seen}
    fresh = [c for c in candidates if (c.text, c.symbology) not in known]
    return [Decoded(c, read_payload(c.text)) for c in fresh]
