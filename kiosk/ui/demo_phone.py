"""The demo's phone: the SMS the operator simulator sent, shown on the code screen, so a
newcomer trying ``./run.sh`` can finish a renewal (demo only: a real kiosk never sees it).

The code is read over the simulator's test endpoint on a thread of its own and handed to
the screen on the main loop, like every other answer; the screen never waits for it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from kiosk import logs

log = logging.getLogger(__name__)
Deliver = Callable[[str], None]


class DemoPhone:
    def __init__(self, read_code: Callable[[str], str],
                 post: Callable[[Callable[[], None]], None]) -> None:
        self._read_code, self._post = read_code, post

    def fetch(self, challenge_id: str, deliver: Deliver) -> None:
        """``deliver(code)`` on the main loop once the simulator says what it sent."""
        def work() -> None:
            try:
                code = self._read_code(challenge_id)
            except Exception as exc:  # the demo panel stays empty; the sale is not touched
                logs.event(log, "demo_phone.unread", logging.WARNING, error=repr(exc))
                return
            self._post(lambda: deliver(code))

        threading.Thread(target=work, name="demo-phone", daemon=True).start()
