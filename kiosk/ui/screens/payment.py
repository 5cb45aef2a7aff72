"""Choosing how to pay, then the terminal's own prompts live while it works."""

from __future__ import annotations

from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.widget import Widget

from kiosk.flow.view import View
from kiosk.ui import text, theme
from kiosk.ui.context import Ctx
from kiosk.ui.layout import action_bar, screen, scroll, title, top
from kiosk.ui.qr import qr_grey
from kiosk.ui.widgets import BigButton, Spinner, Text, column, pixel_image


def _amount(c: Ctx) -> str:
    chosen = c.view.chosen
    return text.money(c.t, chosen.price.total) if chosen else ""


def methods(c: Ctx) -> Widget:
    head = title(c, c._("How would you like to pay?"),
                 c._("To pay: {amount}").format(amount=_amount(c)))
    buttons = [BigButton(c._(text.METHODS[method]), c.m, _pay(c, method), kind="panel",
                         role="title", height=c.m.big_button * 1.2)
               for method in c.view.methods]
    if not c.view.printer_ready:
        buttons.insert(0, Text(c._("The receipt printer is not working: you will get an "
                                   "e-receipt by QR code instead."), c.m, "body",
                               color=theme.ERROR_TEXT))
    actions = action_bar(c, BigButton(c._("Back"), c.m, c.engine.back, kind="secondary"),
                         BigButton(c._("Cancel"), c.m, c.engine.cancel, kind="danger"))
    return screen(c, head, scroll(column(c.m, *buttons, padding=0)), actions)


def _pay(c: Ctx, method):
    return lambda: c.engine.pay(method)


def paying(c: Ctx) -> Widget:
    words = Text(_prompt_words(c, c.view), c.m, "huge", bold=True, halign="center")
    shown_qr = _qr_payload(c.view)

    def prompt_changed(view: View) -> None:
        if _qr_payload(view) != shown_qr:  # a code to scan came or went: another layout
            c.rerender()
        else:
            words.text = _prompt_words(c, view)

    c.live["prompt"] = prompt_changed
    amount = Text(c._("To pay: {amount}").format(amount=_amount(c)), c.m, "title",
                  halign="center", color=theme.ACCENT)
    actions = None
    if c.view.can_cancel:
        actions = action_bar(c, BigButton(c._("Cancel payment"), c.m, c.engine.cancel,
                                          kind="danger"))
    head = title(c, c._("Payment"))
    if shown_qr is None:
        body = column(c.m, words, Spinner(c.m, pos_hint={"center_x": 0.5}), amount,
                      spacing=c.m.pad * 2)
        return screen(c, head, top(body), actions)
    code = _qr_block(c, shown_qr)
    if c.m.landscape:
        return screen(c, head, top(column(c.m, words, amount, spacing=c.m.pad * 2)), actions,
                      side=top(code))
    return screen(c, head, top(column(c.m, words, code, amount, spacing=c.m.pad)), actions)


def _qr_payload(view: View) -> str | None:
    return view.prompt.qr_payload if view.prompt is not None else None


def _qr_block(c: Ctx, payload: str) -> Widget:
    """The wallet's code, large and sharp on white, centred: the traveller's phone scans it."""
    size = c.m.px(560 if c.m.landscape else 600)
    block = AnchorLayout(size_hint_y=None, height=size)
    block.add_widget(pixel_image(qr_grey(payload), size))
    return block


def _prompt_words(c: Ctx, view: View) -> str:
    """The terminal's own words as it speaks them ("insert your card", "enter PIN")."""
    prompt = view.prompt
    return c._(prompt.message) if prompt else c._(text.WORKING[view.step])
