"""``kiosk screenshots --out DIR``: every screen, in every language, in both orientations.

Drives the real engine on the embedded demo simulators (a fresh data directory per run) to
each step and saves ``DIR/<orientation>/<screen>-<lang>.png``. Worker results are held and
released one at a time (``HeldRunner``), so in-between screens such as "looking up your
card" or the terminal's "insert your card" are caught deterministically.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.flow.runner import Outcome, _capture
from kiosk.i18n import LANGUAGES
from kiosk.ui.kivy_setup import Screen, prepare

ORIENTATIONS = {"portrait": (1080, 1920), "landscape": (1920, 1080)}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("screenshots", help="render every screen to PNG files")
    parser.add_argument("--out", required=True, type=Path, help="folder for the PNG files")
    parser.add_argument("--lang", action="append", choices=LANGUAGES,
                        help="only these languages (default: all)")
    parser.add_argument("--orientation", action="append", choices=list(ORIENTATIONS),
                        help="only these orientations (default: both)")
    parser.set_defaults(handler=run)


class HeldRunner:
    """Does the work at once but keeps each answer until ``release_one`` hands it over."""

    def __init__(self) -> None:
        self.queue: deque[Callable[[], None]] = deque()

    def run(self, work: Callable[[], Any], done: Callable[[Outcome], None]) -> None:
        outcome = _capture(work)
        self.queue.append(lambda: done(outcome))

    def post(self, callback: Callable[[], None]) -> None:
        self.queue.append(callback)

    def release_until(self, ready: Callable[[], bool]) -> None:
        while self.queue and not ready():
            self.queue.popleft()()


def run(args: argparse.Namespace) -> int:
    """One process per orientation: an offscreen window keeps the size it was opened with."""
    orientations = args.orientation or list(ORIENTATIONS)
    if len(orientations) > 1:
        langs = [arg for lang in args.lang or () for arg in ("--lang", lang)]
        for orientation in orientations:
            command = [sys.executable, "-m", "kiosk.cli",
                       "--log-level", getattr(args, "log_level", None) or "warning",
                       "screenshots", "--out", str(args.out), "--orientation", orientation,
                       *langs]
            if subprocess.run(command, check=False).returncode != 0:
                return 1
        return 0
    orientation = orientations[0]
    prepare(Screen(*ORIENTATIONS[orientation], headless=True))
    from kiosk.ui.shots import Shooter

    folder = args.out / orientation
    folder.mkdir(parents=True, exist_ok=True)
    shooter = Shooter(ORIENTATIONS[orientation], folder)
    written = sum(shooter.all_screens(lang) for lang in args.lang or LANGUAGES)
    print(f"wrote {written} screenshots under {folder}", file=sys.stderr)
    return 0
