"""Lay a document out in the printer's columns: wrapping, key/value rows, rules.

Widths are counted in font-A columns, a CJK character taking two (as on every ESC/POS
printer with a Chinese font, and as the raster renderer draws it), so a line laid out here
fits whether it is printed as text or drawn as an image.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from kiosk.linebreak import break_lines
from printers.document import Align, Barcode, Block, Document, Qr, Row, Rule, Text
from printers.profiles import PrinterProfile

# Typographic spaces Babel puts in dates and amounts are plain spaces on paper: no printer
# code page has them. The rouble sign is in no code page and not in the CJK font either, so
# it is written the way Russian receipts long have: "руб." (CP866 prints it as text).
_SPACES = str.maketrans(
    {"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "\u20bd": "руб."}
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def printable(text: str) -> str:
    """The form of ``text`` that goes on paper: typographic spaces and control characters
    (which a printer would take for commands) become plain spaces."""
    return _CONTROL.sub(" ", text.translate(_SPACES))


@lru_cache(maxsize=8192)
def char_width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def display_width(text: str) -> int:
    return sum(char_width(char) for char in text)


def wrap(text: str, columns: int) -> list[str]:
    """Lines of at most ``columns``: Chinese text broken by the kinsoku rules (no line
    starts with "。" or ends with "（"), everything else greedily at spaces."""
    lines: list[str] = []
    for line in break_lines(text, columns, display_width).split("\n"):
        lines += _wrap_at_spaces(line, columns)
    return lines


def _wrap_at_spaces(text: str, columns: int) -> list[str]:
    """Greedy wrap at spaces; words longer than a line (URLs) break anywhere."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if display_width(candidate) <= columns:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for char in word:
            if display_width(current + char) > columns:
                lines.append(current)
                current = ""
            current += char
    if current or not lines:
        lines.append(current)
    return lines


@dataclass(frozen=True)
class Line:
    """One printed line: ``left`` and ``right`` parts, the gap between them filled."""

    left: str
    right: str = ""
    align: Align = Align.LEFT
    bold: bool = False
    large: bool = False

    def padded(self, columns: int) -> str:
        """The line as exactly one row of text (what a text-mode printer receives)."""
        if not self.right:
            return self.left
        gap = columns - display_width(self.left) - display_width(self.right)
        return self.left + " " * max(gap, 1) + self.right

    @property
    def is_rule(self) -> bool:
        return not self.right and set(self.left) == {"-"}

    @property
    def text(self) -> str:
        return f"{self.left} {self.right}" if self.right else self.left


Laid = Line | Qr | Barcode


def _text_lines(block: Text, columns: int) -> list[Line]:
    width = columns // 2 if block.large else columns
    return [
        Line(part, align=block.align, bold=block.bold, large=block.large)
        for part in wrap(printable(block.text), width)
    ]


def _row_lines(block: Row, columns: int) -> list[Line]:
    label, value = printable(block.label), printable(block.value)
    if display_width(label) + 1 + display_width(value) <= columns:
        return [Line(label, value, bold=block.bold)]
    lines = [Line(part, bold=block.bold) for part in wrap(label, columns)]
    lines += [Line(part, align=Align.RIGHT, bold=block.bold) for part in wrap(value, columns)]
    return lines


def _block_lines(block: Block, columns: int) -> list[Laid]:
    if isinstance(block, Text):
        return list(_text_lines(block, columns))
    if isinstance(block, Row):
        return list(_row_lines(block, columns))
    if isinstance(block, Rule):
        return [Line("-" * columns)]
    if isinstance(block, Qr):
        caption = [Line(part, align=Align.CENTER) for part in wrap(block.caption, columns)]
        return [block, *(caption if block.caption else [])]
    return [block]


CODE128_MODULE_DOTS = 2  # one bar module: narrower does not scan off thermal paper
CODE128_QUIET_DOTS = 20  # blank on each side, which scanners need to find the code


def code128_fits(data: str, width_dots: int) -> bool:
    """Whether ``data`` as Code128 (code set B, what the printer's own command draws: start,
    11 modules a character, check, stop) fits ``width_dots`` with its quiet zones."""
    modules = 11 * (len(data) + 3) + 2
    return modules * CODE128_MODULE_DOTS + 2 * CODE128_QUIET_DOTS <= width_dots


def lay_out(document: Document, profile: PrinterProfile) -> list[Laid]:
    """The document as printed lines and graphics for ``profile``'s paper width. A barcode
    too wide for the paper becomes a QR code of the same text, decided here once, so the
    printed job and the preview show the same code."""
    laid: list[Laid] = []
    for block in document.blocks:
        if isinstance(block, Barcode) and not code128_fits(block.data, profile.width_dots):
            block = Qr(block.data)
        laid.extend(_block_lines(block, profile.columns))
    return laid
