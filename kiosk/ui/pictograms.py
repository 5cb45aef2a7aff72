"""Our own pictograms, drawn as Kivy vector shapes: they say it to anyone, in any language.

Where the camera and the card terminal are, card / QR / cash, success and failure, and the
marks of the ways to pay. Each is a square ``Pictogram`` widget whose drawing is made of a
few canvas instructions computed from its size, so it is sharp at any screen size and
nothing is stored as an image file. The payment marks are simple coloured tiles with letters
in the kiosk font: they say which networks and wallets are taken here without copying
anyone's artwork.

The physical layout assumed is the usual kiosk's: the camera and the card terminal sit below
the screen, so their pictograms point down.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, Ellipse, Line, Rectangle, RoundedRectangle, Triangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.ui import theme

WHITE = (1, 1, 1, 1)
GREEN = (0.13, 0.70, 0.38, 1)
RED = (0.90, 0.25, 0.22, 1)
INK = theme.DARK_TEXT

Draw = Callable[[float, float, float], None]  # the box's x, y and side


@lru_cache(maxsize=256)
def _letters(text: str, size: int, bold: bool = True):
    label = CoreLabel(text=text, font_size=size, bold=bold)
    label.refresh()
    return label.texture


def letters(text: str, cx: float, cy: float, size: float, colour=WHITE,
            max_width: float | None = None) -> None:
    """``text`` centred on (cx, cy), scaled down to ``max_width`` if it is wider."""
    texture = _letters(text, max(int(size), 6))
    w, h = texture.size
    if max_width and w > max_width:
        w, h = max_width, h * max_width / w
    Color(*colour)
    Rectangle(texture=texture, pos=(cx - w / 2, cy - h / 2), size=(w, h))


def _arrow_down(x: float, y: float, s: float, colour=theme.ACCENT) -> None:
    Color(*colour)
    mid = x + s / 2
    Rectangle(pos=(mid - s * 0.05, y + s * 0.16), size=(s * 0.10, s * 0.16))
    Triangle(points=[mid - s * 0.15, y + s * 0.17, mid + s * 0.15, y + s * 0.17, mid, y])


def camera(x: float, y: float, s: float) -> None:
    """A camera body with its lens, and an arrow down to where it sits."""
    Color(*theme.MUTED)
    RoundedRectangle(pos=(x + s * 0.12, y + s * 0.40), size=(s * 0.76, s * 0.46),
                     radius=[s * 0.06])
    Rectangle(pos=(x + s * 0.36, y + s * 0.84), size=(s * 0.28, s * 0.08))
    Color(*theme.PANEL)
    Ellipse(pos=(x + s * 0.33, y + s * 0.46), size=(s * 0.34, s * 0.34))
    Color(*theme.ACCENT)
    Ellipse(pos=(x + s * 0.40, y + s * 0.53), size=(s * 0.20, s * 0.20))
    _arrow_down(x, y, s)


def terminal(x: float, y: float, s: float) -> None:
    """A card terminal (screen and keys), a card held to it, and an arrow down to it."""
    Color(*theme.MUTED)
    RoundedRectangle(pos=(x + s * 0.30, y + s * 0.36), size=(s * 0.40, s * 0.60),
                     radius=[s * 0.05])
    Color(*theme.PANEL)
    Rectangle(pos=(x + s * 0.36, y + s * 0.76), size=(s * 0.28, s * 0.14))
    for row in range(3):
        for col in range(3):
            Ellipse(pos=(x + s * (0.37 + col * 0.09), y + s * (0.42 + row * 0.10)),
                    size=(s * 0.06, s * 0.06))
    _card_shape(x + s * 0.52, y + s * 0.52, s * 0.42)
    _arrow_down(x, y, s)


def _card_shape(x: float, y: float, w: float) -> None:
    h = w * 0.63
    Color(0.20, 0.45, 0.85, 1)
    RoundedRectangle(pos=(x, y), size=(w, h), radius=[w * 0.08])
    Color(*theme.ACCENT)
    RoundedRectangle(pos=(x + w * 0.12, y + h * 0.38), size=(w * 0.20, h * 0.26),
                     radius=[w * 0.03])


def card(x: float, y: float, s: float) -> None:
    """A bank card: its chip and a stripe."""
    _card_shape(x + s * 0.08, y + s * 0.22, s * 0.84)
    Color(*WHITE)
    Rectangle(pos=(x + s * 0.18, y + s * 0.30), size=(s * 0.44, s * 0.05))


def qr(x: float, y: float, s: float) -> None:
    """A QR code: three finder squares and a few modules."""
    Color(*WHITE)
    Rectangle(pos=(x + s * 0.1, y + s * 0.1), size=(s * 0.8, s * 0.8))
    Color(*INK)
    for fx, fy in ((0.14, 0.58), (0.58, 0.58), (0.14, 0.14)):
        Line(rectangle=(x + s * fx, y + s * fy, s * 0.26, s * 0.26), width=max(s * 0.03, 1))
        Rectangle(pos=(x + s * (fx + 0.08), y + s * (fy + 0.08)), size=(s * 0.10, s * 0.10))
    for mx, my in ((0.60, 0.16), (0.72, 0.28), (0.60, 0.40), (0.76, 0.46), (0.46, 0.62),
                   (0.46, 0.16), (0.84, 0.16)):
        Rectangle(pos=(x + s * mx, y + s * my), size=(s * 0.08, s * 0.08))


def cash(x: float, y: float, s: float) -> None:
    """Two banknotes."""
    for dx, dy, colour in ((0.14, 0.40, (0.30, 0.55, 0.35, 1)), (0.06, 0.26, GREEN)):
        Color(*colour)
        RoundedRectangle(pos=(x + s * dx, y + s * dy), size=(s * 0.80, s * 0.40),
                         radius=[s * 0.04])
    Color(*WHITE)
    Ellipse(pos=(x + s * 0.36, y + s * 0.32), size=(s * 0.20, s * 0.28))
    Line(rectangle=(x + s * 0.10, y + s * 0.30, s * 0.72, s * 0.32), width=max(s * 0.01, 1))


def success(x: float, y: float, s: float) -> None:
    """A green disc with a tick."""
    Color(*GREEN)
    Ellipse(pos=(x, y), size=(s, s))
    Color(*WHITE)
    Line(points=[x + s * 0.27, y + s * 0.52, x + s * 0.44, y + s * 0.34, x + s * 0.74,
                 y + s * 0.68], width=max(s * 0.06, 2), cap="round", joint="round")


def failure(x: float, y: float, s: float) -> None:
    """A red disc with an exclamation mark."""
    Color(*RED)
    Ellipse(pos=(x, y), size=(s, s))
    Color(*WHITE)
    RoundedRectangle(pos=(x + s * 0.44, y + s * 0.36), size=(s * 0.12, s * 0.42),
                     radius=[s * 0.05])
    Ellipse(pos=(x + s * 0.43, y + s * 0.16), size=(s * 0.14, s * 0.14))


# -- the marks of the ways to pay: tiles with letters, our own drawing ---------------------

def _tile(x: float, y: float, s: float, colour) -> tuple[float, float, float, float]:
    """A rounded tile of a card's proportions, centred in the box; returns its rectangle."""
    w, h = s * 0.96, s * 0.62
    tx, ty = x + (s - w) / 2, y + (s - h) / 2
    Color(*colour)
    RoundedRectangle(pos=(tx, ty), size=(w, h), radius=[s * 0.08])
    return tx, ty, w, h


