"""BMP fields: a tag byte, then a value whose length the tag fixes, or an LLVAR / LLLVAR
prefix (two or three bytes F0..F9, one decimal digit each: F1 F5 = 15 bytes), or the BER
length of the TLV container (BMP 06).

The table lists every BMP of the specification's summary, so one we do not use is still
skipped by its own length rule; a tag outside it ends parsing with ``UnknownBmp``.
"""

from __future__ import annotations

from collections.abc import Iterable

from kiosk.payment.zvt import bcd, tlv
from kiosk.payment.zvt.errors import FieldError, UnknownBmp

LLVAR = -2
LLLVAR = -3
TLV = -1

# tag -> fixed length in bytes, or LLVAR / LLLVAR / TLV
LENGTHS: dict[int, int] = {
    0x01: 1,  # timeout
    0x02: 1,  # max. status infos
    0x03: 1,  # service byte
    0x04: 6,  # amount, BCD, minor units
    0x05: 1,  # pump number
    0x06: TLV,
    0x0B: 3,  # trace number, BCD
    0x0C: 3,  # time HHMMSS, BCD
    0x0D: 2,  # date MMDD, BCD
    0x0E: 2,  # expiry YYMM, BCD
    0x17: 2,  # card sequence number, BCD
    0x19: 1,  # payment type / status byte
    0x22: LLVAR,  # card number (PAN or EF_ID), BCD, E-masked
    0x23: LLVAR,  # track 2
    0x24: LLLVAR,  # track 3
    0x27: 1,  # result code
    0x29: 4,  # terminal id, BCD
    0x2A: 15,  # VU number, ASCII
    0x2D: LLVAR,  # track 1
    0x2E: LLLVAR,  # synchronous chip data
    0x37: 3,  # trace number of the original transaction, BCD
    0x3A: 2,  # CVV/CVC
    0x3B: 8,  # AID (authorisation attribute)
    0x3C: LLLVAR,  # additional data / additional text
    0x3D: 3,  # password, BCD
    0x49: 2,  # currency code, BCD (0978 EUR, 0643 RUB)
    0x60: LLLVAR,  # individual totals
    0x87: 2,  # receipt number, BCD
    0x88: 3,  # turnover record number, BCD
    0x8A: 1,  # card type
    0x8B: LLVAR,  # card name, ASCII
    0x8C: 1,  # card type id of the network operator
    0x92: LLLVAR,  # additional data ec-cash with chip
    0x9A: LLLVAR,  # Geldkarte payment record
    0xA0: 1,  # result code AS
    0xA7: LLVAR,  # chip data ec-cash
    0xAA: 3,  # date YYMMDD, BCD
    0xAF: LLLVAR,  # EF_Info
    0xBA: 5,  # AID parameter
    0xD0: 1,  # algorithm key
    0xD1: LLVAR,  # card offset / PIN data
    0xD2: 1,  # direction
    0xD3: 1,  # key position
    0xE0: 1,  # min. PIN length
    **{tag: LLVAR for tag in range(0xE1, 0xE9)},  # text lines 1..8
    0xE9: 1,  # max. PIN length
    0xEA: 1,  # PIN display
    0xF0: 1,  # display duration
    **{tag: LLVAR for tag in range(0xF1, 0xF9)},  # text lines 1..8
    0xF9: 1,  # sound
    0xFA: 1,  # status info
    0xFB: 1,  # confirmation
    0xFC: 1,  # display duration
}


def _read_var(buf: bytes, pos: int, digits: int) -> tuple[int, int]:
    if pos + digits > len(buf):
        raise FieldError("length prefix cut short")
    n = 0
    for byte in buf[pos:pos + digits]:
        if byte & 0xF0 != 0xF0 or byte & 0x0F > 9:
            raise FieldError(f"length prefix byte {byte:02X} is not F0..F9")
        n = n * 10 + (byte & 0x0F)
    return n, pos + digits


def var_prefix(n: int, digits: int) -> bytes:
    if n >= 10 ** digits:
        raise FieldError(f"{n} bytes do not fit a {digits}-digit length prefix")
    return bytes(0xF0 | int(d) for d in str(n).zfill(digits))


def read_one(buf: bytes, pos: int) -> tuple[int, bytes, int]:
    """The BMP at ``pos``: (tag, value without its length prefix, position after it)."""
    tag = buf[pos]
    rule = LENGTHS.get(tag)
    if rule is None:
        raise UnknownBmp(tag)
    pos += 1
    if rule == TLV:
        n, pos = tlv.read_length(buf, pos)
    elif rule in (LLVAR, LLLVAR):
        n, pos = _read_var(buf, pos, -rule)
    else:
        n = rule
    if pos + n > len(buf):
        raise FieldError(f"BMP {tag:02X}: {n} bytes needed, {len(buf) - pos} left")
    return tag, bytes(buf[pos:pos + n]), pos + n


def parse(buf: bytes) -> dict[int, bytes]:
    """All BMPs in ``buf``, in order; a BMP sent twice is a ``FieldError``."""
    fields: dict[int, bytes] = {}
    pos = 0
    while pos < len(buf):
        tag, value, pos = read_one(buf, pos)
        if tag in fields:
            raise FieldError(f"BMP {tag:02X} twice")
        fields[tag] = value
    return fields


def encode_one(tag: int, value: bytes) -> bytes:
    rule = LENGTHS.get(tag)
    if rule is None:
        raise UnknownBmp(tag)
    if rule == TLV:
        return bytes((tag,)) + tlv.encode_length(len(value)) + value
    if rule in (LLVAR, LLLVAR):
        return bytes((tag,)) + var_prefix(len(value), -rule) + value
    if len(value) != rule:
        raise FieldError(f"BMP {tag:02X} takes {rule} bytes, not {len(value)}")
    return bytes((tag,)) + value


def encode(fields: Iterable[tuple[int, bytes]]) -> bytes:
    return b"".join(encode_one(tag, value) for tag, value in fields)


# -- typed values ------------------------------------------------------------------------

def amount(minor: int) -> bytes:
    return bcd.encode(minor, 6)


def ascii_text(raw: bytes) -> str:
    """Text fields: ZVT's character set is ASCII-based; anything else is shown, not fatal."""
    return raw.decode("latin-1").rstrip("\x00 ").strip()
