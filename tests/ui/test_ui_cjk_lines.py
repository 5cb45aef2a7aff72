"""Chinese text on the real window: lines broken by the kinsoku rules, as Kivy draws them.

Kivy's own wrapping cut the Traditional Chinese help answers in landscape so that a line
began with "，" or "。". These tests read the lines Kivy actually laid out (its core label's
``_cached_lines``), not what ``kiosk.ui.linebreak`` returned.
"""

from __future__ import annotations

import pytest
from kivy.base import EventLoop
from kivy.uix.label import Label

from kiosk.i18n import Translator
from kiosk.linebreak import NO_END, NO_START, has_cjk
from kiosk.ui import help as faq
from kiosk.ui.theme import Metrics
from kiosk.ui.widgets import Text
from tests.ui.conftest import HEIGHT, WIDTH

pytestmark = pytest.mark.ui


def drawn_lines(label: Label) -> list[str]:
    """The lines of ``label`` as Kivy laid them out for its texture."""
    label.texture_update()
    return ["".join(word.text for word in line.words) for line in label._label._cached_lines]


def misplaced(lines: list[str]) -> list[str]:
    """Lines that start with a closing mark or end with an opening one."""
    return [line for line in lines
            if line[:1] in NO_START or line.rstrip(" ")[-1:] in NO_END]


def answers(lang: str) -> list[str]:
    t = Translator(lang)
    return [t.gettext(answer) for _question, answer in faq.FAQ]


def test_the_help_panel_in_traditional_chinese_starts_no_line_with_a_closing_mark(make_ui):
    ui = make_ui()
    ui.tap("中文繁體")
    ui.tap("?")
    assert ui.shows("續費多久生效？")
    shown = [w for w in ui.root.walk(restrict=True)
             if isinstance(w, Text) and has_cjk(w.source_text)]
    assert {t for t in answers("zh_Hant")} <= {w.source_text for w in shown}
    for label in shown:
        lines = drawn_lines(label)
        assert not misplaced(lines), lines
        assert len(lines) == label.text.count("\n") + 1  # Kivy kept our lines: none re-wrapped
        assert "".join(lines) == label.source_text.replace("\n", "")
    ui.tap("關閉")
    assert not ui.shows("續費多久生效？")


def test_help_answers_at_every_width_up_to_landscape_keep_the_rules(window):
    """The harness window is portrait only: the answers are laid out in a ``Text`` as wide
    as the help panel gives them in landscape (1920 px: about 1630 px) and every width down
    to a third of that, against what a plain Kivy label does with the same words."""
    m = Metrics(WIDTH, HEIGHT)
    landscape_width = 0.88 * max(WIDTH, HEIGHT) - 2 * m.pad
    texts = answers("zh_Hant") + answers("zh_Hans")
    plain_faults = 0
    for width in range(540, int(landscape_width) + 1, 22):
        for words in texts:
            label = Text(words, m, "body", size_hint_x=None, width=width)
            window.add_widget(label)
            try:
                lines = drawn_lines(label)
                assert not misplaced(lines), (width, lines)
                assert len(lines) == label.text.count("\n") + 1, (width, lines)
                assert "".join(lines) == words
                plain = Label(text=words, font_size=label.font_size, text_size=(width, None))
                plain_faults += bool(misplaced(drawn_lines(plain)))
            finally:
                window.remove_widget(label)
    EventLoop.idle()
    assert plain_faults > 0  # the widths do hit the defect Kivy alone would show


def test_latin_words_and_numbers_inside_chinese_are_not_split(window):
    m = Metrics(WIDTH, HEIGHT)
    words = "一張SIM卡對應一個電話號碼，數據5 GB，熱線+7 800 555-35-35。" * 3
    for width in range(450, 900, 15):  # the phone number alone is 326 px wide
        lines = drawn_lines(Text(words, m, "body", size_hint_x=None, width=width))
        for piece in ("SIM", "5 GB", "+7 800 555-35-35"):
            assert sum(line.count(piece) for line in lines) == 3, (width, lines)


def test_english_keeps_kivys_word_wrapping(window):
    m = Metrics(WIDTH, HEIGHT)
    words = Translator("en").gettext(faq.FAQ[1][1])
    label = Text(words, m, "body", size_hint_x=None, width=500)
    assert label.text == words and label.source_text == words
    assert len(drawn_lines(label)) > 1


def test_new_words_set_on_a_text_are_broken_again(window):
    m = Metrics(WIDTH, HEIGHT)
    label = Text("Hello", m, "body", size_hint_x=None, width=400)
    label.text = answers("zh_Hant")[1]
    assert label.source_text == answers("zh_Hant")[1]
    assert "\n" in label.text and not misplaced(drawn_lines(label))
    label.text = "Bye"
    assert label.text == label.source_text == "Bye"
