"""The camera area of the scan screen: live preview, a guide frame, an animated hint.

The hint is a card shape gliding up to the picture and back, so a traveller who does not read
any of our four languages still sees what to do. It glides in a strip below the picture and
stops at its edge: gliding into the frame, it covered the very picture the traveller lines
the card up in. Only the thin corner brackets of the guide frame are drawn on the picture.
"""

from __future__ import annotations

from kivy.clock import Clock
from kivy.graphics import Color, Line, Rectangle
from kivy.properties import NumericProperty
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.widget import Widget

from kiosk.ui import theme
from kiosk.ui.camera_view import PREVIEW_FPS
from kiosk.ui.theme import Metrics

HINT_CYCLE_S = 2.8  # glide in 1.4 s, rest 0.8 s, glide out 0.6 s
HINT_SHARE = 0.22  # of the area's height: the strip below the picture where the hint glides


class GuideFrame(Widget):
    """Corner brackets of the region the decoder looks at, plus the gliding card hint.

    The canvas instructions are made once and moved; ``step`` sets the hint's place from the
    time, so it moves only when called (at the camera's rate) and not while it rests.
    """

    progress = NumericProperty(0)  # 0: card below the frame, 1: card inside it

    def __init__(self, m: Metrics, **kw) -> None:
        super().__init__(**kw)
        self.m = m
        with self.canvas:
            Color(*theme.ACCENT)
            self._corners = [Line(points=[], width=m.px(8)) for _ in range(4)]
            self._card_colour = Color(1, 1, 1, 0.35)
            self._card = Rectangle()
            Color(*theme.DARK_TEXT)
            self._bars = [Rectangle() for _ in range(9)]  # a few bars: it is a barcode
        self.bind(pos=self._draw, size=self._draw, progress=self._draw)

    def picture_box(self) -> tuple[float, float, float, float]:
        """Where the camera picture is: all but the hint's strip at the bottom."""
        strip = self.height * HINT_SHARE
        return self.x, self.y + strip, self.width, self.height - strip

    def frame_box(self) -> tuple[float, float, float, float]:
        _px, py, _pw, ph = self.picture_box()
        w = self.width * 0.7
        h = min(ph * 0.6, w * 0.45)
        return self._middle_x() - w / 2, py + (ph - h) / 2, w, h

    def _middle_x(self) -> float:
        # Not ``center_x``: that cached alias is refreshed after our ``pos`` handler runs, so
        # a move (the first layout of a landscape side panel) drew the hint where it was.
        return self.x + self.width / 2

    def step(self, t: float) -> None:
        """The hint at ``t`` seconds into its loop: glide in, rest, glide out."""
        t %= HINT_CYCLE_S
        if t < 1.4:
            x = t / 1.4
            self.progress = 1 - (1 - x) ** 2  # ease out
        elif t < 2.2:
            self.progress = 1
        else:
            x = (t - 2.2) / 0.6
            self.progress = 1 - x * x  # ease in

    def _draw(self, *_a) -> None:
        x, y, w, h = self.frame_box()
        arm = min(w, h) * 0.22
        for line, (cx, cy, dx, dy) in zip(self._corners, (
                (x, y, 1, 1), (x + w, y, -1, 1), (x, y + h, 1, -1), (x + w, y + h, -1, -1)),
                strict=True):
            line.points = [cx + dx * arm, cy, cx, cy, cx, cy + dy * arm]
        self._card_colour.a = 0.35 + 0.4 * self.progress
        strip = self.height * HINT_SHARE
        card_h = strip * 0.72
        card_w = min(w * 0.8, card_h / 0.55)
        # from the strip's lower right up to the middle of the picture's edge, never past it
        bottom, edge = self.y + strip * 0.04, self.y + strip - card_h
        cy = bottom + (edge - bottom) * self.progress
        middle = min(self._middle_x() + w * 0.35 * (1 - self.progress),
                     self.x + self.width - card_w / 2)
        self._card.pos, self._card.size = (middle - card_w / 2, cy), (card_w, card_h)
        for i, bar in enumerate(self._bars):
            bar.pos = (middle - card_w * 0.35 + i * card_w * 0.08, cy + card_h * 0.25)
            bar.size = (card_w * 0.03, card_h * 0.5)


class ScanArea(FloatLayout):
    """The preview (or a dark panel without a camera) with the guide frame over it.

    One clock event at the camera's rate moves the hint and shows a new camera frame, so
    both land in the same repaint: the screen is redrawn at most ``PREVIEW_FPS`` times a
    second while this area is up, never at the display's 60.
    """

    def __init__(self, m: Metrics, preview: Widget | None, **kw) -> None:
        super().__init__(**kw)
        # Under a preview (which covers the whole area) the panel is never seen but would
        # still be filled on every repaint (even when transparent): only without a camera.
        self._bg = None
        if preview is None:
            with self.canvas.before:
                Color(*theme.PANEL)
                self._bg = Rectangle(pos=self.pos, size=self.size)
            self.bind(pos=self._redraw, size=self._redraw)
        self.preview = preview
        if preview is not None:  # above the hint's strip
            preview.size_hint = (1, 1 - HINT_SHARE)
            preview.pos_hint = {"x": 0, "top": 1}
            self.add_widget(preview)
        self.guide = GuideFrame(m, size_hint=(1, 1), pos_hint={"x": 0, "y": 0})
        self.add_widget(self.guide)
        self._started = Clock.get_boottime()
        self._event = Clock.schedule_interval(self._tick, 1 / PREVIEW_FPS)

    def stop_ticking(self) -> None:
        """Its screen was dropped (``root.stop_animations``): stop polling and moving."""
        self._event.cancel()

    def _tick(self, _dt: float) -> None:
        self.guide.step(Clock.get_boottime() - self._started)
        if self.preview is not None and hasattr(self.preview, "poll"):
            self.preview.poll()

    def _redraw(self, *_a) -> None:
        self._bg.pos, self._bg.size = self.pos, self.size
