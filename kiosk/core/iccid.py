"""ICCID (ITU-T E.118): the number printed on the SIM card and its carrier.

19 or 20 digits, issuer prefix 89 (telecommunications), last digit a Luhn check digit over the
others. Every rejection names its reason so the keypad can say what is wrong as it is typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kiosk.core.errors import InvalidInput
from kiosk.core.messages import N_, Message

MIN_DIGITS = 19
MAX_DIGITS = 20
PREFIX = "89"
_SEPARATORS = re.compile(r"[\s\-]+")

REASONS = {
    "empty": N_("Enter the card number."),
    "not_digits": N_("The card number may contain digits only."),
    "length": N_("The card number has 19 or 20 digits; this one has {count}."),
    "prefix": N_("A SIM card number starts with 89."),
    "check_digit": N_("This card number has a typo: please check the digits."),
}


class IccidError(InvalidInput):
    """Why a text is not an ICCID; ``reason`` is one of ``REASONS``."""

    def __init__(self, reason: str, **params: object) -> None:
        self.reason = reason
        super().__init__(f"iccid_{reason}", Message(REASONS[reason], params))


def luhn_check_digit(payload: str) -> int:
    """The Luhn digit that makes ``payload + digit`` valid."""
    total = 0
    for index, char in enumerate(reversed(payload)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def luhn_valid(digits: str) -> bool:
    return len(digits) >= 2 and luhn_check_digit(digits[:-1]) == int(digits[-1])


def normalise(text: str) -> str:
    """Drop spaces and dashes that people and printers put between digit groups."""
    return _SEPARATORS.sub("", text)


def check_partial(text: str) -> IccidError | None:
    """Judge an incomplete entry: the error that is already certain, else None.

    Lets the keypad warn early (a letter, a wrong prefix, too many digits) without nagging
    about length while the person is still typing.
    """
    digits = normalise(text)
    if digits and not digits.isdigit():
        return IccidError("not_digits")
    if digits[:2] and not PREFIX.startswith(digits[:2]):
        return IccidError("prefix")
    if len(digits) > MAX_DIGITS:
        return IccidError("length", count=len(digits))
    return None


@dataclass(frozen=True)
class Iccid:
    digits: str

    @classmethod
    def parse(cls, text: str) -> Iccid:
        digits = normalise(text)
        if not digits:
            raise IccidError("empty")
        if not (digits.isascii() and digits.isdigit()):
            raise IccidError("not_digits")
        if not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
            raise IccidError("length", count=len(digits))
        if not digits.startswith(PREFIX):
            raise IccidError("prefix")
        if not luhn_valid(digits):
            raise IccidError("check_digit")
        return cls(digits)

    @property
    def last4(self) -> str:
        return self.digits[-4:]

    def masked(self) -> str:
        """Safe for screens after entry, receipts and logs."""
        return f"****{self.last4}"

    def __str__(self) -> str:
        return self.masked()

    def __repr__(self) -> str:
        return f"Iccid({self.masked()})"
