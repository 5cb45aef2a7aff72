"""``kiosk screenshots --out DIR``: every screen, in every language, in both orientations.

Drives the real engine on the embedded demo simulators (a fresh data directory per run) to
each step and saves ``DIR/<orientation>/<screen>-<lang>.png``. Worker results are held and
released one at a time (``HeldRunner``), so in-between screens such as "looking up your
card" or the terminal's "insert your card" are caught deterministically.
"""

from __future__ import annotations

import argparse
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
    orientations = args.orientation or list(ORIENTATIONS)
    width, height = ORIENTATIONS[orientations[0]]
    prepare(Screen(width, height, headless=True))
    from kiosk.ui.shots import Shooter

    written = 0
    for orientation in orientations:
        folder = args.out / orientation
        folder.mkdir(parents=True, exist_ok=True)
        shooter = Shooter(ORIENTATIONS[orientation], folder)
        for lang in args.lang or LANGUAGES:
            written += shooter.all_screens(lang)
    print(f"wrote {written} screenshots under {args.out}", file=sys.stderr)
    return 0

