"""The live camera picture: shows the scanner's newest frame through a Kivy texture.

The scanner keeps only its newest frame; whoever shows the preview calls ``poll`` at the
camera's rate (``PREVIEW_FPS``) on the main thread. A frame already shown costs nothing: no
upload and no redraw, so a still camera never makes the screen repaint (a full repaint is the
expensive part on a software renderer).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from kivy.graphics.texture import Texture
from kivy.uix.image import Image

PREVIEW_FPS = 15


class CameraPreview(Image):
    """``frames()`` returns the newest BGR frame or None; ``poll`` shows it if it is new."""

    def __init__(self, frames: Callable[[], np.ndarray | None], **kw) -> None:
        super().__init__(fit_mode="cover", **kw)
        self._frames = frames
        self._shown: np.ndarray | None = None
        self.uploads = 0

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
            texture.flip_vertical()  # camera rows run top-down, OpenGL's bottom-up
        texture.blit_buffer(np.ascontiguousarray(frame).tobytes(), colorfmt=colorfmt,
                            bufferfmt="ubyte")
        self.texture = texture
        self.canvas.ask_update()
        self.uploads += 1
        return True
