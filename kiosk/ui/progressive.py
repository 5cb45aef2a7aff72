"""Screens shown only once drawn whole, and long screens filled in over several frames.

Kivy renders a label's text on the frame after the label is made and laid out, so a screen
put on the window at once showed for a frame as empty panels, then jumped into place; and a
screen with a dozen offer cards held the main thread for 150-300 ms building them, a stall
the traveller sees. So a new screen is built and laid out off the window and swapped in two
frames later, complete (``Stage``); and a long list is built a frame's budget at a time, each
part hidden until its words are drawn (``ProgressiveColumn``). The stage waits for the whole
list: built off the window, the parts cost only their own making, where on the window every
part added repainted the whole screen (a software renderer's largest cost). A faster machine
simply does more per frame.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.layout import Layout
from kivy.uix.widget import Widget

FRAME_BUDGET_S = 0.012  # building work per frame, beside layout and drawing
SETTLE_FRAMES = 2  # one to render the text, one more for the layout that follows it


class Stage:
    """The slot a screen is shown in; ``show`` swaps a new screen in once it is drawn whole.

    ``show`` takes how to make the screen, not the screen: it is made on the stage's next
    tick, so views that come in one frame (a terminal's prompts often do) make one screen,
    the last. ``drop`` is called on every screen taken off (to stop its clocks and
    animations), including a staged one that a newer screen replaced before it was shown;
    ``swapped`` after each swap.
    """

    def __init__(self, slot: Layout, drop: Callable[[Widget], None],
                 swapped: Callable[[], None] = lambda: None) -> None:
        self.slot, self.drop, self.swapped = slot, drop, swapped
        self.incoming: Widget | None = None
        self._make: Callable[[], Widget] | None = None
        self._frames = 0
        self._event = Clock.create_trigger(self._tick, 0, interval=True)

    @property
    def pending(self) -> bool:
        return self.incoming is not None or self._make is not None

    def show(self, make: Callable[[], Widget]) -> None:
        """The screen on show stops moving (its camera, spinner, animations: ``drop``) for
        the few frames until the new one replaces it, so they repaint nothing meanwhile."""
        if not self.pending:
            for shown in self.slot.children:
                self.drop(shown)
        self._make = make
        self._event()

    def _tick(self, _dt: float) -> bool | None:
        if self._make is not None:
            make, self._make = self._make, None
            self._stage(make())
            return None
        if self.incoming is None:
            return False
        if building(self.incoming):  # parts still to come: built off the window, unseen
            self._frames = 0
            return None
        self._frames += 1
        if self._frames < SETTLE_FRAMES:
            return None
        for old in list(self.slot.children):
            self.drop(old)
        self.slot.clear_widgets()
        self.slot.add_widget(self.incoming)
        self.incoming = None
        self.swapped()
        return False

    def _stage(self, screen: Widget) -> None:
        if self.incoming is not None:
            self.drop(self.incoming)
        screen.size, screen.pos = self.slot.size, self.slot.pos  # laid out where it will be
        self.incoming, self._frames = screen, 0


def building(widget: Widget) -> bool:
    """True while a part of ``widget`` (a ``ProgressiveColumn``) is still being built."""
    return any(getattr(w, "pending", False) for w in widget.walk(restrict=True))


class ProgressiveColumn(BoxLayout):
    """A vertical stack as tall as its children; ``later`` queues parts for coming frames."""

    def __init__(self, budget_s: float = FRAME_BUDGET_S, **kw) -> None:
        kw.setdefault("orientation", "vertical")
        super().__init__(size_hint_y=None, **kw)
        self.bind(minimum_height=self.setter("height"))
        self.budget_s = budget_s
        self._steps: deque[tuple[Callable[[], Widget], Layout]] = deque()
        self._hidden: list[tuple[Widget, int]] = []  # parts added, with frames since
        self._event = Clock.schedule_interval(self._run, 0)

    @property
    def pending(self) -> bool:
        """True while parts are still to be built or shown (tests wait for the whole)."""
        return bool(self._steps or self._hidden)

    def later(self, make: Callable[[], Widget], into: Layout) -> None:
        """Make a part with ``make`` on a coming frame and add it to ``into`` (this column
        or a layout inside it); it shows once its words are drawn."""
        self._steps.append((make, into))

    def _run(self, _dt: float) -> bool | None:
        self._reveal()
        started = time.perf_counter()
        while self._steps and time.perf_counter() - started < self.budget_s:
            make, into = self._steps.popleft()
            part = make()
            part.opacity = 0
            into.add_widget(part)
            self._hidden.append((part, 0))
        return None if self.pending else False  # all shown: unschedules itself

    def _reveal(self) -> None:
        still = []
        for part, frames in self._hidden:
            if frames + 1 >= SETTLE_FRAMES:
                part.opacity = 1
            else:
                still.append((part, frames + 1))
        self._hidden = still

    def stop_ticking(self) -> None:
        """Its screen was dropped (``root.stop_animations``): build nothing more."""
        self._steps.clear()
        self._hidden.clear()
        self._event.cancel()
