"""A scanner told to stop while the demo video is still being made stops at once: the maker
process is ended, no thread is left behind, and the kiosk's exit never waits for a video it
will not show (it waited for it: over a minute on a loaded machine)."""

from __future__ import annotations

import multiprocessing
import threading
import time

import pytest

from kiosk.scanner.camera import CameraScanner
from kiosk.scanner.demo import demo_video

HANG_BOUND_S = 120


def wait_until(ready, what: str) -> None:
    """Wait for a state another thread or process reaches (a hang bound, not a speed check)."""
    end = time.monotonic() + HANG_BOUND_S
    while not ready():
        if time.monotonic() > end:
            raise AssertionError(f"never reached: {what}")
        time.sleep(0.01)


def makers() -> list:
    return [p for p in multiprocessing.active_children() if p.name == "demo-video"]


def test_stopping_the_scanner_ends_the_demo_video_maker(tmp_path):
    scanner = CameraScanner.from_config(
        {"source": "demo", "width": 1280, "height": 720}, tmp_path, reopen_interval_s=0.05)
    before = set(threading.enumerate())
    scanner.start()
    try:
        wait_until(lambda: makers(), "the demo video maker started")
        maker = makers()[0]
        assert maker.daemon  # even a scanner never stopped cannot hold the process's exit
    finally:
        scanner.stop(timeout=HANG_BOUND_S)
    assert not makers() and maker.exitcode is not None
    assert set(threading.enumerate()) - before == set()  # the capture thread did not hang on
    assert not list((tmp_path / "scanner").glob("demo-cards-*[!t].avi"))  # no video claimed


def test_a_stop_already_set_makes_no_video(tmp_path):
    stop = threading.Event()
    stop.set()
    with pytest.raises(OSError, match="stopped before the demo video"):
        demo_video(tmp_path, stop=stop)
    assert not makers()
    assert not list((tmp_path / "scanner").glob("demo-cards-*[!t].avi"))
