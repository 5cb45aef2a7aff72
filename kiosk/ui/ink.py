"""Labels drawn as only the part of their texture that holds the lines of text.

A Kivy label that wraps (``text_size`` has a width) renders a texture as wide as the label,
and its own rule draws all of it: a short line in a wide column is a full-width band of
transparent pixels, blended like any other. On a software renderer the cost of a frame is
the area it blends, so the screens' labels cost more than everything else together (the
card screen's full repaint: 23 ms, 16 of them its text). ``TightInk`` draws the rectangle
round the widest line instead, cut from the same texture, so the picture is the same to
the pixel and the blended area is the text's.
"""

from __future__ import annotations

import math

from kivy.graphics import Color, Rectangle


def ink_span(texture_width: int, line_width: float, halign: str,
             padding: tuple[float, float]) -> tuple[int, int]:
    """Where the widest line lies across a label's texture: first column and width.

    Kivy places every line by ``halign`` inside the padded width; centred and right-aligned
    lines of other lengths lie inside the widest one's span.
    """
    left, right = padding
    room = texture_width - left - right
    if halign == "right":
        start = left + room - line_width
    elif halign == "center":
        start = left + (room - line_width) / 2
    else:  # left, justify (a justified line's width is the room), auto
        start = left
    first = max(0, math.floor(start) - 1)
    last = min(texture_width, math.ceil(start + line_width) + 1)
    return first, max(0, last - first)


NO_RULES = {"__no_builder": True}  # Widget keyword: Kivy's kv rules are not applied


class TightInk:
    """For Label subclasses made with ``NO_RULES``: call ``_draw_tight`` from ``__init__``.

    Label's own kv rule (and Button's) would draw the whole texture; the widgets are made
    without Kivy's rules at all, which also halves what making one costs (the rule's
    instructions and their bindings: ~0.1-0.3 ms a label, a hundred on the card screen).
    """

    def _draw_tight(self) -> None:
        with self.canvas:
            Color(1, 1, 1, 1)
            self._ink = Rectangle(pos=self.pos, size=(0, 0))
        self.bind(pos=self._place_ink, size=self._place_ink)

    def texture_update(self, *largs) -> None:
        """The one place Label sets its texture (to None, then the new one: a binding on it
        would place the ink twice a render), and new words can keep the texture's size and
        object, so the lines are measured anew here."""
        super().texture_update(*largs)
        self._place_ink()

    def _place_ink(self, *_a) -> None:
        texture, ink = self.texture, getattr(self, "_ink", None)
        if ink is None:
            return
        if texture is None:
            ink.size = (0, 0)
            return
        tw, th = texture.size
        lines = getattr(self._label, "_cached_lines", None) or ()
        widest = max((line.w for line in lines), default=tw)
        first, width = ink_span(tw, widest, self.halign, (self.padding[0], self.padding[2]))
        ink.texture = texture.get_region(first, 0, width, th)
        ink.pos = (int(self.center_x - tw / 2) + first, int(self.center_y - th / 2))
        ink.size = (width, th)
