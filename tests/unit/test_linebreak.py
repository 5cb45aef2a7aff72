"""CJK line breaking (kiosk.ui.linebreak) with a fake monospace font: one unit a character."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.linebreak import NO_END, NO_START, break_lines, has_cjk


def mono(text: str) -> float:
    return float(len(text))


def lines(text: str, width: float) -> list[str]:
    return break_lines(text, width, mono).split("\n")


def test_a_full_stop_at_the_break_takes_the_last_character_down_with_it():
    # plain wrapping gives "一二三四" / "。五六"
    assert lines("一二三四。五六", 4) == ["一二三", "四。五六"]


def test_a_chain_of_closing_marks_goes_down_with_the_character_before_it():
    assert lines("一二三四」。五六", 5) == ["一二三", "四」。五六"]


def test_an_opening_bracket_before_the_break_goes_down_to_the_next_line():
    # plain wrapping gives "一二三（" / "四）五六"
    assert lines("一二三（四）五六七", 4) == ["一二三", "（四）五", "六七"]


def test_latin_words_and_numbers_inside_chinese_stay_whole():
    assert lines("一張SIM卡和你", 4) == ["一張", "SIM卡", "和你"]
    assert lines("數據5 GB套餐吧", 5) == ["數據", "5 GB套", "餐吧"]
    assert lines("請撥打+7 800熱線吧", 7) == ["請撥打", "+7 800熱", "線吧"]


def test_an_ellipsis_is_never_split_and_may_start_a_line():
    assert lines("等一下……好的", 4) == ["等一下", "……好的"]
    assert lines("有效，未綁定號碼 …0049", 8) == ["有效，未綁定號碼 ", "…0049"]


def test_a_space_stays_at_the_end_of_its_line():
    assert lines("還剩 3 天了吧", 3) == ["還剩 ", "3 天", "了吧"]


def test_a_latin_run_wider_than_a_line_breaks_at_its_spaces_then_anywhere():
    assert lines("WeChat Pay 支付", 7) == ["WeChat ", "Pay 支付"]
    assert lines("abcdefghij一", 4) == ["abcd", "efgh", "ij一"]


@pytest.mark.parametrize("text", [
    "Hold the card's barcode under the camera, or touch to start",
    "Поднесите штрихкод карты к камере или коснитесь экрана",
    "5 GB (30 days), +7 800 555-35-35",
    "",
])
def test_text_without_cjk_is_left_to_kivy_as_it_is(text):
    for width in (1, 5, 12, 100):
        assert break_lines(text, width, mono) is text


def test_existing_line_ends_are_kept_and_no_room_leaves_the_text_alone():
    assert break_lines("一二\n三四五六七", 3, mono) == "一二\n三四五\n六七"
    assert break_lines("一二三", 0, mono) == "一二三"


def test_marks_wider_than_a_line_still_break_and_keep_every_character():
    assert lines("。。。。。。", 3) == ["。。。", "。。。"]


CHARS = "一二三四五六七八九十" + "。，、）」！？：；" + "（「《" + "ABab12+ " + "\n"


@given(st.text(alphabet=CHARS, max_size=80), st.floats(0.5, 30))
def test_nothing_is_lost_and_every_line_fits_unless_it_is_one_character(text, width):
    out = break_lines(text, width, mono)
    assert out.replace("\n", "") == text.replace("\n", "")
    paragraphs = text.split("\n")
    broken_each = [break_lines(paragraph, width, mono) for paragraph in paragraphs]
    assert out == "\n".join(broken_each)  # each paragraph on its own, its "\n" kept
    for paragraph, broken in zip(paragraphs, broken_each, strict=True):
        if not has_cjk(paragraph):
            assert broken is paragraph  # left to Kivy's word wrapping
            continue
        for line in broken.split("\n"):
            assert len(line.rstrip(" ")) <= width or len(line.rstrip(" ")) == 1


# Words that can always be separated: at most 3 characters, an opening bracket only before
# an ideograph, closing marks only after one.
WORDS = st.builds(
    lambda opening, ideograph, closing: opening + ideograph + closing,
    st.sampled_from(["", "", "（", "「", "《"]), st.sampled_from("一二三四五六七八九十"),
    st.sampled_from(["", "", "。", "，", "）", "」", "！"]),
) | st.sampled_from(["SIM", "5 G", "+7", "ab", "1"])


@given(st.lists(WORDS, max_size=40).map(lambda words: "一" + "".join(words)),
       st.integers(3, 20))
def test_no_line_starts_with_a_closing_mark_or_ends_with_an_opening_one(text, width):
    out = lines(text, width)
    assert "".join(out) == text
    for line in out:
        assert line[:1] not in NO_START
        assert line.rstrip(" ")[-1:] not in NO_END
        assert len(line.rstrip(" ")) <= width


@given(st.text(max_size=120), st.floats(0.5, 40))
def test_any_text_comes_back_whole_with_only_line_ends_added(text, width):
    def wide(piece: str) -> float:  # CJK characters two units, the rest one
        return float(sum(2 if has_cjk(char) else 1 for char in piece))

    out = break_lines(text, width, wide)
    assert out.replace("\n", "") == text.replace("\n", "")
    assert out.count("\n") >= text.count("\n")


def test_a_paragraph_never_ends_on_one_lone_character():
    # issue 13: problem-payment_unavailable in zh_Hans ended on a line "机。" of its own
    text = "支付终端暂时无法使用。未扣任何款项。请稍后再试或使用其他自助机。"
    assert lines(text, 15)[-1] == "助机。"
    assert lines("一二三四五", 4) == ["一二三", "四五"]


def test_the_lone_character_stays_when_no_companion_may_join_it():
    assert lines("一二三四五", 1) == list("一二三四五")  # two would not fit
    assert lines("一二三（四", 4) == ["一二三", "（四"]  # already two
    assert lines("abc def一", 7) == ["abc def", "一"]  # the line above ends in a word run
