"""The camera scanner through its real threads and real OpenCV capture of generated files."""

from __future__ import annotations

import queue
import shutil
import threading
import time
from collections.abc import Callable

import cv2
import numpy as np
import pytest

from kiosk import config
from kiosk.scanner import samples
from kiosk.scanner.camera import CameraScanner
from kiosk.scanner.demo import demo_video, write_card_video
from kiosk.scanner.health import HealthState
from kiosk.scanner.sources import ImageFolderSource, VideoSource

WAIT_S = 120  # generous: a deadline for a hung test, never a speed claim
ICCIDS = list(samples.DEFAULT_DEMO_ICCIDS)


@pytest.fixture(scope="module")
def card_video(tmp_path_factory):
    path = tmp_path_factory.mktemp("video") / "cards.avi"
    appearances = write_card_video(path, ICCIDS, np.random.default_rng(3), hold_frames=12)
    return path, appearances


class Listener:
    def __init__(self) -> None:
        self.reads: queue.Queue = queue.Queue()
        self.health: queue.Queue = queue.Queue()
        self.previews = 0

    def options(self) -> dict:
        return {"on_read": self.reads.put, "on_health": self.health.put,
                "on_preview": self._preview}

    def _preview(self, frame) -> None:
        self.previews += 1

    def next_read(self):
        return self.reads.get(timeout=WAIT_S)

    def wait_health(self, state: HealthState) -> None:
        deadline = time.monotonic() + WAIT_S
        while self.health.get(timeout=max(deadline - time.monotonic(), 0.01)).state is not state:
            pass


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Poll ``condition`` until it holds; fail (not hang) when a regression means it never does."""
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {WAIT_S} s waiting for {what}")
        threading.Event().wait(0.05)


class Lockstep:
    """A video file that gives its next frame only once the decoder has taken the last one.

    The real source plays at the video's rate and the decoder (niced, on purpose) takes the
    newest frame: on a loaded machine it skipped a card's frames and missed the card. In
    lockstep every frame is decoded however slow the machine is, as on an idle one."""

    live = False

    def __init__(self, path, scanner_of: Callable[[], CameraScanner]) -> None:
        self._inner = VideoSource(str(path), live=False, fps=1000)  # the lockstep paces it
        self._scanner_of = scanner_of
        self._given = 0

    def open(self) -> bool:
        return self._inner.open()

    def read(self):
        scanner, end = self._scanner_of(), time.monotonic() + WAIT_S
        while scanner.stats.decoded < self._given:  # the decoder's turn
            if not scanner._running or time.monotonic() > end:
                return None
            threading.Event().wait(0.002)
        self._given += 1
        return self._inner.read()

    def close(self) -> None:
        self._inner.close()


def test_reads_every_card_of_a_video_through_the_capture_thread(card_video):
    path, appearances = card_video
    listener = Listener()
    made: list[CameraScanner] = []
    scanner = CameraScanner(lambda: Lockstep(path, lambda: made[0]), **listener.options())
    made.append(scanner)
    scanner.start()
    try:
        seen = [listener.next_read().identity.iccid.digits for _ in appearances]
    finally:
        scanner.stop()
    assert seen == [a.iccid for a in appearances]
    assert listener.previews > 0 and scanner.latest_preview().shape == (720, 1280, 3)
    assert scanner.health.state is HealthState.STOPPED


def test_same_card_is_not_reported_twice_in_a_row_until_rearmed(tmp_path):
    rng = np.random.default_rng(8)
    card = samples.render_card(ICCIDS[0], "code128", rng)
    for n in range(3):
        cv2.imwrite(str(tmp_path / f"{n}.png"), samples.render_scene(card, samples.Pose(), rng))
    listener = Listener()
    scanner = CameraScanner(lambda: ImageFolderSource(tmp_path, hold_frames=2),
                            **listener.options())
    scanner.start()
    try:
        assert listener.next_read().identity.iccid.digits == ICCIDS[0]
        listener.wait_health(HealthState.OK) if scanner.health.state is not HealthState.OK else None
        frames_before = scanner.stats.decoded
        wait_until(lambda: scanner.stats.decoded >= frames_before + 6, "six more decoded frames")
        assert listener.reads.empty()
        scanner.rearm()
        assert listener.next_read().identity.iccid.digits == ICCIDS[0]
    finally:
        scanner.stop()


def test_vanished_camera_is_reported_and_reopened_when_it_returns(card_video, tmp_path):
    path = tmp_path / "camera.avi"
    shutil.copy(card_video[0], path)
    listener = Listener()
    scanner = CameraScanner(lambda: VideoSource(str(path), live=False, loop=True),
                            **listener.options())
    scanner.start()
    try:
        listener.wait_health(HealthState.OK)
        hidden = path.rename(tmp_path / "unplugged.avi")
        scanner.stop()  # restart so the open device handle is dropped, as when unplugged
        scanner.start()
        listener.wait_health(HealthState.NO_DEVICE)
        assert not scanner.health.ok
        hidden.rename(path)
        listener.wait_health(HealthState.OK)
    finally:
        scanner.stop()


class HangingSource:
    """A real video source whose driver hangs inside read() once ``hang`` is set."""

    opened = 0

    def __init__(self, path, hang: threading.Event) -> None:
        self._inner = VideoSource(str(path), live=True, fps=15)
        self._hang = hang
        self.live = True

    def open(self) -> bool:
        HangingSource.opened += 1
        return self._inner.open()

    def read(self):
        if self._hang.is_set():
            self._hang.wait()  # stays stuck until the test ends
            threading.Event().wait(3600)
        return self._inner.read()

    def close(self) -> None:
        self._inner.close()


def test_frozen_camera_is_reported_and_a_fresh_capture_started(card_video):
    hang = threading.Event()
    listener = Listener()
    scanner = CameraScanner(lambda: HangingSource(card_video[0], hang), **listener.options())
    scanner.start()
    try:
        listener.wait_health(HealthState.OK)
        opened_before = HangingSource.opened
        hang.set()
        listener.wait_health(HealthState.FROZEN)
        assert scanner.health.reason.key.startswith("The camera has stopped")
        wait_until(lambda: HangingSource.opened > opened_before, "the camera to be reopened")
    finally:
        scanner.stop()


def test_demo_source_from_config_generates_its_video_under_the_data_dir(tmp_path):
    section = dict(config.load(None).section("scanner"))
    assert section["source"] == "demo"
    listener = Listener()
    scanner = CameraScanner.from_config(section, tmp_path, demo_iccids=ICCIDS[:1],
                                        **listener.options())
    scanner.start()
    try:
        assert listener.next_read().identity.iccid.digits == ICCIDS[0]
    finally:
        scanner.stop()
    assert list((tmp_path / "scanner").glob("demo-cards-*.avi"))
    again = demo_video(tmp_path, ICCIDS[:1])
    assert again.parent == tmp_path / "scanner"
    assert demo_video(tmp_path, ICCIDS) != again  # another card list, another video
