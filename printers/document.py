"""The receipt document: what a receipt says, independent of any printer.

Layouts build a ``Document`` from domain records in already-translated text; the ESC/POS
encoder and the PNG preview both render the same document, so the screen never shows a
receipt the printer would not print.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Align(StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@dataclass(frozen=True)
class Text:
    """A paragraph, wrapped to the paper width."""

    text: str
    align: Align = Align.LEFT
    bold: bool = False
    large: bool = False  # double width and height: titles only


@dataclass(frozen=True)
class Row:
    """A label on the left, its value on the right (key/value rows, items, totals)."""

    label: str
    value: str
    bold: bool = False


@dataclass(frozen=True)
class Rule:
    """A dashed separator line."""


@dataclass(frozen=True)
class Qr:
    data: str
    caption: str = ""


@dataclass(frozen=True)
class Barcode:
    """Code128 of printable ASCII (transaction ids)."""

    data: str


Block = Text | Row | Rule | Qr | Barcode


@dataclass
class Document:
    """Blocks in print order; ``kind`` names the layout for logs and job records."""

    kind: str
    blocks: list[Block] = field(default_factory=list)

    def header(self, *lines: str) -> Document:
        first, *rest = lines
        self.blocks.append(Text(first, Align.CENTER, bold=True, large=True))
        self.blocks.extend(Text(line, Align.CENTER) for line in rest if line)
        return self

    def text(self, text: str, align: Align = Align.LEFT, bold: bool = False) -> Document:
        self.blocks.append(Text(text, align, bold))
        return self

    def row(self, label: str, value: str, bold: bool = False) -> Document:
        self.blocks.append(Row(label, value, bold))
        return self

    def item(self, name: str, price: str) -> Document:
        return self.row(name, price)

    def total(self, label: str, value: str) -> Document:
        return self.row(label, value, bold=True)

    def rule(self) -> Document:
        self.blocks.append(Rule())
        return self

    def notes(self, *lines: str) -> Document:
        self.blocks.extend(Text(line) for line in lines if line)
        return self

    def qr(self, data: str, caption: str = "") -> Document:
        self.blocks.append(Qr(data, caption))
        return self

    def barcode(self, data: str) -> Document:
        self.blocks.append(Barcode(data))
        return self

    def footer(self, *lines: str) -> Document:
        self.blocks.extend(Text(line, Align.CENTER) for line in lines if line)
        return self

    def texts(self) -> list[str]:
        """Every person-readable string in the document, for tests and checks."""
        out: list[str] = []
        for block in self.blocks:
            if isinstance(block, Text):
                out.append(block.text)
            elif isinstance(block, Row):
                out.extend((block.label, block.value))
            elif isinstance(block, Qr) and block.caption:
                out.append(block.caption)
        return out
