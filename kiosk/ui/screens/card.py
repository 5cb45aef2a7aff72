"""The card's status in plain words and the offers it may buy, grouped by what they give.

The best-value validity offer (``kiosk.core.value``) comes first and carries a mark; the
combos follow the validity offers, and each card says no more than its name does not, so
the combos are in view without scrolling in both orientations.
"""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from kiosk.core.offers import OfferKind
from kiosk.core.value import best_first, best_value_id
from kiosk.flow.view import OfferView
from kiosk.ui import text, theme
from kiosk.ui.context import Ctx
from kiosk.ui.layout import action_bar, screen, scroll, title, top
from kiosk.ui.progressive import ProgressiveColumn
from kiosk.ui.widgets import BigButton, Panel, Text, column


def build(c: Ctx) -> Widget:
    card = c.view.card
    status = column(c.m, *[Text(line, c.m, "body") for line in
                           text.card_summary(c.t, card, c.tz)],
                    *[Text(line, c.m, "small", color=theme.MUTED) for line in
                      text.allowances(c.t, card.allowances)], panel=True, spacing=0)
    offers = _offers(c)
    actions = action_bar(c, BigButton(c._("Cancel"), c.m, c.engine.cancel, kind="secondary"))
    head = title(c, c._("Your card"))
    if c.m.landscape:
        return screen(c, head, top(status), actions, side=scroll(offers))
    body = BoxLayout(orientation="vertical", spacing=c.m.pad / 2)
    body.add_widget(status)
    body.add_widget(Text(c._("Choose a renewal"), c.m, "large", bold=True))
    body.add_widget(scroll(offers))
    return screen(c, head, body, actions)


def _offers(c: Ctx) -> Widget:
    """The offers grouped by what they give, each card built on a coming frame."""
    offers = ProgressiveColumn(spacing=c.m.pad / 2)
    best = best_value_id(c.view.offers)
    ordered = best_first(c.view.offers)
    groups = [(name, [o for o in ordered if o.offer.kind in kinds])
              for name, kinds in text.GROUPS]
    groups = [(name, members) for name, members in groups if members]
    if not groups:
        offers.add_widget(Text(c._("There are no renewals for this card at this kiosk."), c.m))
    for name, members in groups:
        grid = GridLayout(cols=3 if len(members) > 2 else 2, spacing=c.m.pad / 2,
                          size_hint_y=None)
        grid.bind(minimum_height=grid.setter("height"))
        offers.add_widget(column(c.m, Text(c._(name), c.m, "large", bold=True,
                                           color=theme.ACCENT), grid, padding=0))
        for o in members:
            offers.later(lambda o=o: offer_card(c, o, o.offer.id == best), grid)
    return offers


def offer_card(c: Ctx, o: OfferView, best: bool = False) -> Widget:
    """One card: name, what you get, price, the best-value mark and the promotion badge.
    Touch the price to choose."""
    price = o.price
    parts = []
    if best:
        parts.append(_badge(c, c._(text.BEST_VALUE), theme.PRIMARY))
    parts.append(Text(o.offer.name(c.t.lang), c.m, "large", bold=True))
    gives = text.offer_gives(c.t, o.offer)
    if o.offer.kind is OfferKind.VALIDITY:  # "7 days" says "+7 days of validity" already
        gives = gives[1:]
    parts += [Text(line, c.m, "small", color=theme.MUTED) for line in gives]
    badge = text.badge(c.t, price)
    if badge:
        parts.append(_badge(c, badge))
    if price.discount:
        parts.append(Text(text.money(c.t, price.list_price), c.m, "small", color=theme.MUTED,
                          strikethrough=True))
    choose = BigButton(text.money(c.t, price.total), c.m,
                       lambda: c.engine.choose_offer(o.offer.id), kind="accent",
                       role="large", height=c.m.touch)
    parts.append(choose)
    card = column(c.m, *parts, panel=True, spacing=c.m.pad / 4,
                  padding=c.m.pad / 2 if c.m.landscape else c.m.pad * 0.6)
    card.best_value = best
    return card


def _badge(c: Ctx, label: str, colour=theme.BADGE) -> Widget:
    panel = Panel(colour, size_hint_y=None, padding=(c.m.pad / 2, 0))
    words = Text(label, c.m, "small", bold=True)
    panel.add_widget(words)
    words.bind(height=lambda _w, h: setattr(panel, "height", h))
    return panel
