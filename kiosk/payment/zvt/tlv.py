"""The TLV container carried in BMP 06 (BER-TLV rules, as the specification states them).

Tag: one byte; when its low five bits are all set, more tag bytes follow, each with bit 8
set except the last. Bit 6 of the first byte marks a constructed object (its value is more
TLV). Length: one byte below 80; 81 nn; 82 nn nn (big-endian).
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.payment.zvt.errors import FieldError

MAX_DEPTH = 8  # the specification nests two or three levels; more is hostile input


@dataclass(frozen=True)
class Tlv:
    tag: int  # all tag bytes as one big-endian number (1F 07 -> 0x1F07)
    value: bytes = b""
    children: tuple[Tlv, ...] = ()

    @property
    def constructed(self) -> bool:
        return _first_byte(self.tag) & 0x20 != 0

    def find(self, tag: int) -> list[Tlv]:
        """Every object with ``tag`` below this one, depth first."""
        found = []
        for child in self.children:
            if child.tag == tag:
                found.append(child)
            found.extend(child.find(tag))
        return found


def _first_byte(tag: int) -> int:
    return tag.to_bytes(max(1, (tag.bit_length() + 7) // 8), "big")[0]


def read_length(buf: bytes, pos: int) -> tuple[int, int]:
    """A BER length at ``pos``: (length, position after it)."""
    if pos >= len(buf):
        raise FieldError("TLV length missing")
    first = buf[pos]
    if first < 0x80:
        return first, pos + 1
    count = first & 0x7F
    if count not in (1, 2):
        raise FieldError(f"TLV length form {first:02X} is not used by ZVT")
    if pos + 1 + count > len(buf):
        raise FieldError("TLV length cut short")
    return int.from_bytes(buf[pos + 1:pos + 1 + count], "big"), pos + 1 + count


def encode_length(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    if n <= 0xFF:
        return bytes((0x81, n))
    if n <= 0xFFFF:
        return b"\x82" + n.to_bytes(2, "big")
    raise FieldError(f"TLV value of {n} bytes")


def _read_tag(buf: bytes, pos: int) -> tuple[int, int]:
    start = pos
    if pos >= len(buf):
        raise FieldError("TLV tag missing")
    pos += 1
    if buf[start] & 0x1F == 0x1F:
        while True:
            if pos >= len(buf):
                raise FieldError("TLV tag cut short")
            pos += 1
            if buf[pos - 1] & 0x80 == 0:
                break
            if pos - start > 4:
                raise FieldError("TLV tag longer than four bytes")
    return int.from_bytes(buf[start:pos], "big"), pos


def parse(buf: bytes, depth: int = 0) -> tuple[Tlv, ...]:
    """Every object in ``buf``; constructed ones parsed into children."""
    if depth > MAX_DEPTH:
        raise FieldError("TLV nested too deeply")
    items = []
    pos = 0
    while pos < len(buf):
        tag, pos = _read_tag(buf, pos)
        length, pos = read_length(buf, pos)
        if pos + length > len(buf):
            raise FieldError(f"TLV {tag:X}: {length} bytes announced, {len(buf) - pos} left")
        value = bytes(buf[pos:pos + length])
        pos += length
        item = Tlv(tag, value)
        if item.constructed:
            item = Tlv(tag, value, parse(value, depth + 1))
        items.append(item)
    return tuple(items)


def encode(items: tuple[Tlv, ...] | list[Tlv]) -> bytes:
    out = bytearray()
    for item in items:
        value = encode(item.children) if item.children else item.value
        out += item.tag.to_bytes(max(1, (item.tag.bit_length() + 7) // 8), "big")
        out += encode_length(len(value)) + value
    return bytes(out)
