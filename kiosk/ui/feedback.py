"""What a traveller sees and hears the moment the camera reads something.

A read gives a short high beep and a green flash around the screen; a barcode that is not a
card gives a low double beep and a red flash. The sounds are tiny WAV files made with the
standard library at first use under the data directory (no binaries in the repository);
without a sound device Kivy's loader finds nothing and the kiosk stays silent, never fails.
"""

from __future__ import annotations

import logging
import math
import struct
import wave
from pathlib import Path

from kivy.animation import Animation
from kivy.core.audio import SoundLoader
from kivy.graphics import Color, Rectangle
from kivy.properties import NumericProperty
from kivy.uix.widget import Widget

from kiosk.ui import theme

log = logging.getLogger(__name__)

RATE = 22050
# (frequency Hz, milliseconds) per tone; 0 Hz is silence between the tones.
TONES = {"read": ((1760, 90),), "rejected": ((330, 110), (0, 60), (330, 110))}
FLASH_COLOURS = {"read": theme.PRIMARY, "rejected": theme.ERROR_TEXT}
FLASH_S = 0.45
# Each step of the fade repaints the whole window, the camera screen included, while the
# next screen is being built: in steps of a fifteenth of a second (7 repaints, not 27).
FLASH_FPS = 15


def write_tone(path: Path, tones: tuple[tuple[int, int], ...], volume: float = 0.5) -> None:
    """A mono 16-bit WAV of ``tones``, each faded in and out so it does not click."""
    samples = bytearray()
    for frequency, ms in tones:
        count = RATE * ms // 1000
        fade = max(1, RATE // 200)  # 5 ms
        for i in range(count):
            envelope = min(1.0, i / fade, (count - 1 - i) / fade)
            value = math.sin(2 * math.pi * frequency * i / RATE) if frequency else 0.0
            samples += struct.pack("<h", int(32767 * volume * envelope * value))
    partial = path.with_suffix(".part")
    with wave.open(str(partial), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(bytes(samples))
    partial.replace(path)


def sound_files(folder: Path) -> dict[str, Path]:
    """The feedback sounds under ``folder``, written on first use."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, tones in TONES.items():
        path = folder / f"{name}.wav"
        if not path.exists():
            write_tone(path, tones)
        files[name] = path
    return files


class Feedback:
    """Plays the sound for ``read`` or ``rejected``; loaded once, silent without audio."""

    def __init__(self, folder: Path | None) -> None:
        self.sounds = {}
        self.played: list[str] = []  # what was signalled, newest last (for tests and logs)
        if folder is None:
            return
        for name, path in sound_files(folder).items():
            try:
                sound = SoundLoader.load(str(path))
            except Exception:  # an audio backend that fails must not stop the kiosk
                log.warning("ui.sound_unavailable", exc_info=True)
                sound = None
            if sound is not None:
                self.sounds[name] = sound

    def signal(self, name: str) -> None:
        self.played.append(name)
        del self.played[:-8]
        sound = self.sounds.get(name)
        if sound is not None:
            sound.stop()
            sound.play()


class Flash(Widget):
    """A thick coloured frame round the window that fades out: cheap to draw, seen at once.

    Four bars, not a wide ``Line``: Kivy's wide rectangle line cost a whole window fill on
    every repaint on a software renderer (about 10 ms at 1080x1920), even while invisible.
    The bars have no size while the frame is faded out, so then it costs nothing at all.
    """

    alpha = NumericProperty(0)

    def __init__(self, width: float, **kw) -> None:
        super().__init__(**kw)
        self._line_width = width
        with self.canvas:
            self.colour = Color(0, 0, 0, 0)
            self.bars = [Rectangle(pos=(0, 0), size=(0, 0)) for _ in range(4)]
        self.bind(pos=self._place, size=self._place, alpha=self._fade)
        self.kind: str | None = None

    def _place(self, *_a) -> None:
        t = self._line_width if self.alpha > 0 else 0
        x, y, w, h = self.x, self.y, self.width, self.height
        boxes = ((x, y, w, t), (x, y + h - t, w, t), (x, y + t, t, h - 2 * t),
                 (x + w - t, y + t, t, h - 2 * t))
        for bar, (bx, by, bw, bh) in zip(self.bars, boxes, strict=True):
            bar.pos, bar.size = (bx, by), (max(0, bw) if t else 0, max(0, bh) if t else 0)

    def _fade(self, _w, alpha: float) -> None:
        self.colour.a = alpha
        if alpha == 0 or self.bars[0].size[1] == 0:
            self._place()

    def show(self, kind: str) -> None:
        Animation.cancel_all(self)
        self.kind = kind
        self.colour.rgb = FLASH_COLOURS[kind][:3]
        self.alpha = 1
        Animation(alpha=0, duration=FLASH_S, t="in_quad", step=1 / FLASH_FPS).start(self)
