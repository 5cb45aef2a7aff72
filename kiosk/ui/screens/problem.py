"""Something went wrong: what happened, what can be done next, and whom to call.

The whole screen is used: a failure pictogram that reads without words, the message in a
panel of its own, the ways on as big buttons under "What you can do", and the kiosk's
support contact (``kiosk.support_contact``) at the foot, so nobody is left with a dead end.
"""

from __future__ import annotations

from kivy.uix.widget import Widget

from kiosk.flow.view import Action
from kiosk.ui import text, theme
from kiosk.ui.context import Ctx
from kiosk.ui.layout import screen, scroll, title, top
from kiosk.ui.pictograms import Pictogram
from kiosk.ui.screens.done import e_receipt
from kiosk.ui.support import support_panel
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
    landscape = c.m.landscape
    happened = column(
        c.m,
        Pictogram("failure", c.m.px(120 if landscape else 200), pos_hint={"center_x": 0.5}),
        Text(c._("What happened"), c.m, "body", bold=True, color=theme.ACCENT),
        Text(c.t.message(problem.message), c.m, "large" if landscape else "title"),
        panel=True, spacing=c.m.pad / 2)
    buttons = [BigButton(c._(text.ACTIONS[a]), c.m, _do(c, a),
                         kind="primary" if index == 0 else "secondary")
               for index, a in enumerate(problem.actions)]
    if problem.retry_at is not None:  # the seconds until a new code, live
        happened.add_widget(_countdown(c, problem.retry_at,
                                       buttons[problem.actions.index(Action.RETRY)]))
    todo = [Text(c._("What you can do"), c.m, "body", bold=True, color=theme.ACCENT), *buttons]
    help_box = support_panel(c)
    result = c.view.result
    qr = e_receipt(c, result.e_receipt_url, 300 if landscape else 420) if result else None
    head = title(c, c._("Sorry"))
    head.children[-1].color = theme.ERROR_TEXT
    if landscape:
        # What happened and whom to call on the left; what to do (and the e-receipt, which
        # only comes with a single Finish) on the right: all in view.
        left = column(c.m, happened, *([help_box] if help_box else []), padding=0)
        right = column(c.m, *todo, *([qr] if qr is not None else []), padding=0,
                       spacing=c.m.pad / 2)
        return screen(c, head, scroll(left), side=top(right))
    parts = [happened, *([qr] if qr is not None else []),
             column(c.m, *todo, *([help_box] if help_box else []), padding=0,
                    spacing=c.m.pad / 2)]
    return screen(c, head, scroll(column(c.m, *parts, padding=0, spacing=c.m.pad)))
