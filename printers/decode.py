"""ESC/POS bytes back into what a printer would print: text lines, images, codes, cuts.

The virtual printer parses every job with this, and tests assert on what the printer really
received. The parser is strict: a command it does not know, or text bytes that a code page
would print as something else, are errors, never silently skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from escpos.capabilities import CAPABILITIES
from PIL import Image

from printers.profiles import CODECS

ESC, GS, FS, DLE, LF, CR = 0x1B, 0x1D, 0x1C, 0x10, 0x0A, 0x0D
# Commands with a fixed number of parameter bytes: (prefix, command) -> length.
_FIXED = {
    (ESC, ord("@")): 0, (ESC, ord("2")): 0, (ESC, ord("t")): 1, (ESC, ord("a")): 1,
    (ESC, ord("E")): 1, (ESC, ord("d")): 1, (ESC, ord("!")): 1, (ESC, ord("M")): 1,
    (ESC, ord("-")): 1, (ESC, ord("G")): 1, (ESC, ord("3")): 1, (ESC, ord("J")): 1,
    (ESC, ord("V")): 1, (ESC, ord("{")): 1, (ESC, ord(" ")): 1, (ESC, ord("R")): 1,
    (GS, ord("!")): 1, (GS, ord("B")): 1, (GS, ord("b")): 1, (GS, ord("h")): 1,
    (GS, ord("w")): 1, (GS, ord("H")): 1, (GS, ord("f")): 1, (GS, ord("r")): 1,
    (GS, ord("|")): 1, (GS, ord("L")): 2, (GS, ord("W")): 2,
    (FS, ord("&")): 0, (FS, ord(".")): 0, (FS, ord("!")): 1,
    (DLE, 0x04): 1,
}


_INVERT = bytes(255 - n for n in range(256))


class DecodeError(ValueError):
    """The bytes are not a job this parser can vouch for."""


class _NeedMore(Exception):
    pass


@dataclass(frozen=True)
class TextLine:
    text: str
    align: int = 0
    bold: bool = False
    large: bool = False


@dataclass(frozen=True)
class Raster:
    image: Image.Image  # mode "1", black = printed
    align: int = 0


@dataclass(frozen=True)
class QrCode:
    data: str


@dataclass(frozen=True)
class BarcodeCode:
    data: str


@dataclass(frozen=True)
class Cut:
    pass


@dataclass(frozen=True)
class Query:
    """A status request the printer must answer: (prefix, command, parameters)."""

    command: bytes
    parameters: bytes


Item = TextLine | Raster | QrCode | BarcodeCode | Cut | Query


def code_page_table(profile_name: str) -> dict[int, str]:
    """ESC t number -> Python codec, for the code pages we can decode on this profile."""
    declared = CAPABILITIES["profiles"][profile_name].get("codePages", {})
    return {int(n): CODECS[name] for n, name in declared.items() if name in CODECS}


@dataclass
class _State:
    codec: str = "cp437"
    align: int = 0
    bold: bool = False
    large: bool = False
    chinese: bool = False
    text: list[str] = field(default_factory=list)
    qr_data: str = ""


class EscPosParser:
    """Incremental: ``feed`` chunks as they arrive; complete items come out in order."""

    def __init__(self, profile_name: str) -> None:
        self.code_pages = code_page_table(profile_name)
        self.state = _State()
        self.buffer = b""

    def feed(self, data: bytes) -> list[Item]:
        self.buffer += data
        items: list[Item] = []
        pos = 0
        while pos < len(self.buffer):
            try:
                pos = self._step(pos, items)
            except _NeedMore:
                break
        self.buffer = self.buffer[pos:]
        return items

    # -- one command or text run at ``pos``; returns the position after it ----------------
    def _need(self, end: int) -> None:
        if end > len(self.buffer):
            raise _NeedMore

    def _step(self, pos: int, items: list[Item]) -> int:
        byte = self.buffer[pos]
        if byte == LF:
            self._end_line(items)
            return pos + 1
        if byte == CR:
            return pos + 1
        if byte in (ESC, GS, FS, DLE):
            return self._command(pos, items)
        if byte < 0x20 or byte == 0x7F:
            raise DecodeError(f"control byte 0x{byte:02x} at {pos} would print nothing right")
        return self._text(pos)

    def _text(self, pos: int) -> int:
        end = pos
        data = self.buffer
        while end < len(data) and data[end] >= 0x20 and data[end] != 0x7F:
            if self.state.chinese and data[end] >= 0x81:
                self._need(end + 2)
                end += 4 if 0x30 <= data[end + 1] <= 0x39 else 2
                self._need(end)
                continue
            end += 1
        codec = "gb18030" if self.state.chinese else self.state.codec
        try:
            self.state.text.append(data[pos:end].decode(codec))
        except UnicodeDecodeError as exc:
            raise DecodeError(f"bytes at {pos} are not {codec}: {exc}") from None
        return end

    def _end_line(self, items: list[Item]) -> None:
        state = self.state
        items.append(TextLine("".join(state.text), state.align, state.bold, state.large))
        state.text = []

    def _command(self, pos: int, items: list[Item]) -> int:
        self._need(pos + 2)
        key = (self.buffer[pos], self.buffer[pos + 1])
        if key in _FIXED:
            end = pos + 2 + _FIXED[key]
            self._need(end)
            self._apply(key, self.buffer[pos + 2 : end], items)
            return end
        if key == (GS, ord("v")):
            return self._raster(pos, items)
        if key == (GS, ord("(")):
            return self._extended(pos, items)
        if key == (GS, ord("k")):
            return self._barcode(pos, items)
        if key == (GS, ord("V")):
            self._need(pos + 3)
            end = pos + 4 if self.buffer[pos + 2] in (65, 66) else pos + 3
            self._need(end)
            items.append(Cut())
            return end
        raise DecodeError(f"unknown command {bytes(key)!r} at {pos}")

    def _apply(self, key: tuple[int, int], params: bytes, items: list[Item]) -> None:
        state = self.state
        prefix, _command = key
        if key == (ESC, ord("@")):
            self.state = _State()
        elif key == (ESC, ord("t")):
            if params[0] not in self.code_pages:
                raise DecodeError(f"code page {params[0]} is not one this profile prints")
            state.codec = self.code_pages[params[0]]
        elif key == (ESC, ord("a")):
            state.align = params[0] % 48
        elif key == (ESC, ord("E")):
            state.bold = bool(params[0] & 1)
        elif key == (GS, ord("!")):
            state.large = params[0] != 0
        elif key == (FS, ord("&")):
            state.chinese = True
        elif key == (FS, ord(".")):
            state.chinese = False
        elif prefix == DLE or key == (GS, ord("r")):
            items.append(Query(bytes(key), params))

    def _raster(self, pos: int, items: list[Item]) -> int:
        self._need(pos + 8)
        head = self.buffer[pos + 2 : pos + 8]
        if head[0] != ord("0"):
            raise DecodeError(f"GS v {head[0]} at {pos} is not a raster image")
        width_bytes = head[2] + 256 * head[3]
        height = head[4] + 256 * head[5]
        end = pos + 8 + width_bytes * height
        self._need(end)
        data = self.buffer[pos + 8 : end].translate(_INVERT)  # PIL "1": set bit = white
        image = Image.frombytes("1", (width_bytes * 8, height), data)
        items.append(Raster(image, self.state.align))
        return end

    def _extended(self, pos: int, items: list[Item]) -> int:
        """GS ( k (2D codes), GS ( H (job id response request), GS ( L (graphics)."""
        self._need(pos + 5)
        kind = self.buffer[pos + 2]
        length = self.buffer[pos + 3] + 256 * self.buffer[pos + 4]
        end = pos + 5 + length
        self._need(end)
        body = self.buffer[pos + 5 : end]
        if kind == ord("k") and body[:1] == b"1":
            if body[1] == ord("P"):
                self.state.qr_data = body[3:].decode("utf-8")
            elif body[1] == ord("Q"):
                items.append(QrCode(self.state.qr_data))
        elif kind == ord("H"):
            items.append(Query(b"\x1d(H", body))
        elif kind != ord("k"):
            raise DecodeError(f"GS ( {chr(kind)} at {pos} is not supported")
        return end

    def _barcode(self, pos: int, items: list[Item]) -> int:
        self._need(pos + 4)
        kind = self.buffer[pos + 2]
        if kind < 65:
            end = self.buffer.find(b"\x00", pos + 3)
            if end < 0:
                raise _NeedMore
            data, end = self.buffer[pos + 3 : end], end + 1
        else:
            end = pos + 4 + self.buffer[pos + 3]
            self._need(end)
            data = self.buffer[pos + 4 : end]
        text = data.decode("ascii")
        items.append(BarcodeCode(text[2:] if text.startswith("{") else text))
        return end


def decode_job(data: bytes, profile_name: str) -> list[Item]:
    """Every item in a complete job; an unfinished command at the end is an error."""
    parser = EscPosParser(profile_name)
    items = parser.feed(data)
    if parser.buffer:
        raise DecodeError(f"{len(parser.buffer)} bytes of an unfinished command at the end")
    if parser.state.text:
        raise DecodeError("text after the last line feed would never print")
    return items


def text_lines(data: bytes, profile_name: str) -> list[str]:
    """The text the printer printed with its own fonts, line by line."""
    return [item.text for item in decode_job(data, profile_name) if isinstance(item, TextLine)]
