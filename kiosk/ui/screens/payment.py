"""Choosing how to pay, then the terminal's own prompts live while it works.

Each way to pay is shown by the marks a traveller knows it by (card networks, SBP, Alipay,
WeChat Pay, cash: ``kiosk.ui.pictograms``) with one line saying what it is, so a foreigner
who never heard of SBP learns it is paid from a Russian bank app before choosing it.
"""

from __future__ import annotations

from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from kiosk.core.messages import N_
from kiosk.core.sale import PaymentMethod
from kiosk.flow.view import View
from kiosk.ui import text, theme
from kiosk.ui.context import Ctx
from kiosk.ui.layout import action_bar, screen, scroll, title, top
from kiosk.ui.pictograms import Pictogram
from kiosk.ui.qr import qr_grey
from kiosk.ui.widgets import BigButton, Panel, Spinner, Text, column, pixel_image

MARKS = {
    PaymentMethod.CARD: ("mir", "unionpay", "visa", "mastercard"),
    PaymentMethod.SBP_QR: ("sbp",),
    PaymentMethod.ALIPAY: ("alipay",),
    PaymentMethod.WECHAT: ("wechat",),
    PaymentMethod.CASH: ("cash",),
}
# One line for travellers who have never met the method: what it is, who can use it. Foreign
# Visa and Mastercard cards do not work in Russia (see the payments notes).
EXPLAIN = {
    PaymentMethod.CARD: N_("Mir and UnionPay; Visa and Mastercard only if issued in Russia"),
    PaymentMethod.SBP_QR: N_("Russia's Faster Payments: pay from a Russian bank app"),
    PaymentMethod.ALIPAY: N_("Scan the QR code with the Alipay app"),
    PaymentMethod.WECHAT: N_("Scan the QR code with the WeChat app"),
    PaymentMethod.CASH: N_("Rouble banknotes"),
}
# What the paying screen shows: the device to use (pointing to where it is) and what to
# hold to it, or the wallet's mark and a QR to scan.
DEVICE = {PaymentMethod.CARD: ("terminal", "card"), PaymentMethod.CASH: ("cash",)}


def _amount(c: Ctx) -> str:
    chosen = c.view.chosen
    return text.money(c.t, chosen.price.total) if chosen else ""


class _Marks(ButtonBehavior, BoxLayout):
    """The marks beside a method's name: touching them chooses the method too."""


def _method_row(c: Ctx, method: PaymentMethod) -> Widget:
    pay = _pay(c, method)
    height = c.m.big_button * (1 if c.m.landscape else 1.2)
    marks = MARKS[method]
    side = c.m.px(104 if c.m.landscape else 118) if len(marks) > 1 else c.m.px(150)
    strip = _Marks(orientation="horizontal", size_hint=(None, None), height=height,
                   width=side * len(marks) + c.m.pad, spacing=c.m.px(6),
                   padding=(c.m.pad / 2, 0, 0, 0))
    strip.bind(on_release=lambda *_: pay())
    for kind in marks:
        strip.add_widget(Pictogram(kind, side, pos_hint={"center_y": 0.5}))
    name = BigButton(c._(text.METHODS[method]), c.m, pay, kind="panel", role="title",
                     height=height)
    row = BoxLayout(orientation="horizontal", size_hint_y=None, height=height)
    row.add_widget(strip)
    row.add_widget(name)
    explain = Text(c._(EXPLAIN[method]), c.m, "small", color=theme.MUTED,
                   padding=(c.m.pad / 2, 0))
    box = Panel(theme.PANEL_LIGHT, orientation="vertical", size_hint_y=None,
                padding=(0, 0, 0, c.m.pad / 3))
    box.add_widget(row)
    box.add_widget(explain)
    explain.bind(height=lambda _w, h: setattr(box, "height", height + h + c.m.pad / 3))
    box.height = height + explain.height + c.m.pad / 3
    return box


