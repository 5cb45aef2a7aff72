"""Money as integer minor units plus an ISO 4217 code. Never floats.

Arithmetic refuses to mix currencies; percentages are basis points with round-half-up on
the minor unit, so the same inputs always give the same kopeck.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import total_ordering

from babel.numbers import format_currency, get_currency_precision

from kiosk.core.errors import CurrencyMismatch

BASIS_POINTS = 10_000
_CODE_BEFORE_DIGIT = re.compile(r"([A-Z]{3})([-\d])")


def minor_exponent(currency: str) -> int:
    """Digits after the decimal point for ``currency`` (RUB 2, JPY 0, ...)."""
    return get_currency_precision(currency)


@total_ordering
@dataclass(frozen=True)
class Money:
    minor: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.minor, int) or isinstance(self.minor, bool):
            raise TypeError(f"Money.minor must be int, got {type(self.minor).__name__}")
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise ValueError(f"not an ISO 4217 currency code: {self.currency!r}")

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @classmethod
    def parse_major(cls, text: str, currency: str) -> Money:
        """Exact parse of a decimal amount in major units ("1500.50"), for config and APIs."""
        exponent = minor_exponent(currency)
        value = Decimal(text) * (Decimal(10) ** exponent)
        if value != value.to_integral_value():
            raise ValueError(f"{text} {currency} has more than {exponent} decimals")
        return cls(int(value), currency)

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"{self.currency} and {other.currency} cannot be combined")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def __mul__(self, factor: int) -> Money:
        if not isinstance(factor, int) or isinstance(factor, bool):
            raise TypeError("Money can only be multiplied by an int")
        return Money(self.minor * factor, self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.minor < other.minor

    def __bool__(self) -> bool:
        return self.minor != 0

    def percent(self, basis_points: int) -> Money:
        """``basis_points``/10000 of this amount, rounded half up to the minor unit."""
        numerator = abs(self.minor) * basis_points
        magnitude = (numerator + BASIS_POINTS // 2) // BASIS_POINTS
        return Money(magnitude if self.minor >= 0 else -magnitude, self.currency)

    def min(self, other: Money) -> Money:
        return self if self <= other else other

    def as_decimal(self) -> Decimal:
        return Decimal(self.minor).scaleb(-minor_exponent(self.currency))

    def major_str(self) -> str:
        """Plain decimal text ("1500.50"), the form APIs and fiscal QR codes use."""
        return f"{self.as_decimal():f}"

    def format(self, locale: str = "en") -> str:
        """For people: the locale's symbol, separators and digits (through Babel).

        Babel leaves out CLDR's currency spacing, so "RUB1,500.50" gets the no-break space
        that CLDR puts between a letter code and the digits.
        """
        text = format_currency(self.as_decimal(), self.currency, locale=locale)
        return _CODE_BEFORE_DIGIT.sub("\\1\xa0\\2", text)

    def __str__(self) -> str:
        return f"{self.major_str()} {self.currency}"
