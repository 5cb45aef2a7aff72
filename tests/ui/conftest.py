"""One offscreen Kivy window for the whole UI test session, and a harness per test.

Kivy is configured before it is first imported (platform notes: env vars, window size, no
input providers), the event loop starts once, and each test gets a fresh root widget on the
same window, driven by real touches (``UnitTestTouch``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest

from kiosk.ui.kivy_setup import Screen, prepare

SIZE_VARIABLE = "KIOSK_TEST_WINDOW"  # e.g. 1920x1080: a test re-run in the other orientation
WIDTH, HEIGHT = (int(n) for n in os.environ.get(SIZE_VARIABLE, "1080x1920").split("x"))
prepare(Screen(WIDTH, HEIGHT, headless=True))

from kivy.base import EventLoop  # noqa: E402
from kivy.core.window import Window  # noqa: E402
from kivy.tests.common import UnitTestTouch  # noqa: E402
from kivy.uix.label import Label  # noqa: E402

from kiosk.core.sale import KioskIdentity, PaymentMethod  # noqa: E402
from kiosk.flow.checkout import Checkout, Retry  # noqa: E402
from kiosk.flow.engine import Engine, EngineSettings  # noqa: E402
from kiosk.flow.runner import ThreadRunner  # noqa: E402
from kiosk.journal.store import Journal  # noqa: E402
from kiosk.payment.simulator import PaymentSimulator  # noqa: E402
from kiosk.ui.context import DemoCard  # noqa: E402
from kiosk.ui.kiosk_app import KioskApp, clock_poster  # noqa: E402
from kiosk.ui.root import KioskRoot  # noqa: E402
from kiosk.ui.theme import Metrics  # noqa: E402
from tests.fakes import NOW, FakeOperator, RecordingPrinter, demo_card  # noqa: E402
from tests.helpers import make_iccid  # noqa: E402

ICCID = make_iccid("897010123456789012")
TZ = ZoneInfo("Europe/Moscow")
SUPPORT = "+7 800 100-20-30"


class FakeClock:
    def __init__(self, now=NOW) -> None:
        self.now = now

    def __call__(self):
        return self.now


class TapClock:
    """The monotonic seconds the root's tap guard reads; each harness tap moves it on."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


PAUSE_S = 1.0  # between two harness taps by default: a person's pace, past the tap guard


@pytest.fixture(scope="session")
def window():
    EventLoop.ensure_window()
    EventLoop.start()
    yield Window
    EventLoop.close()


def words(label: Label) -> str:
    """A label's words as written: ``Text`` and ``BigButton`` draw CJK text with "\\n"
    where they broke its lines (``kiosk.ui.widgets.CjkLines``)."""
    return getattr(label, "source_text", label.text)


