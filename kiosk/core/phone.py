"""Phone numbers in E.164, parsed and validated by the ``phonenumbers`` library."""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers

from kiosk.core.errors import InvalidInput
from kiosk.core.messages import N_

INVALID_PHONE = N_("This is not a valid phone number. Include the country code, e.g. +7.")


def mask_e164(e164: str) -> str:
    """``+79161234567`` -> ``+7 ******4567``: country code and last 4 digits only."""
    try:
        country = str(phonenumbers.parse(e164).country_code)
    except phonenumbers.NumberParseException:
        country = ""
    national = e164.lstrip("+")[len(country):]
    hidden = "*" * max(len(national) - 4, 0)
    return f"+{country} {hidden}{national[-4:]}".strip()


@dataclass(frozen=True)
class Phone:
    e164: str

    @classmethod
    def parse(cls, text: str, default_region: str | None = "RU") -> Phone:
        try:
            number = phonenumbers.parse(text.strip(), default_region)
        except phonenumbers.NumberParseException as exc:
            raise InvalidInput("phone_invalid", INVALID_PHONE) from exc
        if not phonenumbers.is_valid_number(number):
            raise InvalidInput("phone_invalid", INVALID_PHONE)
        return cls(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))

    @property
    def last4(self) -> str:
        return self.e164[-4:]

    def masked(self) -> str:
        return mask_e164(self.e164)

    def __str__(self) -> str:
        return self.masked()

    def __repr__(self) -> str:
        return f"Phone({self.masked()})"
