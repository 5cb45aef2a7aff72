"""Text, QR codes and barcodes drawn as 1-bit images at the printer's dot width.

The encoder sends these images for what the printer cannot print itself (Chinese on printers
without a GB18030 font, a rouble sign, QR codes on printers without native QR), and the PNG
preview is drawn entirely from them, so the two cannot disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import segno
from barcode import Code128
from PIL import Image, ImageDraw

from printers.document import Align
from printers.fonts import cjk_font
from printers.lines import CODE128_MODULE_DOTS, Line
from printers.profiles import PrinterProfile

WHITE, BLACK = 1, 0
QR_MODULE_DOTS = 4
BARCODE_MODULE_DOTS = CODE128_MODULE_DOTS
BARCODE_HEIGHT_DOTS = 60
MIN_FONT = 10


def font_size(profile: PrinterProfile, large: bool = False) -> int:
    """Two columns per CJK glyph, less a little air, so rows line up with text mode."""
    size = 2 * profile.cell_dots - 2
    return 2 * size if large else size


def line_height(profile: PrinterProfile, large: bool = False) -> int:
    return font_size(profile, large) + 4 * (2 if large else 1)


@lru_cache(maxsize=4096)
def text_width(text: str, size: int) -> float:
    return cjk_font(size).getlength(text)


def _fitting_size(line: Line, width: int, size: int) -> int:
    """The largest font size not above ``size`` at which the whole line fits ``width``."""
    while True:
        used = text_width(line.left, size)
        if line.right:
            used += text_width(" " + line.right, size)
        if used <= width or size <= MIN_FONT:
            return size
        size -= 1


def _draw_line(draw: ImageDraw.ImageDraw, line: Line, y: int, profile: PrinterProfile) -> None:
    width = profile.width_dots
    if line.is_rule:  # a proportional "-" would stop short of the paper's edge
        middle = y + line_height(profile) // 2
        for x in range(0, width, 8):
            draw.line((x, middle, x + 4, middle), fill=BLACK)
        return
    size = _fitting_size(line, width, font_size(profile, line.large))
    font = cjk_font(size)
    left_width = text_width(line.left, size)
    x = {Align.LEFT: 0, Align.CENTER: (width - left_width) / 2, Align.RIGHT: width - left_width}
    offsets = (0, 1) if line.bold else (0,)
    for dx in offsets:
        draw.text((int(x[line.align]) + dx, y), line.left, font=font, fill=BLACK)
        if line.right:
            right_x = width - text_width(line.right, size) - (1 if line.bold else 0)
            draw.text((int(right_x) + dx, y), line.right, font=font, fill=BLACK)


def text_image(lines: Sequence[Line], profile: PrinterProfile) -> Image.Image:
    """Consecutive lines as one image (one raster command instead of one per line)."""
    heights = [line_height(profile, line.large) for line in lines]
    image = Image.new("1", (profile.width_dots, sum(heights)), WHITE)
    draw = ImageDraw.Draw(image)
    draw.fontmode = "1"  # crisp 1-bit glyphs: thermal heads have no grey
    y = 0
    for line, height in zip(lines, heights, strict=True):
        _draw_line(draw, line, y, profile)
        y += height
    return image


# Any of the eight QR masks is valid for every reader; choosing the "best" one costs segno
# eight full penalty evaluations, over half of a 58 mm Chinese receipt's encoding time.
QR_MASK = 0


def qr_image(data: str, module: int = QR_MODULE_DOTS) -> Image.Image:
    code = segno.make(data, error="m", micro=False, mask=QR_MASK)
    rows = list(code.matrix_iter(scale=1, border=2))
    pixels = bytes(0 if dark else 255 for row in rows for dark in row)
    small = Image.frombytes("L", (len(rows[0]), len(rows)), pixels).convert("1")
    scaled = small.resize((small.width * module, small.height * module), Image.Resampling.NEAREST)
    padded = Image.new("1", (-(-scaled.width // 8) * 8, scaled.height), WHITE)  # whole bytes
    padded.paste(scaled, (0, 0))
    return padded


def barcode_image(data: str, profile: PrinterProfile) -> Image.Image:
    """Code128 drawn bar by bar (no scaling blur), centred on the paper."""
    modules = Code128(data).build()[0]
    module = BARCODE_MODULE_DOTS if len(modules) * 2 <= profile.width_dots else 1
    image = Image.new("1", (profile.width_dots, BARCODE_HEIGHT_DOTS), WHITE)
    draw = ImageDraw.Draw(image)
    x0 = max((profile.width_dots - len(modules) * module) // 2, 0)
    for index, bit in enumerate(modules):
        if bit == "1":
            x = x0 + index * module
            draw.rectangle((x, 0, x + module - 1, BARCODE_HEIGHT_DOTS - 1), fill=BLACK)
    return image


def centred(image: Image.Image, profile: PrinterProfile) -> Image.Image:
    """``image`` on a full-width strip, because raster commands print from the left margin."""
    if image.width >= profile.width_dots:
        return image
    strip = Image.new("1", (profile.width_dots, image.height), WHITE)
    strip.paste(image, ((profile.width_dots - image.width) // 2, 0))
    return strip
