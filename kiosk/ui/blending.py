"""Opaque fills drawn without blending.

Kivy blends everything it draws. A software renderer (llvmpipe) pays for blending on every
pixel, so a fill that is fully opaque (panels, the camera picture) is drawn with it off:
about 4 ms less per repaint of the card screen, 2 ms per camera frame, on this machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from kivy.graphics import Callback
from kivy.graphics.opengl import GL_BLEND, glDisable, glEnable


def _off(_instruction) -> None:
    glDisable(GL_BLEND)


def _on(_instruction) -> None:
    glEnable(GL_BLEND)


@contextmanager
def opaque(colour: tuple[float, ...] = (1, 1, 1, 1)) -> Iterator[None]:
    """Inside a ``with canvas:`` block: what is added within is drawn without blending if
    ``colour`` is opaque (blending is back on after it, for whatever is drawn next)."""
    solid = len(colour) < 4 or colour[3] >= 1
    if solid:
        Callback(_off)
    yield
    if solid:
        Callback(_on)
