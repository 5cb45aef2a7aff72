"""The key of ``iccid_hash`` is kept out of the journal file: whoever has only the journal
cannot recompute the hashes (and so cannot try every ICCID behind an issuer prefix)."""

from __future__ import annotations

import hashlib
import hmac
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from kiosk.journal.hash_key import KEY_FILE, HashKeyError
from kiosk.journal.store import _SCHEMA, Journal
from tests.helpers import make_iccid

ICCID = make_iccid("897010123456789012")


def raw_bytes(journal_path: Path) -> bytes:
    """Everything SQLite keeps for the journal: the file, its WAL and shared memory."""
    return b"".join(p.read_bytes() for p in journal_path.parent.glob(journal_path.name + "*"))


def key_of(data_dir: Path) -> bytes:
    return bytes.fromhex((data_dir / KEY_FILE).read_text())


def test_the_key_is_a_file_of_its_own_readable_only_by_the_kiosk(tmp_path):
    path = tmp_path / "journal.sqlite"
    old_umask = os.umask(0)  # a permissive umask must not widen the key file
    try:
        journal = Journal(path)
        digest = journal.hash_iccid(ICCID)
    finally:
        os.umask(old_umask)
    journal.close()
    key_file = tmp_path / KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_of(tmp_path)
    assert len(key) == 32
    assert digest == hmac.new(key, ICCID.encode(), hashlib.sha256).hexdigest()
    blob = raw_bytes(path)
    assert key not in blob and key.hex().encode() not in blob
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT * FROM meta").fetchall() == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp left


def test_hashes_are_stable_across_reopen_and_unknown_without_the_key_file(tmp_path):
    first = Journal(tmp_path / "journal.sqlite")
    digest = first.hash_iccid(ICCID)
    first.close()
    again = Journal(tmp_path / "journal.sqlite")
    assert again.hash_iccid(ICCID) == digest
    again.close()
    elsewhere = tmp_path / "copy"
    elsewhere.mkdir()
    (elsewhere / "journal.sqlite").write_bytes((tmp_path / "journal.sqlite").read_bytes())
    copied = Journal(elsewhere / "journal.sqlite")  # the journal alone, without its key file
    assert copied.hash_iccid(ICCID) != digest
    copied.close()


def test_an_existing_key_file_is_never_overwritten(tmp_path):
    key = bytes(range(32))
    key_file = tmp_path / KEY_FILE
    key_file.write_text(key.hex() + "\n")
    key_file.chmod(0o600)
    journal = Journal(tmp_path / "journal.sqlite")
    assert journal.hash_iccid(ICCID) == hmac.new(key, ICCID.encode(), hashlib.sha256).hexdigest()
    journal.close()
    assert key_of(tmp_path) == key


def test_the_configured_secret_is_used_and_no_key_file_is_made(tmp_path):
    secret = b"a-long-secret-from-the-kiosk-configuration"
    journal = Journal(tmp_path / "journal.sqlite", hash_key=secret)
    expected = hmac.new(secret, ICCID.encode(), hashlib.sha256).hexdigest()
    assert journal.hash_iccid(ICCID) == expected
    journal.close()
    assert not (tmp_path / KEY_FILE).exists()
    assert secret not in raw_bytes(tmp_path / "journal.sqlite")


def test_a_key_file_others_can_read_is_refused_and_left_alone(tmp_path):
    key_file = tmp_path / KEY_FILE
    key_file.write_text(bytes(range(32)).hex())
    key_file.chmod(0o644)
    journal = Journal(tmp_path / "journal.sqlite")
    with pytest.raises(HashKeyError, match=r"readable by other users.*chmod 600"):
        journal.hash_iccid(ICCID)
    journal.close()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o644
    assert key_of(tmp_path) == bytes(range(32))


def old_journal(path: Path, salt: bytes) -> str:
    """A journal as made before the key moved out: the salt in ``meta``, a row hashed with it,
    left with its WAL in place as a killed kiosk leaves it."""
    digest = hmac.new(salt, ICCID.encode(), hashlib.sha256).hexdigest()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(_SCHEMA)
    db.execute("INSERT INTO meta VALUES ('iccid_salt', ?)", (salt.hex(),))
    db.execute("INSERT INTO meta VALUES ('zz_other', 'kept')")  # the page outlives the row
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # in the main file, as after a long uptime
    db.execute(
        "INSERT INTO transactions (tx_id, state, created_at, updated_at, iccid_masked, "
        "iccid_hash, offer_id, amount_minor, currency, method, language) "
        "VALUES ('tx-old', 'done', '2026-03-04T09:00:00+00:00', '2026-03-04T09:00:00+00:00', "
        "'****0123', ?, 'validity-3d', 30000, 'RUB', 'card', 'en')", (digest,))
    return digest


def test_an_old_journal_moves_its_salt_out_to_the_key_file(tmp_path):
    salt = bytes.fromhex("0badc0ffee0ddf00d5eedcafe1234567")
    path = tmp_path / "journal.sqlite"
    digest = old_journal(path, salt)
    assert salt.hex().encode() in raw_bytes(path)
    journal = Journal(path)
    assert journal.hash_iccid(ICCID) == digest  # old rows still match their card
    assert journal.get("tx-old").iccid_hash == digest
    journal.close()
    assert key_of(tmp_path) == salt
    assert stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode) == 0o600
    assert salt.hex().encode() not in raw_bytes(path)  # not in a free page, nor the WAL
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT * FROM meta").fetchall() == [("zz_other", "kept")]
    reopened = Journal(path)
    assert reopened.hash_iccid(ICCID) == digest
    reopened.close()


def test_an_old_journal_with_a_configured_secret_still_loses_its_salt(tmp_path):
    salt = bytes.fromhex("0badc0ffee0ddf00d5eedcafe1234567")
    path = tmp_path / "journal.sqlite"
    old_journal(path, salt)
    journal = Journal(path, hash_key=b"a-long-secret-from-the-kiosk-configuration")
    journal.close()
    assert salt.hex().encode() not in raw_bytes(path)
    assert not (tmp_path / KEY_FILE).exists()


def test_the_configured_key_reaches_the_kiosk_journal_and_a_short_one_is_refused(tmp_path):
    from kiosk import config
    from kiosk.app import build

    secret = "k" * 40
    good = tmp_path / "kiosk.toml"
    good.write_text(f'demo = true\n[journal]\niccid_hash_key = "{secret}"\n',
                    encoding="utf-8")
    kiosk = build(config.load(good), tmp_path / "data")
    try:
        digest = kiosk.journal.hash_iccid(ICCID)
    finally:
        kiosk.close()
    assert digest == hmac.new(secret.encode(), ICCID.encode(), hashlib.sha256).hexdigest()
    assert not (tmp_path / "data" / KEY_FILE).exists()
    short = tmp_path / "short.toml"
    short.write_text('[journal]\niccid_hash_key = "short"\n', encoding="utf-8")
    with pytest.raises(config.ConfigError, match=r"journal\.iccid_hash_key: must be at least 32"):
        config.load(short)
