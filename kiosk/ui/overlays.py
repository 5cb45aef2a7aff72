"""Layers over the current screen: "Are you still there?", help, and the staff placeholder."""

from __future__ import annotations

from collections.abc import Callable

from kivy.graphics import Color, Rectangle
from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.widget import Widget

from kiosk.ui import help as faq
from kiosk.ui import text, theme
from kiosk.ui.context import Ctx
from kiosk.ui.layout import scroll
from kiosk.ui.support import support_panel
from kiosk.ui.widgets import BigButton, Text, column


class Modal(AnchorLayout):
    """Dims the screen and takes every touch, so nothing below reacts by accident."""

    def __init__(self, child: Widget, **kw) -> None:
        super().__init__(anchor_x="center", anchor_y="center", **kw)
        with self.canvas.before:
            Color(0, 0, 0, 0.75)
            self._bg = Rectangle(pos=self.pos, size=self.size)
        self.bind(pos=self._redraw, size=self._redraw)
        self.add_widget(child)

    def _redraw(self, *_a) -> None:
        self._bg.pos, self._bg.size = self.pos, self.size

    def on_touch_down(self, touch) -> bool:
        super().on_touch_down(touch)
        return True

    def on_touch_up(self, touch) -> bool:
        super().on_touch_up(touch)
        return True


def _box(c: Ctx, *children: Widget) -> Widget:
    box = column(c.m, *children, panel=True, spacing=c.m.pad)
    box.size_hint_x = 0.88
    return box


class StillThere(Modal):
    """"Are you still there?" with the seconds left, which ``show_seconds`` changes in place:
    built anew every second, the panel showed empty for a frame each time."""

    def __init__(self, c: Ctx, seconds: int, stay: Callable[[], None]) -> None:
        self._t = c.t
        self.countdown = Text(self._words(seconds), c.m, "large", halign="center",
                              color=theme.ACCENT)
        super().__init__(_box(
            c,
            Text(c._("Are you still there?"), c.m, "title", bold=True, halign="center"),
            self.countdown,
            BigButton(c._("Yes, I am here"), c.m, stay),
        ))

    def _words(self, seconds: int) -> str:
        return self._t.gettext("Starting over in {time}").format(
            time=text.seconds(self._t, seconds))

    def show_seconds(self, seconds: int) -> None:
        self.countdown.text = self._words(seconds)


def help_panel(c: Ctx, close: Callable[[], None]) -> Modal:
    items = []
    for question, answer in faq.FAQ:
        items.append(Text(c._(question), c.m, "large", bold=True, color=theme.ACCENT))
        items.append(Text(c._(answer), c.m, "body"))
    answers = scroll(column(c.m, *items, padding=0))
    answers.size_hint_y = None
    contact = support_panel(c)
    share = 0.6 if contact is None else 0.4 if c.m.landscape else 0.5  # the box stays in view
    answers.height = c.m.height * share
    parts = [Text(c._("Help"), c.m, "title", bold=True, halign="center"), answers]
    if contact is not None:
        parts.append(contact)
    return Modal(_box(c, *parts, BigButton(c._("Close"), c.m, close)))


def staff_login(c: Ctx, close: Callable[[], None]) -> Modal:
    """Placeholder for the staff modes (a later issue): proves the gesture works."""
    return Modal(_box(
        c,
        Text(c._("Staff login"), c.m, "title", bold=True, halign="center"),
        Text(c._("Staff modes are not available on this kiosk yet."), c.m, "body",
             halign="center"),
        BigButton(c._("Close"), c.m, close, kind="secondary"),
    ))