class Harness:
    """The real app on the real window, with helpers that read and touch the screen."""

    def __init__(self, app: KioskApp, engine: Engine, clock: FakeClock, tap_clock: TapClock,
                 parts: dict) -> None:
        self.app, self.engine, self.clock, self.tap_clock = app, engine, clock, tap_clock
        self.root: KioskRoot = app.kiosk_root
        self.__dict__.update(parts)

    def idle(self, frames: int = 3) -> None:
        """Run ``frames`` frames, then on until the screen is wholly built (it may be filled
        in over several frames)."""
        for _ in range(frames):
            EventLoop.idle()
        for _ in range(500):
            if not self.root.building():
                return
            EventLoop.idle()
        raise AssertionError("the screen never finished building")

    def wait_for(self, ready: Callable[[], bool], what: str, limit_s: float = 120) -> None:
        """Let frames run until worker threads have answered (a bound, not a speed check)."""
        end = time.monotonic() + limit_s
        while not ready():
            if time.monotonic() > end:
                raise AssertionError(f"never reached: {what}; screen shows {self.texts()}")
            EventLoop.idle()
            time.sleep(0.005)
        self.idle()

    def wait_step(self, step) -> None:
        self.wait_for(lambda: self.engine.view.step is step, f"step {step}")

    def texts(self) -> list[str]:
        return [words(w) for w in self.root.walk(restrict=True)
                if isinstance(w, Label) and w.text and w.get_root_window() is not None]

    def shows(self, fragment: str) -> bool:
        return any(fragment in text for text in self.texts())

    def find(self, text: str):
        for widget in self.root.walk(restrict=True):
            if (isinstance(widget, Label) and words(widget) == text
                    and hasattr(widget, "trigger_action") and not widget.disabled):
                return widget
        raise AssertionError(f"no button {text!r}; screen shows {self.texts()}")

    def button(self, text: str):
        """The button labelled ``text`` on screen, pressable or not."""
        for widget in self.root.walk(restrict=True):
            if (isinstance(widget, Label) and words(widget) == text
                    and hasattr(widget, "trigger_action") and widget.get_root_window()):
                return widget
        raise AssertionError(f"no button {text!r}; screen shows {self.texts()}")

    def tap_at(self, x: float, y: float, after_s: float = PAUSE_S) -> None:
        """A touch at window ``x, y``, ``after_s`` seconds (by the tap clock) after the last."""
        self.tap_clock.now += after_s
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        self.idle(1)
        touch.touch_up()
        self.idle()

    def tap(self, text: str, after_s: float = PAUSE_S) -> tuple[float, float, float, float]:
        """A real touch in the middle of the button labelled ``text``; returns where the
        button was (window x, y, width, height)."""
        widget = self.find(text)
        x, y = widget.to_window(*widget.center)
        where = (*widget.to_window(widget.x, widget.y), widget.width, widget.height)
        self.tap_at(x, y, after_s)
        return where

    def type_digits(self, digits: str) -> None:
        for digit in digits:
            self.tap(digit)


def build_harness(tmp_path, methods=(PaymentMethod.CARD,), operator=None, printer=None,
                  demo=True, gesture_clock=time.monotonic, cards=None, camera=None,
                  feedback=None, now=NOW, show_demo_card=None, demo_phone=None) -> Harness:
    clock, tap_clock = FakeClock(now), TapClock()
    journal = Journal(tmp_path / "journal.sqlite", now=clock)
    terminals = {m: PaymentSimulator(tmp_path / "terminal.sqlite", m) for m in methods}
    operator = operator or FakeOperator(demo_card(ICCID))
    printer = printer or RecordingPrinter()
    identity = KioskIdentity("K-1", "Hall", "Travel Card", "+7 800", "Europe/Moscow")
    settings = EngineSettings("K-1", TZ, methods=tuple(methods), idle_timeout_s=60,
                              idle_warning_s=15, support_contact=SUPPORT)
    engine = Engine(
        settings, operator, terminals, printer, journal,
        lambda port: Checkout(journal, port, operator, printer, identity,
                              retry=Retry(attempts=2), sleep=lambda _s: None, now=clock),
        ThreadRunner(clock_poster), now=clock,
    )
    if cards is None:
        cards = (DemoCard("Demo card", ICCID),) if demo else ()
    app = KioskApp(lambda: KioskRoot(engine, Metrics(WIDTH, HEIGHT), TZ, demo_cards=cards,
                                     gesture_clock=gesture_clock, tap_clock=tap_clock,
                                     camera=camera, feedback=feedback,
                                     show_demo_card=show_demo_card,
                                     demo_phone=demo_phone),
                   kiosk_mode=False)
    app._run_prepare()
    harness = Harness(app, engine, clock, tap_clock, {"journal": journal, "terminals": terminals,
                                           "operator": operator, "printer": printer})
    harness.idle()
    return harness


@pytest.fixture
def make_ui(window, tmp_path):
    made: list[Harness] = []

    def make(**options) -> Harness:
        harness = build_harness(tmp_path, **options)
        made.append(harness)
        return harness

    yield make
    for harness in made:
        harness.app.detach()
        window.remove_widget(harness.root)
        harness.engine.runner.shutdown()
        harness.journal.close()


@pytest.fixture
def operator_sim(tmp_path):
    """The real operator simulator on loopback HTTP and a client for the demo kiosk."""
    from kiosk.provider.testing import client_for, running_simulator

    with running_simulator(tmp_path / "operator-sim") as sim:
        client = client_for(sim)
        yield sim, client
        client.close()
