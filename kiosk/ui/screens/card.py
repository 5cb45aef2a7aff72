"""The card's status in plain words and the offers it may buy, grouped by what they give.

The groups are tabs (validity, combos, data, calls) above the offers, so every kind is one
touch away and nothing needs scrolling to be found, in either orientation. The best-value
validity offer (``kiosk.core.value``) comes first and carries a mark.
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


def _status(c: Ctx) -> Widget:
    card = c.view.card
    lines = [Text(line, c.m, "body") for line in text.card_summary(c.t, card, c.tz)]
    allowances = text.allowances(c.t, card.allowances)
    if allowances:  # one line: the offers below need the height
        lines.append(Text(" · ".join(allowances), c.m, "small", color=theme.MUTED))
    return column(c.m, *lines, panel=True, spacing=0)


def build(c: Ctx) -> Widget:
    tabs, offers = _offers(c)
    choice = BoxLayout(orientation="vertical", spacing=c.m.pad / 2)
    if not c.m.landscape:
        choice.add_widget(Text(c._("Choose a renewal"), c.m, "large", bold=True))
    if tabs is not None:
        choice.add_widget(tabs)
    choice.add_widget(scroll(offers))
    actions = action_bar(c, BigButton(c._("Cancel"), c.m, c.engine.cancel, kind="secondary"))
    if c.m.landscape:  # the title heads the status, to leave the offers two full rows
        status = top(column(c.m, Text(c._("Your card"), c.m, "title", bold=True), _status(c),
                            padding=0))
        status.size_hint_x = 0.6
        return screen(c, None, status, actions, side=choice)
    body = BoxLayout(orientation="vertical", spacing=c.m.pad / 2)
    body.add_widget(_status(c))
    body.add_widget(choice)
    return screen(c, title(c, c._("Your card")), body, actions)


def _groups(c: Ctx) -> list[tuple[str, list[OfferView]]]:
    ordered = best_first(c.view.offers)
    groups = [(name, [o for o in ordered if o.offer.kind in kinds])
              for name, kinds in text.GROUPS]
    return [(name, members) for name, members in groups if members]


def _offers(c: Ctx) -> tuple[Widget | None, Widget]:
    """The group tabs (None for a single group) and the shown group's offers, each card
    built on a coming frame."""
    offers = ProgressiveColumn(spacing=c.m.pad / 2)
    groups = _groups(c)
    if not groups:
        offers.add_widget(Text(c._("There are no renewals for this card at this kiosk."), c.m))
        return None, offers
    names = [name for name, _ in groups]
    shown = c.ui.offer_group if c.ui.offer_group in names else names[0]
    best = best_value_id(c.view.offers)
    members = dict(groups)[shown]
    cols = 3 if len(members) > 2 and not _long_names(members) else 2
    grid = GridLayout(cols=cols, spacing=c.m.pad / 2, size_hint_y=None)
    grid.bind(minimum_height=grid.setter("height"))
    offers.add_widget(grid)
    for o in members:
        offers.later(lambda o=o: offer_card(c, o, o.offer.id == best, cols), grid)
    return (_tabs(c, names, shown) if len(names) > 1 else None), offers


def _long_names(members: list[OfferView]) -> bool:
    return any(o.offer.kind is OfferKind.COMBO for o in members)


def _tabs(c: Ctx, names: list[str], shown: str) -> Widget:
    row = GridLayout(cols=len(names), spacing=c.m.pad / 3, size_hint_y=None,
                     height=c.m.touch)
    for name in names:
        row.add_widget(BigButton(c._(name), c.m, _show_group(c, name), role="small",
                                 kind="accent" if name == shown else "panel",
                                 height=c.m.touch))
    return row


def _show_group(c: Ctx, name: str):
    def show() -> None:
        c.ui.offer_group = name
        c.rerender()

    return show


def offer_card(c: Ctx, o: OfferView, best: bool = False, cols: int = 2) -> Widget:
    """One card: the best-value mark, name, what you get, promotion badge and price.
    Touch the price to choose."""
    price = o.price
    parts = []
    if best:
        parts.append(_badge(c, c._(text.BEST_VALUE), theme.PRIMARY))
    parts.append(Text(o.offer.name(c.t.lang), c.m, "body" if c.m.landscape else "large",
                      bold=True))
    gives = text.offer_gives(c.t, o.offer)
    if o.offer.kind is OfferKind.VALIDITY:  # "7 days" already says "+7 days of validity"
        gives = gives[1:]
    if gives:  # one line: the cards stay low enough for two rows in view
        parts.append(Text(" · ".join(gives), c.m, "small", color=theme.MUTED))
    badge = text.badge(c.t, price)
    if badge:
        parts.append(_badge(c, badge))
    if price.discount and not c.m.landscape:  # landscape: the badge says it, in less height
        parts.append(Text(text.money(c.t, price.list_price), c.m, "small", color=theme.MUTED,
                          strikethrough=True))
    choose = BigButton(text.money(c.t, price.total), c.m,
                       lambda: c.engine.choose_offer(o.offer.id), kind="accent",
                       role="body" if cols > 2 else "large", height=c.m.touch)
    parts.append(choose)
    card = column(c.m, *parts, panel=True, spacing=c.m.pad / 4, padding=c.m.pad / 2)
    card.best_value = best
    card.offer_id = o.offer.id
    return card


def _badge(c: Ctx, label: str, colour=theme.BADGE) -> Widget:
    panel = Panel(colour, size_hint_y=None, padding=(c.m.pad / 2, 0))
    words = Text(label, c.m, "small", bold=True)
    panel.add_widget(words)
    words.bind(height=lambda _w, h: setattr(panel, "height", h))
    return panel
