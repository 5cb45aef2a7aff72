"""The step indicator: card -> renewal -> verify -> pay -> done, the current one lit.

A traveller who reads none of our words still sees how far along the renewal is: numbered
discs joined by a line, the ones behind ticked, the current one amber (red on a problem
screen, at the stage that stopped). Portrait puts each name under its disc, landscape beside
it, to keep the bar low where height is scarce.
"""

from __future__ import annotations

from kivy.graphics import Color, Ellipse, Line
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.core.messages import N_
from kiosk.flow.progress import STAGES, Stage, stage_of
from kiosk.flow.view import Step
from kiosk.ui import theme
from kiosk.ui.context import Ctx
from kiosk.ui.pictograms import letters
from kiosk.ui.widgets import Text

NAMES = {
    Stage.CARD: N_("Card"),
    Stage.RENEWAL: N_("Renewal"),
    Stage.VERIFY: N_("Verify"),
    Stage.PAY: N_("Pay"),
    Stage.DONE: N_("Done"),
}

DONE, CURRENT, FAILED, AHEAD = "done", "current", "failed", "ahead"
_DISC = {DONE: theme.PRIMARY, CURRENT: theme.ACCENT, FAILED: theme.DANGER,
         AHEAD: theme.PANEL_LIGHT}
_WORDS = {DONE: theme.MUTED, CURRENT: theme.ACCENT, FAILED: theme.ERROR_TEXT,
          AHEAD: theme.MUTED}


class Disc(Widget):
    """One stage's disc: its number, or a tick once passed."""

    def __init__(self, number: int, state: str, side: float, **kw) -> None:
        super().__init__(size_hint=(None, None), size=(side, side), **kw)
        self.number, self.state = number, state
        self.bind(pos=self._redraw)
        self._redraw()

    def _redraw(self, *_a) -> None:
        x, y, s = self.x, self.y, self.width
        self.canvas.clear()
        with self.canvas:
            Color(*_DISC[self.state])
            Ellipse(pos=(x, y), size=(s, s))
            if self.state == DONE:
                Color(1, 1, 1, 1)
                Line(points=[x + s * 0.27, y + s * 0.52, x + s * 0.44, y + s * 0.34,
                             x + s * 0.74, y + s * 0.68], width=max(s * 0.07, 2))
            else:
                ink = theme.DARK_TEXT if self.state == CURRENT else theme.TEXT
                letters(str(self.number), x + s / 2, y + s / 2, s * 0.6, ink)


class StepIndicator(BoxLayout):
    """The five stages in a row; ``current`` and each stage's ``states`` are kept for tests
    and for anyone reading the widget tree."""

    def __init__(self, c: Ctx) -> None:
        landscape = c.m.landscape
        height = c.m.px(72) if landscape else c.m.px(118)
        self._rule = None
        super().__init__(orientation="horizontal", size_hint_y=None, height=height,
                         padding=(c.m.pad, c.m.px(6)), spacing=c.m.pad / 2)
        self.current = stage_of(c.view)
        failed = c.view.step is Step.PROBLEM
        at = STAGES.index(self.current)
        self.states: dict[Stage, str] = {}
        self.labels: dict[Stage, Text] = {}
        side = c.m.px(52)
        for index, stage in enumerate(STAGES):
            if index < at or (stage is Stage.DONE and index == at):
                state = DONE
            elif index == at:
                state = FAILED if failed else CURRENT
            else:
                state = AHEAD
            self.states[stage] = state
            self.add_widget(self._cell(c, index + 1, stage, state, side))
        with self.canvas.before:
            Color(*theme.PANEL_LIGHT)
            self._rule = Line(points=[], width=max(c.m.px(3), 1))

    def _cell(self, c: Ctx, number: int, stage: Stage, state: str, side: float) -> Widget:
        landscape = c.m.landscape
        cell = BoxLayout(orientation="horizontal" if landscape else "vertical",
                         spacing=c.m.px(8))
        disc = Disc(number, state, side, pos_hint={"center_x": 0.5, "center_y": 0.5})
        words = Text(c._(NAMES[stage]), c.m, "small", bold=state in (CURRENT, FAILED),
                     color=_WORDS[state], halign="left" if landscape else "center",
                     pos_hint={"center_y": 0.5})
        words.font_size = c.m.px(30)
        self.labels[stage] = words
        if not landscape:  # beside the discs the names would sit on the line
            disc.bind(pos=self._draw_rule)
        cell.add_widget(disc)
        cell.add_widget(words)
        return cell

    def _draw_rule(self, *_a) -> None:
        """A line through the discs' middles, behind them."""
        discs = [w for w in self.walk(restrict=True) if isinstance(w, Disc)]
        if not discs or self._rule is None:
            return
        y = discs[0].y + discs[0].height / 2
        first, last = discs[0], discs[-1]  # from x, not the cached center_x alias
        self._rule.points = [first.x + first.width / 2, y, last.x + last.width / 2, y]
