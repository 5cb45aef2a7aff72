"""The e-receipt QR code as PNG bytes (segno), for the done and problem screens."""

from __future__ import annotations

import io

import segno


def qr_png(url: str, scale: int = 10) -> bytes:
    """Black on white with a quiet zone, as phone cameras read best."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=scale, border=4,
                                    dark="black", light="white")
    return buffer.getvalue()
