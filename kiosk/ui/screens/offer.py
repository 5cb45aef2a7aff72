"""The chosen offer with its price breakdown: nothing is paid before this is confirmed."""

from __future__ import annotations

from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from kiosk.ui import text, theme
from kiosk.ui.context import Ctx
from kiosk.ui.layout import action_bar, screen, scroll, title
from kiosk.ui.widgets import BigButton, Text, column


def build(c: Ctx) -> Widget:
    chosen = c.view.chosen
    gives = [Text(line, c.m, "large") for line in text.offer_gives(c.t, chosen.offer)]
    rows = GridLayout(cols=2, spacing=(c.m.pad, c.m.pad / 3), size_hint_y=None)
    rows.bind(minimum_height=rows.setter("height"))
    lines = text.breakdown(c.t, chosen.price)
    for index, (label, amount) in enumerate(lines):
        last = index == len(lines) - 1
        role, colour = ("title", theme.ACCENT) if last else ("body", theme.TEXT)
        rows.add_widget(Text(label, c.m, role, bold=last, color=colour))
        rows.add_widget(Text(amount, c.m, role, bold=last, color=colour, halign="right"))
    body = column(c.m,
                  column(c.m, Text(chosen.offer.name(c.t.lang), c.m, "title", bold=True),
                         *gives, panel=True),
                  column(c.m, rows, panel=True), padding=0)
    actions = action_bar(
        c,
        BigButton(c._("Back"), c.m, c.engine.back, kind="secondary"),
        main=BigButton(c._("Continue"), c.m, c.engine.confirm_offer),
    )
    return screen(c, title(c, c._("Check your renewal")), scroll(body), actions)
