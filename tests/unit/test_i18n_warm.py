"""Every language's locale data is read at start, not on the screen's thread mid-renewal."""

from __future__ import annotations

from datetime import date

import babel.localedata

from kiosk.core.money import Money
from kiosk.i18n import LANGUAGES, Translator, load_all_languages


def test_after_loading_nothing_is_read_again_for_any_language(monkeypatch):
    babel.localedata.clear_caches()  # as in a new process
    load_all_languages()

    def no_reading(name: str, *args, **kw):
        raise AssertionError(f"Babel read the locale data of {name} again")

    monkeypatch.setattr(babel.localedata, "load", no_reading)
    for lang in LANGUAGES:
        t = Translator(lang)
        assert Money(150050, "RUB").format(lang) and t.date(date(2026, 11, 28)) and t.number(3)
