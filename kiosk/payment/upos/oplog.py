"""What the kiosk asked of ``sb_pilot`` and what it answered: written (fsync) before each
run and after it, because the terminal knows its operations by its own numbers, not by
our references, and a run that died must still be matched to the sale it was for."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kiosk.payment.durable import durable_db

_SCHEMA = """
CREATE TABLE IF NOT EXISTS operations (
    id INTEGER PRIMARY KEY AUTOINCREMENT, reference TEXT NOT NULL, kind TEXT NOT NULL,
    amount_minor INTEGER NOT NULL, currency TEXT NOT NULL, workdir TEXT NOT NULL,
    started_at TEXT NOT NULL, state TEXT NOT NULL, code INTEGER, auth_code TEXT, rrn TEXT,
    card_masked TEXT, refund_reference TEXT, operation_no TEXT, answered_at TEXT);
CREATE INDEX IF NOT EXISTS operations_by_reference ON operations (reference, kind);
"""


@dataclass(frozen=True)
class Operation:
    id: int
    reference: str
    kind: str  # pay, cancel, refund
    amount_minor: int
    currency: str
    workdir: str
    started_at: datetime
    state: str  # started, approved, declined, cancelled, unknown
    code: int | None
    auth_code: str | None
    rrn: str | None
    card_masked: str | None
    refund_reference: str | None
    operation_no: str | None


class OpLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.executescript(_SCHEMA)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        with durable_db(self.path) as db:
            db.row_factory = sqlite3.Row
            yield db

    def started(self, reference: str, kind: str, amount_minor: int, currency: str,
                workdir: Path, when: datetime, refund_reference: str | None = None) -> int:
        with self._db() as db:
            cursor = db.execute(
                "INSERT INTO operations (reference, kind, amount_minor, currency, workdir, "
                "started_at, state, refund_reference) VALUES (?,?,?,?,?,?,'started',?)",
                (reference, kind, amount_minor, currency, str(workdir), when.isoformat(),
                 refund_reference))
            return int(cursor.lastrowid)

    def answered(self, op_id: int, state: str, when: datetime, code: int | None = None,
                 auth_code: str | None = None, rrn: str | None = None,
                 card_masked: str | None = None, operation_no: str | None = None) -> None:
        with self._db() as db:
            db.execute(
                "UPDATE operations SET state=?, code=?, auth_code=?, rrn=?, card_masked=?, "
                "operation_no=?, answered_at=? WHERE id=?",
                (state, code, auth_code, rrn, card_masked, operation_no, when.isoformat(),
                 op_id))

    def find(self, reference: str, kind: str) -> list[Operation]:
        """Oldest first."""
        with self._db() as db:
            rows = db.execute("SELECT * FROM operations WHERE reference=? AND kind=? "
                              "ORDER BY id", (reference, kind)).fetchall()
        return [_operation(row) for row in rows]

    def last(self) -> Operation | None:
        with self._db() as db:
            row = db.execute("SELECT * FROM operations ORDER BY id DESC LIMIT 1").fetchone()
        return _operation(row) if row else None

    def knows(self, operation_no: str) -> bool:
        """Whether the terminal's operation ``operation_no`` is one already answered."""
        with self._db() as db:
            return db.execute("SELECT 1 FROM operations WHERE operation_no=?",
                              (operation_no,)).fetchone() is not None

    def recent(self, limit: int) -> list[Operation]:
        with self._db() as db:
            rows = db.execute("SELECT * FROM operations ORDER BY id DESC LIMIT ?",
                              (limit,)).fetchall()
        return [_operation(row) for row in rows]


def _operation(row: sqlite3.Row) -> Operation:
    values = dict(row)
    values.pop("answered_at")
    values["started_at"] = datetime.fromisoformat(values["started_at"])
    return Operation(**values)
