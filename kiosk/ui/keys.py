"""Window key events to the keyboard-wedge logic: a USB scanner types like a keyboard.

Kivy gives a key code and the typed character; the wedge wants a character or a key name
and a timestamp. Keys the wedge swallows never reach anything else.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.clock import Clock
from kivy.core.window import Window

KeyFeed = Callable[[str, float], bool]  # (key, timestamp) -> swallowed
ENTER_CODES = {13: "enter", 271: "numpadenter"}


class WedgeInput:
    """Binds to the window's key events; ``tick`` releases held keys between bursts."""

    def __init__(self, feed: KeyFeed, tick: Callable[[float], None]) -> None:
        self._feed, self._tick = feed, tick
        Window.bind(on_key_down=self._key_down)
        self._event = Clock.schedule_interval(lambda _dt: self._tick(Clock.get_time()), 0.05)

    def _key_down(self, _window, keycode: int, _scancode, text: str | None, _mods) -> bool:
        key = ENTER_CODES.get(keycode) or text
        if not key:
            return False
        return self._feed(key, Clock.get_time())

    def close(self) -> None:
        Window.unbind(on_key_down=self._key_down)
        self._event.cancel()
