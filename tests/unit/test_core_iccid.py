import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.core.iccid import Iccid, IccidError, check_partial, luhn_check_digit, luhn_valid
from tests.helpers import make_iccid

VALID_20 = make_iccid("8970101234567890123")
VALID_19 = make_iccid("897010123456789012")


def test_known_iccid_check_digit():
    # ICCID with a published check digit (ITU-T E.118 example form).
    assert luhn_valid("89014103211118510720")
    assert not luhn_valid("89014103211118510721")


@pytest.mark.parametrize("text", [VALID_20, VALID_19])
def test_accepts_19_and_20_digits(text):
    assert Iccid.parse(text).digits == text


def test_accepts_spaces_and_dashes():
    grouped = f"{VALID_20[:4]} {VALID_20[4:8]}-{VALID_20[8:12]} - {VALID_20[12:]}"
    assert Iccid.parse(grouped).digits == VALID_20


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("8970abc", "not_digits"),
        ("８９７０１０１２３４５６７８９０１２３４", "not_digits"),  # full-width digits
        ("89701012345", "length"),
        (VALID_20 + "1", "length"),
        ("1" + VALID_20[1:], "prefix"),
        (VALID_20[:-1] + str((int(VALID_20[-1]) + 1) % 10), "check_digit"),
    ],
)
def test_rejections_name_their_reason(text, reason):
    with pytest.raises(IccidError) as info:
        Iccid.parse(text)
    assert info.value.reason == reason
    assert info.value.message.render()  # a sentence for the screen


def test_length_message_says_how_many():
    with pytest.raises(IccidError) as info:
        Iccid.parse("8970101234")
    assert "10" in info.value.message.render()


def test_masking_keeps_last_four_only():
    iccid = Iccid.parse(VALID_20)
    assert iccid.masked() == "****" + VALID_20[-4:]
    assert VALID_20[:-4] not in repr(iccid) and VALID_20[:-4] not in str(iccid)


def test_partial_entry_warns_early_but_not_about_length():
    assert check_partial("8970") is None
    assert check_partial("9").reason == "prefix"
    assert check_partial("89x").reason == "not_digits"
    assert check_partial(VALID_20 + "5").reason == "length"


@given(st.text(alphabet="0123456789", min_size=1, max_size=30))
def test_luhn_digit_always_validates(payload):
    assert luhn_valid(payload + str(luhn_check_digit(payload)))


@given(st.text(alphabet="0123456789", min_size=1, max_size=30), st.integers(1, 9))
def test_luhn_catches_any_single_digit_change(payload, delta):
    full = payload + str(luhn_check_digit(payload))
    position = len(full) - 1
    changed = full[:position] + str((int(full[position]) + delta) % 10)
    assert not luhn_valid(changed)


@given(st.text(max_size=60))
def test_parse_never_raises_anything_else(text):
    with contextlib.suppress(IccidError):
        Iccid.parse(text)
