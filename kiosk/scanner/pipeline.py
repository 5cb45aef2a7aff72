"""The decode pipeline: cheap first, rescue only when the cheap pass found no card.

1. zxing-cpp, card symbologies only, on the region of interest under the on-screen guide:
   reads clean Code128 and every QR / Data Matrix in a few milliseconds.
2. Rescue for linear codes the row scanners lose (turned, tiny, blurred): locate the bars,
   straighten and enlarge them, then zxing-cpp on the straight crop, pyzbar on a lightly
   smoothed copy, and both on the bar profile averaged along the bars.

Each candidate is parsed as a card payload before it counts; the pipeline stops at the first
stage that yields a card, so a good frame costs only the first stage.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from kiosk.core.card_payload import CardIdentity, PayloadRejected, read_payload
from kiosk.scanner.deblur import aligned_band, restored_lines
from kiosk.scanner.decoders import Candidate, Decoder, PyzbarDecoder, ZxingDecoder
from kiosk.scanner.locate import (
    bar_band,
    bar_profile,
    find_linear_barcode,
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

    def crop(self, image: np.ndarray) -> np.ndarray:
        h, w = image.shape[:2]
        return image[int(self.top * h):int(self.bottom * h), int(self.left * w):int(self.right * w)]


@dataclass(frozen=True)
class Decoded:
    """One candidate and what the payload parser made of it."""

    candidate: Candidate
    outcome: CardIdentity | PayloadRejected

    @property
    def identity(self) -> CardIdentity | None:
        return self.outcome if isinstance(self.outcome, CardIdentity) else None


Stage = Callable[[np.ndarray], list[Candidate]]


def to_gray(frame: np.ndarray) -> np.ndarray:
    return frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)


class DecodePipeline:
    """Frame in, parsed candidates out; see the module docstring for the stage order."""

    def __init__(self, guide: Guide | None = None, stages: Sequence[Stage] | None = None) -> None:
        self.guide = guide or Guide()
        self.stages = list(stages) if stages is not None else default_stages()

    def decode(self, frame: np.ndarray) -> list[Decoded]:
        roi = self.guide.crop(to_gray(frame))
        results: list[Decoded] = []
        for stage in self.stages:
            results.extend(_parsed(stage(roi), results))
            if any(r.identity for r in results):
                break
        return results


def single_decoder(decoder: Decoder, guide: Guide | None = None) -> DecodePipeline:
    """One backend alone, for comparison in the benchmark and the camera test screen."""
    return DecodePipeline(guide, [decoder.decode])


def default_stages() -> list[Stage]:
    return [ZxingDecoder().decode, LinearRescue()]


class LinearRescue:
    """Stage 2: straighten the most bar-like region and try three readings of it."""

    def __init__(self) -> None:
        self._zxing = ZxingDecoder(("code128",), try_rotate=False, try_downscale=False,
                                   name="zxing-cpp/straightened")
        self._pyzbar = PyzbarDecoder(("code128",), blur_sigma=1.0, name="pyzbar/straightened")
        self._profile_zxing = ZxingDecoder(("code128",), try_rotate=False, try_downscale=False,
                                           name="zxing-cpp/profile")
        self._profile_pyzbar = PyzbarDecoder(("code128",), name="pyzbar/profile")
        self._deblur_zxing = ZxingDecoder(("code128",), try_rotate=False, try_downscale=False,
                                          name="zxing-cpp/deblurred")
        self._deblur_pyzbar = PyzbarDecoder(("code128",), name="pyzbar/deblurred")

    def __call__(self, gray: np.ndarray) -> list[Candidate]:
        region = find_linear_barcode(gray)
        if region is None:
            return []
        upright = straighten(gray, region)
        for decode in (self._zxing.decode, self._pyzbar.decode):
            found = decode(upright)
            if found:
                return found
        profile = bar_profile(upright)
        found = self._profile_zxing.decode(profile) or self._profile_pyzbar.decode(profile)
        return found or self._deblurred(upright, straighten_scale(region))

    def _deblurred(self, upright: np.ndarray, scale: float) -> list[Candidate]:
        """Last resort for heavy blur: the slant-corrected mean line, Wiener-restored."""
        line = aligned_band(upright, bar_band(upright)).mean(axis=0)
        for restored in restored_lines(line, scale):
            found = self._deblur_zxing.decode(restored) or self._deblur_pyzbar.decode(restored)
            if found:
                return found
        return []


def _parsed(candidates: list[Candidate], seen: list[Decoded]) -> list[Decoded]:
    known = {(d.candidate.text, d.candidate.symbology) for d in seen}
    fresh = [c for c in candidates if (c.text, c.symbology) not in known]
    return [Decoded(c, read_payload(c.text)) for c in fresh]
