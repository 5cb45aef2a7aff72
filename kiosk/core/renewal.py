"""What the operator answers about one-time codes and renewals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from kiosk.core.card import Allowances

# The operator's SMS codes are this many digits. Its API allows 4 to 8 and says nothing of the
# length in a challenge, so the kiosk and the operator simulator share this one number: the
# keypad takes no more, and a shorter code never leaves the kiosk (it would only use up one
# of the traveller's attempts).
OTP_CODE_LENGTH = 6


def whole_code(code: str) -> bool:
    """True for a code the operator could accept: exactly ``OTP_CODE_LENGTH`` ASCII digits."""
    return len(code) == OTP_CODE_LENGTH and code.isascii() and code.isdigit()


@dataclass(frozen=True)
class OtpChallenge:
    """A code was sent: where to (masked), until when it is valid, what is still allowed."""

    challenge_id: str
    phone_masked: str
    expires_at: datetime
    resend_after: datetime
    resends_left: int
    attempts_left: int


@dataclass(frozen=True)
class OtpVerification:
    """A correct code: the proof the renewal must carry."""

    verification_token: str
    expires_at: datetime


class RenewalStatus(StrEnum):
    PENDING = "pending"
    APPLIED = "applied"
    FAILED = "failed"
    CANCELLED = "cancelled"  # applied, then undone because the payment was reversed


@dataclass(frozen=True)
class RenewalResult:
    """The operator's record of one renewal, found again by our transaction id."""

    transaction_id: str
    status: RenewalStatus
    offer_id: str
    reason_code: str | None = None
    validity_end: datetime | None = None
    allowances: Allowances | None = None
    operator_reference: str | None = None

    @property
    def is_final(self) -> bool:
        return self.status is not RenewalStatus.PENDING
