"""Every string a person sees is in all four catalogs, translated."""

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from kiosk.i18n import LANGUAGES, Translator
from kiosk.i18n_compile import LOCALE_DIR, merged_catalog

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"N_": None, "_": None, "gettext": None, "ngettext": (1, 2)}
SOURCES = ("kiosk", "printers")


def extracted_ids() -> set[str]:
    ids: set[str] = set()
    for folder in SOURCES:
        for _file, _line, message, _comments, _ctx in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            ids.add(message if isinstance(message, str) else message[0])  # plural: by singular
    return ids


def translated(entry) -> bool:
    if entry is None:
        return False
    strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
    return all(strings)


def test_sources_mark_strings():
    assert "A SIM card number starts with 89." in extracted_ids()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_marked_string_is_translated(lang):
    catalog = merged_catalog(LOCALE_DIR / lang)
    # A plural marked as N_(singular), N_(plural) extracts both; the plural lives in its entry.
    plurals = {m.id[1] for m in catalog if isinstance(m.id, tuple) and translated(m)}
    missing = sorted(
        i for i in extracted_ids() if not translated(catalog.get(i)) and i not in plurals
    )
    assert not missing, f"{lang}: untranslated: {missing}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_survive_translation(lang):
    catalog = merged_catalog(LOCALE_DIR / lang)
    for message in catalog:
        if not message.id or isinstance(message.id, tuple):
            continue
        for name in ("{count}", "{name}", "{days}", "{amount}"):
            if name in message.id:
                assert name in message.string, f"{lang}: {message.id!r} lost {name}"


def test_compiled_catalogs_are_used():
    assert Translator("ru").gettext("Enter the card number.") == "Введите номер карты."
    assert Translator("zh_Hant").gettext("Enter the card number.") == "請輸入卡號。"
