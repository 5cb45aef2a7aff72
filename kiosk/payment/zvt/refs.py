"""The adapter's own small memory beside the data directory: our reference -> the
terminal's receipt and trace numbers. A terminal knows receipt numbers, never our
references, so a reversal after a restart needs this map; a row is written before each
command goes out, so an answer lost on the way is still ours to resolve."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from kiosk.payment.zvt.sqlite import LockedDb

_SCHEMA = """
CREATE TABLE IF NOT EXISTS payments (
    reference TEXT PRIMARY KEY, kind TEXT NOT NULL, amount_minor INTEGER NOT NULL,
    currency TEXT NOT NULL, status TEXT NOT NULL, after_trace INTEGER, trace INTEGER,
    receipt INTEGER, auth_code TEXT, card_masked TEXT, terminal_id TEXT, slip TEXT,
    reason TEXT, returned TEXT, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS returns (
    reference TEXT NOT NULL, kind TEXT NOT NULL, refund_reference TEXT NOT NULL,
    amount_minor INTEGER NOT NULL, status TEXT NOT NULL, after_trace INTEGER, trace INTEGER,
    receipt INTEGER, reason TEXT, created_at TEXT NOT NULL,
    PRIMARY KEY (reference, kind, refund_reference));
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value);
"""


class RefMap:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = LockedDb(path, _SCHEMA)

    # -- the last trace number seen: what "newer than" means for a repeat receipt ----------

    def meta(self, key: str):
        with self._db() as db:
            row = db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row["value"] if row else None

    def set_meta(self, key: str, value) -> None:
        with self._db() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def saw_trace(self, trace: int | None) -> None:
        if trace is not None:
            self.set_meta("last_trace", trace)

    # -- payments and reservations -------------------------------------------------------

    def begin(self, reference: str, kind: str, amount_minor: int, currency: str) -> None:
        with self._db() as db:
            db.execute(
                "INSERT INTO payments (reference, kind, amount_minor, currency, status, "
                "after_trace, created_at) VALUES (?,?,?,?, 'pending', ?, ?)",
                (reference, kind, amount_minor, currency, self._last(db),
                 datetime.now(UTC).isoformat()))

    @staticmethod
    def _last(db: sqlite3.Connection) -> int | None:
        row = db.execute("SELECT value FROM meta WHERE key='last_trace'").fetchone()
        return row["value"] if row else None

    def update(self, reference: str, **values) -> None:
        if "slip" in values:
            values["slip"] = json.dumps(list(values["slip"]))
        cols = ", ".join(f"{k}=?" for k in values)
        with self._db() as db:
            db.execute(f"UPDATE payments SET {cols} WHERE reference=?",
                       (*values.values(), reference))

    def get(self, reference: str) -> dict | None:
        with self._db() as db:
            row = db.execute("SELECT * FROM payments WHERE reference=?",
                             (reference,)).fetchone()
        return _row(row)

    def recent(self, limit: int) -> list[dict]:
        with self._db() as db:
            rows = db.execute("SELECT * FROM payments ORDER BY created_at DESC, rowid DESC "
                              "LIMIT ?", (limit,)).fetchall()
        return [_row(r) for r in rows]

    # -- reversals and refunds -----------------------------------------------------------

    def begin_return(self, reference: str, kind: str, refund_reference: str,
                     amount_minor: int) -> None:
        with self._db() as db:
            db.execute(
                "INSERT OR REPLACE INTO returns (reference, kind, refund_reference, "
                "amount_minor, status, after_trace, created_at) VALUES (?,?,?,?, 'pending', ?, ?)",
                (reference, kind, refund_reference, amount_minor, self._last(db),
                 datetime.now(UTC).isoformat()))

    def update_return(self, reference: str, kind: str, refund_reference: str, **values) -> None:
        cols = ", ".join(f"{k}=?" for k in values)
        with self._db() as db:
            db.execute(f"UPDATE returns SET {cols} WHERE reference=? AND kind=? AND "
                       "refund_reference=?", (*values.values(), reference, kind, refund_reference))

    def get_return(self, reference: str, kind: str, refund_reference: str) -> dict | None:
        with self._db() as db:
            row = db.execute("SELECT * FROM returns WHERE reference=? AND kind=? AND "
                             "refund_reference=?", (reference, kind, refund_reference)).fetchone()
        return dict(row) if row else None

    def owner_of_trace(self, trace: int) -> str | None:
        """The reference whose payment or return carries ``trace``, if one does."""
        with self._db() as db:
            row = db.execute("SELECT reference FROM payments WHERE trace=? UNION ALL "
                             "SELECT reference FROM returns WHERE trace=? LIMIT 1",
                             (trace, trace)).fetchone()
        return row["reference"] if row else None

    def returns_since(self, since: str) -> list[dict]:
        with self._db() as db:
            return [dict(r) for r in db.execute(
                "SELECT * FROM returns WHERE status='done' AND created_at>=?", (since,))]


def _row(row: sqlite3.Row | None) -> dict | None:
    if row is None:
        return None
    out = dict(row)
    out["slip"] = tuple(json.loads(out["slip"])) if out["slip"] else ()
    return out
