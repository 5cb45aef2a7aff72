"""``kiosk demo`` and ``kiosk run`` with a screen: wires the built kiosk, the camera and the
wedge to the UI.

The one place in ``kiosk.ui`` that touches concrete adapters (the scanner, the demo data):
it takes the objects ``kiosk.app.build`` made and hands the widgets plain callables, so no
widget ever imports an adapter.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
from collections.abc import Callable, Mapping
from zoneinfo import ZoneInfo

from kiosk import config as config_mod
from kiosk import logs
from kiosk.flow.view import Step
from kiosk.paths import data_dir as resolve_data_dir
from kiosk.ui.kivy_setup import Screen, prepare

log = logging.getLogger(__name__)


def screen_size(cfg: config_mod.Config) -> tuple[int, int]:
    """The [ui] width and height, turned to match the configured orientation."""
    width, height = cfg["ui.width"], cfg["ui.height"]
    landscape = cfg["ui.orientation"] == "landscape"
    if landscape != (width > height):
        width, height = height, width
    return width, height


def demo_cards() -> tuple:
    from kiosk.core.card import CardStatus
    from kiosk.provider import demo_data
    from kiosk.ui.context import DemoCard

    cards = [DemoCard(str(card.status), card.iccid, card.status, card.phone is not None)
             for card in demo_data.CARDS]
    unknown = demo_data.ICCID_UNKNOWN
    return (*cards, DemoCard("unknown", unknown, CardStatus.UNKNOWN))


# The demo's terminal shows each prompt for this long, as a real one would: instant prompts
# flashed past unread and the paying screen (a QR method's code) was never seen.
DEMO_PROMPT_PAUSE_S = 3.0
DEMO_REARM_AFTER_S = 0.6  # several camera frames: the last with the demo card is decoded

NO_DISPLAY = """\
kiosk: there is no display to open the touch screen on (neither DISPLAY nor WAYLAND_DISPLAY
is set, e.g. over ssh or in a container), so the kiosk is not started. Either:
  - run it in a virtual X server:  xvfb-run -s "-screen 0 1080x1920x24" ./run.sh
  - or see one whole renewal as text, no screen needed:  .venv/bin/kiosk demo --headless
  - or, on a machine with a screen, start it from its desktop session.
"""


def display_missing(environ: Mapping[str, str] = os.environ, system: str = sys.platform) -> bool:
    """On Linux a window needs X or Wayland (or a video driver named for SDL, such as
    kmsdrm or offscreen): without one the kiosk used to run with no window and no word."""
    if not system.startswith("linux"):
        return False
    return not any(environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY",
                                                  "SDL_VIDEODRIVER"))


def run_ui(args: argparse.Namespace, cfg: config_mod.Config, kiosk_mode: bool) -> int:
    """The UI on ``cfg``, which the command has validated (``kiosk demo`` puts a file's
    values on the simulators; ``kiosk run`` refused simulators outside a demo file).
    ``kiosk_mode``: full screen, no way out (``kiosk run``)."""
    if display_missing():
        print(NO_DISPLAY, end="", file=sys.stderr)
        return 2
    signals = StopSignals()
    signals.install()  # first: start-up (build, recovery, the window) takes seconds
    width, height = screen_size(cfg)
    logs.event(log, "ui.starting", kiosk_mode=kiosk_mode, width=width, height=height,
               kiosk_id=cfg["kiosk.id"], demo=cfg.is_demo)
    prepare(Screen(width, height, kiosk_mode=kiosk_mode))
    from kiosk import app

    kiosk = app.build(cfg, resolve_data_dir(args.data_dir), pay=getattr(args, "pay", None),
                      operator_faults=tuple(getattr(args, "operator_fault", ()) or ()),
                      prompt_pause_s=DEMO_PROMPT_PAUSE_S if cfg.is_demo else 0.0)
    try:
        for line in kiosk.recover():
            log.warning("recovered %s: %s -> %s", line.tx_id, line.before, line.after)
        if signals.signum is not None:  # told to stop while starting: no window at all
            log.info("ui.stopped")
            return 0
        return _run(kiosk, cfg, width, height, kiosk_mode, signals)
    finally:
        kiosk.close()


def _demo_phone(kiosk, post):
    """The SMS the operator simulator sent, for the demo's code screen."""
    from kiosk.provider.testing import sent_code
    from kiosk.ui.demo_phone import DemoPhone

    sim = kiosk.simulators.get("operator")
    return None if sim is None else DemoPhone(lambda challenge: sent_code(sim, challenge),
                                              post).fetch


