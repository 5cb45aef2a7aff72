"""The Kivy App: a locked-down full-screen shell around ``KioskRoot``.

No Esc or Android-back exit, no settings panel, no window close in kiosk mode; the engine's
idle clock ticks once a second. Results of worker threads come back through ``clock_poster``
so the engine only ever runs on Kivy's main thread.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window

from kiosk.ui import theme
from kiosk.ui.root import KioskRoot

ESCAPE, ANDROID_BACK = 27, 1001


def clock_poster(callback: Callable[[], None]) -> None:
    """Run ``callback`` on the main thread at the next frame (safe from any thread)."""
    Clock.schedule_once(lambda _dt: callback(), 0)


class KioskApp(App):
    use_kivy_settings = False
    title = "Travel Card Renewal Kiosk"

    def __init__(self, make_root: Callable[[], KioskRoot], kiosk_mode: bool = True) -> None:
        super().__init__()
        self._make_root = make_root
        self.kiosk_mode = kiosk_mode
        self.kiosk_root: KioskRoot | None = None
        self._ticker = None

    def build(self) -> KioskRoot:
        # The background is the window's clear colour, not a full-screen rectangle: one
        # full-screen fill less per frame matters on software-rendered panels.
        Window.clearcolor = theme.BACKGROUND
        Window.bind(on_keyboard=self._swallow_exit_keys, on_request_close=self._refuse_close)
        self.kiosk_root = self._make_root()
        self._ticker = Clock.schedule_interval(self.kiosk_root.tick, 1.0)
        return self.kiosk_root

    def open_settings(self, *_args) -> bool:
        return False  # no settings panel for travellers (F1 would open it)

    def _swallow_exit_keys(self, _window, key: int, *_args) -> bool:
        return key in (ESCAPE, ANDROID_BACK)

    def _refuse_close(self, *_args, **_kw) -> bool:
        return self.kiosk_mode

    def detach(self) -> None:
        """Stop ticking and unbind from the window (tests reuse one window for many apps)."""
        if self._ticker is not None:
            self._ticker.cancel()
        Window.unbind(on_keyboard=self._swallow_exit_keys, on_request_close=self._refuse_close)
