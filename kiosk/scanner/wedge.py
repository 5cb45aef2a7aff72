"""A USB barcode scanner in keyboard mode ("wedge"): tell its bursts from a person's typing.

A scanner types the whole code in a few milliseconds per key and ends with Enter; nobody types
that fast. Keys are therefore held back (swallowed) until their timing decides: a fast burst of
at least ``min_length`` characters is a scan and goes through the card payload parser, never
into a text field; anything slower is handed back in order through ``on_passthrough`` so the
focused field still receives a person's typing (a delay of one key interval, unnoticeable).
The UI feeds it every key event with its timestamp and calls ``tick`` from a clock so held
keys are released even when no further key comes.
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk.core.card_payload import MAX_PAYLOAD_CHARS, CardIdentity, PayloadRejected, read_payload

ENTER_KEYS = frozenset({"enter", "return", "numpadenter", "kp_enter", "\r", "\n"})
MODIFIER_KEYS = frozenset({"shift", "lshift", "rshift", "ctrl", "lctrl", "rctrl", "alt", "alt-gr",
                           "capslock", "numlock"})


class KeyboardWedge:
    def __init__(
        self,
        on_scan: Callable[[CardIdentity | PayloadRejected], None],
        on_passthrough: Callable[[str], None] | None = None,
        max_key_interval_ms: float = 50,
        min_length: int = 8,
    ) -> None:
        self._on_scan = on_scan
        self._on_passthrough = on_passthrough
        self._interval = max_key_interval_ms / 1000
        self._min_length = min_length
        self._held: list[str] = []
        self._last_at = 0.0

    def feed(self, key: str, timestamp: float) -> bool:
        """One key press (a character, or a key name such as ``enter``); True: swallow it.

        ``timestamp`` is in seconds on any monotonic clock; its differences must be the
        pauses between keys, never longer: a frame clock, which turns a slow frame into a
        pause, cuts scans in two (the UI's ``kiosk.ui.keys.PauseClock`` gives these).
        """
        fast = bool(self._held) and timestamp - self._last_at <= self._interval
        if self._held and not fast:
            self._settle()
        if key.lower() in ENTER_KEYS:
            return self._enter(fast)
        if key.lower() in MODIFIER_KEYS:
            if fast:
                self._last_at = timestamp
            return fast
        if len(key) != 1:
            return False
        if len(self._held) > MAX_PAYLOAD_CHARS:
            self._held.clear()
            self._on_scan(PayloadRejected("too_long"))
        self._held.append(key)
        self._last_at = timestamp
        return True

    def tick(self, now: float) -> None:
        """Release held keys once their timing has shown what they are."""
        if self._held and now - self._last_at > self._interval:
            self._settle()

    def _enter(self, fast: bool) -> bool:
        if fast and len(self._held) >= self._min_length:
            self._scan()
            return True
        self._settle()
        return False

    def _settle(self) -> None:
        """Held keys that did not end in Enter: a suffix-less scanner's burst, or a person."""
        if len(self._held) >= self._min_length:
            self._scan()
            return
        text, self._held = "".join(self._held), []
        if text and self._on_passthrough is not None:
            self._on_passthrough(text)

    def _scan(self) -> None:
        text, self._held = "".join(self._held), []
        self._on_scan(read_payload(text))
