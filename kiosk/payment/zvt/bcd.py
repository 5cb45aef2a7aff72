"""Packed BCD as ZVT uses it: two decimal digits a byte, most significant first.

Card numbers add two nibbles: E for a masked digit and F as padding at the end.
"""

from __future__ import annotations

from kiosk.payment.zvt.errors import FieldError


def encode(value: int, size: int) -> bytes:
    """``value`` as ``size`` bytes of BCD, zero-padded on the left."""
    if value < 0:
        raise FieldError(f"BCD cannot hold a negative number ({value})")
    digits = str(value)
    if len(digits) > 2 * size:
        raise FieldError(f"{value} does not fit in {size} BCD bytes")
    return bytes.fromhex(digits.zfill(2 * size))


def decode(raw: bytes) -> int:
    text = raw.hex()
    if not text.isdigit():
        raise FieldError(f"not BCD: {text.upper()}")
    return int(text) if text else 0


def digits(raw: bytes) -> str:
    """The digits exactly as sent (leading zeros kept), e.g. a terminal id."""
    text = raw.hex()
    if not text.isdigit():
        raise FieldError(f"not BCD: {text.upper()}")
    return text


def decode_pan(raw: bytes) -> str:
    """A card number: E nibbles are masked digits (shown as ``*``), F pads the end."""
    out = []
    nibbles = raw.hex().upper()
    end = len(nibbles.rstrip("F"))
    for nibble in nibbles[:end]:
        if nibble.isdigit():
            out.append(nibble)
        elif nibble == "E":
            out.append("*")
        else:
            raise FieldError(f"not a card-number nibble: {nibble}")
    return "".join(out)


def encode_pan(pan: str) -> bytes:
    nibbles = "".join("E" if ch == "*" else ch for ch in pan)
    if not all(ch.isdigit() or ch == "E" for ch in nibbles):
        raise FieldError("a card number holds digits and * only")
    if len(nibbles) % 2:
        nibbles += "F"
    return bytes.fromhex(nibbles)
