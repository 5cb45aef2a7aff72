"""The key of the journal's ``iccid_hash``, kept out of the journal.

``iccid_hash`` lets the journal (and whoever reads it) see that two sales were for the same card
without storing the card's number. ICCIDs are not random: behind one issuer prefix there are
about 10^11 of them, so a hash anyone can recompute is no protection (all of them fall in about
5 core-days to an HMAC keyed by a salt kept in the same file). The key therefore lives apart from
the journal: in ``journal-hash.key`` in the data directory (made once, readable by the kiosk's
user only, never overwritten), or given by the configuration (``[journal] iccid_hash_key``).

It protects against: a copied or leaked journal file (an export, a support bundle, a stolen SD
card image without the key file) giving the cards' numbers back. It does not protect against:
someone who also has the key (root on the kiosk, a whole-disk copy, the configuration's secret),
who can test every ICCID behind a prefix; nor does it hide the ICCIDs of unfinished sales, which
the journal keeps in full until the sale is final (recovery may need to send the renewal).
Losing the key file only means older rows can no longer be matched to a card; a new key is made.
"""

from __future__ import annotations

import os
import secrets
import stat
import threading
from pathlib import Path

KEY_FILE = "journal-hash.key"
_KEY_BYTES = 32


class HashKeyError(Exception):
    pass


class HashKey:
    """The key, read or made on first use, so opening a journal to read it touches nothing."""

    def __init__(self, key_file: Path, secret: bytes | None = None) -> None:
        self.key_file = key_file
        self._secret = secret or None
        self._key: bytes | None = self._secret
        self._lock = threading.Lock()

    def get(self) -> bytes:
        with self._lock:
            if self._key is None:
                self._key = self._read() if self.key_file.exists() else self._create(
                    secrets.token_bytes(_KEY_BYTES))
            return self._key

    def adopt(self, old: bytes) -> bool:
        """A journal made before the key moved out kept it in ``meta``: it becomes the key file,
        unless the configuration gives the key or a key file is already there. Returns whether
        the old hashes still match (the old key is the one in use)."""
        if self._secret is not None:
            return self._secret == old
        with self._lock:
            if self._key is None:
                self._key = self._read() if self.key_file.exists() else self._create(old)
            return self._key == old

    def _read(self) -> bytes:
        mode = self.key_file.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise HashKeyError(f"{self.key_file}: readable by other users "
                               f"(mode {stat.S_IMODE(mode):o}); chmod 600 it")
        text = self.key_file.read_text(encoding="ascii", errors="replace").strip()
        try:
            key = bytes.fromhex(text)
        except ValueError:
            key = b""
        if len(key) < 16:
            raise HashKeyError(f"{self.key_file}: not a key (expected at least 32 hex digits)")
        return key

    def _create(self, key: bytes) -> bytes:
        """Written whole to a temporary file, then linked into place: a crash leaves no half
        key, and a key file another process made first is kept (a link never replaces)."""
        folder = self.key_file.parent
        folder.mkdir(parents=True, exist_ok=True)
        temp = folder / f".{self.key_file.name}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.fchmod(fd, 0o600)  # whatever the umask
            os.write(fd, (key.hex() + "\n").encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(temp, self.key_file)
        except FileExistsError:
            return self._read()
        finally:
            temp.unlink()
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        return key
