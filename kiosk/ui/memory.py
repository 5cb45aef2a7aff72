"""Python's cycle collector, kept off the frames a traveller watches.

Every dropped screen leaves thousands of objects in reference cycles (Kivy widgets, their
properties, bindings and rules), which only the collector's full passes free. Left to its
own schedule a full pass came every few screens, with several screens' garbage to free:
45-165 ms on this machine, a stall wherever it fell (bench/ui.py). So:

- what the kiosk built at start (modules, fonts, decoders, the window) lives as long as the
  process and is moved out of the collector's sight once the first screen is up;
- full passes no longer start on their own: one runs after each screen swap, when the only
  garbage is the screen just taken off, and at least once a minute whatever happens (worker
  threads make a little garbage too);
- the pass after a swap runs at the end of a quiet frame: one with nothing to repaint and
  little done so far (the swap's own frame repaints the new screen; a reply from the
  operator can build the next screen in the frame after). A pass and a build or a repaint
  in the same frame added up to 60-90 ms. After half a second of busy frames it runs anyway.

Passes over young objects go on as usual: they take a millisecond or two.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable

from kivy.clock import Clock

from kiosk import logs

log = logging.getLogger(__name__)

AT_LEAST_EVERY_S = 60.0
NO_AUTOMATIC_FULL_PASS = 1_000_000  # young-object passes before a full one: never, in effect
QUIET_FRAME_S = 0.004  # work done in a frame before its end, above which the pass waits
MAX_WAIT_FRAMES = 30  # busy frames a pass waits for a quiet one (half a second at 60 Hz)


def window_repaints() -> bool:
    """True when the window will be drawn at the end of this frame."""
    from kivy.core.window import Window

    return bool(Window.canvas.needs_redraw)


class CollectorPacer:
    """``start`` once the first screen is up; ``screen_swapped`` after each screen change."""

    def __init__(self, repaints: Callable[[], bool] = window_repaints) -> None:
        self._repaints = repaints
        self._next_frame = Clock.create_trigger(self._arm, 0)
        self._frame_end = Clock.create_trigger(self._when_quiet, -1)  # before the drawing
        self._waited = 0
        self._floor = None
        self._thresholds = gc.get_threshold()
        self.passes = 0

    def start(self) -> None:
        gc.collect()
        gc.freeze()
        young, middle, _ = self._thresholds
        gc.set_threshold(young, middle, NO_AUTOMATIC_FULL_PASS)
        self._floor = Clock.schedule_interval(self._collect, AT_LEAST_EVERY_S)
        logs.event(log, "ui.collector_paced", frozen_objects=gc.get_freeze_count())

    def screen_swapped(self) -> None:
        self._waited = 0
        self._next_frame()

    def stop(self) -> None:
        """The collector's own schedule back (for tools that go on in the same process)."""
        self._next_frame.cancel()
        self._frame_end.cancel()
        if self._floor is not None:
            self._floor.cancel()
        gc.set_threshold(*self._thresholds)
        gc.unfreeze()

    def _arm(self, _dt: float = 0) -> None:
        self._frame_end()

    def _when_quiet(self, _dt: float = 0) -> None:
        spent = Clock.time() - Clock.get_time()  # since this frame began
        busy = spent > QUIET_FRAME_S or self._repaints()
        if busy and self._waited < MAX_WAIT_FRAMES:
            self._waited += 1
            self._next_frame()  # runs on the coming frame
            return
        self._collect()

    def _collect(self, _dt: float = 0) -> None:
        gc.collect()
        self.passes += 1
