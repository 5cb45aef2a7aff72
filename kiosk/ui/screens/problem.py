"""Something went wrong: what happened in plain words, and what can be done next."""

from __future__ import annotations

from kivy.uix.widget import Widget

from kiosk.flow.view import Action
from kiosk.ui import text, theme
from kiosk.ui.context import Ctx
from kiosk.ui.layout import screen, scroll, title, top
from kiosk.ui.screens.done import e_receipt
from kiosk.ui.widgets import BigButton, Text, column


def _do(c: Ctx, action: Action):
    def scan_again() -> None:
        c.engine.scan_again()
        c.ui.mode = "scan"
        c.rerender()

    handlers = {
        Action.RETRY: c.engine.retry,
        Action.OTHER_METHOD: c.engine.other_method,
        Action.SCAN_AGAIN: scan_again,
        Action.CHOOSE_OTHER: c.engine.back,
        Action.FINISH: c.engine.finish,
    }
    return handlers[action]


def _countdown(c: Ctx, until, retry: BigButton) -> Widget:
    """The seconds until a new code may be sent, live; "Try again" waits for them."""
    shown = Text("", c.m, "large", halign="center", color=theme.ACCENT)

    def tick() -> None:
        left = int((until - c.now()).total_seconds() + 0.999)
        retry.disabled = left > 0
        shown.text = (c._("A new code can be sent in {time}").format(
            time=text.seconds(c.t, left)) if left > 0 else c._("A new code can be sent now."))

    tick()
    c.every_second.append(tick)
    return shown


def build(c: Ctx) -> Widget:
    problem = c.view.problem
    words = Text(c.t.message(problem.message), c.m, "title", halign="center")
    buttons = [BigButton(c._(text.ACTIONS[a]), c.m, _do(c, a),
                         kind="primary" if index == 0 else "secondary")
               for index, a in enumerate(problem.actions)]
    said = [words]
    if problem.retry_at is not None:
        said.append(_countdown(c, problem.retry_at, buttons[problem.actions.index(Action.RETRY)]))
    parts = [column(c.m, *said, panel=True)]
    result = c.view.result
    qr = e_receipt(c, result.e_receipt_url) if result is not None else None
    if qr is not None and not c.m.landscape:
        parts.append(qr)
    body = column(c.m, *parts, *buttons, padding=0, spacing=c.m.pad)
    head = title(c, c._("Sorry"))
    head.children[-1].color = theme.ERROR_TEXT
    # Landscape: the e-receipt QR beside the words, so the buttons stay on screen.
    side = top(qr) if qr is not None and c.m.landscape else None
    return screen(c, head, scroll(body), side=side)
