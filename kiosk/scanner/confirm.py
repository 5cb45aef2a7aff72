"""When decoded frames become a read the kiosk acts on.

A lone ICCID whose Luhn check digit holds is trusted at once: a misread that keeps a correct
check digit *and* the symbology's own checksum is vanishingly rare. Anything the check digit
does not cover (a phone number riding along, a rejection shown to the customer) must be seen
the same way in two of the last few frames. The card just reported is not reported again
until another card is seen or the scanner is re-armed for the next customer.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from kiosk.core.card_payload import CardIdentity, PayloadRejected
from kiosk.scanner.pipeline import Decoded


@dataclass(frozen=True)
class ScanRead:
    identity: CardIdentity
    symbology: str
    backend: str


@dataclass(frozen=True)
class ScanRejected:
    rejection: PayloadRejected
    symbology: str
    backend: str


class ReadConfirmer:
    def __init__(self, agreeing_reads: int = 2, window_frames: int = 6) -> None:
        self._agreeing = agreeing_reads
        self._recent: deque[frozenset[object]] = deque(maxlen=window_frames)
        self._last_reported: object | None = None

    def offer(self, decoded: Iterable[Decoded]) -> ScanRead | ScanRejected | None:
        """Feed one frame's decodes; the read or rejection to report now, if any."""
        decoded = list(decoded)
        self._recent.append(frozenset(_key(d) for d in decoded))
        for item in decoded:
            identity = item.identity
            if identity is not None and self._confirmed(item, trusted=identity.phone is None):
                return self._report(item, ScanRead(identity, *_origin(item)))
        for item in decoded:
            if isinstance(item.outcome, PayloadRejected) and self._confirmed(item, trusted=False):
                return self._report(item, ScanRejected(item.outcome, *_origin(item)))
        return None

    def rearm(self) -> None:
        """Forget the last report, so the same card can be read again (next customer, retry)."""
        self._last_reported = None
        self._recent.clear()

    def _confirmed(self, item: Decoded, trusted: bool) -> bool:
        key = _key(item)
        if key == self._last_reported:
            return False
        seen = sum(1 for frame in self._recent if key in frame)
        return trusted or seen >= self._agreeing

    def _report(self, item: Decoded, report: ScanRead | ScanRejected) -> ScanRead | ScanRejected:
        self._last_reported = _key(item)
        return report


def _key(item: Decoded) -> object:
    return item.identity if item.identity is not None else ("rejected", item.candidate.text)


def _origin(item: Decoded) -> tuple[str, str]:
    return item.candidate.symbology, item.candidate.backend
