"""A SQLite connection whose committed writes survive a power cut (WAL, synchronous=FULL),
opened per use: what a terminal's own memory is, and what the kiosk keeps of a vendor
program's runs."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def durable_db(path: Path) -> Iterator[sqlite3.Connection]:
    """Autocommit, so each statement is committed (and synced) as it runs."""
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        yield db
    finally:
        db.close()
