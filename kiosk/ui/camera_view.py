"""The live camera picture: shows the scanner's newest frame through a Kivy texture.

The scanner keeps only its newest frame; whoever shows the preview calls ``poll`` at the
camera's rate (``PREVIEW_FPS``) on the main thread. A frame already shown costs nothing: no
upload and no redraw, so a still camera never makes the screen repaint (a full repaint is the
expensive part on a software renderer).

The picture fills its area and is cropped to it ("cover") by texture coordinates: one
rectangle per repaint. Kivy's ``Image`` with ``fit_mode="cover"`` clips through the stencil
buffer instead, which draws the picture three times; on a software renderer that was a third
of every camera frame's cost. The picture is opaque, so it is drawn with blending off (about
2 ms less per camera frame at 1080x1920 in software), and blending is back on for whatever
is drawn over it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from kivy.graphics import Callback, Color, Rectangle
from kivy.graphics.opengl import GL_BLEND, glDisable, glEnable
from kivy.graphics.texture import Texture
from kivy.uix.widget import Widget

PREVIEW_FPS = 15


def cover_coords(frame_size: tuple[int, int], area: tuple[float, float]) -> tuple[float, ...]:
    """Texture coordinates that crop a frame of ``frame_size`` to fill ``area``, centred.

    Camera rows run top-down and OpenGL's v axis bottom-up, so the bottom of the area takes
    the frame's last rows (v near 1). Corners in Kivy's order: bottom-left, bottom-right,
    top-right, top-left.
    """
    (fw, fh), (aw, ah) = frame_size, area
    if fw <= 0 or fh <= 0 or aw <= 0 or ah <= 0:
        return (0.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0)
    u_span = min(1.0, (aw / ah) / (fw / fh))
    v_span = min(1.0, (fw / fh) / (aw / ah))
    u0, v0 = (1 - u_span) / 2, (1 - v_span) / 2
    u1, v1 = u0 + u_span, v0 + v_span
    return (u0, v1, u1, v1, u1, v0, u0, v0)


def _blend_off(_instruction) -> None:
    glDisable(GL_BLEND)


def _blend_on(_instruction) -> None:
    glEnable(GL_BLEND)


class CameraPreview(Widget):
    """``frames()`` returns the newest BGR frame or None; ``poll`` shows it if it is new."""

    def __init__(self, frames: Callable[[], np.ndarray | None], **kw) -> None:
        super().__init__(**kw)
        self._frames = frames
        self._shown: np.ndarray | None = None
        self.texture: Texture | None = None
        self.uploads = 0
        with self.canvas:
            Callback(_blend_off)
            Color(1, 1, 1, 1)
            self._rect = Rectangle(pos=self.pos, size=(0, 0))  # nothing until a frame
            Callback(_blend_on)
        self.bind(pos=self._place, size=self._place)

    def poll(self) -> bool:
        """Upload the newest frame if it is not the one shown; True when it was."""
        frame = self._frames()
        if frame is None or frame is self._shown:
            return False
        self._shown = frame
        height, width = frame.shape[:2]
        colorfmt = "bgr" if frame.ndim == 3 else "luminance"
        texture = self.texture
        if texture is None or texture.size != (width, height) or texture.colorfmt != colorfmt:
            texture = Texture.create(size=(width, height), colorfmt=colorfmt)
            self.texture = texture
            self._rect.texture = texture
            self._place()
        texture.blit_buffer(np.ascontiguousarray(frame).tobytes(), colorfmt=colorfmt,
                            bufferfmt="ubyte")
        self.canvas.ask_update()
        self.uploads += 1
        return True

    def _place(self, *_a) -> None:
        if self.texture is None:
            return
        self._rect.pos, self._rect.size = self.pos, self.size
        self._rect.tex_coords = cover_coords(self.texture.size, tuple(self.size))
