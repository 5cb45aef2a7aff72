"""Welcome, camera and keypad: the three faces of the engine's ATTRACT step."""

from __future__ import annotations

from collections.abc import Iterator

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from kiosk.core.iccid import check_partial
from kiosk.i18n import LANGUAGES, Translator
from kiosk.ui import theme
from kiosk.ui.context import Ctx, DemoCard
from kiosk.ui.keypad import Keypad, Room, number_panel, room_height
from kiosk.ui.layout import action_bar, keypad_screen, screen, title, top
from kiosk.ui.pictograms import beside
from kiosk.ui.scan_area import ScanArea
from kiosk.ui.text import OUT_OF_SERVICE, OUT_OF_SERVICE_HINT, STATUS, WELCOME, WELCOME_HINT
from kiosk.ui.widgets import BigButton, Text, column


class TouchAnywhere(BoxLayout):
    """Holds a screen on which a touch that no button takes does ``act``: "touch the
    screen to start" is then true of the whole screen, not of one button. The staff corner
    is left to the staff gesture."""

    def __init__(self, child: Widget, act, **kw) -> None:
        super().__init__(**kw)
        self._act = act
        self.add_widget(child)

    def on_touch_down(self, touch) -> bool:
        if super().on_touch_down(touch):
            return True
        if not self.collide_point(*touch.pos) or touch.ud.get("kiosk.staff_corner"):
            return False
        touch.grab(self)
        return True

    def on_touch_up(self, touch) -> bool:
        if touch.grab_current is not self:
            return super().on_touch_up(touch)
        touch.ungrab(self)
        if self.collide_point(*touch.pos):
            self._act()
        return True


def build(c: Ctx) -> Widget:
    if c.view.out_of_service:
        return out_of_service(c)
    if c.ui.mode == "keypad":
        return keypad(c)
    if c.ui.mode == "scan" or c.view.input_error is not None:
        return scan(c)
    return attract(c)


def _go(c: Ctx, mode: str):
    def go() -> None:
        c.ui.mode, c.ui.rejected = mode, None
        c.rerender()

    return go


def _current_language_first(c: Ctx) -> Iterator[tuple[Translator, bool]]:
    """Every language's words, the traveller's own first: for screens shown before anyone
    has chosen a language."""
    for lang in sorted(LANGUAGES, key=lambda lang: lang != c.view.language):
        yield Translator(lang), lang == c.view.language


def attract(c: Ctx) -> Widget:
    """What the kiosk does, in all four languages at once."""
    lines = []
    for t, current in _current_language_first(c):
        big, small = ("large", "small") if c.m.landscape else ("title", "body")
        lines.append(Text(t.gettext(WELCOME), c.m, big if current else small,
                          bold=current, halign="center",
                          color=theme.TEXT if current else theme.MUTED))
        if current or not c.m.landscape:  # landscape has room for one hint only
            lines.append(Text(t.gettext(WELCOME_HINT), c.m, small if current else "small",
                              halign="center", color=theme.ACCENT if current else theme.MUTED))
    words = column(c.m, *lines, spacing=c.m.pad / 3)
    start = action_bar(c, main=BigButton(c._("Start"), c.m, _go(c, "scan"), role="title",
                                         height=c.m.big_button * 1.3))
    camera = ScanArea(c.m, c.camera() if c.camera else None)
    if c.m.landscape:
        return TouchAnywhere(screen(c, None, top(words), start, side=camera, steps=False),
                             _go(c, "scan"))
    body = BoxLayout(orientation="vertical")
    body.add_widget(words)
    body.add_widget(camera)
    return TouchAnywhere(screen(c, None, body, start, steps=False), _go(c, "scan"))


def out_of_service(c: Ctx) -> Widget:
    """The kiosk cannot sell now: said in all four languages, before anyone scans a card."""
    lines = []
    for t, current in _current_language_first(c):
        lines.append(Text(t.gettext(OUT_OF_SERVICE), c.m, "huge" if current else "body",
                          bold=current, halign="center",
                          color=theme.ERROR_TEXT if current else theme.MUTED))
        lines.append(Text(t.gettext(OUT_OF_SERVICE_HINT), c.m, "large" if current else "small",
                          halign="center", color=theme.TEXT if current else theme.MUTED))
        if current:
            lines.append(Widget(size_hint_y=None, height=c.m.pad * 2))
    words = column(c.m, *lines, spacing=c.m.pad / 2,
                   padding=(c.m.pad, c.m.px(160), c.m.pad, c.m.pad))
    return screen(c, None, top(words), steps=False)


