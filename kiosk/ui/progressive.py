"""A column filled in over several frames, so a long screen never freezes the window.

The card screen has a dozen offer cards of six labels each: built in one go it held the main
thread for 150-300 ms (widgets, text rendering and layout on this machine), one frozen frame
the traveller sees as a stall. Here the screen's frame comes first and the parts follow, a
frame's budget at a time; a faster machine simply does more of them per frame.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout

FRAME_BUDGET_S = 0.012  # building work per frame, beside layout and drawing


class ProgressiveColumn(BoxLayout):
    """A vertical stack as tall as its children; ``later`` queues work for coming frames."""

    def __init__(self, budget_s: float = FRAME_BUDGET_S, **kw) -> None:
        kw.setdefault("orientation", "vertical")
        super().__init__(size_hint_y=None, **kw)
        self.bind(minimum_height=self.setter("height"))
        self.budget_s = budget_s
        self._steps: deque[Callable[[], None]] = deque()
        self._event = Clock.schedule_interval(self._run, 0)

    @property
    def pending(self) -> bool:
        """True while queued parts are still to be built (tests wait for the whole screen)."""
        return bool(self._steps)

    def later(self, step: Callable[[], None]) -> None:
        self._steps.append(step)

    def _run(self, _dt: float) -> bool | None:
        started = time.perf_counter()
        while self._steps:
            self._steps.popleft()()
            if time.perf_counter() - started >= self.budget_s:
                return None
        return False  # all built: unschedules itself

    def stop_ticking(self) -> None:
        """Its screen was dropped (``root.stop_animations``): build nothing more."""
        self._steps.clear()
        self._event.cancel()
