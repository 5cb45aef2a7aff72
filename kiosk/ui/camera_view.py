"""The live camera picture: polls the newest frame and shows it through a Kivy texture.

The scanner keeps only its newest frame; the preview takes it at display rate on the main
thread (a texture upload, no decoding), so a slow decoder never slows the screen down.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from kivy.clock import Clock
from kivy.graphics.texture import Texture
from kivy.uix.image import Image

PREVIEW_FPS = 15


class CameraPreview(Image):
    """``frames()`` returns the newest BGR frame or None; called ``PREVIEW_FPS`` times a second."""

    def __init__(self, frames: Callable[[], np.ndarray | None], **kw) -> None:
        super().__init__(fit_mode="cover", **kw)
        self._frames = frames
        self._shown: np.ndarray | None = None
        self._event = Clock.schedule_interval(self._update, 1 / PREVIEW_FPS)
        self.bind(parent=self._attached)

    def _attached(self, _w, parent) -> None:
        if parent is None:
            self._event.cancel()  # the screen was replaced: stop polling

    def _update(self, _dt: float) -> None:
        frame = self._frames()
        if frame is None or frame is self._shown:
            return
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
