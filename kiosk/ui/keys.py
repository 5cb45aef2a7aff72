"""Window key events to the keyboard-wedge logic: a USB scanner types like a keyboard.

Kivy gives a key code and the typed character; the wedge wants a character or a key name
and a timestamp. Keys the wedge swallows never reach anything else.

The timestamp. Kivy's SDL2 window does not pass on the key events' own SDL timestamps
(``WindowSDL._mainloop`` unpacks only modifiers, key, scancode and text, Kivy 2.3), and its
frame clock (``Clock.get_time()``) stamps every key of a frame alike and a slow frame's keys
as a pause: a scan typed across a screen being built was cut in two. The main loop draws,
then takes every key the display server queued meanwhile in one go; so two keys that arrive
in the same or the next round may have been typed any time apart, down to nothing. Only a
round that ran with no key in it proves a pause. Each key is therefore stamped with the
shortest pause that can have come before it (``PauseClock``): no pause unless a whole frame
went by empty, then the time from the last key to that empty frame. A stall can only make
a scan look faster, never cut it; a person's keys, with free frames between them, keep
their real pauses.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from kivy.clock import Clock
from kivy.core.window import Window

KeyFeed = Callable[[str, float], bool]  # (key, timestamp) -> swallowed
ENTER_CODES = {13: "enter", 271: "numpadenter"}


class PauseClock:
    """Timestamps whose differences are the shortest pauses the main loop's rounds allow.

    ``frame`` is called at the start of every frame (before that frame's keys are taken),
    ``key`` when a key arrives; both return a time on the same made-up monotonic scale.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._stamp = clock()
        self._key_at: float | None = None  # when the last key arrived, on ``clock``
        self._frames: list[float] = []  # frame starts since then (the last two matter)

    def _pause(self) -> float:
        """The frame before the newest one took its keys after it started and found none."""
        if self._key_at is None or len(self._frames) < 2:
            return 0.0
        return max(0.0, self._frames[-2] - self._key_at)

    def key(self) -> float:
        self._stamp += self._pause()
        self._key_at, self._frames = self._clock(), []
        return self._stamp

    def frame(self) -> float:
        self._frames = [*self._frames[-1:], self._clock()]
        return self._stamp + self._pause()


class WedgeInput:
    """Binds to the window's key events; each frame releases held keys between bursts."""

    def __init__(self, feed: KeyFeed, tick: Callable[[float], None],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._feed, self._tick = feed, tick
        self._pauses = PauseClock(clock)
        Window.bind(on_key_down=self._key_down)
        self._event = Clock.schedule_interval(lambda _dt: self._tick(self._pauses.frame()), 0)

    def _key_down(self, _window, keycode: int, _scancode, text: str | None, _mods) -> bool:
        key = ENTER_CODES.get(keycode) or text
        if not key:
            return False
        return self._feed(key, self._pauses.key())

    def close(self) -> None:
        Window.unbind(on_key_down=self._key_down)
        self._event.cancel()
