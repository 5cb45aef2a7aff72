"""The simulated terminal's memory: every transaction it ran, in SQLite, written before it
answers (as a terminal's journal), so tests reconcile the kiosk against it."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from kiosk.payment.zvt.sqlite import LockedDb

_SCHEMA = """
CREATE TABLE IF NOT EXISTS transactions (
    trace INTEGER PRIMARY KEY, receipt INTEGER, kind TEXT NOT NULL,
    amount_minor INTEGER NOT NULL, currency INTEGER NOT NULL, status TEXT NOT NULL,
    result INTEGER NOT NULL, original_receipt INTEGER, auth_code TEXT, created_at TEXT NOT NULL,
    day INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


class Ledger:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = LockedDb(path, _SCHEMA)

    def _next(self, db: sqlite3.Connection, name: str) -> int:
        row = db.execute("SELECT value FROM counters WHERE name=?", (name,)).fetchone()
        value = (row["value"] if row else 0) % 9999 + 1
        db.execute("INSERT OR REPLACE INTO counters VALUES (?, ?)", (name, value))
        return value

    def day(self) -> int:
        with self._db() as db:
            row = db.execute("SELECT value FROM counters WHERE name='day'").fetchone()
        return row["value"] if row else 0

    def add(self, kind: str, amount: int, currency: int, status: str, result: int,
            original_receipt: int | None = None) -> dict:
        """A new transaction: trace always counts on, a receipt number only for money moved."""
        with self._db() as db:
            trace = self._next(db, "trace")
            receipt = self._next(db, "receipt") if result == 0 else None
            auth = f"{trace:06d}" if result == 0 else None
            day = db.execute("SELECT value FROM counters WHERE name='day'").fetchone()
            db.execute(
                "INSERT INTO transactions VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (trace, receipt, kind, amount, currency, status, result, original_receipt,
                 auth, datetime.now(UTC).isoformat(), day["value"] if day else 0))
        return self.by_trace(trace)

    def by_trace(self, trace: int) -> dict:
        with self._db() as db:
            return dict(db.execute("SELECT * FROM transactions WHERE trace=?",
                                   (trace,)).fetchone())

    def by_receipt(self, receipt: int, kinds: tuple[str, ...]) -> dict | None:
        marks = ",".join("?" * len(kinds))
        with self._db() as db:
            row = db.execute(
                f"SELECT * FROM transactions WHERE receipt=? AND kind IN ({marks}) "
                "ORDER BY trace DESC LIMIT 1", (receipt, *kinds)).fetchone()
        return dict(row) if row else None

    def set_status(self, trace: int, status: str, amount: int | None = None) -> None:
        with self._db() as db:
            db.execute("UPDATE transactions SET status=?, amount_minor=COALESCE(?, amount_minor)"
                       " WHERE trace=?", (status, amount, trace))

    def last(self) -> dict | None:
        with self._db() as db:
            row = db.execute("SELECT * FROM transactions ORDER BY rowid DESC LIMIT 1").fetchone()
        return dict(row) if row else None

    def rows(self) -> list[dict]:
        with self._db() as db:
            return [dict(r) for r in db.execute("SELECT * FROM transactions ORDER BY rowid")]

    def close_day(self) -> list[dict]:
        """The open day's approved payments, then a new day (reversals end with it)."""
        with self._db() as db:
            row = db.execute("SELECT value FROM counters WHERE name='day'").fetchone()
            day = row["value"] if row else 0
            rows = [dict(r) for r in db.execute(
                "SELECT * FROM transactions WHERE day=? AND result=0", (day,))]
            db.execute("INSERT OR REPLACE INTO counters VALUES ('day', ?)", (day + 1,))
        return rows
