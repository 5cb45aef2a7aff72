"""The simulated operator's persistent state: its cards and its ledger of renewals.

One SQLite file in the simulator's data directory, so renewals survive a restart and
recovery tests can check the money rule against it: no renewal twice, none unpaid.
A card's change and its ledger entry are written in one transaction.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from kiosk.core.card import CardStatus
from kiosk.core.renewal import RenewalStatus
from kiosk.provider.demo_data import CARDS, CURRENCY
from kiosk.provider.sim.otp import Token

DB_NAME = "operator-sim.sqlite"
NONCES_NAME = "operator-sim-nonces.sqlite"
_NONCES_SCHEMA = """
CREATE TABLE IF NOT EXISTS nonces (key TEXT PRIMARY KEY, expires REAL NOT NULL);
CREATE INDEX IF NOT EXISTS nonces_expires ON nonces (expires);
"""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cards (
    iccid TEXT PRIMARY KEY,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS renewals (
    kiosk_id TEXT NOT NULL,
    transaction_id TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (kiosk_id, transaction_id)
);
CREATE TABLE IF NOT EXISTS tokens (
    digest TEXT PRIMARY KEY,
    iccid TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used INTEGER NOT NULL
);
"""


@dataclass
class SimCard:
    iccid: str
    status: CardStatus
    plan_id: str
    validity_end: datetime | None
    balance_minor: int
    currency: str
    data_mb: int | None
    voice_min: int | None
    sms: int | None
    phone: str | None
    used_promotions: list[str] = field(default_factory=list)


@dataclass
class LedgerEntry:
    """One renewal as the operator recorded it; ``fingerprint`` makes the id idempotent."""

    kiosk_id: str
    transaction_id: str
    fingerprint: str
    iccid: str
    offer_id: str
    amount_minor: int
    currency: str
    promotion_id: str | None
    status: RenewalStatus
    reason_code: str | None
    bonus_days: int
    validity_end: datetime | None
    data_mb: int | None
    voice_min: int | None
    sms: int | None
    operator_reference: str
    created_at: datetime
    updated_at: datetime
    cancel_reason: str | None = None


def _dump(record: SimCard | LedgerEntry) -> str:
    def convert(value: object) -> object:
        return value.isoformat() if isinstance(value, datetime) else str(value)

    return json.dumps(asdict(record), default=convert, sort_keys=True)


def _times(raw: dict, *names: str) -> dict:
    for name in names:
        if raw.get(name) is not None:
            raw[name] = datetime.fromisoformat(raw[name])
    return raw


def _load_card(text: str) -> SimCard:
    raw = _times(json.loads(text), "validity_end")
    raw["status"] = CardStatus(raw["status"])
    return SimCard(**raw)


def _load_entry(text: str) -> LedgerEntry:
    raw = _times(json.loads(text), "validity_end", "created_at", "updated_at")
    raw["status"] = RenewalStatus(raw["status"])
    return LedgerEntry(**raw)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


