"""Video decoding: look where the code was in the last frame, and the whole frame now and then.

A card held under the camera barely moves between frames, so the crop around the last place a
code was seen holds it again, and decoding a crop a few times the code's size costs a fraction
of the whole frame: the decode worker is free sooner, and fewer camera frames are dropped while
it works. The crop is only a guess: when it finds nothing the next frame is searched whole, and
every ``full_every``-th frame is searched whole anyway, so a second card, or one that jumped
across the picture, is still found within a few frames. Every candidate is still parsed and
validated exactly as on a whole frame: the crop changes where the pipeline looks, never what
it trusts.

Consecutive frames also tell how fast the card moves. When it moved far since the last frame
and nothing was read, the smear is undone along the motion (``kiosk.scanner.motion``), with
the last frame as a second exposure of the same code: a card still sliding in is read a frame
or two sooner.
"""

from __future__ import annotations

import numpy as np

from kiosk.scanner.decoders import Box
from kiosk.scanner.motion import MotionRescue, Shift, frame_shift, small_copy
from kiosk.scanner.pipeline import Decoded, DecodePipeline, parsed, to_gray


class RegionTracker:
    """The live decode path: ``decode`` one video frame after another."""

    def __init__(self, pipeline: DecodePipeline | None = None, *, full_every: int = 5,
                 margin: float = 0.6, motion_rescue: MotionRescue | None = None) -> None:
        self.pipeline = pipeline or DecodePipeline()
        self._full_every = full_every
        self._margin = margin
        self._motion_rescue = motion_rescue or MotionRescue()
        self._box: Box | None = None
        self._since_full = 0
        self._previous: np.ndarray | None = None
        self._previous_gray: np.ndarray | None = None
        # the motion into the last frame, when it was measured (frames without a read)
        self.last_shift: Shift | None = None

    @property
    def roi(self) -> Box | None:
        """Where the next frame will be searched (None: the whole frame)."""
        return self._box if self._since_full < self._full_every - 1 else None

    def decode(self, frame: np.ndarray) -> list[Decoded]:
        roi = self.roi
        results = self.pipeline.decode(frame, roi)
        results += self._unsmeared(frame, results)
        self._since_full = 0 if roi is None else self._since_full + 1
        located = _located(results)
        self._box = _grown(located, self._margin, frame.shape) if located else None
        return results

    def reset(self) -> None:
        """Forget the last place and picture: the next frame is searched whole."""
        self._box = None
        self._since_full = 0
        self._previous = None
        self._previous_gray = None
        self.last_shift = None

    def _unsmeared(self, frame: np.ndarray, results: list[Decoded]) -> list[Decoded]:
        """Motion-deblurred reads, only when nothing was read and the card moved far.

        The small copy is kept every frame (a fraction of a millisecond); the motion is
        measured only on frames without a read, so a card held still costs nothing more. The
        last grayscale frame is kept too (a reference, or a copy when it still lies in the
        caller's buffer, which the camera may reuse): a long smear is undone from two
        exposures together.
        """
        gray = to_gray(frame)
        current = small_copy(gray)
        previous, self._previous = self._previous, current
        previous_gray = self._previous_gray
        self._previous_gray = gray.copy() if np.shares_memory(gray, frame) else gray
        self.last_shift = None
        if any(d.identity for d in results):
            return []
        if previous is None or previous.shape != current.shape:
            return []
        self.last_shift = frame_shift(previous, current)
        if not self.last_shift.moving:
            return []
        return parsed(self._motion_rescue(gray, self.last_shift, previous_gray), results)


def _located(results: list[Decoded]) -> Box | None:
    """The box of the card read in this frame, else of any code seen (a rejection too)."""
    ranked = sorted(results, key=lambda d: d.identity is None)
    return next((d.candidate.box for d in ranked if d.candidate.box is not None), None)


def _grown(box: Box, margin: float, shape: tuple[int, ...]) -> Box:
    """``box`` widened by ``margin`` of its larger side on every edge, clipped to the frame:
    room for a hand's drift between frames."""
    x0, y0, x1, y1 = box
    pad = int(margin * max(x1 - x0, y1 - y0))
    height, width = shape[:2]
    return max(x0 - pad, 0), max(y0 - pad, 0), min(x1 + pad, width), min(y1 + pad, height)
