"""What the screen shows, in the log: each step the engine reaches and, once a screen is
built, its buttons and where they are.

At debug level only (the buttons' words and places), for two readers: an engineer reading a
kiosk's log sees what the traveller saw and could press, and the end-to-end tests under a real
X server press them with real input events (xdotool) without guessing coordinates. No
button ever carries a full card or phone number (cards show only their last four digits).
"""

from __future__ import annotations

import logging

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.button import Button

from kiosk import logs
from kiosk.flow.view import View

log = logging.getLogger(__name__)


class ScreenReport:
    def __init__(self) -> None:
        self.root = None  # the KioskRoot, once built
        self._step = None
        self._event = None

    def step(self, view: View) -> None:
        """An engine listener: one line per step reached."""
        if view.step is not self._step:
            self._step = view.step
            logs.event(log, "flow.step", step=str(view.step))

    def swapped(self) -> None:
        """A new screen went up: report it once it is wholly built and laid out."""
        if self._event is not None:
            self._event.cancel()
        self._event = Clock.schedule_interval(self._when_built, 0.1)

    def _when_built(self, _dt: float) -> bool:
        if not log.isEnabledFor(logging.DEBUG):
            self._event = None
            return False
        if self.root is None or self.root.building():
            return True  # asked again at the next check
        buttons = []
        for widget in self.root.walk(restrict=True):
            # Dimmed buttons too (Confirm before the code is whole): they are on the screen.
            if isinstance(widget, Button) and widget.get_root_window() is not None:
                x, y = widget.to_window(*widget.center)
                words = getattr(widget, "source_text", widget.text)
                buttons.append([words, round(x), round(Window.height - y)])  # top-left origin
        logs.event(log, "ui.buttons", logging.DEBUG, step=str(self._step), buttons=buttons)
        self._event = None
        return False
