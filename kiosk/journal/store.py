"""SQLite journal: one row per attempt, and an append-only event log beside it.

WAL with synchronous=FULL, so a committed write survives a power cut. Each step is one SQLite
transaction that appends the event and moves the row's state together: the journal can never
say a thing happened without saying when and why. Full identifiers are kept only while a sale
is unfinished (recovery may need to send the renewal); a final state wipes them. What stays is
``iccid_hash``, keyed by a key kept outside this file (``kiosk.journal.hash_key`` says what
that protects against and what not).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk import logs
from kiosk.core.transaction import FINAL_STATES, ReceiptState, Transaction, TxState
from kiosk.journal.hash_key import KEY_FILE, HashKey

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS transactions (
    tx_id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    iccid TEXT,
    iccid_masked TEXT NOT NULL,
    iccid_hash TEXT NOT NULL,
    phone_masked TEXT,
    offer_id TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    promotion_id TEXT,
    method TEXT NOT NULL,
    language TEXT NOT NULL,
    verification_token TEXT,
    payment TEXT NOT NULL DEFAULT '{}',
    renewal TEXT NOT NULL DEFAULT '{}',
    refund TEXT NOT NULL DEFAULT '{}',
    receipt TEXT NOT NULL DEFAULT 'none',
    sale TEXT NOT NULL DEFAULT '{}',
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS transactions_state ON transactions(state);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tx_id TEXT NOT NULL REFERENCES transactions(tx_id),
    at TEXT NOT NULL,
    step TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('intent', 'result', 'info')),
    state TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS findings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    source TEXT NOT NULL,
    reference TEXT NOT NULL,
    detail TEXT NOT NULL,
    resolved_at TEXT,
    resolution TEXT,
    UNIQUE (source, reference)
);
CREATE TRIGGER IF NOT EXISTS events_append_only_u BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_append_only_d BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
"""

_JSON_COLUMNS = ("payment", "renewal", "refund", "sale")
_WIPED_WHEN_FINAL = ("iccid", "verification_token")


class JournalError(Exception):
    pass


