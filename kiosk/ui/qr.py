"""The e-receipt QR code as a grid of grey levels (segno), for the done and problem screens.

The grid has one pixel per module and is enlarged on the GPU with nearest-neighbour
sampling: encoding and decoding a PNG on the main thread cost the done screen ~15 ms.
"""

from __future__ import annotations

import numpy as np
import segno

QUIET_ZONE = 4  # modules of white round the code, as phone cameras read best


def qr_grey(url: str) -> np.ndarray:
    """Black (0) on white (255) modules with the quiet zone, rows top-down, uint8."""
    modules = np.array(segno.make(url, error="m").matrix, dtype=bool)
    return np.where(np.pad(modules, QUIET_ZONE), 0, 255).astype(np.uint8)