class ScanLink:
    """The scanners' reports, hopped onto Kivy's main thread and handed to the screen.

    The camera and wedge call these on their own threads; ``post`` (``clock_poster`` in the
    app) runs the screen's side on the main thread. Tests wire a real scanner through this
    same object, so what they drive is what the kiosk runs.
    """

    def __init__(self, post: Callable[[Callable[[], None]], None]) -> None:
        self._post = post
        self.root = None  # the KioskRoot, once the app has built it

    def camera_options(self) -> dict:
        """The callbacks ``CameraScanner`` takes."""
        return {"on_read": self.read, "on_rejected": self.rejected}

    def read(self, report) -> None:
        """A ``ScanRead``: the card the camera is sure of."""
        digits = report.identity.iccid.digits
        self._post(lambda: self.root.card_read(digits))

    def rejected(self, report) -> None:
        """A ``ScanRejected``: a barcode seen clearly that is not a card."""
        reason = report.rejection.message
        self._post(lambda: self.root.scan_rejected(reason))

    def wedge(self, found) -> None:
        """What the keyboard-wedge scanner found: a ``CardIdentity`` or a rejection."""
        if hasattr(found, "iccid"):
            digits = found.iccid.digits
            self._post(lambda: self.root.card_read(digits))
        elif hasattr(found, "message"):
            self._post(lambda: self.root.scan_rejected(found.message))

    @staticmethod
    def demo(scanner, cue) -> Callable[[str], None]:
        """The demo row's press: the card is shown to the demo camera and read by the real
        scanner (re-armed, so the card just renewed can be shown again on purpose)."""

        def show(iccid: str) -> None:
            scanner.rearm()
            cue.show(iccid)

        return show

    def attach(self, root, engine, scanner, cue=None) -> None:
        """Reports go to ``root``; the camera re-arms when the kiosk is back at the start.

        Not after a finished renewal: the card just renewed, still in the traveller's hand in
        front of the camera, must not start a new session at once. Another card is read as
        usual, and after a problem the same card can be shown again to retry.

        With the demo camera (``cue``) its card is taken away first, and the scanner re-arms
        only once the frames still on their way to the decoder have passed: a card still in
        view would start the next session by itself.
        """
        self.root = root
        last = {"step": None}

        def arrived(view) -> None:
            previous, last["step"] = last["step"], view.step
            if view.step is not Step.ATTRACT or previous in (None, Step.ATTRACT):
                return
            if cue is not None:
                cue.hide()
            if previous is Step.DONE:
                return
            if cue is None:
                scanner.rearm()
            else:
                later = threading.Timer(DEMO_REARM_AFTER_S, scanner.rearm)
                later.daemon = True  # never holds up the kiosk's exit
                later.start()

        engine.subscribe(arrived)


def _run(kiosk, cfg: config_mod.Config, width: int, height: int, kiosk_mode: bool,
         signals: StopSignals) -> int:
    from kivy.clock import Clock

    from kiosk.flow.runner import ThreadRunner
    from kiosk.scanner.camera import CameraScanner
    from kiosk.scanner.demo import DemoCue
    from kiosk.scanner.wedge import KeyboardWedge
    from kiosk.ui.camera_view import CameraPreview
    from kiosk.ui.feedback import Feedback
    from kiosk.ui.keys import WedgeInput
    from kiosk.ui.kiosk_app import KioskApp, clock_poster
    from kiosk.ui.memory import CollectorPacer
    from kiosk.ui.root import KioskRoot
    from kiosk.ui.screen_report import ScreenReport
    from kiosk.ui.theme import Metrics

    runner = ThreadRunner(clock_poster)
    engine = kiosk.engine(runner)
    cards = demo_cards() if cfg["operator.backend"] == "simulator" else ()  # its cards
    link = ScanLink(clock_poster)
    # The demo camera shows a card only when the demo row asks: the start screen stays.
    cue = DemoCue() if cards and str(cfg["scanner.source"]).strip() == "demo" else None
    scanner = CameraScanner.from_config(
        cfg.section("scanner"), kiosk.data_dir,
        demo_iccids=[card.iccid for card in cards] or None, demo_cue=cue,
        **link.camera_options())
    wedge = KeyboardWedge(link.wedge,
                          max_key_interval_ms=cfg["scanner.wedge_max_key_interval_ms"])
    holder: dict = {}
    pacer = CollectorPacer()
    report = ScreenReport()
    engine.subscribe(report.step)

    def swapped() -> None:
        pacer.screen_swapped()
        report.swapped()

    phone = _demo_phone(kiosk, clock_poster) if cards else None

    def make_root() -> KioskRoot:
        root = KioskRoot(engine, Metrics(width, height), ZoneInfo(cfg["kiosk.timezone"]),
                         camera=lambda: CameraPreview(scanner.latest_preview),
                         demo_cards=cards, feedback=Feedback(kiosk.data_dir / "ui" / "sounds"),
                         screen_swapped=swapped,
                         show_demo_card=None if cue is None else link.demo(scanner, cue),
                         demo_phone=phone)
        link.attach(root, engine, scanner, cue)
        report.root = root
        holder["wedge"] = WedgeInput(wedge.feed, wedge.tick)
        return root

    scanner.start()
    Clock.schedule_once(lambda _dt: pacer.start(), 1)  # once the first screen is up
    kiosk_app = KioskApp(make_root, kiosk_mode=kiosk_mode)
    signals.stop_with(kiosk_app.stop)
    try:
        if signals.signum is None:
            kiosk_app.run()
    finally:
        scanner.stop()
        runner.shutdown()
    log.info("ui.stopped")
    return 0


class StopSignals:
    """Ctrl-C and systemd's SIGTERM end the UI's loop on its own thread, so the window,
    camera and workers close in order (a KeyboardInterrupt raised wherever the loop happened
    to be left a traceback and skipped none of that only by luck).

    Installed before anything else is started: a signal that arrives while the kiosk is still
    starting (building adapters, recovering, opening the window) is remembered, so start-up
    stops at the next step instead of the process dying mid-way (SIGTERM's default) or
    running on with the signal lost.
    """

    def __init__(self) -> None:
        self.signum: int | None = None
        self._stop: Callable[[], None] | None = None

    def install(self) -> None:
        import signal

        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._received)

    def stop_with(self, stop: Callable[[], None]) -> None:
        """The UI loop is about to run: ``stop`` ends it (at its first frame, if a signal
        came between this and the loop's start)."""
        self._stop = stop
        if self.signum is not None:
            self._schedule()

    def _received(self, signum: int, _frame) -> None:
        import signal

        if self.signum is None:
            logs.event(log, "ui.stopping", signal=signal.Signals(signum).name)
        self.signum = signum
        if self._stop is not None:
            self._schedule()

    def _schedule(self) -> None:
        from kivy.clock import Clock

        stop = self._stop
        Clock.schedule_once(lambda _dt: stop(), 0)
