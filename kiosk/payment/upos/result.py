"""The result file ``e`` that ``sb_pilot`` writes: parsed strictly, or refused.

The layout is the one public wrappers read (one field per line, the first ``code,text``);
it lives in ``FIELDS`` alone so that a vendor version that orders its lines differently is
one edit here. Verify it against the vendor's integration document before going live.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

APPROVED = 0
CUSTOMER_CANCELLED = 2000  # the customer pressed cancel on the pin pad, or took the card
FIELDS = ("result", "card_masked", "expiry", "auth_code", "operation_no", "card_type",
          "sber_card", "terminal_id", "when", "rrn", "card_hash", "amount_minor")
MAX_BYTES = 64 * 1024  # a result file is a few hundred bytes; more is not one of them
_FIRST = re.compile(r"^\s*(\d{1,5})\s*(?:,(.*))?$")
_DIGITS = re.compile(r"^\d{1,12}$")
_WHEN = re.compile(r"^\d{14}$")


class UposFileError(ValueError):
    """A result file that cannot be read as one: the outcome stays unknown."""


@dataclass(frozen=True)
class UposResult:
    code: int
    message: str
    card_masked: str | None = None
    auth_code: str | None = None
    rrn: str | None = None
    operation_no: str | None = None  # the terminal's own number for the operation
    terminal_id: str | None = None
    when: datetime | None = None
    amount_minor: int | None = None  # given by the last-operation query

    @property
    def approved(self) -> bool:
        return self.code == APPROVED


def decode(raw: bytes) -> str:
    """KOI8-R as documented; a file that is valid UTF-8 with non-ASCII text was written by
    a misconfigured locale and is read as such (KOI8-R decodes any bytes, to nonsense)."""
    if len(raw) > MAX_BYTES:
        raise UposFileError(f"result file of {len(raw)} bytes")
    if b"\x00" in raw:
        raise UposFileError("result file holds NUL bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("koi8_r")
    return text


def parse(raw: bytes, tz: ZoneInfo) -> UposResult:
    """``raw``: the bytes of ``e``; ``tz``: the terminal's clock zone (it writes local time)."""
    lines = [line.strip() for line in decode(raw).replace("\r", "").split("\n")]
    if not lines or not lines[0]:
        raise UposFileError("empty result file")
    first = _FIRST.match(lines[0])
    if first is None:
        raise UposFileError(f"first line is not 'code,text': {lines[0][:40]!r}")
    values = dict(zip(FIELDS[1:], lines[1:], strict=False))
    return UposResult(
        code=int(first.group(1)),
        message=(first.group(2) or "").strip()[:200],
        card_masked=_masked(values.get("card_masked")),
        auth_code=_plain(values.get("auth_code"), 12),
        rrn=_plain(values.get("rrn"), 24),
        operation_no=_plain(values.get("operation_no"), 12),
        terminal_id=_plain(values.get("terminal_id"), 16),
        when=_when(values.get("when"), tz),
        amount_minor=_amount(values.get("amount_minor")),
    )


def _plain(value: str | None, limit: int) -> str | None:
    if not value or len(value) > limit or not value.isalnum() or not value.isascii():
        return None
    return value


def _masked(value: str | None) -> str | None:
    """Only a masked number is kept: a line with more than the last four digits in clear
    is dropped, never stored (the kiosk must not hold a PAN)."""
    if not value or len(value) > 23 or not re.fullmatch(r"[0-9*Xx ]+", value):
        return None
    return value if len(re.sub(r"\D", "", value)) <= 10 and "*" in value else None


def _when(value: str | None, tz: ZoneInfo) -> datetime | None:
    if not value or not _WHEN.match(value):
        return None
    try:
        return datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=tz)
    except ValueError:
        return None


def _amount(value: str | None) -> int | None:
    return int(value) if value and _DIGITS.match(value) else None


def slip_lines(raw: bytes) -> tuple[str, ...]:
    """The slip ``p`` as printable lines (the terminal's own wording, kept for the receipt)."""
    if len(raw) > MAX_BYTES:
        raw = raw[:MAX_BYTES]
    text = decode(raw.replace(b"\x00", b""))
    lines = (line.rstrip() for line in text.replace("\r", "").split("\n"))
    return tuple(line[:64] for line in lines if line.strip() and line.isprintable())[:80]
