"""From the text inside a barcode to the card it names.

Whatever a camera decoder or a keyboard-wedge scanner hands over is untrusted data: it may be
the bare ICCID, the ICCID with the bound phone number in one of the carrier-card forms, a QR
payload (URL, JSON, ``key:value`` lines), or something else entirely (a boarding pass, a
payment QR, line noise, an attack). The parser answers with a ``CardIdentity`` or raises
``PayloadRejected`` whose ``Message`` the UI translates; it raises nothing else, whatever the
input, so the scanner threads never die on a strange barcode.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from kiosk.core.errors import InvalidInput
from kiosk.core.iccid import Iccid, IccidError, normalise
from kiosk.core.messages import N_, Message
from kiosk.core.phone import Phone

# A card's longest honest payload is a URL with two parameters; anything far longer is not ours.
MAX_PAYLOAD_CHARS = 512

REASONS = {
    "empty": N_("The barcode is empty."),
    "too_long": N_("This barcode is too long to be a card number."),
    "unreadable": N_("This barcode contains characters a card number never has."),
    "not_a_card": N_("This barcode does not carry a SIM card number."),
    "conflict": N_("This barcode names more than one card."),
    "iccid_length": N_(
        "The number in this barcode has {count} digits; a card number has 19 or 20."
    ),
    "iccid_prefix": N_("The number in this barcode is not a SIM card number."),
    "iccid_check_digit": N_("The card number in this barcode fails its check digit."),
    "phone": N_("The phone number in this barcode is not valid."),
}

# Labels compared after dropping case, spaces and punctuation ("SIM No." -> "simno").
ICCID_KEYS = frozenset(
    {"iccid", "icc", "iccidno", "iccidnumber", "simiccid", "sim", "simno", "simnumber",
     "cardnumber", "cardno"}
)
PHONE_KEYS = frozenset(
    {"msisdn", "phone", "phoneno", "phonenumber", "tel", "telephone", "mobile", "number",
     "телефон", "номер", "手机号", "手机号码", "电话", "电话号码", "號碼", "電話", "電話號碼"}
)

# Tab, line feed, carriage return and GS (the field separator GS1 codes use) separate fields;
# any other unprintable character means the payload is binary, not a card.
_SEPARATOR_CONTROLS = frozenset("\t\n\r\x1d")
_BARE = re.compile(r"[0-9][0-9 \-]*[0-9][fF]?")
_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.\-]*:\S*\?\S*")
_FIELD_SEPARATORS = re.compile(r"[\n\r;,|&\t\x1d]+")
_KEY_VALUE = re.compile(r"\s*([^:=：]{1,40}?)\s*[:=：]\s*(.*)", re.S)
_KEY_NOISE = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class CardIdentity:
    """What a scan tells us: the card, and the phone number bound to it if the barcode says."""

    iccid: Iccid
    phone: Phone | None = None

    def masked(self) -> str:
        return self.iccid.masked() if self.phone is None else f"{self.iccid} {self.phone}"


class PayloadRejected(InvalidInput):
    """Why decoded text is not a card; ``reason`` is one of ``REASONS``."""

    def __init__(self, reason: str, **params: object) -> None:
        self.reason = reason
        super().__init__(f"payload_{reason}", Message(REASONS[reason], params))


@dataclass(frozen=True)
class _Fields:
    iccid: str
    phone: str | None = None


def parse_payload(text: str | bytes) -> CardIdentity:
    """The card named by ``text``; raises ``PayloadRejected`` (and nothing else) otherwise."""
    text = _clean(text)
    for reader in (_read_bare, _read_url, _read_json, _read_fields):
        fields = reader(text)
        if fields is not None:
            return _identity(fields)
    raise PayloadRejected("not_a_card")


def read_payload(text: str | bytes) -> CardIdentity | PayloadRejected:
    """``parse_payload`` for callers that pass the outcome on as a value (threads, callbacks)."""
    try:
        return parse_payload(text)
    except PayloadRejected as rejected:
        return rejected


def _clean(text: str | bytes) -> str:
    if isinstance(text, bytes | bytearray):
        if len(text) > MAX_PAYLOAD_CHARS * 4:
            raise PayloadRejected("too_long")
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError:
            raise PayloadRejected("unreadable") from None
    if not isinstance(text, str):
        raise PayloadRejected("unreadable")
    text = text.strip().lstrip("\ufeff").strip()
    if not text:
        raise PayloadRejected("empty")
    if len(text) > MAX_PAYLOAD_CHARS:
        raise PayloadRejected("too_long")
    if not all(ch.isprintable() or ch in _SEPARATOR_CONTROLS for ch in text):
        raise PayloadRejected("unreadable")
    return text


def _read_bare(text: str) -> _Fields | None:
    return _Fields(text) if _BARE.fullmatch(text) else None


def _read_url(text: str) -> _Fields | None:
    if not _URL.fullmatch(text):
        return None
    try:
        query = urlsplit(text).query
    except ValueError:
        return None
    return _from_pairs(parse_qsl(query, keep_blank_values=True, max_num_fields=20))


def _read_json(text: str) -> _Fields | None:
    if not text.startswith("{"):
        return None
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        raise PayloadRejected("not_a_card") from None
    if not isinstance(document, dict):
        raise PayloadRejected("not_a_card")
    pairs = [(str(key), _scalar(value)) for key, value in document.items()]
    fields = _from_pairs(pair for pair in pairs if pair[1] is not None)
    if fields is None:
        raise PayloadRejected("not_a_card")
    return fields


def _scalar(value: object) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value) if value >= 0 else None
    return value if isinstance(value, str) else None


def _read_fields(text: str) -> _Fields | None:
    """``ICCID;MSISDN``, labelled fields and ``key:value`` lines."""
    pairs: list[tuple[str, str]] = []
    positional: list[str] = []
    for part in filter(None, (p.strip() for p in _FIELD_SEPARATORS.split(text))):
        labelled = _KEY_VALUE.fullmatch(part)
        if labelled:
            pairs.append((labelled.group(1), labelled.group(2).strip()))
        else:
            positional.append(part)
    if pairs:
        fields = _from_pairs(pairs)
        return None if fields is None or positional else fields
    if len(positional) == 2 and _BARE.fullmatch(positional[0]):
        return _Fields(positional[0], positional[1])
    return None


def _from_pairs(pairs: Iterable[tuple[str, str]]) -> _Fields | None:
    found: dict[str, set[str]] = {"iccid": set(), "phone": set()}
    for key, value in pairs:
        name = _KEY_NOISE.sub("", key).casefold()
        if name in ICCID_KEYS:
            found["iccid"].add(value)
        elif name in PHONE_KEYS:
            found["phone"].add(value)
    return _single(found)


def _single(found: Mapping[str, set[str]]) -> _Fields | None:
    if len(found["iccid"]) > 1 or len(found["phone"]) > 1:
        raise PayloadRejected("conflict")
    if not found["iccid"]:
        return None
    phone = next(iter(found["phone"]), None)
    return _Fields(next(iter(found["iccid"])), phone or None)


def _identity(fields: _Fields) -> CardIdentity:
    return CardIdentity(_iccid(fields.iccid), _phone(fields.phone))


def _iccid(text: str) -> Iccid:
    digits = normalise(text)
    if digits[-1:] in ("f", "F"):
        digits = digits[:-1]
    try:
        return Iccid.parse(digits)
    except IccidError as error:
        if error.reason == "length":
            raise PayloadRejected("iccid_length", count=len(digits)) from None
        if error.reason in ("prefix", "check_digit"):
            raise PayloadRejected(f"iccid_{error.reason}") from None
        raise PayloadRejected("not_a_card") from None


def _phone(text: str | None) -> Phone | None:
    if text is None:
        return None
    if len(text) > 40:
        raise PayloadRejected("phone")
    try:
        return Phone.parse(text)
    except InvalidInput:
        raise PayloadRejected("phone") from None