def visa(x: float, y: float, s: float) -> None:
    tx, ty, w, h = _tile(x, y, s, WHITE)
    letters("VISA", tx + w / 2, ty + h / 2, h * 0.55, (0.10, 0.20, 0.60, 1), w * 0.86)


def mastercard(x: float, y: float, s: float) -> None:
    tx, ty, w, h = _tile(x, y, s, (0.12, 0.12, 0.14, 1))
    r = h * 0.30
    Color(0.92, 0.10, 0.14, 1)
    Ellipse(pos=(tx + w / 2 - r * 1.6, ty + h * 0.42 - r), size=(2 * r, 2 * r))
    Color(1.0, 0.62, 0.10, 0.9)
    Ellipse(pos=(tx + w / 2 - r * 0.4, ty + h * 0.42 - r), size=(2 * r, 2 * r))
    letters("mastercard", tx + w / 2, ty + h * 0.11, h * 0.16, WHITE, w * 0.8)


def mir(x: float, y: float, s: float) -> None:
    tx, ty, w, h = _tile(x, y, s, (0.05, 0.55, 0.32, 1))
    letters("МИР", tx + w / 2, ty + h / 2, h * 0.55, WHITE, w * 0.8)


def unionpay(x: float, y: float, s: float) -> None:
    tx, ty, w, h = _tile(x, y, s, WHITE)
    for i, colour in enumerate(((0.85, 0.12, 0.18, 1), (0.05, 0.25, 0.55, 1),
                                (0.0, 0.50, 0.50, 1))):
        Color(*colour)
        Rectangle(pos=(tx + w * (0.08 + i * 0.29), ty + h * 0.58), size=(w * 0.26, h * 0.30))
    letters("UnionPay", tx + w / 2, ty + h * 0.30, h * 0.26, (0.05, 0.25, 0.55, 1), w * 0.86)


