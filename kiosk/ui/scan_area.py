"""The camera area of the scan screen: live preview, a guide frame, an animated hint.

The hint is a card shape gliding into the frame and back, so a traveller who does not read
any of our four languages still sees what to do.
"""

from __future__ import annotations

from kivy.animation import Animation
from kivy.graphics import Color, Line, Rectangle
from kivy.properties import NumericProperty
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.widget import Widget

from kiosk.ui import theme
from kiosk.ui.theme import Metrics


class GuideFrame(Widget):
    """Corner brackets of the region the decoder looks at, plus the gliding card hint."""

    progress = NumericProperty(0)  # 0: card below the frame, 1: card inside it

    def __init__(self, m: Metrics, **kw) -> None:
        super().__init__(**kw)
        self.m = m
        self.bind(pos=self._draw, size=self._draw, progress=self._draw)
        anim = (Animation(progress=1, duration=1.4, t="out_quad")
                + Animation(progress=1, duration=0.8)
                + Animation(progress=0, duration=0.6, t="in_quad"))
        anim.repeat = True
        anim.start(self)

    def frame_box(self) -> tuple[float, float, float, float]:
        w = self.width * 0.7
        h = min(self.height * 0.5, w * 0.45)
        return self.center_x - w / 2, self.center_y - h / 2, w, h

    def _draw(self, *_a) -> None:
        x, y, w, h = self.frame_box()
        arm, width = min(w, h) * 0.22, self.m.px(8)
        self.canvas.clear()
        with self.canvas:
            Color(*theme.ACCENT)
            for cx, cy, dx, dy in ((x, y, 1, 1), (x + w, y, -1, 1), (x, y + h, 1, -1),
                                   (x + w, y + h, -1, -1)):
                Line(points=[cx + dx * arm, cy, cx, cy, cx, cy + dy * arm], width=width)
            Color(1, 1, 1, 0.35 + 0.4 * self.progress)
            card_w, card_h = w * 0.8, h * 0.8
            bottom = self.y + self.height * 0.02
            target = y + (h - card_h) / 2
            cy = bottom + (target - bottom) * self.progress
            Rectangle(pos=(self.center_x - card_w / 2, cy), size=(card_w, card_h))
            Color(*theme.DARK_TEXT)
            for i in range(9):  # a few bars: it is a barcode
                bar_x = self.center_x - card_w * 0.35 + i * card_w * 0.08
                Rectangle(pos=(bar_x, cy + card_h * 0.25), size=(card_w * 0.03, card_h * 0.5))

    def stop(self) -> None:
        Animation.cancel_all(self)


class ScanArea(FloatLayout):
    """The preview (or a dark panel without a camera) with the guide frame over it."""

    def __init__(self, m: Metrics, preview: Widget | None, **kw) -> None:
        super().__init__(**kw)
        with self.canvas.before:
            Color(*theme.PANEL)
            self._bg = Rectangle(pos=self.pos, size=self.size)
        self.bind(pos=self._redraw, size=self._redraw)
        if preview is not None:
            preview.size_hint = (1, 1)
            preview.pos_hint = {"x": 0, "y": 0}
            self.add_widget(preview)
        self.guide = GuideFrame(m, size_hint=(1, 1), pos_hint={"x": 0, "y": 0})
        self.add_widget(self.guide)

    def _redraw(self, *_a) -> None:
        self._bg.pos, self._bg.size = self.pos, self.size
