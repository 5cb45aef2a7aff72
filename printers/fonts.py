"""The CJK font for raster text and previews (Debian's fonts-wqy-microhei).

One TTC covers Latin, Cyrillic and CJK, so a line never mixes fonts and never shows boxes.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

FONT_ENV = "KIOSK_CJK_FONT"
CANDIDATES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path(__file__).resolve().parent.parent / "assets" / "fonts" / "wqy-microhei.ttc",
)


class FontMissing(RuntimeError):
    """No CJK font: receipts in Chinese cannot be printed or previewed."""


def cjk_font_path() -> Path:
    """``$KIOSK_CJK_FONT``, else the Debian package's file, else a bundled copy."""
    explicit = os.environ.get(FONT_ENV)
    candidates = (Path(explicit),) if explicit else CANDIDATES
    for path in candidates:
        if path.is_file():
            return path
    tried = ", ".join(str(p) for p in candidates)
    raise FontMissing(
        f"CJK font not found (tried {tried}); install the Debian package fonts-wqy-microhei "
        f"(scripts/bootstrap.sh does) or set {FONT_ENV}"
    )


@lru_cache(maxsize=32)
def cjk_font(size: int) -> ImageFont.FreeTypeFont:
    # BASIC layout: no complex shaping needed for Latin, Cyrillic and CJK, and far faster
    return ImageFont.truetype(str(cjk_font_path()), size, layout_engine=ImageFont.Layout.BASIC)


@lru_cache(maxsize=4096)
def has_glyph(char: str, size: int = 24) -> bool:
    """Whether the font draws ``char`` itself rather than its "missing glyph" box."""
    font = cjk_font(size)
    missing = bytes(font.getmask("\ue000"))  # private use: never in the font
    return char.isspace() or bytes(font.getmask(char)) != missing
