"""A large numeric keypad: the only typing the traveller ever does.

The typed text lives in an ``Entry`` owned by the root, not in the widget, so a language
switch (which rebuilds the screen) never loses what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from kiosk.ui.theme import Metrics
from kiosk.ui.widgets import BigButton

DELETE = "←"


@dataclass
class Entry:
    """What has been typed on one screen so far."""

    text: str = ""
    max_len: int = 20

    def press(self, key: str) -> None:
        if key == DELETE:
            self.text = self.text[:-1]
        elif len(self.text) < self.max_len and not (key == "+" and self.text):
            self.text += key


class Keypad(GridLayout):
    """Digits in phone order, delete bottom right; ``plus`` puts "+" bottom left."""

    def __init__(self, m: Metrics, entry: Entry, changed: Callable[[], None],
                 plus: bool = False, key_height: float | None = None) -> None:
        super().__init__(cols=3, spacing=m.px(14), size_hint_y=None)
        height = key_height or m.px(112 if m.landscape else 140)  # fits beside a title
        self.entry = entry
        for key in [*"123456789", "+" if plus else "", "0", DELETE]:
            if not key:
                self.add_widget(Widget())
                continue
            kind = "secondary" if key == DELETE else "panel"
            self.add_widget(BigButton(key, m, self._press_for(key, changed), kind=kind,
                                      role="key", height=height))
        self.height = height * 4 + self.spacing[1] * 3

    def _press_for(self, key: str, changed: Callable[[], None]) -> Callable[[], None]:
        def press() -> None:
            self.entry.press(key)
            changed()

        return press
