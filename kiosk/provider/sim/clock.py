"""The simulator's clock: real time by default, movable by tests (OTP expiry, promotions)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class SimClock:
    """Now plus an offset that tests can move; ``start`` pins the first reading."""

    def __init__(self, start: datetime | None = None) -> None:
        if start is not None and start.tzinfo is None:
            raise ValueError("the clock's start must be timezone-aware")
        self._offset = timedelta(0) if start is None else start - datetime.now(UTC)
        self._frozen = start
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """Frozen when started at a fixed moment, so tests see no drift between calls."""
        with self._lock:
            if self._frozen is not None:
                return self._frozen
            return datetime.now(UTC) + self._offset

    def advance(self, seconds: float) -> datetime:
        with self._lock:
            step = timedelta(seconds=seconds)
            if self._frozen is not None:
                self._frozen += step
                return self._frozen
            self._offset += step
            return datetime.now(UTC) + self._offset