class Journal:
    """Thread-safe: engine workers and recovery write through one serialised connection."""

    def __init__(self, path: Path, now: Callable[[], datetime] = lambda: datetime.now(UTC),
                 hash_key: bytes | None = None):
        """``hash_key``: the configuration's key for ``iccid_hash``; without it, the data
        directory's key file (made on first use)."""
        self.path = path
        self._now = now
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self.set_aside: Path | None = None  # where a journal that failed its check was kept
        try:
            self._db = self._connect(path)
        except sqlite3.DatabaseError as exc:
            self.set_aside = _set_aside(path, now())
            self._db = self._connect(path)
            self.add_finding("journal", self.set_aside.name,
                             f"failed SQLite's integrity check ({exc}); kept aside unchanged")
        self._hash_key = HashKey(path.parent / KEY_FILE, hash_key)
        self._move_salt_out()

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        """Open and check the file; a damaged one raises ``sqlite3.DatabaseError``."""
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        try:
            db.row_factory = sqlite3.Row
            verdict = [row[0] for row in db.execute("PRAGMA quick_check")]
            if verdict != ["ok"]:
                raise sqlite3.DatabaseError("; ".join(verdict[:3]))
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            db.executescript(_SCHEMA)
        except BaseException:
            db.close()
            raise
        return db

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _move_salt_out(self) -> None:
        """Journals made before the key moved out kept it in ``meta``, beside the hashes it
        protects: it goes to the key file, then is erased from the file (secure_delete, and the
        WAL checkpointed and truncated, so no old page still holds it)."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key='iccid_salt'").fetchone()
        if row is None:
            return
        if not self._hash_key.adopt(bytes.fromhex(row["value"])):
            logs.event(log, "journal.hash_key_replaced", logging.WARNING,
                       detail="older rows' iccid_hash no longer matches a card")
        self._db.execute("PRAGMA secure_delete=ON")
        with self._write() as db:
            db.execute("DELETE FROM meta WHERE key='iccid_salt'")
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def hash_iccid(self, iccid: str) -> str:
        """Keyed hash: lets the journal match a card again without storing its number."""
        return hmac.new(self._hash_key.get(), iccid.encode(), hashlib.sha256).hexdigest()

    # -- writing -----------------------------------------------------------------------

    def create(self, tx: Transaction, **data: Any) -> Transaction:
        row = self._to_row(tx)
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        with self._write() as db:
            if db.execute("SELECT 1 FROM transactions WHERE tx_id=?", (tx.tx_id,)).fetchone():
                raise JournalError(f"transaction {tx.tx_id} already journaled")
            db.execute(f"INSERT INTO transactions ({columns}) VALUES ({marks})", list(row.values()))
            self._append(db, tx.tx_id, "created", "info", tx.state, data)
        return tx

    def intent(self, tx_id: str, step: str, state: TxState, **data: Any) -> Transaction:
        """Before an external call: what is about to be asked, and the state it puts us in."""
        return self._step(tx_id, step, "intent", state, {}, data)

    def result(
        self,
        tx_id: str,
        step: str,
        state: TxState,
        changes: dict[str, Any] | None = None,
        **data: Any,
    ) -> Transaction:
        """After an external call: its answer, the new state, and record fields it set."""
        return self._step(tx_id, step, "result", state, changes or {}, data)

    def note(self, tx_id: str, step: str, **data: Any) -> None:
        with self._write() as db:
            state = self._load(db, tx_id).state
            self._append(db, tx_id, step, "info", state, data)

    def _step(self, tx_id, step, kind, state, changes, data) -> Transaction:
        with self._write() as db:
            tx = self._load(db, tx_id)
            if tx.is_final:
                raise JournalError(f"transaction {tx_id} is final ({tx.state})")
            updates = {**changes, "state": state, "updated_at": self._now()}
            if state in FINAL_STATES:
                updates.update(dict.fromkeys(_WIPED_WHEN_FINAL))
            for name, value in updates.items():
                setattr(tx, name, value)
            row = self._to_row(tx)
            assignments = ", ".join(f"{k}=?" for k in row if k != "tx_id")
            values = [v for k, v in row.items() if k != "tx_id"]
            db.execute(f"UPDATE transactions SET {assignments} WHERE tx_id=?", [*values, tx_id])
            self._append(db, tx_id, step, kind, state, data)
            return tx

    def set_receipt(self, tx_id: str, receipt: ReceiptState, **data: Any) -> None:
        """Receipts settle after the sale is final (reprints), so this skips the final guard."""
        with self._write() as db:
            self._load(db, tx_id)
            db.execute("UPDATE transactions SET receipt=? WHERE tx_id=?", (receipt, tx_id))
            self._append(db, tx_id, "receipt", "result", receipt, data)

    def _append(self, db, tx_id, step, kind, state, data) -> None:
        db.execute(
            "INSERT INTO events (tx_id, at, step, kind, state, data) VALUES (?,?,?,?,?,?)",
            (tx_id, self._now().isoformat(), step, kind, str(state),
             json.dumps(data, default=str, sort_keys=True)),
        )

    # -- manual review -----------------------------------------------------------------

    def add_finding(self, source: str, reference: str, detail: str) -> bool:
        """Something the journal did not know (a charge, a renewal, a damaged file): it waits
        for an engineer. False when the same finding is already recorded."""
        with self._write() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO findings (at, source, reference, detail) VALUES (?,?,?,?)",
                (self._now().isoformat(), source, reference, detail),
            )
            return cursor.rowcount == 1

    def findings(self, open_only: bool = True) -> list[dict[str, Any]]:
        where = "WHERE resolved_at IS NULL" if open_only else ""
        with self._lock:
            rows = self._db.execute(f"SELECT * FROM findings {where} ORDER BY id").fetchall()
        return [dict(r) for r in rows]

    def resolve_finding(self, finding_id: int, resolution: str) -> None:
        with self._write() as db:
            cursor = db.execute(
                "UPDATE findings SET resolved_at=?, resolution=? WHERE id=? AND resolved_at "
                "IS NULL", (self._now().isoformat(), resolution, finding_id))
            if cursor.rowcount != 1:
                raise JournalError(f"no open finding {finding_id}")

    # -- reading -----------------------------------------------------------------------

    def get(self, tx_id: str) -> Transaction:
        with self._lock:
            return self._load(self._db, tx_id)

    def _load(self, db: sqlite3.Connection, tx_id: str) -> Transaction:
        row = db.execute("SELECT * FROM transactions WHERE tx_id=?", (tx_id,)).fetchone()
        if row is None:
            raise JournalError(f"no transaction {tx_id}")
        return self._from_row(row)

    def _select(self, where: str = "1", args: tuple = ()) -> list[Transaction]:
        with self._lock:
            rows = self._db.execute(
                f"SELECT * FROM transactions WHERE {where} ORDER BY created_at, tx_id", args
            ).fetchall()
        return [self._from_row(r) for r in rows]

    def all(self) -> list[Transaction]:
        return self._select()

    def unfinished(self) -> list[Transaction]:
        finals = tuple(str(s) for s in FINAL_STATES)
        marks = ",".join("?" for _ in finals)
        return self._select(f"state NOT IN ({marks})", finals)

    def in_state(self, state: TxState) -> list[Transaction]:
        return self._select("state=?", (str(state),))

    def pending_receipts(self) -> list[Transaction]:
        return self._select("receipt=?", (str(ReceiptState.PENDING),))

    def last_event(self, tx_id: str) -> int:
        """Sequence number of the newest event of ``tx_id`` (0: none): a cheap progress mark."""
        with self._lock:
            row = self._db.execute("SELECT MAX(seq) FROM events WHERE tx_id=?", (tx_id,)).fetchone()
        return row[0] or 0

    def events(self, tx_id: str) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM events WHERE tx_id=? ORDER BY seq", (tx_id,)
            ).fetchall()
        return [{**dict(r), "data": json.loads(r["data"])} for r in rows]

    # -- mapping -----------------------------------------------------------------------

    @staticmethod
    def _to_row(tx: Transaction) -> dict[str, Any]:
        row: dict[str, Any] = {}
        for f in fields(Transaction):
            value = getattr(tx, f.name)
            if f.name in _JSON_COLUMNS:
                value = json.dumps(value, default=str, sort_keys=True)
            elif isinstance(value, datetime):
                value = value.isoformat()
            elif f.name in ("state", "receipt"):
                value = str(value)
            row[f.name] = value
        return row

    @staticmethod
    def _from_row(row: sqlite3.Row) -> Transaction:
        values = dict(row)
        for name in _JSON_COLUMNS:
            values[name] = json.loads(values[name])
        values["state"] = TxState(values["state"])
        values["receipt"] = ReceiptState(values["receipt"])
        values["created_at"] = datetime.fromisoformat(values["created_at"])
        values["updated_at"] = datetime.fromisoformat(values["updated_at"])
        return Transaction(**values)


def _set_aside(path: Path, now: datetime) -> Path:
    """Move a damaged journal and its WAL out of the way, unchanged, for an engineer (and
    perhaps a recovery tool) to read; the kiosk starts a new one and never writes the old."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.stem}.damaged-{stamp}{path.suffix}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.stem}.damaged-{stamp}-{n}{path.suffix}")
    for suffix in ("", "-wal", "-shm"):
        part = Path(f"{path}{suffix}")
        if part.exists():
            part.rename(Path(f"{aside}{suffix}"))
    return aside
