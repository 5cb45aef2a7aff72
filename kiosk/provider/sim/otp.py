"""One-time codes as the simulated operator sends and checks them.

A card has at most one live challenge: asking again is a resend of it (new code, cooldown,
a limited number of resends), so neither resends nor wrong guesses can be multiplied by
starting over. A used-up challenge locks the card's codes until it would have expired.
"""

from __future__ import annotations

import hmac
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from kiosk.core.errors import Category
from kiosk.core.renewal import OTP_CODE_LENGTH
from kiosk.provider.sim.errors import ApiError, user_error


@dataclass
class OtpLimits:
    ttl_s: int = 300
    cooldown_s: int = 60
    resends: int = 3
    attempts: int = 5
    token_ttl_s: int = 900


@dataclass
class Challenge:
    id: str
    iccid: str
    phone: str
    binding: bool  # verifying binds ``phone`` to the card
    code: str
    expires_at: datetime
    resend_after: datetime
    resends_left: int
    attempts_left: int
    verified: bool = False


@dataclass
class Token:
    iccid: str
    expires_at: datetime
    used: bool = False


class TokenBook(Protocol):
    def put_token(self, value: str, token: Token) -> None: ...

    def get_token(self, value: str) -> Token | None: ...


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(int(-(-(moment - now).total_seconds() // 1)), 1)


def _new_code() -> str:
    return f"{secrets.randbelow(10 ** OTP_CODE_LENGTH):0{OTP_CODE_LENGTH}d}"


class OtpDesk:
    def __init__(self, limits: OtpLimits | None = None, book: TokenBook | None = None) -> None:
        self._book = book  # where tokens outlive a restart, as a real operator's do
        self.limits = limits or OtpLimits()
        self._challenges: dict[str, Challenge] = {}
        self._by_card: dict[str, str] = {}
        self._tokens: dict[str, Token] = {}
        self._lock = threading.Lock()

    def send(self, iccid: str, phone: str, binding: bool, now: datetime) -> Challenge:
        """A new challenge, or a resend of the card's live one."""
        with self._lock:
            live = self._challenges.get(self._by_card.get(iccid, ""))
            if live is not None and not live.verified and now < live.expires_at:
                return self._resend(live, phone, now)
            limits = self.limits
            challenge = Challenge(
                id=secrets.token_hex(12), iccid=iccid, phone=phone, binding=binding,
                code=_new_code(), expires_at=now + timedelta(seconds=limits.ttl_s),
                resend_after=now + timedelta(seconds=limits.cooldown_s),
                resends_left=limits.resends, attempts_left=limits.attempts,
            )
            self._challenges[challenge.id] = challenge
            self._by_card[iccid] = challenge.id
            return challenge

    def _resend(self, live: Challenge, phone: str, now: datetime) -> Challenge:
        if live.attempts_left == 0:
            raise ApiError(
                429, "otp_blocked", Category.USER, "too many wrong codes for this card",
                retry_after_s=_seconds_until(live.expires_at, now),
            )
        if now < live.resend_after:
            raise ApiError(
                429, "otp_resend_too_soon", Category.USER, "a code was sent moments ago",
                retry_after_s=_seconds_until(live.resend_after, now),
            )
        if live.resends_left == 0:
            raise ApiError(
                429, "otp_resends_exhausted", Category.USER, "no more resends for this code",
                retry_after_s=_seconds_until(live.expires_at, now),
            )
        live.code = _new_code()
        live.phone = phone
        live.resends_left -= 1
        live.resend_after = now + timedelta(seconds=self.limits.cooldown_s)
        live.expires_at = now + timedelta(seconds=self.limits.ttl_s)
        return live

    def verify(self, challenge_id: str, code: str, now: datetime) -> tuple[Challenge, str, Token]:
        """The challenge, and a fresh verification token with its record, for a right code."""
        with self._lock:
            challenge = self._checked(challenge_id, now)
            if not hmac.compare_digest(challenge.code.encode(), code.encode()):
                challenge.attempts_left -= 1
                if challenge.attempts_left == 0:
                    raise ApiError(
                        429, "otp_attempts_exhausted", Category.USER, "too many wrong codes",
                        attempts_left=0,
                    )
                raise user_error(
                    422, "otp_wrong", "wrong code", attempts_left=challenge.attempts_left
                )
            challenge.verified = True
            token = Token(challenge.iccid, now + timedelta(seconds=self.limits.token_ttl_s))
            value = secrets.token_urlsafe(24)
            self._store_token(value, token)
            return challenge, value, token

    def _checked(self, challenge_id: str, now: datetime) -> Challenge:
        challenge = self._challenges.get(challenge_id)
        if challenge is None:
            raise user_error(404, "otp_challenge_not_found", "no such challenge")
        if challenge.verified:
            raise user_error(409, "otp_already_used", "this code was already used")
        if now >= challenge.expires_at:
            raise user_error(410, "otp_expired", "the code has expired")
        if challenge.attempts_left == 0:
            raise ApiError(
                429, "otp_attempts_exhausted", Category.USER, "too many wrong codes",
                attempts_left=0,
            )
        return challenge

    def _store_token(self, value: str, token: Token) -> None:
        self._tokens[value] = token
        if self._book is not None:
            self._book.put_token(value, token)

    def _find_token(self, value: str) -> Token | None:
        token = self._tokens.get(value)
        if token is None and self._book is not None:
            token = self._book.get_token(value)
        return token

    def spend(self, value: str, token: Token) -> None:
        """Mark the token used, durably: a verification proves one renewal, ever."""
        with self._lock:
            token.used = True
            self._store_token(value, token)

    def check_token(self, value: str, iccid: str, now: datetime) -> Token:
        """The unused, unexpired token for this card; raises ``verification_invalid``."""
        with self._lock:
            token = self._find_token(value)
            if token is None or token.used or token.iccid != iccid or now >= token.expires_at:
                raise user_error(
                    403, "verification_invalid", "the verification is missing, used or expired"
                )
            return token

    def challenge(self, challenge_id: str) -> Challenge | None:
        with self._lock:
            return self._challenges.get(challenge_id)

    def latest_for(self, iccid: str) -> Challenge | None:
        with self._lock:
            return self._challenges.get(self._by_card.get(iccid, ""))
