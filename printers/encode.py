"""A document as ESC/POS bytes for one printer profile (python-escpos builds the commands).

Each line goes the cheapest way that prints every character right: as text in a code page the
profile declares (Latin, Cyrillic), as GB18030 in the printer's Chinese mode when the profile
has a Chinese font, else as a raster image drawn with the CJK font. No line is ever sent in
an encoding that would print "?" or the wrong glyphs.
"""

from __future__ import annotations

import contextlib
import io
import struct
from dataclasses import dataclass
from unicodedata import east_asian_width

from escpos.constants import QR_ECLEVEL_M
from escpos.printer import Dummy
from PIL import Image

from printers.document import Align, Barcode, Document, Qr
from printers.lines import Laid, Line, lay_out
from printers.profiles import PrinterProfile
from printers.raster import QR_MODULE_DOTS, barcode_image, qr_image, text_image

ESC, GS, FS = b"\x1b", b"\x1d", b"\x1c"
INIT = ESC + b"@"
CHINESE_ON, CHINESE_OFF = FS + b"&", FS + b"."
GB18030 = "gb18030"
_ALIGN = {Align.LEFT: 0, Align.CENTER: 1, Align.RIGHT: 2}
FEED_BEFORE_CUT = 4
INVERT = bytes(255 - n for n in range(256))
RASTER_SLICE_ROWS = 960  # as python-escpos: some printers take no taller image


@dataclass(frozen=True)
class Encoding:
    """How one line is sent: ``codec`` and ESC t ``number``, GB18030, or None for raster."""

    codec: str | None
    number: int = 0


def line_encoding(text: str, profile: PrinterProfile, current: str | None = None) -> Encoding:
    """The way to send ``text``; the current code page first, to avoid needless switching."""
    pages = sorted(profile.code_pages, key=lambda page: page[0] != current)
    for codec, number in pages:
        try:
            text.encode(codec)
        except UnicodeEncodeError:
            continue
        return Encoding(codec, number)
    if profile.gb18030 and chinese_font_prints(text):
        return Encoding(GB18030)
    return Encoding(None)


def chinese_font_prints(text: str) -> bool:
    """Whether a printer's Chinese mode prints ``text`` right: its font holds the two-byte
    (GBK) part of GB18030 only, so a character that GB18030 needs four bytes for (a check
    mark, an emoji) prints as garbage, and Cyrillic or Greek letters come out full width.
    Such a line is drawn as an image instead."""
    for char in text:
        if char.isascii():
            continue
        if len(char.encode(GB18030)) != 2 or east_asian_width(char) not in ("W", "F"):
            return False
    return True


def raster_command(image: Image.Image) -> bytes:
    """GS v 0 straight from a 1-bit image's packed bytes, in slices printers accept.

    python-escpos's ``image()`` produces the same command but converts pixel by pixel,
    which cost a third of a Chinese receipt's encoding time.
    """
    width_bytes = -(-image.width // 8)
    out = []
    for top in range(0, image.height, RASTER_SLICE_ROWS):
        part = image.crop((0, top, width_bytes * 8, min(top + RASTER_SLICE_ROWS, image.height)))
        data = part.tobytes().translate(INVERT)  # PIL "1": set bit = white
        out.append(GS + b"v0\x00" + struct.pack("<HH", width_bytes, part.height) + data)
    return b"".join(out)


class _Writer:
    """python-escpos's Dummy printer plus the text state we set, so no command repeats."""

    def __init__(self, profile: PrinterProfile) -> None:
        self.profile = profile
        self.printer = Dummy(profile=profile.name)
        self.code_page: str | None = None
        self.style: tuple[int, bool, bool] = (0, False, False)
        self.pending: list[Line] = []
        self.printer._raw(INIT)

    def raw(self, data: bytes) -> None:
        self.printer._raw(data)

    def set_style(self, align: int, bold: bool, large: bool) -> None:
        old_align, old_bold, old_large = self.style
        if align != old_align:
            self.raw(ESC + b"a" + bytes((align,)))
        if bold != old_bold:
            self.raw(ESC + b"E" + bytes((int(bold),)))
        if large != old_large:
            self.raw(GS + b"!" + (b"\x11" if large else b"\x00"))
        self.style = (align, bold, large)

    def image(self, image: Image.Image, align: Align = Align.LEFT) -> None:
        self.set_style(_ALIGN[align], False, False)
        self.raw(raster_command(image))

    def flush_raster(self) -> None:
        if self.pending:
            self.image(text_image(self.pending, self.profile))
            self.pending = []

    def line(self, line: Line) -> None:
        width = self.profile.columns // 2 if line.large else self.profile.columns
        text = line.padded(width)
        encoding = line_encoding(text, self.profile, self.code_page)
        if encoding.codec is None:
            self.pending.append(line)
            return
        self.flush_raster()
        align = _ALIGN[Align.LEFT if line.right else line.align]
        self.set_style(align, line.bold, line.large)
        if encoding.codec == GB18030:
            self.raw(CHINESE_ON + text.encode(GB18030) + CHINESE_OFF + b"\n")
            return
        if encoding.codec != self.code_page:
            self.raw(ESC + b"t" + bytes((encoding.number,)))
            self.code_page = encoding.codec
        self.raw(text.encode(encoding.codec) + b"\n")

    def qr(self, block: Qr) -> None:
        self.flush_raster()
        if self.profile.native_qr:
            self.set_style(_ALIGN[Align.CENTER], False, False)
            self.printer.qr(block.data, native=True, size=QR_MODULE_DOTS, ec=QR_ECLEVEL_M)
            self.raw(b"\n")
        else:
            self.image(qr_image(block.data), Align.CENTER)

    def barcode(self, block: Barcode) -> None:
        self.flush_raster()
        if self.profile.native_barcode:
            self.set_style(_ALIGN[Align.CENTER], False, False)
            with contextlib.redirect_stdout(io.StringIO()):  # python-escpos prints a notice
                self.printer.barcode(
                    "{B" + block.data, "CODE128", function_type="B", pos="OFF", height=60, width=2
                )
            self.raw(b"\n")
        else:
            self.image(barcode_image(block.data, self.profile))

    def finish(self) -> bytes:
        self.flush_raster()
        self.set_style(0, False, False)
        if self.profile.cutter:
            self.raw(ESC + b"d" + bytes((FEED_BEFORE_CUT,)) + GS + b"V\x01")
        else:
            self.raw(ESC + b"d" + bytes((FEED_BEFORE_CUT + 2,)))
        return self.printer.output


def encode_laid(laid: list[Laid], profile: PrinterProfile) -> bytes:
    writer = _Writer(profile)
    for item in laid:
        if isinstance(item, Line):
            writer.line(item)
        elif isinstance(item, Qr):
            writer.qr(item)
        else:
            writer.barcode(item)
    return writer.finish()


def encode(document: Document, profile: PrinterProfile) -> bytes:
    """The complete print job for ``document``: init, lines, graphics, feed and cut."""
    return encode_laid(lay_out(document, profile), profile)
