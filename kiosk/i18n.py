"""Translations at the edges (UI, printer, CLI): gettext catalogs plus Babel formatting.

Source catalogs live per area in ``assets/locale/<lang>/<area>.po`` so that separate parts of
the kiosk never edit one file; ``kiosk.i18n_compile`` merges them into one ``kiosk.mo`` per
language at set-up time.
"""

from __future__ import annotations

import gettext
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal

from kiosk.core.messages import Message

LANGUAGES = ("en", "ru", "zh_Hans", "zh_Hant")
DEFAULT_LANGUAGE = "en"
DOMAIN = "kiosk"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "assets" / "locale"

# Each language's name in itself: what the language buttons show.
NATIVE_NAMES = {"en": "English", "ru": "Русский", "zh_Hans": "中文简体", "zh_Hant": "中文繁體"}


@cache
def translations(lang: str) -> gettext.NullTranslations:
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language: {lang}")
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


class Translator:
    """Everything needed to speak to one person in one language."""

    def __init__(self, lang: str = DEFAULT_LANGUAGE) -> None:
        self.lang = lang
        self._t = translations(lang)

    def gettext(self, text: str) -> str:
        return self._t.gettext(text)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._t.ngettext(singular, plural, n)

    def message(self, message: Message) -> str:
        return message.render(self.gettext)

    def date(self, value: date, fmt: str = "long") -> str:
        return format_date(value, format=fmt, locale=self.lang)

    def datetime(self, value: datetime, fmt: str = "medium", tz: object = None) -> str:
        return format_datetime(value, format=fmt, tzinfo=tz, locale=self.lang)

    def number(self, value: int | Decimal) -> str:
        return format_decimal(value, locale=self.lang)


def load_all_languages() -> None:
    """Read every language's catalog and Babel's locale data now, once.

    Babel reads a locale's CLDR files the first time it formats anything in it (10-20 ms);
    on the screen's thread that landed in the middle of a renewal, as a stalled frame.
    """
    for lang in LANGUAGES:
        translations(lang)
        format_currency(Decimal(1), "RUB", locale=lang)
        format_date(date(2026, 1, 1), format="long", locale=lang)
        format_decimal(1, locale=lang)
