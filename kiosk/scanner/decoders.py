"""Barcode decoder backends behind one small interface.

Measured on this kiosk's hardware (../shared/notes/platform.md): zxing-cpp restricted to the
card symbologies is the fastest and reads small or noisy QR codes best, but loses Code128 once
the picture is blurred; pyzbar on a lightly smoothed picture rescues blurred Code128. With every
format enabled both invent short false reads on noise, so backends only look for what SIM
carriers print: Code128, QR and Data Matrix.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

import cv2
import numpy as np
import zxingcpp
from pyzbar import pyzbar

CARD_SYMBOLOGIES = ("code128", "qr", "datamatrix")

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels of the picture it was found in

_ZXING_FORMATS = {
    "code128": zxingcpp.BarcodeFormat.Code128,
    "qr": zxingcpp.BarcodeFormat.QRCode,
    "datamatrix": zxingcpp.BarcodeFormat.DataMatrix,
}
_ZXING_NAMES = {fmt: name for name, fmt in _ZXING_FORMATS.items()}
_ZBAR_SYMBOLS = {"code128": pyzbar.ZBarSymbol.CODE128, "qr": pyzbar.ZBarSymbol.QRCODE}
_ZBAR_NAMES = {"CODE128": "code128", "QRCODE": "qr"}


@dataclass(frozen=True)
class Candidate:
    """Text one backend found in one picture; not yet trusted."""

    text: str
    symbology: str
    backend: str
    box: Box | None = None  # where it was seen, when the backend says: lets video track it

    def moved(self, scale: float, dx: int, dy: int) -> Candidate:
        """The same candidate with its box mapped from a scaled crop back to the frame."""
        if self.box is None:
            return self
        x0, y0, x1, y1 = self.box
        return replace(self, box=(int(x0 * scale) + dx, int(y0 * scale) + dy,
                                  int(x1 * scale) + dx, int(y1 * scale) + dy))


class Decoder(Protocol):
    name: str

    def decode(self, gray: np.ndarray) -> list[Candidate]:
        """Every symbol found in a grayscale picture."""
        ...


class ZxingDecoder:
    """zxing-cpp, limited to the card symbologies."""

    def __init__(self, symbologies: tuple[str, ...] = CARD_SYMBOLOGIES, *, try_rotate: bool = True,
                 try_downscale: bool = True, try_invert: bool = False,
                 binarizer: zxingcpp.Binarizer = zxingcpp.Binarizer.LocalAverage,
                 name: str = "zxing-cpp") -> None:
        self.name = name
        self._formats = [_ZXING_FORMATS[s] for s in symbologies]
        self._options = {"try_rotate": try_rotate, "try_downscale": try_downscale,
                         "try_invert": try_invert, "binarizer": binarizer}

    def decode(self, gray: np.ndarray) -> list[Candidate]:
        found = zxingcpp.read_barcodes(gray, formats=self._formats, **self._options)
        return [Candidate(b.text, _ZXING_NAMES.get(b.format, str(b.format)), self.name,
                          _box(b.position)) for b in found if b.valid]


class PyzbarDecoder:
    """ZBar through pyzbar, optionally on a smoothed copy (which is what rescues blur)."""

    def __init__(self, symbologies: tuple[str, ...] = ("code128", "qr"), *,
                 blur_sigma: float = 0.0, name: str = "pyzbar") -> None:
        self.name = name
        self._symbols = [_ZBAR_SYMBOLS[s] for s in symbologies if s in _ZBAR_SYMBOLS]
        self._blur_sigma = blur_sigma

    def decode(self, gray: np.ndarray) -> list[Candidate]:
        if self._blur_sigma > 0:
            gray = cv2.GaussianBlur(gray, (0, 0), self._blur_sigma)
        found = pyzbar.decode(np.ascontiguousarray(gray), symbols=self._symbols or None)
        return [Candidate(_text(s.data), _ZBAR_NAMES.get(s.type, s.type.lower()), self.name)
                for s in found]


class NaivePyzbarDecoder(PyzbarDecoder):
    """The design this pipeline replaces: pyzbar, every format, whole frame. Benchmark only."""

    def __init__(self) -> None:
        super().__init__((), name="naive-pyzbar-all-formats")


def _box(position: zxingcpp.Position) -> Box:
    corners = (position.top_left, position.top_right, position.bottom_right, position.bottom_left)
    xs, ys = [c.x for c in corners], [c.y for c in corners]
    return min(xs), min(ys), max(xs), max(ys)


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")
