"""The chosen offer with its price breakdown: nothing is paid before this is confirmed.

It repeats which card is renewed (masked) and the validity end the renewal will give,
computed by the rule the operator applies (``kiosk.core.extension``), so the traveller
confirms the date they are paying for.
"""

from __future__ import annotations

from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from kiosk.core.extension import days_added, extended_until
from kiosk.ui import text, theme
from kiosk.ui.context import Ctx
from kiosk.ui.layout import action_bar, screen, scroll, title, top
from kiosk.ui.widgets import BigButton, Text, column, facts


def _card_rows(c: Ctx) -> list[tuple[str, str]]:
    """The card and its validity end now and after this renewal."""
    card, chosen = c.view.card, c.view.chosen
    rows = [(c._("Card"), card.iccid_masked)] if card else []
    days = days_added(chosen.offer.validity_days, chosen.price.bonus_days)
    before = card.validity_end if card else None
    after = extended_until(before, c.now(), days) if card else None
    if before is not None and days:
        label = c._("Valid until now") if before > c.now() else c._("Expired on")
        rows.append((label, text.local_date(c.t, before, c.tz)))
    if after is not None:
        label = c._("New validity end") if days else c._("Validity end (unchanged)")
        rows.append((label, text.local_date(c.t, after, c.tz)))
    return rows


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
    card_rows = _card_rows(c)
    offer = column(c.m, Text(chosen.offer.name(c.t.lang), c.m, "title", bold=True), *gives,
                   panel=True)
    card = column(c.m, facts(c.m, card_rows, strong=len(card_rows) - 1), panel=True) \
        if card_rows else None
    price = column(c.m, rows, panel=True)
    actions = action_bar(
        c,
        BigButton(c._("Back"), c.m, c.engine.back, kind="secondary"),
        main=BigButton(c._("Continue"), c.m, c.engine.confirm_offer),
    )
    head = title(c, c._("Check your renewal"))
    if c.m.landscape:  # what is bought, for which card, until when; beside it the price
        side = scroll(column(c.m, *[p for p in (offer, card) if p is not None], padding=0))
        return screen(c, head, top(price), actions, side=side)
    body = column(c.m, *[p for p in (offer, card, price) if p is not None], padding=0)
    return screen(c, head, scroll(body), actions)