def _demo_row(c: Ctx) -> Widget | None:
    if not c.demo_cards:
        return None
    label = Text(c._("Demo: simulate a scan"), c.m, "small", color=theme.ACCENT)
    grid = GridLayout(cols=2 if c.m.landscape else 3, spacing=c.m.pad / 3, size_hint_y=None)
    grid.bind(minimum_height=grid.setter("height"))
    for card in c.demo_cards:  # room for two lines: "Active, no phone / …0049"
        grid.add_widget(BigButton(_demo_label(c, card), c.m, _identify(c, card.iccid),
                                  kind="accent", role="small",
                                  height=c.m.touch * (1.2 if c.m.landscape else 1.4)))
    return column(c.m, label, grid, padding=0)


def _demo_label(c: Ctx, card: DemoCard) -> str:
    if card.status is None:
        return card.label
    words = c._(STATUS[card.status])
    if not card.has_phone:
        words = c._("{status}, no phone").format(status=words)
    return f"{words} …{card.iccid[-4:]}"


def _identify(c: Ctx, iccid: str):
    """The demo row: with a demo camera the card is shown to it and read as any card is."""
    if c.show_demo_card is not None:
        return lambda: c.show_demo_card(iccid)
    return lambda: c.engine.identify(iccid)


def scan(c: Ctx) -> Widget:
    error = c.view.input_error
    if error is not None:
        subtitle = c.t.message(error)
    elif c.ui.rejected is not None:  # the camera saw a barcode that is not a card
        subtitle = "\n".join((c.t.message(c.ui.rejected),
                              c._("Please show the barcode printed on your SIM card or its "
                                  "holder.")))
    else:
        subtitle = c._("Hold it still for a moment.")
    words = title(c, c._("Hold the card's barcode inside the frame"), subtitle)
    if error is not None or c.ui.rejected is not None:
        words.children[0].color = theme.ERROR_TEXT
    # The camera pictogram points down to where the camera is.
    head = beside("camera", c.m.px(150), words, c.m.pad)
    camera = ScanArea(c.m, c.camera() if c.camera else None)
    demo = _demo_row(c)
    side = None
    if demo is not None and c.m.landscape:
        side = top(demo)
        side.size_hint_x = 0.6
    elif demo is not None:
        body = BoxLayout(orientation="vertical", spacing=c.m.pad / 2)
        body.add_widget(camera)
        body.add_widget(demo)
        camera = body
    actions = action_bar(
        c,
        BigButton(c._("Cancel"), c.m, _go(c, "attract"), kind="secondary"),
        main=BigButton(c._("Type the number instead"), c.m, _go(c, "keypad")),
    )
    return screen(c, head, camera, actions, side=side)


def _grouped(digits: str) -> str:
    return " ".join(digits[i:i + 4] for i in range(0, len(digits), 4))


def keypad(c: Ctx) -> Widget:
    """The ICCID keypad: checks the number as it is typed and says what is wrong."""
    entry = c.ui.entry("iccid", 20)
    head = title(c, c._("Type the card number"),
                 c._("19 or 20 digits printed on the card, starting with 89"))
    shown = Text("", c.m, "huge", halign="center", color=theme.ACCENT)
    problem = Text("", c.m, "body", halign="center", color=theme.ERROR_TEXT)

    def changed() -> None:
        shown.text = _grouped(entry.text) or "—"
        wrong = check_partial(entry.text)
        problem.text = c.t.message(wrong.message) if wrong else ""

    changed()
    if c.view.input_error is not None and not problem.text:
        problem.text = c.t.message(c.view.input_error)
    pad = Keypad(c.m, entry, changed)
    display = number_panel(c.m, Room(shown, room_height(c.m, "huge", 2), "number"),
                           Room(problem, room_height(c.m, "body", 2), "message"))
    actions = action_bar(
        c,
        BigButton(c._("Use the camera"), c.m, _go(c, "scan"), kind="secondary"),
        main=BigButton(c._("Check the number"), c.m, lambda: c.engine.identify(entry.text)),
    )
    return keypad_screen(c, head, display, pad, actions)

