"""Small builders for tests."""

from __future__ import annotations

from kiosk.core.iccid import luhn_check_digit


def make_iccid(body: str) -> str:
    """A valid ICCID: ``body`` (starting 89, 18 or 19 digits) plus its Luhn check digit."""
    return body + str(luhn_check_digit(body))
