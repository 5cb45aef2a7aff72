"""How the engine runs blocking port calls off the caller's thread.

The engine never blocks: it hands a call to a runner and gets the outcome back through a
callback on its own thread. The UI wires a thread pool that posts back with Kivy's Clock;
tests and the headless demo use ``InlineRunner``, which makes the engine deterministic.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Outcome:
    value: Any = None
    error: BaseException | None = None


class Runner(Protocol):
    def run(self, work: Callable[[], Any], done: Callable[[Outcome], None]) -> None: ...

    def post(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` on the engine's own thread (used for live terminal prompts)."""


def _capture(work: Callable[[], Any]) -> Outcome:
    try:
        return Outcome(work())
    except Exception as exc:  # handed to the engine, which decides what the customer sees
        return Outcome(error=exc)


class InlineRunner:
    """Runs work at once on the calling thread."""

    def run(self, work: Callable[[], Any], done: Callable[[Outcome], None]) -> None:
        done(_capture(work))

    def post(self, callback: Callable[[], None]) -> None:
        callback()


class ThreadRunner:
    """Runs work on a small pool; ``poster`` brings results back (e.g. Clock.schedule_once)."""

    def __init__(self, poster: Callable[[Callable[[], None]], None], workers: int = 2) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kiosk-io")
        self._poster = poster
        self._closed = False

    def run(self, work: Callable[[], Any], done: Callable[[Outcome], None]) -> None:
        if self._closed:  # a result that lands after the kiosk stopped asks for no more work
            return

        def task() -> None:
            outcome = _capture(work)
            self.post(lambda: done(outcome))

        self._pool.submit(task)

    def post(self, callback: Callable[[], None]) -> None:
        """Callbacks still queued on the main loop when the runner is shut down are dropped:
        the engine they were for is gone (a stopped app, a test's finished kiosk)."""
        self._poster(lambda: None if self._closed else callback())

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)
        self._closed = True
