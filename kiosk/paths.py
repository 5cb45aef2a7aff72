"""Where the kiosk writes: one data directory per kiosk (or per test run), never shared."""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "KIOSK_DATA_DIR"


def data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """``--data-dir``, else ``$KIOSK_DATA_DIR``, else the user's XDG data directory."""
    chosen = explicit or os.environ.get(ENV_VAR)
    if chosen:
        path = Path(chosen)
    else:
        base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
        path = Path(base) / "travel-card-kiosk"
    path.mkdir(parents=True, exist_ok=True)
    return path.resolve()
