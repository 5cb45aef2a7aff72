"""Waiting on the operator: what is happening, and a spinner so it never looks frozen."""

from __future__ import annotations

from kivy.uix.widget import Widget

from kiosk.ui import text
from kiosk.ui.context import Ctx
from kiosk.ui.layout import screen, top
from kiosk.ui.widgets import Spinner, Text, column


def build(c: Ctx) -> Widget:
    words = c._(text.WORKING.get(c.view.step, text.WORKING[c.view.step.LOOKING_UP]))
    body = column(c.m, Text(words, c.m, "huge", bold=True, halign="center"),
                  Spinner(c.m, pos_hint={"center_x": 0.5}), spacing=c.m.pad * 2,
                  padding=(c.m.pad, c.m.px(300), c.m.pad, c.m.pad))
    return screen(c, None, top(body))
