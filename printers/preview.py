"""A PNG preview of a receipt, drawn from the same laid-out lines the printer gets.

Every line is drawn with the CJK font (the printer would use its own font for code-page
text, so spacing differs slightly; content and order are the same). Used by the screen, the
docs, the maintenance mode and ``kiosk print-sample``.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from printers.document import Barcode, Document, Qr
from printers.lines import Laid, Line, lay_out
from printers.profiles import PrinterProfile
from printers.raster import barcode_image, centred, qr_image, text_image

MARGIN = 16
GAP = 8


def _strips(laid: list[Laid], profile: PrinterProfile) -> list[Image.Image]:
    strips: list[Image.Image] = []
    run: list[Line] = []
    for item in [*laid, None]:
        if isinstance(item, Line):
            run.append(item)
            continue
        if run:
            strips.append(text_image(run, profile))
            run = []
        if isinstance(item, Qr):
            strips.append(centred(qr_image(item.data), profile))
        elif isinstance(item, Barcode):
            strips.append(barcode_image(item.data, profile))
    return strips


def preview_image(document: Document, profile: PrinterProfile) -> Image.Image:
    """The receipt as a greyscale image: paper width plus a margin, as long as it prints."""
    strips = _strips(lay_out(document, profile), profile)
    height = sum(s.height for s in strips) + GAP * len(strips) + 2 * MARGIN
    page = Image.new("L", (profile.width_dots + 2 * MARGIN, height), 255)
    y = MARGIN
    for strip in strips:
        page.paste(strip.convert("L"), (MARGIN, y))
        y += strip.height + GAP
    return page


def write_preview(document: Document, profile: PrinterProfile, path: Path) -> Path:
    preview_image(document, profile).save(path, format="PNG", optimize=True)
    return path
