"""Operator errors reach people as catalog messages, translated in all four languages."""

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from kiosk.core.errors import Category
from kiosk.i18n import LANGUAGES, LOCALE_DIR
from kiosk.provider import client_messages
from kiosk.provider.client_messages import BY_CATEGORY, BY_CODE, message_for

MARKED = {
    message
    for _line, message, _comments, _context in extract_from_file(
        "python", client_messages.__file__, keywords={"N_": None}
    )
}


def test_every_message_in_use_is_marked():
    used = {text for text, _needs in BY_CODE.values()} | set(BY_CATEGORY.values())
    assert used <= MARKED


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_marked_message_is_translated(lang):
    with (LOCALE_DIR / lang / "provider.po").open("rb") as po_file:
        catalog = read_po(po_file, locale=lang)
    for msgid in MARKED:
        entry = catalog.get(msgid)
        assert entry is not None and entry.string, f"{lang}: {msgid!r} untranslated"
        assert "{attempts_left}" not in msgid or "{attempts_left}" in entry.string


def test_a_known_code_gets_its_own_message_with_parameters():
    message = message_for("otp_wrong", Category.USER, {"attempts_left": 2})
    assert message.render() == "Wrong code. Attempts left: 2."


def test_missing_or_odd_parameters_fall_back_to_the_category():
    for details in ({}, {"attempts_left": "two"}, {"attempts_left": True}):
        message = message_for("otp_wrong", Category.USER, details)
        assert message.key == BY_CATEGORY[Category.USER]
        assert message.render()


def test_unknown_codes_speak_by_category():
    for category in Category:
        assert message_for("never_heard_of_it", category, {}).key == BY_CATEGORY[category]
