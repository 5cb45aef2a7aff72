"""What a screen builder gets: the View to draw, the words, the sizes, and where touches go.

``UiState`` holds the little the UI remembers itself: which identify screen is up (the engine
has one ATTRACT step for welcome, camera and keypad), what has been typed, and whether an
answer is awaited after a submit. Everything else comes from the View.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from kivy.uix.widget import Widget

from kiosk.core.card import CardStatus
from kiosk.core.messages import Message
from kiosk.flow.engine import Engine
from kiosk.flow.view import View
from kiosk.i18n import Translator
from kiosk.ui.keypad import Entry
from kiosk.ui.theme import Metrics


@dataclass(frozen=True)
class DemoCard:
    """A sample card the demo's "simulate scan" control offers (demo mode only)."""

    label: str  # shown as is when no status is given (tests name their cards)
    iccid: str
    status: CardStatus | None = None  # shown translated, with the last four digits
    has_phone: bool = True


@dataclass
class UiState:
    mode: str = "attract"  # attract | scan | keypad, while the engine is at ATTRACT
    entries: dict[str, Entry] = field(default_factory=dict)
    waiting: bool = False  # a submit is out; cleared by the next View
    overlay: str | None = None  # help | staff
    rejected: Message | None = None  # why the camera's last barcode is not a card
    offer_group: str | None = None  # the card screen's chosen tab of offers


    def entry(self, name: str, max_len: int) -> Entry:
        return self.entries.setdefault(name, Entry(max_len=max_len))

    def wipe(self) -> None:
        """A new customer: nothing of the last one survives."""
        self.mode, self.entries, self.waiting, self.overlay = "attract", {}, False, None
        self.rejected = self.offer_group = None


@dataclass
class Ctx:
    m: Metrics
    t: Translator
    tz: tzinfo
    view: View
    engine: Engine
    ui: UiState
    rerender: Callable[[], None]
    camera: Callable[[], Widget] | None = None  # builds a live preview when a camera exists
    demo_cards: tuple[DemoCard, ...] = ()
    # The demo row's press: shows the card to the demo camera (None: identify it at once)
    show_demo_card: Callable[[str], None] | None = None
    # The demo's phone (demo only): fetch(challenge_id, deliver) hands over the SMS code.
    demo_phone: Callable[[str, Callable[[str], None]], None] | None = None
    every_second: list[Callable[[], None]] = field(default_factory=list)
    # View fields the shown screen updates in place, each with its updater: a change in only
    # these (a terminal's live prompt) redraws a label instead of rebuilding the screen.
    live: dict[str, Callable[[View], None]] = field(default_factory=dict)

    def _(self, text: str) -> str:
        return self.t.gettext(text)

    def now(self) -> datetime:
        return self.engine.now()

    @property
    def support(self) -> str:
        """The support contact configured for this kiosk (``kiosk.support_contact``)."""
        return self.engine.settings.support_contact
