"""Choosing how to pay, then the terminal's own prompts live while it works."""

from __future__ import annotations

from kivy.uix.widget import Widget

from kiosk.flow.view import View
from kiosk.ui import text, theme
from kiosk.ui.context import Ctx
from kiosk.ui.layout import action_bar, screen, scroll, title, top
from kiosk.ui.widgets import BigButton, Spinner, Text, column


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
    # The way out on the left like every screen's: never where Confirm just was.
    actions = action_bar(c, BigButton(c._("Back"), c.m, c.engine.back, kind="secondary"),
                         BigButton(c._("Cancel"), c.m, c.engine.cancel, kind="danger"))
    return screen(c, head, scroll(column(c.m, *buttons, padding=0)), actions)


def _pay(c: Ctx, method):
    return lambda: c.engine.pay(method)


def paying(c: Ctx) -> Widget:
    words = Text(_prompt_words(c, c.view), c.m, "huge", bold=True, halign="center")
    c.live["prompt"] = lambda view: setattr(words, "text", _prompt_words(c, view))
    body = column(c.m, words,
                  Spinner(c.m, pos_hint={"center_x": 0.5}),
                  Text(c._("To pay: {amount}").format(amount=_amount(c)), c.m, "title",
                       halign="center", color=theme.ACCENT),
                  spacing=c.m.pad * 2)
    actions = None
    if c.view.can_cancel:
        actions = action_bar(c, BigButton(c._("Cancel payment"), c.m, c.engine.cancel,
                                          kind="danger"))
    return screen(c, title(c, c._("Payment")), top(body), actions)


def _prompt_words(c: Ctx, view: View) -> str:
    """The terminal's own words as it speaks them ("insert your card", "enter PIN")."""
    prompt = view.prompt
    return c._(prompt.message) if prompt else c._(text.WORKING[view.step])
