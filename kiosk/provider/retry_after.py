"""The ``Retry-After`` header (RFC 9110 10.2.3): delay-seconds or an HTTP date."""

from __future__ import annotations

import math
from datetime import UTC
from email.utils import parsedate_to_datetime


def retry_after_s(value: str | None, now: float) -> float | None:
    """Seconds to wait from ``now`` (Unix time); None when absent or unreadable.

    A delay too large to mean anything is infinite: the caller's deadline turns it down.
    """
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return float(text) if len(text) <= 9 else math.inf
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return max(0.0, moment.timestamp() - now)
    except (OverflowError, ValueError, OSError):
        return None
