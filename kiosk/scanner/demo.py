"""The demo camera: a generated video of demo cards being shown to the kiosk, looped.

Written once under the data directory (never committed: it is a build product of the seed and
the card list) and reused while the card list stays the same.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import multiprocessing.connection
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

from kiosk.scanner import samples

DEMO_SYMBOLOGIES = ("code128", "qr", "datamatrix")


@dataclass(frozen=True)
class Appearance:
    """One card's pass in front of the camera: frame numbers in the video."""

    iccid: str
    symbology: str
    enters_view: int  # first frame with the whole barcode inside the picture
    leaves: int  # first frame after it is gone


def demo_video(data_dir: Path, iccids: Sequence[str] | None = None, seed: int = 1,
               stop: threading.Event | None = None) -> Path:
    """The demo video for ``iccids`` (default: the built-in sample cards), made on first use.

    Making it takes seconds (a minute on a loaded machine): ``stop`` set (the scanner is
    stopping) ends the maker at once, and the maker is a daemon process, so a kiosk told to
    stop never waits for a video it will not show."""
    iccids = tuple(iccids or samples.DEFAULT_DEMO_ICCIDS)
    tag = hashlib.sha256(f"{seed}:{','.join(iccids)}".encode()).hexdigest()[:12]
    path = data_dir / "scanner" / f"demo-cards-{tag}.avi"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part.avi")
        # Drawing the frames is Python-heavy: in a thread it would hold the GIL for seconds
        # and freeze the touch screen, so a separate process makes the video.
        child = multiprocessing.get_context("spawn").Process(
            target=_write_demo_video, args=(partial, iccids, seed), name="demo-video",
            daemon=True,
        )
        child.start()
        stopped = _wait(child, stop or threading.Event())
        if stopped:
            raise OSError(f"stopped before the demo video {path} was made")
        if child.exitcode != 0:
            raise OSError(f"could not make the demo video {path} (exit {child.exitcode})")
        partial.replace(path)
    return path


def _wait(child: multiprocessing.process.BaseProcess, stop: threading.Event) -> bool:
    """Wait for ``child`` to end, or end it when ``stop`` is set first; True if stopped."""
    sentinel = child.sentinel
    while not stop.is_set():
        if multiprocessing.connection.wait([sentinel], timeout=0.1):
            child.join()
            return False
    child.terminate()
    child.join()
    return True


def _write_demo_video(path: Path, iccids: Sequence[str], seed: int) -> None:
    write_card_video(path, iccids, np.random.default_rng(seed))


def write_card_video(path: Path, iccids: Sequence[str], rng: np.random.Generator,
                     fps: float = 15.0, symbologies: Sequence[str] = DEMO_SYMBOLOGIES,
                     hold_frames: int = 30) -> list[Appearance]:
    """An MJPG video where each card slides in, is held still (a little shaky), and leaves."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, samples.FRAME_SIZE)
    if not writer.isOpened():
        raise OSError(f"cannot write video {path}")
    appearances, frame_number = [], 0
    try:
        for index, iccid in enumerate(iccids):
            symbology = symbologies[index % len(symbologies)]
            frames, enters = card_pass(iccid, symbology, rng, hold_frames)
            for frame in frames:
                writer.write(frame)
            appearances.append(Appearance(iccid, symbology, frame_number + enters,
                                          frame_number + len(frames)))
            frame_number += len(frames)
    finally:
        writer.release()
    return appearances


_LEAD, _IN_STEPS, _OUT_STEPS, _TAIL = 6, 10, 6, 4  # frames without the card, in, out


def pass_length(hold_frames: int = 30) -> int:
    """Frames in one card's pass (``card_pass``): every pass in a demo video is this long,
    so card number ``i`` starts at frame ``i * pass_length()``."""
    return _LEAD + (_IN_STEPS + 1) + hold_frames + (_OUT_STEPS + 1) + _TAIL


class DemoCue:
    """Which demo card the demo camera shows next: set by the demo row's buttons (the UI's
    thread), taken by the camera's capture thread. Until then the camera shows an empty
    scene, so the demo's start screen stays until someone acts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wanted: str | None = None
        self.hidden = 0  # how many times ``hide`` was called: a pass started before stops

    def show(self, iccid: str) -> None:
        with self._lock:
            self._wanted = iccid

    def hide(self) -> None:
        """Take the card away now (the kiosk is back at its start): a card still in front
        of the camera would start the next session by itself once the scanner re-arms."""
        with self._lock:
            self._wanted = None
            self.hidden += 1

    def take(self) -> str | None:
        with self._lock:
            wanted, self._wanted = self._wanted, None
        return wanted


def card_pass(iccid: str, symbology: str, rng: np.random.Generator,
              hold_frames: int = 30) -> tuple[list[np.ndarray], int]:
    """Frames of one card's pass and the index of the first with the barcode fully in view."""
    card = samples.render_card(iccid, symbology, rng)
    backdrop = samples.background(rng)
    rest = samples.Pose(center=(640 + rng.uniform(-60, 60), 360 + rng.uniform(-30, 30)),
                        width_px=rng.uniform(680, 820), rotation_deg=rng.uniform(-10, 10))
    poses = [None] * _LEAD + _entry(rest, steps=_IN_STEPS) + _hold(rest, hold_frames, rng)
    poses += [replace(p, motion_px=0) for p in _entry(rest, steps=_OUT_STEPS)[::-1]]
    poses += [None] * _TAIL
    frames, enters = [], -1
    for number, pose in enumerate(poses):
        shown = card if pose is not None else None
        frames.append(samples.render_scene(shown, pose or rest, rng, backdrop))
        if enters < 0 and pose is not None and samples.symbol_in_view(card, pose):
            enters = number
    return frames, enters


def _entry(rest: samples.Pose, steps: int) -> list[samples.Pose]:
    """A hand slowing down as it brings the card under the camera (ease-out from the right)."""
    start_x = rest.center[0] + 1100
    xs = [rest.center[0] + (start_x - rest.center[0]) * (1 - t / steps) ** 2
          for t in range(steps + 1)]
    return [replace(rest, center=(x, rest.center[1]), motion_px=0.5 * abs(x - x_next))
            for x, x_next in zip(xs, [*xs[1:], xs[-1]], strict=True)]


def _hold(rest: samples.Pose, frames: int, rng: np.random.Generator) -> list[samples.Pose]:
    return [replace(rest, center=(rest.center[0] + rng.normal(0, 2), rest.center[1]
                                  + rng.normal(0, 2)), motion_px=abs(rng.normal(0, 1)))
            for _ in range(frames)]
