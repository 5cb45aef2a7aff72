"""The camera scanner: a capture thread, a decode worker and a watchdog; the caller never waits.

The capture thread keeps only the newest frame; the decode worker takes it when it is free, so
frames that arrive while it decodes are dropped instead of queueing up latency; it searches
near where the last frame's code was (``track.RegionTracker``), so it is free again sooner.
A watchdog notices within a second when frames stop (unplugged, hung driver, a camera
repeating one buffer), reports it as device health and has the device reopened; a capture
thread stuck inside the driver is abandoned and a fresh one started. Reads, rejections, health
changes and preview frames are handed to callbacks on these worker threads: the UI hops them
onto its own main thread (Kivy ``Clock.schedule_once``) or polls ``latest_preview()`` and
``health``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kiosk.logs import event
from kiosk.scanner.confirm import ReadConfirmer, ScanRead, ScanRejected
from kiosk.scanner.demo import DemoCue
from kiosk.scanner.health import DeviceHealth, HealthState
from kiosk.scanner.pipeline import DecodePipeline
from kiosk.scanner.sources import FrameSource, source_factory
from kiosk.scanner.track import RegionTracker

DECODE_NICENESS = 10  # below the screen's threads: see lower_priority

log = logging.getLogger(__name__)


@dataclass
class ScannerStats:
    frames: int = 0
    decoded: int = 0
    dropped: int = 0
    reopened: int = 0


class CameraScanner:
    def __init__(
        self,
        open_source: Callable[[], FrameSource],
        pipeline: DecodePipeline | None = None,
        *,
        on_read: Callable[[ScanRead], None] | None = None,
        on_rejected: Callable[[ScanRejected], None] | None = None,
        on_health: Callable[[DeviceHealth], None] | None = None,
        on_preview: Callable[[np.ndarray], None] | None = None,
        stall_timeout_s: float = 0.6,
        reopen_interval_s: float = 0.3,
        stopping: threading.Event | None = None,
    ) -> None:
        """``stopping``: set by ``stop`` (and cleared by ``start``), for a source that can
        take long to open (the demo video being made) to give up at once."""
        self._stopping = stopping or threading.Event()
        self._open_source = open_source
        self._tracker = RegionTracker(pipeline or DecodePipeline())
        self._confirmer = ReadConfirmer()
        self._callbacks = {"read": on_read, "rejected": on_rejected, "health": on_health,
                           "preview": on_preview}
        self._stall_timeout = stall_timeout_s
        self._reopen_interval = reopen_interval_s
        self._lock = threading.Condition()
        self._running = False
        self._generation = 0
        self._newest: np.ndarray | None = None
        self._preview: np.ndarray | None = None
        self._last_frame_at = 0.0
        self._last_change_at = 0.0
        self._signature: bytes = b""
        self._connected = False
        self._health = DeviceHealth(HealthState.STOPPED, time.monotonic())
        self._threads: list[threading.Thread] = []
        self.stats = ScannerStats()

    @classmethod
    def from_config(cls, scanner_section: dict[str, Any] | Any, data_dir: Path,
                    demo_iccids: Sequence[str] | None = None, demo_cue: DemoCue | None = None,
                    **options: Any) -> CameraScanner:
        """Build from the ``[scanner]`` config section; ``options`` are the callbacks etc.
        ``demo_cue``: the demo camera shows a card only when cued (``source = "demo"``)."""
        stopping = threading.Event()
        factory = source_factory(str(scanner_section["source"]), int(scanner_section["width"]),
                                 int(scanner_section["height"]), data_dir=data_dir,
                                 demo_iccids=demo_iccids, stop=stopping, demo_cue=demo_cue)
        return cls(factory, stopping=stopping, **options)

    # -- the caller's side: all of these return at once --------------------------------------

    @property
    def health(self) -> DeviceHealth:
        return self._health

    def latest_preview(self) -> np.ndarray | None:
        """The newest frame (BGR), for the on-screen preview; None before the first frame."""
        return self._preview

    def start(self) -> None:
        with self._lock:
            if self._running:
                return
            self._running = True
            self._stopping.clear()
        self._set_health(HealthState.STARTING)
        self._spawn(self._decode_loop, "scanner-decode")
        self._spawn(self._watchdog_loop, "scanner-watchdog")
        self._start_capture()

    def stop(self, timeout: float = 2.0) -> None:
        """Stop all threads; a capture thread stuck in a driver is left behind as a daemon."""
        with self._lock:
            self._running = False
            self._generation += 1
            self._lock.notify_all()
        self._stopping.set()
        for thread in self._threads:
            thread.join(timeout)
        self._threads = [t for t in self._threads if t.is_alive()]
        self._set_health(HealthState.STOPPED)

    def rearm(self) -> None:
        """Let the card just read be read again (the next customer, or the same one retrying)."""
        with self._lock:
            self._confirmer.rearm()

    # -- capture -------------------------------------------------------------------------------

    def _spawn(self, target: Callable[..., None], name: str, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _start_capture(self) -> None:
        with self._lock:
            self._generation += 1
            generation = self._generation
            self._last_frame_at = self._last_change_at = time.monotonic()
        self._spawn(self._capture_loop, f"scanner-capture-{generation}", generation)

    def _current(self, generation: int) -> bool:
        return self._running and generation == self._generation

    def _capture_loop(self, generation: int) -> None:
        source: FrameSource | None = None
        try:
            while self._current(generation):
                if source is None:
                    source = self._connect()
                    if source is None:
                        time.sleep(self._reopen_interval)
                    continue
                frame = source.read()
                if not self._current(generation):
                    break
                if frame is None:
                    source.close()
                    source = None
                    self._lost(HealthState.NO_DEVICE)
                    continue
                self._deliver(frame, source.live)
        finally:
            if source is not None:
                source.close()

    def _connect(self) -> FrameSource | None:
        try:
            source = self._open_source()
            opened = source.open()
        except Exception as exc:  # a broken driver or file must not kill the capture thread
            event(log, "scanner.open_failed", logging.WARNING, error=type(exc).__name__,
                  detail=str(exc))
            opened = False
        if not opened:
            self._lost(HealthState.NO_DEVICE)
            return None
        with self._lock:
            self._connected = True
            self._last_frame_at = self._last_change_at = time.monotonic()
        self.stats.reopened += 1
        return source

    def _lost(self, state: HealthState) -> None:
        with self._lock:
            self._connected = False
        self._set_health(state)

    def _deliver(self, frame: np.ndarray, live: bool) -> None:
        now = time.monotonic()
        signature = frame[::37, ::41].tobytes() if live else b""
        with self._lock:
            self._last_frame_at = now
            if signature != self._signature or not live:
                self._last_change_at = now
            self._signature = signature
            if self._newest is not None:
                self.stats.dropped += 1
            self._newest = frame
            self._preview = frame
            self.stats.frames += 1
            self._lock.notify_all()
        if now - self._last_change_at <= self._stall_timeout:
            self._set_health(HealthState.OK)
        self._emit("preview", frame)

    # -- watchdog --------------------------------------------------------------------------------

    def _watchdog_loop(self) -> None:
        while self._running:
            time.sleep(min(0.1, self._stall_timeout / 4))
            with self._lock:
                connected = self._connected
                silent = time.monotonic() - min(self._last_frame_at, self._last_change_at)
            if not connected or silent <= self._stall_timeout:
                continue
            self._set_health(HealthState.FROZEN)
            if silent > 2 * self._stall_timeout and self._running:
                event(log, "scanner.capture_abandoned", logging.WARNING, silent_s=round(silent, 2))
                with self._lock:
                    self._connected = False
                self._start_capture()

    # -- decode ----------------------------------------------------------------------------------

    def _decode_loop(self) -> None:
        lower_priority(DECODE_NICENESS)
        while True:
            with self._lock:
                while self._running and self._newest is None:
                    self._lock.wait(0.5)
                if not self._running:
                    return
                frame, self._newest = self._newest, None
            decoded = self._tracker.decode(frame)
            with self._lock:
                self.stats.decoded += 1
                report = self._confirmer.offer(decoded)
            if isinstance(report, ScanRead):
                event(log, "scanner.read", iccid=report.identity.iccid.masked(),
                      symbology=report.symbology, backend=report.backend)
                self._emit("read", report)
            elif isinstance(report, ScanRejected):
                event(log, "scanner.rejected", reason=report.rejection.reason,
                      symbology=report.symbology)
                self._emit("rejected", report)

    # -- reporting ---------------------------------------------------------------------------

    def _set_health(self, state: HealthState) -> None:
        with self._lock:
            if self._health.state is state:
                return
            self._health = DeviceHealth(state, time.monotonic())
            health = self._health
        event(log, "scanner.health", state=str(state))
        self._emit("health", health)

    def _emit(self, kind: str, payload: object) -> None:
        callback = self._callbacks[kind]
        if callback is None:
            return
        try:
            callback(payload)
        except Exception:  # a faulty listener must not stop the camera
            log.exception("scanner.callback_failed", extra={"fields": {"callback": kind}})


def lower_priority(niceness: int) -> None:
    """Make the calling thread yield the processor to the rest of the kiosk (Linux).

    Decoding takes whatever processor time it gets and drops frames when it falls behind
    (the newest frame wins), while the touch screen must draw every frame on time. On a
    screen drawn in software (llvmpipe, two cores) the decoder at equal priority competed
    with the renderer's threads: the camera screens' p99 frame time went from 41-48 ms to
    31-38 ms with it lowered (bench/ui.py, three runs each). Elsewhere this does nothing.
    """
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)