def sbp(x: float, y: float, s: float) -> None:
    """Faster Payments: a bright arrow of coloured facets, and its Russian initials."""
    tx, ty, w, h = _tile(x, y, s, WHITE)
    cx, cy, r = tx + w * 0.24, ty + h / 2, h * 0.38
    facets = ((0.36, 0.73, 0.28, 1), (0.97, 0.62, 0.12, 1), (0.55, 0.27, 0.74, 1),
              (0.0, 0.60, 0.85, 1))
    corners = ((cx - r * 0.7, cy + r), (cx + r * 0.9, cy), (cx - r * 0.7, cy - r),
               (cx - r * 0.1, cy))
    for i, colour in enumerate(facets):
        a, b = corners[i], corners[(i + 1) % 4]
        Color(*colour)
        Triangle(points=[*a, *b, cx - r * 0.1, cy])
    letters("СБП", tx + w * 0.68, cy, h * 0.40, INK, w * 0.5)


def alipay(x: float, y: float, s: float) -> None:
    tx, ty, w, h = _tile(x, y, s, (0.09, 0.47, 1.0, 1))
    letters("支", tx + w * 0.22, ty + h / 2, h * 0.55, WHITE)
    letters("Alipay", tx + w * 0.64, ty + h / 2, h * 0.30, WHITE, w * 0.55)


def wechat(x: float, y: float, s: float) -> None:
    tx, ty, w, h = _tile(x, y, s, (0.03, 0.76, 0.38, 1))
    Color(*WHITE)
    Ellipse(pos=(tx + w * 0.08, ty + h * 0.36), size=(w * 0.26, h * 0.38))
    Ellipse(pos=(tx + w * 0.22, ty + h * 0.20), size=(w * 0.22, h * 0.32))
    Color(0.03, 0.76, 0.38, 1)
    Line(ellipse=(tx + w * 0.22, ty + h * 0.20, w * 0.22, h * 0.32), width=max(s * 0.01, 1))
    letters("WeChat Pay", tx + w * 0.70, ty + h / 2, h * 0.24, WHITE, w * 0.5)


DRAWINGS: dict[str, Draw] = {
    "camera": camera, "terminal": terminal, "card": card, "qr": qr, "cash": cash,
    "success": success, "failure": failure,
    "visa": visa, "mastercard": mastercard, "mir": mir, "unionpay": unionpay, "sbp": sbp,
    "alipay": alipay, "wechat": wechat,
}


class Pictogram(Widget):
    """One drawing, square, centred in the widget's box; redrawn when the box moves."""

    def __init__(self, kind: str, side: float, **kw) -> None:
        kw.setdefault("size_hint", (None, None))
        kw.setdefault("size", (side, side))
        super().__init__(**kw)
        self.kind = kind
        self._draw = DRAWINGS[kind]
        self.bind(pos=self._redraw, size=self._redraw)
        self._redraw()

    def _redraw(self, *_a) -> None:
        side = min(self.width, self.height)
        x = self.x + (self.width - side) / 2
        y = self.y + (self.height - side) / 2
        self.canvas.clear()
        with self.canvas:
            self._draw(x, y, side)


def beside(kind: str, side: float, widget: Widget, spacing: float = 0) -> Widget:
    """``widget`` with a pictogram on its left, as tall as the widget (a titled header)."""
    row = BoxLayout(orientation="horizontal", size_hint_y=None, spacing=spacing,
                    height=max(widget.height, side), padding=(spacing, 0, 0, 0))
    widget.bind(height=lambda _w, h: setattr(row, "height", max(h, side)))
    row.add_widget(Pictogram(kind, side, pos_hint={"center_y": 0.5}))
    row.add_widget(widget)
    return row
