"""A large numeric keypad: the only typing the traveller ever does.

The typed text lives in an ``Entry`` owned by the root, not in the widget, so a language
switch (which rebuilds the screen) never loses what was typed. The number and its error sit
in a panel of fixed height (``number_panel``) so that nothing typed or said above the keys
ever moves them under the finger: a panel that grew with an error or a wrapping number moved
the keys 37-86 px between two taps, and a tap meant for 5 typed 8.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from kivy.core.text import Label as CoreLabel
from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from kiosk.ui.theme import Metrics
from kiosk.ui.widgets import BigButton, Panel

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


@cache
def _line_height(font_size: float) -> float:
    return CoreLabel(font_size=font_size).get_extents("8Ág")[1]


def room_height(m: Metrics, role: str, lines: int) -> float:
    """The height a ``Text`` of ``lines`` lines in ``role`` takes (as ``Text`` sizes itself)."""
    font = m.font(role)
    return lines * _line_height(font) + font * 0.3


class Room(AnchorLayout):
    """A fixed-height place for one label whose words come and go (centred in it).

    ``holds`` says what it is for ("number", "message" or "note"), for the tests that check
    every language's longest words fit.
    """

    def __init__(self, child: Widget, height: float, holds: str) -> None:
        super().__init__(anchor_y="center", size_hint_y=None, height=height)
        self.holds = holds
        self.add_widget(child)


def number_panel(m: Metrics, *rooms: Room) -> Panel:
    """The typed number and what is said about it, always the same height."""
    spacing = m.pad / 2
    panel = Panel(orientation="vertical", size_hint_y=None, spacing=spacing, padding=m.pad)
    for room in rooms:
        panel.add_widget(room)
    panel.height = sum(r.height for r in rooms) + spacing * (len(rooms) - 1) + 2 * m.pad
    return panel
