"""The live camera picture: shows the scanner's newest frame through a Kivy texture.

The scanner keeps only its newest frame; whoever shows the preview calls ``poll`` at the
camera's rate (``PREVIEW_FPS``) on the main thread. A frame already shown costs nothing: no
upload and no redraw, so a still camera never makes the screen repaint (a full repaint is the
expensive part on a software renderer).

The picture fills its area and is cropped to it ("cover"), and the crop is scaled to the
area's own pixels and converted to RGBA on the CPU (OpenCV, a millisecond) before it is
uploaded: the renderer then copies texels one to one, with no format conversion on upload and
no filtering when drawing. On a software renderer that halved a camera frame's upload and
drawing (3.2 + ~6 ms to 1.7 + ~3 ms at 1024x880). It is one rectangle (Kivy's ``Image`` with
``fit_mode="cover"`` clips through the stencil, which drew the picture three times), drawn
with blending off since the picture is opaque; blending is back on for what is drawn over it.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
from kivy.graphics import Color, Rectangle
from kivy.graphics.texture import Texture
from kivy.uix.widget import Widget

from kiosk.ui.blending import opaque

PREVIEW_FPS = 15
UPRIGHT = (0.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0)  # camera rows run top-down, GL's v bottom-up


def cover_crop(frame_size: tuple[int, int], area: tuple[float, float]) -> tuple[int, ...]:
    """The centred part of a frame of ``frame_size`` with the area's aspect: x, y, w, h."""
    (fw, fh), (aw, ah) = frame_size, area
    if fw <= 0 or fh <= 0 or aw <= 0 or ah <= 0:
        return (0, 0, max(fw, 0), max(fh, 0))
    w = min(fw, max(1, round(fh * aw / ah)))
    h = min(fh, max(1, round(fw * ah / aw)))
    return ((fw - w) // 2, (fh - h) // 2, w, h)


def fit_picture(frame: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The frame cropped to fill ``size`` (w, h), scaled to it, as RGBA rows top-down."""
    x, y, w, h = cover_crop((frame.shape[1], frame.shape[0]), size)
    part = cv2.resize(frame[y:y + h, x:x + w], size, interpolation=cv2.INTER_LINEAR)
    code = cv2.COLOR_BGR2RGBA if part.ndim == 3 else cv2.COLOR_GRAY2RGBA
    return cv2.cvtColor(part, code)


class CameraPreview(Widget):
    """``frames()`` returns the newest BGR frame or None; ``poll`` shows it if it is new."""

    def __init__(self, frames: Callable[[], np.ndarray | None], **kw) -> None:
        super().__init__(**kw)
        self._frames = frames
        self._shown: np.ndarray | None = None
        self.texture: Texture | None = None
        self.uploads = 0
        with self.canvas, opaque():
            Color(1, 1, 1, 1)
            self._rect = Rectangle(pos=self.pos, size=(0, 0))  # nothing until a frame
        self.bind(pos=self._place, size=self._place)

    def poll(self) -> bool:
        """Upload the newest frame if it is not the one shown; True when it was."""
        frame = self._frames()
        size = (round(self.width), round(self.height))
        if frame is None or frame is self._shown or min(size) < 2:
            return False
        self._shown = frame
        texture = self.texture
        if texture is None or texture.size != size:
            texture = Texture.create(size=size, colorfmt="rgba")
            texture.mag_filter = texture.min_filter = "nearest"  # drawn one to one
            self.texture = self._rect.texture = texture
            self._rect.tex_coords = UPRIGHT
            self._rect.pos, self._rect.size = self.pos, self.size
        picture = fit_picture(frame, size)
        texture.blit_buffer(picture.reshape(-1), colorfmt="rgba", bufferfmt="ubyte")
        self.canvas.ask_update()
        self.uploads += 1
        return True

    def _place(self, *_a) -> None:
        self._shown = None  # the picture is made for the area's size: made again for a new one
        if self.texture is not None:
            self._rect.pos, self._rect.size = self.pos, self.size
