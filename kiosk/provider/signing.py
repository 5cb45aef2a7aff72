"""Per-kiosk request signing, shared by the operator client and the simulator.

Every request carries the kiosk id, a Unix timestamp, a random nonce and an HMAC-SHA256 over
the method, the path with its query, those three values and the SHA-256 of the body. The
operator can then tell which kiosk spoke, that nothing was changed on the way, and (with the
timestamp window and the nonce cache) that an old request was not played again.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

HEADER_KIOSK = "X-Kiosk-Id"
HEADER_TIMESTAMP = "X-Kiosk-Timestamp"
HEADER_NONCE = "X-Kiosk-Nonce"
HEADER_SIGNATURE = "X-Kiosk-Signature"
WINDOW_S = 300
SCHEME = "v1"
# What the contract allows, checked before any value is used: a header can carry anything,
# and a 5000-digit or non-ASCII value must be a refusal, not a crash.
TIMESTAMP_FORMAT = re.compile(r"[0-9]{1,12}")
NONCE_FORMAT = re.compile(r"[0-9a-fA-F]{16,128}")
SIGNATURE_FORMAT = re.compile(rf"{SCHEME}=[0-9a-f]{{64}}")


def body_hash(body: bytes | str | None) -> str:
    data = body.encode("utf-8") if isinstance(body, str) else (body or b"")
    return hashlib.sha256(data).hexdigest()


def canonical(
    method: str, target: str, kiosk_id: str, timestamp: str, nonce: str, body: bytes | str | None
) -> bytes:
    """The exact bytes both sides sign; ``target`` is the path with its query, as sent."""
    parts = (method.upper(), target, kiosk_id, timestamp, nonce, body_hash(body))
    return "\n".join(parts).encode("utf-8")


def signature(key: str, message: bytes) -> str:
    digest = hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()
    return f"{SCHEME}={digest}"


def sign_headers(
    key: str,
    kiosk_id: str,
    method: str,
    target: str,
    body: bytes | str | None,
    now: float | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """The four authentication headers for one request."""
    timestamp = str(int(time.time() if now is None else now))
    nonce = nonce or secrets.token_hex(16)
    message = canonical(method, target, kiosk_id, timestamp, nonce, body)
    return {
        HEADER_KIOSK: kiosk_id,
        HEADER_TIMESTAMP: timestamp,
        HEADER_NONCE: nonce,
        HEADER_SIGNATURE: signature(key, message),
    }


class AuthError(Exception):
    """Why a request was refused; ``code`` goes into the operator's error envelope."""

    def __init__(self, code: str, reason: str) -> None:
        self.code = code
        self.reason = reason
        super().__init__(f"{code}: {reason}")


class Nonces(Protocol):
    """Where nonces are remembered: a replay must be caught even across a restart."""

    def first_use(self, kiosk_id: str, nonce: str, now: float) -> bool: ...


class NonceCache:
    """Nonces seen inside the timestamp window, in memory: a second use of one is a replay."""

    def __init__(self, window_s: int = WINDOW_S) -> None:
        self.window_s = window_s
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def first_use(self, kiosk_id: str, nonce: str, now: float) -> bool:
        key = f"{kiosk_id}:{nonce}"
        with self._lock:
            self._seen = {k: t for k, t in self._seen.items() if t > now}
            if key in self._seen:
                return False
            self._seen[key] = now + 2 * self.window_s
            return True


@dataclass
class Verifier:
    """Checks the authentication headers of incoming requests against per-kiosk keys."""

    keys: Mapping[str, str]
    window_s: int = WINDOW_S
    clock: Callable[[], float] = time.time
    nonces: Nonces = field(default_factory=NonceCache)

    def verify(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes | None
    ) -> str:
        """The kiosk id when the request is authentic; raises AuthError otherwise."""
        values = {name: headers.get(name) for name in _REQUIRED}
        missing = [name for name, value in values.items() if not value]
        if missing:
            raise AuthError("auth_missing", f"missing header(s): {', '.join(missing)}")
        kiosk_id = values[HEADER_KIOSK] or ""
        key = self.keys.get(kiosk_id)
        if key is None:
            raise AuthError("auth_unknown_kiosk", "this kiosk id is not registered")
        now = self.clock()
        self._check_timestamp(values[HEADER_TIMESTAMP] or "", now)
        nonce = values[HEADER_NONCE] or ""
        if not NONCE_FORMAT.fullmatch(nonce):
            raise AuthError("auth_bad_nonce", "the nonce must be 16 to 128 hex characters")
        given = values[HEADER_SIGNATURE] or ""
        message = canonical(method, target, kiosk_id, values[HEADER_TIMESTAMP] or "", nonce, body)
        if not SIGNATURE_FORMAT.fullmatch(given) or not hmac.compare_digest(
            signature(key, message), given
        ):
            raise AuthError("auth_bad_signature", "the signature does not match the request")
        if not self.nonces.first_use(kiosk_id, nonce, now):
            raise AuthError("auth_replayed", "this request was already received")
        return kiosk_id

    def _check_timestamp(self, text: str, now: float) -> None:
        if not TIMESTAMP_FORMAT.fullmatch(text):
            raise AuthError("auth_bad_timestamp", "the timestamp must be Unix seconds")
        if abs(now - int(text)) > self.window_s:
            raise AuthError(
                "auth_stale_timestamp", f"the timestamp is more than {self.window_s} s off"
            )


_REQUIRED = (HEADER_KIOSK, HEADER_TIMESTAMP, HEADER_NONCE, HEADER_SIGNATURE)