class SimStore:
    """Cards and ledger; seeds the demo cards relative to ``now`` on first use."""

    def __init__(self, data_dir: Path, now: datetime) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / DB_NAME
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)
        self._seed(now)
        # Every request writes a nonce: a file of its own in WAL mode without an fsync per
        # commit (about 10 ms each here) keeps replays caught across a restart or a crash of
        # the process, at the price of the last moments' nonces after a power cut; the
        # ledger keeps its fsync per commit.
        self._nonce_lock = threading.Lock()
        self._nonce_db = sqlite3.connect(data_dir / NONCES_NAME, check_same_thread=False,
                                         isolation_level=None)
        self._nonce_db.execute("PRAGMA journal_mode=WAL")
        self._nonce_db.execute("PRAGMA synchronous=NORMAL")
        self._nonce_db.executescript(_NONCES_SCHEMA)

    def close(self) -> None:
        with self._lock, self._nonce_lock:
            self._db.close()
            self._nonce_db.close()

    def _seed(self, now: datetime) -> None:
        with self._lock:
            if self._db.execute("SELECT COUNT(*) FROM cards").fetchone()[0]:
                return
            self._db.execute("BEGIN IMMEDIATE")
            for demo in CARDS:
                end = None if demo.validity_days is None else now + timedelta(demo.validity_days)
                card = SimCard(
                    demo.iccid, demo.status, demo.plan_id, end, demo.balance_minor, CURRENCY,
                    demo.data_mb, demo.voice_min, demo.sms, demo.phone,
                    list(demo.used_promotions),
                )
                self._put_card(card)
            self._db.execute("COMMIT")

    def _put_card(self, card: SimCard) -> None:
        self._db.execute(
            "INSERT INTO cards (iccid, body) VALUES (?, ?)"
            " ON CONFLICT (iccid) DO UPDATE SET body = excluded.body",
            (card.iccid, _dump(card)),
        )

    def _put_entry(self, entry: LedgerEntry) -> None:
        self._db.execute(
            "INSERT INTO renewals (kiosk_id, transaction_id, body) VALUES (?, ?, ?)"
            " ON CONFLICT (kiosk_id, transaction_id) DO UPDATE SET body = excluded.body",
            (entry.kiosk_id, entry.transaction_id, _dump(entry)),
        )

    def card(self, iccid: str) -> SimCard | None:
        with self._lock:
            row = self._db.execute("SELECT body FROM cards WHERE iccid = ?", (iccid,)).fetchone()
        return _load_card(row[0]) if row else None

    def save_card(self, card: SimCard) -> None:
        with self._lock:
            self._put_card(card)

    def entry(self, kiosk_id: str, transaction_id: str) -> LedgerEntry | None:
        with self._lock:
            row = self._db.execute(
                "SELECT body FROM renewals WHERE kiosk_id = ? AND transaction_id = ?",
                (kiosk_id, transaction_id),
            ).fetchone()
        return _load_entry(row[0]) if row else None

    def record(self, entry: LedgerEntry, card: SimCard | None) -> None:
        """The ledger entry and the card it changed, together or not at all."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._put_entry(entry)
                if card is not None:
                    self._put_card(card)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def put_token(self, value: str, token: Token) -> None:
        """Verification tokens survive a restart; only their digest is stored."""
        with self._lock:
            self._db.execute(
                "INSERT INTO tokens VALUES (?, ?, ?, ?) ON CONFLICT (digest) DO UPDATE"
                " SET used = excluded.used",
                (_digest(value), token.iccid, token.expires_at.isoformat(), int(token.used)),
            )

    def get_token(self, value: str) -> Token | None:
        with self._lock:
            row = self._db.execute(
                "SELECT iccid, expires_at, used FROM tokens WHERE digest = ?", (_digest(value),)
            ).fetchone()
        return Token(row[0], datetime.fromisoformat(row[1]), bool(row[2])) if row else None

    def nonces(self, window_s: int) -> StoredNonces:
        """The replay cache, kept here so a request replayed after a restart is still caught."""
        return StoredNonces(self, window_s)

    def first_use(self, key: str, now: float, expires: float) -> bool:
        with self._nonce_lock:  # one transaction: forget the expired, remember this one
            db = self._nonce_db
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute("DELETE FROM nonces WHERE expires <= ?", (now,))
                inserted = db.execute(
                    "INSERT INTO nonces (key, expires) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
                    (key, expires),
                ).rowcount
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
            return inserted == 1

    def ledger(self) -> list[LedgerEntry]:
        """Every renewal, oldest first: what recovery tests hold the kiosk's journal against."""
        with self._lock:
            rows = self._db.execute("SELECT body FROM renewals ORDER BY rowid").fetchall()
        return [_load_entry(row[0]) for row in rows]


@dataclass
class StoredNonces:
    """``signing.Nonces`` over the store: a nonce is remembered for twice the window."""

    store: SimStore
    window_s: int

    def first_use(self, kiosk_id: str, nonce: str, now: float) -> bool:
        return self.store.first_use(f"{kiosk_id}:{nonce}", now, now + 2 * self.window_s)
