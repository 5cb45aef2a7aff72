"""The APDU frame: class byte, instruction byte, length, data.

The length is one byte up to 254; above, the byte FF is followed by the length in two bytes,
little-endian (the specification's "extended length").
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.payment.zvt.errors import FrameError, Incomplete

MAX_DATA = 0xFFFF


@dataclass(frozen=True)
class Apdu:
    cls: int
    instr: int
    data: bytes = b""

    @property
    def command(self) -> tuple[int, int]:
        return (self.cls, self.instr)

    def encode(self) -> bytes:
        return bytes((self.cls, self.instr)) + encode_length(len(self.data)) + self.data

    def __str__(self) -> str:  # the hex dump a log line shows (never with card data: see logs)
        return f"{self.cls:02X} {self.instr:02X} len={len(self.data)}"


def encode_length(n: int) -> bytes:
    if n < 0 or n > MAX_DATA:
        raise FrameError(f"APDU data of {n} bytes cannot be framed")
    if n < 0xFF:
        return bytes((n,))
    return b"\xff" + n.to_bytes(2, "little")


def header_size(buf: bytes) -> int:
    """How many bytes class, instruction and length take: 3, or 5 with an extended length."""
    if len(buf) < 3:
        raise Incomplete("APDU header")
    return 5 if buf[2] == 0xFF else 3


def data_length(header: bytes) -> int:
    if header[2] != 0xFF:
        return header[2]
    if len(header) < 5:
        raise Incomplete("extended length")
    return int.from_bytes(header[3:5], "little")


def decode(buf: bytes) -> tuple[Apdu, int]:
    """The first APDU in ``buf`` and how many bytes it took; ``Incomplete`` when cut short."""
    size = header_size(buf)
    if len(buf) < size:
        raise Incomplete("extended length")
    n = data_length(buf[:size])
    if len(buf) < size + n:
        raise Incomplete(f"APDU data: {len(buf) - size} of {n} bytes")
    return Apdu(buf[0], buf[1], bytes(buf[size:size + n])), size + n


def parse(buf: bytes) -> Apdu:
    """Exactly one APDU: a cut-short or over-long buffer is a ``FrameError``."""
    try:
        apdu, used = decode(buf)
    except Incomplete as exc:
        raise FrameError(f"truncated APDU: {exc}") from None
    if used != len(buf):
        raise FrameError(f"{len(buf) - used} bytes after the APDU")
    return apdu
