"""The root widget: observes the engine, draws the screen for each View, forwards touches.

A View that differs from the last one only in its idle countdown updates the overlay's
countdown in place; any other change (a new step, a new language, an error) rebuilds the
screen in place, which is how a language switch re-renders the current screen without losing
what was typed.

Touches in the first ``TAP_GUARD_S`` after a screen change are ignored: the second tap of a
double tap must not press what the new screen put under the finger. A screen change is what
moves the buttons: a new step, another face of the start step, an overlay coming or going;
not a live update of the words (a terminal's prompt, the countdown) or a new language.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import fields
from datetime import tzinfo

from kivy.animation import Animation
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.widget import Widget

from kiosk.core.messages import Message
from kiosk.flow.engine import Engine
from kiosk.flow.view import Step, View
from kiosk.i18n import LANGUAGES, NATIVE_NAMES, Translator, load_all_languages
from kiosk.ui import overlays
from kiosk.ui.context import Ctx, DemoCard, UiState
from kiosk.ui.feedback import Feedback, Flash
from kiosk.ui.progressive import Stage, building
from kiosk.ui.screens import card, done, identify, offer, payment, problem, verify, working
from kiosk.ui.staff_gesture import StaffGesture
from kiosk.ui.theme import Metrics
from kiosk.ui.widgets import BigButton

TAP_GUARD_S = 0.4

SCREENS: dict[Step, Callable[[Ctx], Widget]] = {
    Step.ATTRACT: identify.build,
    Step.LOOKING_UP: working.build,
    Step.CARD: card.build,
    Step.OFFER: offer.build,
    Step.PHONE: verify.phone,
    Step.SENDING_CODE: working.build,
    Step.CODE: verify.code,
    Step.PAYMENT: payment.methods,
    Step.PAYING: payment.paying,
    Step.RENEWING: working.build,
    Step.DONE: done.build,
    Step.PROBLEM: problem.build,
}


def stop_animations(widget: Widget) -> None:
    """Repeating animations and clock events hold their widgets: stop them before a screen
    is dropped (a widget deep in a dropped screen keeps its parent, so it cannot notice)."""
    for child in widget.walk(restrict=True):
        Animation.cancel_all(child)
        stop = getattr(child, "stop_ticking", None)
        if stop is not None:
            stop()


class KioskRoot(FloatLayout):
    def __init__(self, engine: Engine, metrics: Metrics, tz: tzinfo,
                 camera: Callable[[], Widget] | None = None,
                 demo_cards: tuple[DemoCard, ...] = (),
                 gesture_clock: Callable[[], float] = time.monotonic,
                 tap_clock: Callable[[], float] = time.monotonic,
                 feedback: Feedback | None = None,
                 screen_swapped: Callable[[], None] = lambda: None,
                 show_demo_card: Callable[[str], None] | None = None,
                 demo_phone: Callable[[str, Callable[[str], None]], None] | None = None) -> None:
        super().__init__()
        self.engine, self.m, self.tz = engine, metrics, tz
        self.camera, self.demo_cards = camera, demo_cards
        self.tap_clock = tap_clock
        self._changed_at = float("-inf")  # by ``tap_clock``: when the buttons last moved
        self._staged: tuple | None = None  # which screen is being built, which one is shown
        self._shown: tuple | None = None
        self._overlay_key: tuple | None = None  # the overlay shown: kind and language
        self._swapped_hook = screen_swapped
        self.show_demo_card = show_demo_card
        self.demo_phone = demo_phone
        self.feedback = feedback or Feedback(None)
        self.ui = UiState()
        self._language_buttons: dict[str, BigButton] = {}
        self.view: View | None = None
        self.ctx: Ctx | None = None
        self.gesture = StaffGesture(metrics.touch * 1.2, metrics.height, gesture_clock)
        layout = BoxLayout(orientation="vertical")
        self.top_bar = BoxLayout(orientation="horizontal", size_hint_y=None,
                                 height=metrics.touch + metrics.pad, spacing=metrics.pad / 3,
                                 padding=(0, metrics.pad / 2, metrics.pad / 2, 0))
        self.body = BoxLayout()
        layout.add_widget(self.top_bar)
        layout.add_widget(self.body)
        self.stage = Stage(self.body, stop_animations, self._swapped)
        self.add_widget(layout)
        self.overlay = FloatLayout()
        self.add_widget(self.overlay)
        self.flash = Flash(metrics.px(18))
        self.add_widget(self.flash)
        load_all_languages()  # before the first screen, not during a renewal
        engine.subscribe(self.show)

    # -- observing the engine --------------------------------------------------------

    def show(self, view: View) -> None:
        previous, self.view = self.view, view
        if previous is not None:
            if view.session != previous.session:  # Done, Cancel or the idle wipe
                self.ui.wipe()
            if (view.step, view.code, view.problem) != (previous.step, previous.code,
                                                        previous.problem):
                self.ui.waiting = False
            changed = {f.name for f in fields(View)
                       if getattr(previous, f.name) != getattr(view, f.name)}
            if changed <= {"idle_warning_s"}:  # only the countdown: the overlay shows it
                self._draw_overlay()
                return
            if self._update_in_place(changed - {"idle_warning_s"}, view):
                return
        self.rerender()

    def _update_in_place(self, changed: set[str], view: View) -> bool:
        """True when only fields the shown screen keeps live changed, now updated."""
        live = self.ctx.live if self.ctx is not None else {}
        if not changed <= live.keys() or self.stage.pending:
            return False
        self.ctx.view = view
        for name in changed:
            live[name](view)
        self._draw_overlay()
        return True

    def rerender(self) -> None:
        view = self.view
        t = Translator(view.language)
        self.ctx = Ctx(self.m, t, self.tz, view, self.engine, self.ui, self.rerender,
                       self.camera, self.demo_cards, self.show_demo_card,
                       demo_phone=self.demo_phone)
        self._draw_top_bar()
        self._staged = (view.step, self.ui.mode if view.step is Step.ATTRACT else None)
        self.stage.show(lambda c=self.ctx, make=SCREENS[view.step]: make(c))
        self._draw_overlay()

    def _swapped(self) -> None:
        if self._staged != self._shown:  # another screen, not the same one redrawn
            self._shown = self._staged
            self._moved()
        self._swapped_hook()

    def _moved(self) -> None:
        self._changed_at = self.tap_clock()

    def _too_soon(self) -> bool:
        """True while a touch may still be the second tap meant for the last screen (or
        lands on a screen about to be replaced)."""
        return self.stage.pending or self.tap_clock() - self._changed_at < TAP_GUARD_S

    def building(self) -> bool:
        """True while the screen is still being built on coming frames."""
        return self.stage.pending or building(self.body)

    def _draw_top_bar(self) -> None:
        """The language buttons never change but for which one is lit: they are made once
        (a dozen widgets less to build and collect on every screen change)."""
        c = self.ctx
        if not self.top_bar.children:
            self.top_bar.add_widget(Widget(size_hint_x=None, width=self.gesture.corner))
            for lang in LANGUAGES:
                self._language_buttons[lang] = button = BigButton(
                    NATIVE_NAMES[lang], c.m, self._language(lang), role="small", kind="panel",
                    height=c.m.touch)
                self.top_bar.add_widget(button)
            self.top_bar.add_widget(BigButton(
                "?", c.m, self._open("help"), kind="secondary", role="title", height=c.m.touch,
                size_hint_x=None, width=c.m.touch))
        for lang, button in self._language_buttons.items():
            button.set_kind("accent" if lang == c.view.language else "panel")

    def _draw_overlay(self) -> None:
        """The overlay that should be up, built only when another one (or another language)
        is wanted: the idle countdown changes its words in place, so it never flickers."""
        c, seconds = self.ctx, self.view.idle_warning_s
        kind = "idle" if seconds is not None else self.ui.overlay
        key = (kind, c.t.lang) if kind is not None else None
        if key == self._overlay_key:
            if seconds is not None:
                self.overlay.children[0].show_seconds(seconds)
            return
        if kind != (self._overlay_key[0] if self._overlay_key else None):
            self._moved()  # an overlay came or went: what is under the finger changed
        self._overlay_key = key
        stop_animations(self.overlay)
        self.overlay.clear_widgets()
        if seconds is not None:
            self.overlay.add_widget(overlays.StillThere(c, seconds, self.engine.touch))
        elif kind == "help":
            self.overlay.add_widget(overlays.help_panel(c, self._open(None)))
        elif kind == "staff":
            self.overlay.add_widget(overlays.staff_login(c, self._open(None)))

    def _language(self, lang: str) -> Callable[[], None]:
        return lambda: self.engine.set_language(lang)

    def _open(self, overlay: str | None) -> Callable[[], None]:
        def open_overlay() -> None:
            self.ui.overlay = overlay
            self._draw_overlay()

        return open_overlay

    def _at_start(self) -> bool:
        view = self.view
        return view is not None and view.step is Step.ATTRACT and not view.out_of_service

    def card_read(self, text: str) -> None:
        """A card seen by the camera or a wedge scanner: acted on only while at the start."""
        if self._at_start():
            self._signal("read")
            self.ui.rejected = None
            self.engine.identify(text)

    def scan_rejected(self, reason: Message) -> None:
        """A barcode that is not a card: say why on the scan screen (only while at the start)."""
        if not self._at_start() or self.ui.mode == "keypad":
            return
        self.engine.touch()  # someone holds a barcode there: the scan face times out too
        self._signal("rejected")
        self.ui.mode, self.ui.rejected = "scan", reason
        self.rerender()

    def _signal(self, kind: str) -> None:
        self.feedback.signal(kind)
        self.flash.show(kind)

    # -- time and touches ------------------------------------------------------------

    def tick(self, _dt: float = 0) -> None:
        """Once a second: the engine's idle clock, then live countdowns on screen."""
        self.engine.tick()
        for update in list(self.ctx.every_second if self.ctx else ()):
            update()

    def on_touch_down(self, touch) -> bool:
        """Every touch tells the engine someone is there. A touch that dismisses the
        "still there?" warning does only that, so nothing under the warning reacts; nor does
        a touch that may be the second of a double tap (``_too_soon``)."""
        warned = self.view is not None and self.view.idle_warning_s is not None
        self.engine.touch()
        if warned or self._too_soon():
            touch.ud["kiosk.dismissed"] = True
            return True
        self.gesture.down(touch.x, touch.y)
        touch.ud["kiosk.staff_corner"] = self.gesture.in_corner(touch.x, touch.y)
        return super().on_touch_down(touch)

    def on_touch_move(self, touch) -> bool:
        if touch.ud.get("kiosk.dismissed"):  # nothing below saw it go down: nor does it move
            return True
        return super().on_touch_move(touch)

    def on_touch_up(self, touch) -> bool:
        if touch.ud.get("kiosk.dismissed"):
            return True
        if self.gesture.up(touch.x, touch.y):
            self._open("staff")()
            return True
        return super().on_touch_up(touch)
