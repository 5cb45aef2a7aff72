"""Where camera frames come from: a device (index or path), a video file or an image folder.

Files and folders are how the demo and the tests run without a camera; they are paced to their
frame rate so the rest of the scanner sees them exactly as it sees a camera. Each source is
opened fresh on every (re)connection: a device that hung inside ``read`` is abandoned, never
reused.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from kiosk.scanner.demo import DemoCue, demo_video, pass_length
from kiosk.scanner.samples import DEFAULT_DEMO_ICCIDS

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp")


class FrameSource(Protocol):
    live: bool  # a real camera: its frames carry sensor noise, so identical frames mean a hang

    def open(self) -> bool: ...

    def read(self) -> np.ndarray | None:
        """The next BGR frame; None when the source has nothing (unplugged, ended, broken)."""
        ...

    def close(self) -> None: ...


class _Pacer:
    def __init__(self, fps: float) -> None:
        self._period = 1.0 / fps if fps > 0 else 0.0
        self._due = time.monotonic()

    def wait(self) -> None:
        self._due = max(self._due + self._period, time.monotonic() - self._period)
        delay = self._due - time.monotonic()
        if delay > 0:
            time.sleep(delay)


class VideoSource:
    """``cv2.VideoCapture`` on a device index, device path or video file."""

    def __init__(self, target: int | str, width: int = 1280, height: int = 720, *,
                 live: bool = True, loop: bool = False, fps: float | None = None) -> None:
        self.target = target
        self.live = live
        self._size = (width, height)
        self._loop = loop
        self._fps = fps
        self._capture: cv2.VideoCapture | None = None
        self._pacer: _Pacer | None = None

    def open(self) -> bool:
        if not self.live and not Path(str(self.target)).is_file():
            return False
        capture = cv2.VideoCapture(self.target)
        if not capture.isOpened():
            capture.release()
            return False
        if self.live:
            capture.set(cv2.CAP_PROP_FRAME_WIDTH, self._size[0])
            capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self._size[1])
            capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # newest picture, not a queue of old ones
        else:
            self._pacer = _Pacer(self._fps or capture.get(cv2.CAP_PROP_FPS) or 15.0)
        self._capture = capture
        return True

    def read(self) -> np.ndarray | None:
        if self._capture is None:
            return None
        if self._pacer is not None:
            self._pacer.wait()
        ok, frame = self._capture.read()
        if not ok and self._loop:
            self._capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, frame = self._capture.read()
        return frame if ok else None

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None


class ImageFolderSource:
    """Every image in a folder, in name order, each shown for ``hold_frames`` frames; loops."""

    live = False

    def __init__(self, folder: Path, fps: float = 15.0, hold_frames: int = 5) -> None:
        self.folder = folder
        self._fps = fps
        self._hold = hold_frames
        self._frames: list[np.ndarray] = []
        self._index = 0
        self._pacer: _Pacer | None = None

    def open(self) -> bool:
        paths = sorted(p for p in self.folder.glob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
        images = [cv2.imread(str(p)) for p in paths]
        self._frames = [image for image in images if image is not None]
        self._index = 0
        self._pacer = _Pacer(self._fps)
        return bool(self._frames)

    def read(self) -> np.ndarray | None:
        if not self._frames or self._pacer is None:
            return None
        self._pacer.wait()
        frame = self._frames[(self._index // self._hold) % len(self._frames)]
        self._index += 1
        return frame.copy()

    def close(self) -> None:
        self._frames = []


class CuedDemoSource:
    """The demo camera for the demo kiosk: an empty scene until ``cue`` names a card, then
    that card's pass from the demo video (its frames go through the real decoder, as a
    camera's would), then the empty scene again."""

    live = False

    def __init__(self, video: Path, iccids: Sequence[str], cue: DemoCue,
                 fps: float = 15.0) -> None:
        self._video, self._iccids, self._cue, self._fps = video, tuple(iccids), cue, fps
        self._capture: cv2.VideoCapture | None = None
        self._empty: np.ndarray | None = None
        self._left = 0  # frames of the current pass still to show
        self._hidden = cue.hidden
        self._pacer: _Pacer | None = None

    def open(self) -> bool:
        capture = cv2.VideoCapture(str(self._video))
        ok, first = capture.read() if capture.isOpened() else (False, None)
        if not ok:
            capture.release()
            return False
        self._capture, self._empty, self._left = capture, first, 0  # a pass opens empty
        self._pacer = _Pacer(self._fps)
        return True

    def read(self) -> np.ndarray | None:
        if self._capture is None or self._pacer is None:
            return None
        self._pacer.wait()
        if self._cue.hidden != self._hidden:  # the card was taken away mid-pass
            self._hidden, self._left = self._cue.hidden, 0
        if self._left == 0:
            wanted = self._cue.take()
            if wanted in self._iccids:
                start = self._iccids.index(wanted) * pass_length()
                self._capture.set(cv2.CAP_PROP_POS_FRAMES, start)
                self._left = pass_length()
        if self._left > 0:
            self._left -= 1
            ok, frame = self._capture.read()
            if ok:
                return frame
            self._left = 0
        return self._empty.copy()

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None


def source_factory(spec: str, width: int = 1280, height: int = 720, *,
                   data_dir: Path | None = None,
                   demo_iccids: Sequence[str] | None = None,
                   stop: threading.Event | None = None,
                   demo_cue: DemoCue | None = None) -> Callable[[], FrameSource]:
    """What config ``[scanner] source`` names, as a factory of fresh sources.

    ``demo``: a generated video of demo cards (written under ``data_dir`` at first use),
    looped, or with ``demo_cue`` each card only when cued (the demo kiosk's demo row);
    digits: a device index; ``/dev/...``: a device path; a folder: its images; else a video file.
    ``stop``: set when the scanner stops, so a demo video still being made is abandoned.
    """
    spec = spec.strip()
    if spec == "demo" and demo_cue is not None:
        iccids = tuple(demo_iccids or DEFAULT_DEMO_ICCIDS)
        return lambda: CuedDemoSource(demo_video(data_dir or Path("."), iccids, stop=stop),
                                      iccids, demo_cue)
    if spec == "demo":
        return lambda: _demo_source(data_dir or Path("."), demo_iccids, stop)
    if spec.isdigit():
        return lambda: VideoSource(int(spec), width, height)
    if spec.startswith("/dev/"):
        return lambda: VideoSource(spec, width, height)
    if Path(spec).is_dir():
        return lambda: ImageFolderSource(Path(spec))
    return lambda: VideoSource(spec, width, height, live=False)


def _demo_source(data_dir: Path, demo_iccids: Sequence[str] | None,
                 stop: threading.Event | None) -> FrameSource:
    """Runs on the capture thread: the first use renders the video there, not in the caller."""
    return VideoSource(str(demo_video(data_dir, demo_iccids, stop=stop)), live=False, loop=True)
