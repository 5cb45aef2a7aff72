"""Proving the card is theirs: bind a phone number first if needed, then the SMS code."""

from __future__ import annotations

from kivy.uix.widget import Widget

from kiosk.core.renewal import OTP_CODE_LENGTH, whole_code
from kiosk.ui import text, theme
from kiosk.ui.context import Ctx
from kiosk.ui.keypad import Keypad, Room, number_panel, room_height
from kiosk.ui.layout import action_bar, keypad_screen, title
from kiosk.ui.widgets import BigButton, Spinner, Text, column


def _keypad_screen(c: Ctx, head: Widget, display: Widget, pad: Keypad,
                   main: Widget) -> Widget:
    actions = action_bar(c, BigButton(c._("Cancel"), c.m, c.engine.cancel, kind="secondary"),
                         main=main)
    return keypad_screen(c, head, display, pad, actions)


def phone(c: Ctx) -> Widget:
    entry = c.ui.entry("phone", 16)
    head = title(c, c._("This card has no phone number yet"),
                 c._("Enter the number of the phone this SIM card is in, with the country "
                     "code. We will send it a code."))
    shown = Text("", c.m, "huge", halign="center", color=theme.ACCENT)
    error = c.view.input_error
    problem = Text(c.t.message(error) if error else "", c.m, "body", halign="center",
                   color=theme.ERROR_TEXT)

    def changed() -> None:
        shown.text = entry.text or "+"

    changed()
    pad = Keypad(c.m, entry, changed, plus=True)
    send = BigButton(c._("Send code"), c.m, lambda: c.engine.enter_phone(entry.text))
    display = number_panel(c.m, Room(shown, room_height(c.m, "huge", 1), "number"),
                           Room(problem, room_height(c.m, "body", 2), "message"))
    return _keypad_screen(c, head, display, pad, send)


def code(c: Ctx) -> Widget:
    cv = c.view.code
    entry = c.ui.entry(f"code-{cv.challenge_id}", OTP_CODE_LENGTH)
    head = title(c, c._("Enter the code from the SMS"),
                 c._("We sent a code to {phone}").format(phone=cv.phone_masked))
    shown = Text("", c.m, "huge", halign="center", color=theme.ACCENT)
    # The operator's "wrong code" answer already says how many attempts are left: once only.
    attempts = "" if cv.error and "attempts_left" in cv.error.params else \
        c._("Attempts left: {count}").format(count=cv.attempts_left)
    error = c.t.message(cv.error) if cv.error else ""
    status = Text(error, c.m, "body", halign="center", color=theme.ERROR_TEXT)
    info = Text(attempts, c.m, "small", halign="center", color=theme.MUTED)
    confirm = BigButton(c._("Confirm"), c.m, lambda: _submit(c, entry.text))
    resend = BigButton("", c.m, c.engine.resend_code, kind="secondary")

    def changed() -> None:
        typed = entry.text + "_" * (OTP_CODE_LENGTH - len(entry.text))
        shown.text = " ".join(typed)
        confirm.disabled = not whole_code(entry.text)  # a short code never leaves the kiosk

    def countdown() -> None:
        wait = int((cv.resend_at - c.now()).total_seconds() + 0.999)
        if cv.resends_left <= 0:
            resend.text, resend.disabled = c._("No more codes can be sent"), True
        elif wait > 0:
            resend.text = c._("Send again in {time}").format(time=text.seconds(c.t, wait))
            resend.disabled = True
        else:
            resend.text, resend.disabled = c._("Send the code again"), False

    changed()
    countdown()
    c.every_second.append(countdown)
    said = Room(status, room_height(c.m, "body", 2), "message")
    if c.ui.waiting:  # in the error's place: an answer is coming, the keys stay where they are
        said.clear_widgets()
        spinner = Spinner(c.m)
        spinner.size = (said.height, said.height)
        said.add_widget(spinner)
    display = number_panel(c.m, Room(shown, room_height(c.m, "huge", 1), "number"), said,
                           Room(info, room_height(c.m, "small", 1), "note"))
    pad = Keypad(c.m, entry, changed)
    parts = [display, resend]
    if c.demo_phone is not None:
        parts.append(_demo_sms(c, cv.challenge_id))
    return _keypad_screen(c, head, column(c.m, *parts, padding=0), pad, confirm)


def _demo_sms(c: Ctx, challenge_id: str) -> Widget:
    """Demo only: the SMS the simulated phone got, so the renewal can be finished."""
    said = Text(c._("Demo: the phone's SMS is on its way..."), c.m, "small",
                halign="center", color=theme.ACCENT)

    def arrived(code: str) -> None:
        said.text = c._("Demo: the phone got the SMS \"Your code: {code}\"").format(code=code)

    c.demo_phone(challenge_id, arrived)
    return said


def _submit(c: Ctx, typed: str) -> None:
    if not whole_code(typed):
        return
    c.ui.waiting = True
    c.ui.entries = {k: v for k, v in c.ui.entries.items() if not k.startswith("code-")}
    c.engine.submit_code(typed)
    c.rerender()
