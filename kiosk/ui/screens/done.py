"""The renewal applied: what was paid, for which card, the new validity end as re-read from
the operator, the transaction number, the receipt and the e-receipt QR."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.core.transaction import ReceiptState
from kiosk.ui import text, theme
from kiosk.ui.context import Ctx
from kiosk.ui.layout import action_bar, screen, scroll, title, top
from kiosk.ui.pictograms import beside
from kiosk.ui.qr import qr_grey
from kiosk.ui.widgets import BigButton, Text, column, facts, pixel_image


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


def _sale_rows(c: Ctx) -> tuple[list[tuple[str, str]], int | None]:
    """Amount paid, card, new validity end, transaction: and which row is the headline."""
    result, chosen, card = c.view.result, c.view.chosen, c.view.card
    rows = []
    if chosen is not None:
        rows.append((c._("Amount paid"), text.money(c.t, chosen.price.total)))
    if card is not None:
        rows.append((c._("Card"), card.iccid_masked))
    strong = None
    if result.validity_end is not None:
        strong = len(rows)
        rows.append((c._("Valid until"), text.local_date(c.t, result.validity_end, c.tz)))
    rows.append((c._("Transaction"), result.tx_id))
    return rows, strong


def build(c: Ctx) -> Widget:
    result = c.view.result
    rows, strong = _sale_rows(c)
    figures = [facts(c.m, rows, strong)]
    allowances = text.allowances(c.t, result.allowances)
    if allowances:
        figures.append(Text(" · ".join(allowances), c.m, "body", color=theme.MUTED))
    receipt_words = c._(text.RECEIPTS[result.receipt])
    colour = theme.ERROR_TEXT if result.receipt is ReceiptState.PENDING else theme.ACCENT
    receipt = Text(receipt_words, c.m, "body" if c.m.landscape else "large", color=colour,
                   halign="center")
    head = beside("success", c.m.px(120), title(c, c._("Your card is renewed"),
                                                 c._("Thank you!")), c.m.pad)
    actions = action_bar(c, main=BigButton(c._("Finish"), c.m, c.engine.finish))
    qr = e_receipt(c, result.e_receipt_url, 280 if c.m.landscape else 380)
    figures_panel = column(c.m, *figures, panel=True)
    if qr is not None and c.m.landscape:
        # Landscape: the receipt's fate and its QR together beside the figures, all in view.
        side = top(column(c.m, receipt, qr, padding=0, spacing=c.m.pad / 2))
        return screen(c, head, scroll(figures_panel), actions, side=side)
    body = column(c.m, figures_panel, receipt, padding=0)
    if qr is not None:
        body.add_widget(qr)
    return screen(c, head, scroll(body), actions)