def methods(c: Ctx) -> Widget:
    head = title(c, c._("How would you like to pay?"),
                 c._("To pay: {amount}").format(amount=_amount(c)))
    # Landscape: two columns, so every way to pay is in view without scrolling.
    rows = GridLayout(cols=2 if c.m.landscape else 1, spacing=c.m.pad / 2, size_hint_y=None)
    rows.bind(minimum_height=rows.setter("height"))
    for method in c.view.methods:
        rows.add_widget(_method_row(c, method))
    parts = [rows]
    if not c.view.printer_ready:
        parts.insert(0, Text(c._("The receipt printer is not working: you will get an "
                                 "e-receipt by QR code instead."), c.m, "body",
                             color=theme.ERROR_TEXT))
    # The way out on the left like every screen's: never where Confirm just was.
    actions = action_bar(c, BigButton(c._("Back"), c.m, c.engine.back, kind="secondary"),
                         BigButton(c._("Cancel"), c.m, c.engine.cancel, kind="danger"))
    return screen(c, head, scroll(column(c.m, *parts, padding=0)), actions)


def _pay(c: Ctx, method):
    return lambda: c.engine.pay(method)


def _device(c: Ctx) -> Widget | None:
    """Where to pay: the terminal (or the cash slot) below the screen, or the QR to scan."""
    method = c.view.method
    if method is None:
        return None
    kinds = DEVICE.get(method, (MARKS[method][0], "qr"))
    words = {"terminal": c._("Use the card terminal below the screen"),
             "cash": c._("Insert banknotes into the slot below the screen")}.get(
        kinds[0], c._("Scan the QR code with your phone"))
    side = c.m.px(180 if c.m.landscape else 260)
    marks = BoxLayout(orientation="horizontal", size_hint=(None, None), height=side,
                      width=(side + c.m.pad) * len(kinds), spacing=c.m.pad,
                      pos_hint={"center_x": 0.5})
    for kind in kinds:
        marks.add_widget(Pictogram(kind, side))
    return column(c.m, marks, Text(words, c.m, "large", halign="center", color=theme.MUTED),
                  spacing=c.m.pad / 2, padding=0)


def paying(c: Ctx) -> Widget:
    words = Text(_prompt_words(c, c.view), c.m, "title" if c.m.landscape else "huge",
                 bold=True, halign="center")
    shown_qr = _qr_payload(c.view)

    def prompt_changed(view: View) -> None:
        if _qr_payload(view) != shown_qr:  # a code to scan came or went: another layout
            c.rerender()
        else:
            words.text = _prompt_words(c, view)

    c.live["prompt"] = prompt_changed
    amount = Text(c._("To pay: {amount}").format(amount=_amount(c)), c.m, "title",
                  halign="center", color=theme.ACCENT)
    # Where to pay: the wallet's code to scan, or the terminal / cash slot pictograms.
    device = _qr_block(c, shown_qr) if shown_qr is not None else _device(c)
    parts = [words]
    if device is not None and not c.m.landscape:
        parts.append(device)
    if shown_qr is None:
        parts.append(Spinner(c.m, pos_hint={"center_x": 0.5}))
    parts.append(amount)
    body = column(c.m, *parts, spacing=c.m.pad * (1 if c.m.landscape or shown_qr else 2))
    actions = None
    if c.view.can_cancel:
        actions = action_bar(c, BigButton(c._("Cancel payment"), c.m, c.engine.cancel,
                                          kind="danger"))
    # Landscape: the pictograms of where to pay beside the terminal's words.
    side = top(device) if device is not None and c.m.landscape else None
    head = None if c.m.landscape else title(c, c._("Payment"))  # the steps say "Pay"
    return screen(c, head, top(body), actions, side=side)


def _qr_payload(view: View) -> str | None:
    return view.prompt.qr_payload if view.prompt is not None else None


def _qr_block(c: Ctx, payload: str) -> Widget:
    """The wallet's code, large and sharp on white, centred: the traveller's phone scans it."""
    size = c.m.px(520 if c.m.landscape else 560)
    block = AnchorLayout(size_hint_y=None, height=size)
    block.add_widget(pixel_image(qr_grey(payload), size))
    return block


def _prompt_words(c: Ctx, view: View) -> str:
    """The terminal's own words as it speaks them ("insert your card", "enter PIN")."""
    prompt = view.prompt
    return c._(prompt.message) if prompt else c._(text.WORKING[view.step])
