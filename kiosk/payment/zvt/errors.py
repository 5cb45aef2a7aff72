"""Every way a ZVT byte string can be wrong is one of these, so a caller catches one type."""

from __future__ import annotations


class ZvtError(Exception):
    """Bytes that are not a ZVT message we can read."""


class Incomplete(ZvtError):
    """The buffer ends inside an APDU: more bytes are needed (a stream reader waits)."""


class FrameError(ZvtError):
    """The APDU frame itself is wrong (length, trailing bytes)."""


class FieldError(ZvtError):
    """A BMP, BCD digit, length prefix or TLV object is malformed."""


class UnknownBmp(FieldError):
    """A BMP tag whose length rule we do not know: parsing cannot go on without guessing."""

    def __init__(self, tag: int) -> None:
        super().__init__(f"unknown BMP {tag:02X}: its length cannot be known")
        self.tag = tag


class UnexpectedMessage(ZvtError):
    """A well-formed APDU that has no place at this point of the exchange."""
