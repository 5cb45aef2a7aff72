"""The renewal applied: the new figures as re-read from the operator, receipt, e-receipt."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.core.transaction import ReceiptState
from kiosk.ui import text, theme
from kiosk.ui.context import Ctx
from kiosk.ui.layout import action_bar, screen, scroll, title, top
from kiosk.ui.qr import qr_grey
from kiosk.ui.widgets import BigButton, Text, column, pixel_image


def e_receipt(c: Ctx, url: str | None, size_px: int = 420) -> Widget | None:
    """The QR code of the e-receipt with a line saying what it is."""
    if not url:
        return None
    size = c.m.px(size_px)
    box = BoxLayout(orientation="vertical", size_hint_y=None, spacing=c.m.pad / 3)
    label = Text(c._("E-receipt"), c.m, "small", halign="center", color=theme.MUTED)
    image = pixel_image(qr_grey(url), size)
    image.pos_hint = {"center_x": 0.5}
    box.add_widget(image)
    box.add_widget(label)
    box.height = size + label.height + c.m.pad
    label.bind(height=lambda _w, h: setattr(box, "height", size + h + c.m.pad))
    return box


def build(c: Ctx) -> Widget:
    result = c.view.result
    figures = []
    if result.validity_end is not None:
        card = c.view.card
        days = card.days_left if card else 0
        figures.append(Text(text.validity(c.t, result.validity_end, days, c.tz), c.m, "large",
                            bold=True))
    figures += [Text(line, c.m, "body") for line in text.allowances(c.t, result.allowances)]
    receipt_words = c._(text.RECEIPTS[result.receipt])
    colour = theme.ERROR_TEXT if result.receipt is ReceiptState.PENDING else theme.ACCENT
    receipt = Text(receipt_words, c.m, "body" if c.m.landscape else "large", color=colour,
                   halign="center")
    head = title(c, c._("Your card is renewed"), c._("Thank you!"))
    actions = action_bar(c, main=BigButton(c._("Finish"), c.m, c.engine.finish))
    qr = e_receipt(c, result.e_receipt_url, 340 if c.m.landscape else 420)
    figures_panel = column(c.m, *figures, panel=True)
    if qr is not None and c.m.landscape:
        # Landscape: the receipt's fate and its QR together beside the figures, all in view.
        side = top(column(c.m, receipt, qr, padding=0, spacing=c.m.pad / 2))
        return screen(c, head, scroll(figures_panel), actions, side=side)
    body = column(c.m, figures_panel, receipt, padding=0)
    if qr is not None:
        body.add_widget(qr)
    return screen(c, head, scroll(body), actions)
