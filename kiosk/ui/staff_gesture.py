"""The hidden way to the staff login: hold the top-left corner for 3 s, then tap it 4 times.

Travellers never do this by accident (a 3 s hold on an empty corner, then four taps within
5 s), and it needs no visible button. Plain Python with an injectable clock so it is tested
without waiting. Documented in docs/operator-guide.md.
"""

from __future__ import annotations

import time
from collections.abc import Callable

HOLD_S = 3.0
TAPS = 4
TAPS_WITHIN_S = 5.0


class StaffGesture:
    def __init__(self, corner_px: float, height: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.corner, self.height, self.clock = corner_px, height, clock
        self._down_at: float | None = None
        self._armed_at: float | None = None
        self._taps = 0

    def in_corner(self, x: float, y: float) -> bool:
        return x <= self.corner and y >= self.height - self.corner  # Kivy's y grows upwards

    def down(self, x: float, y: float) -> None:
        self._down_at = self.clock() if self.in_corner(x, y) else None
        if self._down_at is None:
            self._armed_at, self._taps = None, 0

    def up(self, x: float, y: float) -> bool:
        """True when this touch completes the gesture."""
        now, started = self.clock(), self._down_at
        self._down_at = None
        if started is None or not self.in_corner(x, y):
            return False
        if now - started >= HOLD_S:
            self._armed_at, self._taps = now, 0
            return False
        if self._armed_at is None or now - self._armed_at > TAPS_WITHIN_S:
            self._armed_at, self._taps = None, 0
            return False
        self._taps += 1
        if self._taps >= TAPS:
            self._armed_at, self._taps = None, 0
            return True
        return False
