"""The few building blocks every screen is made of: wrapped text, big buttons, panels, a
spinner that proves the screen is alive, and a sharp image from a grey grid (the e-receipt
QR)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache

import numpy as np
from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, Line, PopMatrix, PushMatrix, Rectangle, Rotate
from kivy.graphics.texture import Texture
from kivy.properties import NumericProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.gridlayout import GridLayout
from kivy.uix.image import Image
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk.linebreak import break_lines
from kiosk.ui import theme
from kiosk.ui.blending import opaque
from kiosk.ui.ink import NO_RULES, TightInk
from kiosk.ui.theme import Metrics

SPIN_FPS = 15
SPIN_PERIOD_S = 1.2  # one turn


@cache
def text_width(font_name: str, font_size: float, bold: bool) -> Callable[[str], float]:
    """How wide a piece of text is drawn in one font, as Kivy's own layout measures it.

    One core label per font and size for the whole app, and each piece (a character, a
    word) is measured once: every label on every screen breaks its lines through this.
    """
    label = CoreLabel(font_name=font_name, font_size=font_size, bold=bold)

    @lru_cache(maxsize=4096)
    def measure(piece: str) -> float:
        return label.get_extents(piece)[0]

    return measure


class CjkLines:
    """Breaks a wrapping label's CJK text by the kinsoku rules (``kiosk.linebreak``).

    Kivy breaks lines at spaces only, so it would cut a Chinese sentence anywhere. Here the
    label's ``text`` is what is drawn: the words with "\\n" where each line ends, chosen for
    the current ``text_size`` width. ``source_text`` keeps the words as written, for anyone
    who reads them back (the UI tests find widgets by it). Setting ``text`` from outside sets
    new words, which are broken again; text without CJK is left to Kivy's word wrapping.
    """

    source_text: str = ""
    _drawn: str = ""

    def _break_cjk_lines(self) -> None:
        """Call once from ``__init__``, after ``Label.__init__``."""
        self.source_text = self._drawn = self.text
        self.bind(text=self._new_words, text_size=self._rebreak, font_size=self._rebreak,
                  font_name=self._rebreak, bold=self._rebreak, padding=self._rebreak)
        self._rebreak()

    def _new_words(self, _w, value: str) -> None:
        if value != self._drawn:  # not our own line breaks coming back
            self.source_text = value
            self._rebreak()

    def _rebreak(self, *_a) -> None:
        width = self.text_size[0]
        drawn = self.source_text
        if width is not None:
            room = width - self.padding[0] - self.padding[2]
            drawn = break_lines(drawn, room,
                                text_width(self.font_name, self.font_size, self.bold))
        self._drawn = drawn
        self.text = drawn


class Text(TightInk, CjkLines, Label):
    """A label that wraps to its width and is as tall as its text."""

    def __init__(self, text: str, m: Metrics, role: str = "body",
                 color=theme.TEXT, halign: str = "left", bold: bool = False, **kw) -> None:
        super().__init__(text=text, font_size=m.font(role), color=color, halign=halign,
                         valign="middle", bold=bold, size_hint_y=None, **kw, **NO_RULES)
        # Rendered once per frame at most, after the frame's layout passes: the first passes
        # hand a new label Kivy's default 100 px and other passing widths, and rendering at
        # each (Kivy's own trigger runs within the pass) rendered most labels three times.
        self._trigger_texture.cancel()
        self._trigger_texture = Clock.create_trigger(self.texture_update, 0)
        self._break_cjk_lines()
        self._draw_tight()
        self.bind(width=self._wrap, texture_size=self._fit)
        self._wrap(self, self.width)

    def _wrap(self, _w, width) -> None:
        self.text_size = (width, None)

    def _fit(self, _w, size) -> None:
        self.height = size[1] + self.font_size * 0.3


class BigButton(TightInk, CjkLines, Button):
    """A touch target of at least ``Metrics.touch`` pixels, flat and high contrast."""

    def __init__(self, text: str, m: Metrics, on_press: Callable[[], None] | None = None,
                 kind: str = "primary", role: str = "large", height: float | None = None,
                 **kw) -> None:
        kw.setdefault("size_hint_y", None)
        super().__init__(text=text, font_size=m.font(role), halign="center",
                         valign="middle", height=max(height or m.big_button, m.touch),
                         **kw, **NO_RULES)
        with self.canvas, opaque():  # a flat fill: Button's rule (an image) is not applied
            self._fill_colour = Color()
            self._fill = Rectangle(pos=self.pos, size=self.size)
        self.set_kind(kind)
        self._break_cjk_lines()
        self._draw_tight()
        self.bind(size=self._wrap, pos=self._place_fill, background_color=self._colour_fill,
                  disabled=self._colour_fill)
        self._colour_fill()
        if on_press is not None:
            self.bind(on_release=lambda *_: on_press())

    def set_kind(self, kind: str) -> None:
        """Its colours: ``kind`` is one of ``theme.BUTTON_COLOURS``."""
        self._base = theme.BUTTON_COLOURS[kind]
        self.background_color = self._base
        self.color = theme.DARK_TEXT if kind == "accent" else theme.TEXT

    def _wrap(self, _w, size) -> None:
        self.text_size = (size[0] - 24, None)
        self._place_fill()

    def _place_fill(self, *_a) -> None:
        self._fill.pos, self._fill.size = self.pos, self.size

    def _colour_fill(self, *_a) -> None:
        """A button that cannot be pressed now is drawn dimmed, its words muted."""
        r, g, b, a = self.background_color
        dim = 0.45 if self.disabled else 1.0
        self._fill_colour.rgba = (r * dim, g * dim, b * dim, a)

    def on_state(self, _w, state) -> None:
        """Visible feedback the moment a finger lands: no touch goes unanswered."""
        r, g, b, a = self._base
        self.background_color = (r * 0.6, g * 0.6, b * 0.6, a) if state == "down" else self._base


class Panel(BoxLayout):
    """A box with a filled background."""

    def __init__(self, colour=theme.PANEL, **kw) -> None:
        super().__init__(**kw)
        with self.canvas.before, opaque(colour):
            Color(*colour)
            self._bg = Rectangle(pos=self.pos, size=self.size)
        self.bind(pos=self._redraw, size=self._redraw)

    def _redraw(self, *_a) -> None:
        self._bg.pos, self._bg.size = self.pos, self.size


def column(m: Metrics, *children: Widget, spacing: float | None = None,
           panel: bool = False, padding: float | None = None) -> BoxLayout:
    """A vertical stack as tall as its children (for use inside scroll views and panels)."""
    cls = Panel if panel else BoxLayout
    box = cls(orientation="vertical", size_hint_y=None,
              spacing=m.pad / 2 if spacing is None else spacing,
              padding=m.pad if padding is None else padding)
    box.bind(minimum_height=box.setter("height"))
    for child in children:
        box.add_widget(child)
    return box


class Spinner(Widget):
    """A rotating arc: shows that work goes on, so the screen never looks frozen.

    It turns in steps at ``SPIN_FPS`` rather than at the display's rate: every step repaints
    the whole window, which a software renderer pays for in full.
    """

    angle = NumericProperty(0)

    def __init__(self, m: Metrics, **kw) -> None:
        super().__init__(size_hint=(None, None), size=(m.px(180), m.px(180)), **kw)
        with self.canvas:
            PushMatrix()
            self._rotate = Rotate(angle=0, origin=self.center)
            Color(*theme.ACCENT)
            self._arc = Line(circle=(*self.center, self.width / 2, 0, 270), width=m.px(10))
            PopMatrix()
        self.bind(pos=self._redraw, size=self._redraw, angle=self._turn)
        self._event = Clock.schedule_interval(self._spin, 1 / SPIN_FPS)

    def _spin(self, dt: float) -> None:
        self.angle = (self.angle - 360 * dt / SPIN_PERIOD_S) % 360

    def _redraw(self, *_a) -> None:
        # From x/y, not ``center``: the cached alias is refreshed after this handler runs.
        middle = (self.x + self.width / 2, self.y + self.height / 2)
        self._rotate.origin = middle
        self._arc.circle = (*middle, self.width / 2 - 10, 0, 270)

    def _turn(self, _w, angle) -> None:
        self._rotate.angle = angle

    def stop_ticking(self) -> None:
        """Called when its screen is dropped (``root.stop_animations``)."""
        self._event.cancel()


def pixel_image(grey: np.ndarray, size: float) -> Image:
    """An Image widget from a small grey-level grid, enlarged with its pixels kept sharp
    (a QR code must scan)."""
    height, width = grey.shape
    texture = Texture.create(size=(width, height), colorfmt="luminance")
    texture.blit_buffer(np.ascontiguousarray(grey[::-1]).tobytes(), colorfmt="luminance",
                        bufferfmt="ubyte")  # rows top-down, OpenGL's bottom-up
    texture.mag_filter = "nearest"
    texture.min_filter = "nearest"
    return Image(texture=texture, size_hint=(None, None), size=(size, size),
                 fit_mode="contain")


def facts(m: Metrics, rows: list[tuple[str, str]], strong: int | None = None) -> GridLayout:
    """Label-value rows (the card, dates, amounts) in two aligned columns; row ``strong``
    is drawn bold in amber, for the figure the screen is about."""
    grid = GridLayout(cols=2, spacing=(m.pad, m.pad / 3), size_hint_y=None)
    grid.bind(minimum_height=grid.setter("height"))
    for index, (label, value) in enumerate(rows):
        bold = index == strong
        colour = theme.ACCENT if bold else theme.TEXT
        grid.add_widget(Text(label, m, "body", color=theme.MUTED if not bold else colour,
                             bold=bold))
        role = "large" if bold and not m.landscape else "body"
        if len(value) > 20 and " " not in value:  # an id: smaller, so it stays on one line
            role = "small"
        grid.add_widget(Text(value, m, role, color=colour, bold=bold, halign="right"))
    return grid
