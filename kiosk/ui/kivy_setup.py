"""Kivy's process-wide settings, applied before Kivy builds anything.

Kivy reads environment variables when first imported and its ``Config`` when the window is
created, so this module imports nothing of Kivy at module level and ``prepare`` must be the
first call. It also locks the kiosk down: no Esc exit, no multitouch emulation, no cursor in
kiosk mode, and the one font that covers Latin, Cyrillic and CJK as Kivy's default.
"""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path(__file__).resolve().parents[2] / "assets" / "fonts" / "wqy-microhei.ttc",
)


@dataclass(frozen=True)
class Screen:
    width: int
    height: int
    kiosk_mode: bool = False  # hide the cursor, block window close
    headless: bool = False  # no input providers: tests and screenshots feed touches directly


def font_path() -> Path:
    for path in FONT_CANDIDATES:
        if path.exists():
            return path
    raise FileNotFoundError(
        "no CJK-capable font found; install fonts-wqy-microhei (scripts/bootstrap.sh does)"
    )


def prepare(screen: Screen) -> None:
    """Set Kivy's environment, configuration and default font. Call before importing Kivy."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_USE_DEFAULTCONFIG", "1")
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="kiosk-kivy-"))
    # Kivy's own log mode resets the root logger to NOTSET (so every kiosk logger's info
    # lines got through whatever --log-level said) and takes over stderr: the kiosk's
    # logging set-up stays in charge instead, and Kivy's logger follows its level.
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    # Kivy sets its logger to its own config level while importing and logs at once, so a
    # filter (which it leaves alone) holds its lines to the level the kiosk was started with.
    threshold = logging.getLogger().getEffectiveLevel()
    kivy_log = logging.getLogger("kivy")
    if not any(isinstance(f, _AtLeast) for f in kivy_log.filters):
        kivy_log.addFilter(_AtLeast(threshold))
    from kivy.config import Config

    Config.set("graphics", "width", str(screen.width))
    Config.set("graphics", "height", str(screen.height))
    Config.set("graphics", "borderless", "1")
    Config.set("graphics", "fullscreen", "0")
    Config.set("graphics", "resizable", "0")
    # No multisampling: the screens are axis-aligned panels and text, which it does not
    # change, and on a software renderer (llvmpipe) it doubles the cost of every pixel
    # drawn: a full repaint of the card screen took 37 ms with Kivy's default of 2, 23 without.
    Config.set("graphics", "multisamples", "0")
    Config.set("graphics", "show_cursor", "0" if screen.kiosk_mode else "1")
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "pause_on_minimize", "0")
    if Config.has_section("modules"):
        for name, _value in Config.items("modules"):
            Config.remove_option("modules", name)  # no inspector, no monitor
    if Config.has_section("input"):
        Config.remove_section("input")
    Config.add_section("input")
    if screen.headless:
        Config.set("graphics", "maxfps", "0")  # tests and screenshots: no frame pacing
    else:
        # SDL2 delivers the touch panel as the mouse; right-click "multitouch" dots stay off.
        Config.set("input", "mouse", "mouse,disable_multitouch")
    _register_font()
    _opencv_on_calling_threads()


class _AtLeast(logging.Filter):
    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= self.level


def _opencv_on_calling_threads() -> None:
    """OpenCV splits an operation over a thread pool and waits for all of it: on a kiosk's
    two cores, shared with the renderer's threads and the decoder, the main thread's preview
    conversion (1-3 ms alone) waited 11-17 ms for its other half. Each thread that uses
    OpenCV (the UI's preview, the scanner's decoder) keeps its work to itself."""
    import cv2

    cv2.setNumThreads(1)


def _register_font() -> None:
    from kivy.core.text import LabelBase

    path = str(font_path())
    LabelBase.register("Roboto", path, path, path, path)
