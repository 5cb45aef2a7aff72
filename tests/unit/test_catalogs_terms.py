"""One word for one thing in Chinese: "blocked" and "renew" read the same on every screen,
receipt and message (issue 13: each was worded two ways)."""

from __future__ import annotations

import re

import pytest

from kiosk.i18n_compile import LOCALE_DIR, merged_catalog

TERMS = {  # English stem -> (the word used, the words it must not be worded as)
    "zh_Hans": {"block": ("冻结", ("停用", "封锁", "锁定")),
                "renew": ("续费", ("续期", "延期", "充值"))},
    "zh_Hant": {"block": ("凍結", ("停用", "封鎖", "鎖定")),
                "renew": ("續費", ("續期", "延期", "儲值"))},
}


@pytest.mark.parametrize("lang", sorted(TERMS))
def test_blocked_and_renew_are_each_worded_one_way(lang):
    catalog = merged_catalog(LOCALE_DIR / lang)
    wrong = []
    for message in catalog:
        if not message.id or isinstance(message.id, tuple):
            continue
        for stem, (word, others) in TERMS[lang].items():
            if not re.search(rf"\b{stem}", message.id, re.IGNORECASE):
                continue
            if word not in message.string or any(o in message.string for o in others):
                wrong.append((message.id, message.string))
    assert not wrong, f"{lang}: {wrong}"
