"""ZVT codec against bytes worked out by hand from the specification (ECR-Interface /
ZVT-Protocol: APDU = CCRC/class, APRC/instruction, length, data; BMP tables), then fuzzed."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.payment.zvt import apdu, bcd, bmp, tlv
from kiosk.payment.zvt import messages as m
from kiosk.payment.zvt.errors import FieldError, FrameError, UnknownBmp, ZvtError


def h(text: str) -> bytes:
    return bytes.fromhex(text)


def encoded(message) -> bytes:
    return message.to_apdu().encode()


def roundtrip(message):
    return m.decode(apdu.parse(encoded(message)))


# -- frame -------------------------------------------------------------------------------

def test_short_length_is_one_byte():
    # 80 00 00: class 80, instruction 00, length 00 (no data) = positive acknowledgement
    assert m.Ack().to_apdu().encode() == h("800000")


def test_length_254_is_still_one_byte_and_255_takes_the_extended_form():
    assert apdu.Apdu(0x06, 0xD1, b"x" * 254).encode()[:3] == h("06D1FE")
    # 255 bytes: FF, then 255 = 0x00FF as two bytes little-endian: FF 00
    assert apdu.Apdu(0x06, 0xD1, b"x" * 255).encode()[:5] == h("06D1FFFF00")
    # 300 = 0x012C little-endian: 2C 01
    assert apdu.Apdu(0x06, 0xD3, b"y" * 300).encode()[:5] == h("06D3FF2C01")


def test_extended_length_is_read_back():
    raw = h("06D3FF2C01") + b"y" * 300
    assert apdu.parse(raw) == apdu.Apdu(0x06, 0xD3, b"y" * 300)


def test_truncated_and_overlong_frames_are_frame_errors():
    with pytest.raises(FrameError):
        apdu.parse(h("060105040000"))  # announces 5 bytes, carries 3
    with pytest.raises(FrameError):
        apdu.parse(h("80000000"))  # one byte too many


# -- commands, ECR -> terminal -----------------------------------------------------------

def test_registration_with_currency_and_service_byte():
    expected = h(
        "06 00"  # registration
        "08"  # 8 data bytes follow
        "12 34 56"  # password 123456, 3 bytes BCD
        "8E"  # config: 80 print lines + 08 intermediate status + 04 admin + 02 payment receipt
        "09 78"  # currency code 978 (EUR), BCD, no BMP tag in 06 00
        "03 00"  # BMP 03 service byte 00
    )
    message = m.Registration("123456", m.KIOSK_CONFIG, m.EUR, 0)
    assert encoded(message) == expected
    assert roundtrip(message) == message


def test_registration_in_roubles_without_service_byte():
    # 06 00 06 | 00 00 00 password | 8E config | 06 43 = 643 RUB
    assert encoded(m.Registration("000000", 0x8E, m.RUB)) == h("0600 06 000000 8E 0643")


def test_authorisation_amount_is_six_bcd_bytes_of_minor_units():
    expected = h(
        "06 01"  # authorisation
        "0A"  # 10 bytes
        "04 00 00 00 00 12 50"  # BMP 04: 12.50 -> 1250 minor units, 12 digits BCD
        "49 06 43"  # BMP 49: currency 643 RUB
    )
    assert encoded(m.Authorisation(1250, m.RUB)) == expected
    assert m.decode(apdu.parse(expected)) == m.Authorisation(1250, m.RUB)


def test_authorisation_with_timeout_and_payment_type():
    # 04 amount 999999999999 (the largest BCD amount) | 19 40 payment type | 01 3C 60 s
    raw = encoded(m.Authorisation(999_999_999_999, payment_type=0x40, timeout=60))
    assert raw == h("0601 0B 04999999999999 1940 013C")


def test_pre_authorisation_is_06_22():
    assert encoded(m.PreAuthorisation(500, m.EUR)) == h("0622 0A 04000000000500 490978")


def test_book_total_names_the_reservation_by_receipt_number():
    # 06 24 | 0A | 87 00 42 receipt 42 (2 bytes BCD) | 04 ... 03 00 = 300
    assert encoded(m.BookTotal(42, 300)) == h("0624 0A 870042 04000000000300")


def test_pre_authorisation_reversal_is_06_25_and_partial_reversal_06_23():
    assert encoded(m.PreAuthReversal(42)) == h("0625 03 870042")
    assert encoded(m.PartialReversal(7, 150)) == h("0623 0A 870007 04000000000150")


def test_reversal_by_receipt_number():
    # 06 30 | 06 | password 12 34 56 | BMP 87 receipt 0085 (decimal 85 as BCD 00 85)
    assert encoded(m.Reversal("123456", 85)) == h("0630 06 123456 870085")
    assert m.decode(apdu.parse(h("0630 06 123456 870085"))) == m.Reversal("123456", 85)


def test_refund_password_then_amount():
    # 3 password + 7 amount + 3 currency = 13 = 0x0D data bytes
    assert encoded(m.Refund("123456", 1999, m.EUR)) == h("0631 0D 123456 04000000001999 490978")


def test_password_only_commands():
    assert encoded(m.EndOfDayCommand("123456")) == h("0650 03 123456")
    assert encoded(m.StatusEnquiry("123456")) == h("0501 03 123456")
    assert encoded(m.RepeatReceipt("123456")) == h("0620 03 123456")
    assert encoded(m.AbortCommand()) == h("06B0 00")


def test_password_must_be_six_digits():
    with pytest.raises(FieldError):
        m.Registration("12345").to_apdu()


# -- answers, terminal -> ECR ------------------------------------------------------------

def test_nak_and_84_00():
    assert encoded(m.Nak(0x83)) == h("848300")
    assert m.decode(apdu.parse(h("848300"))) == m.Nak(0x83)
    assert m.decode(apdu.parse(h("840000"))) == m.Ack()  # 84 00 is positive too


def test_intermediate_status_with_and_without_timeout():
    assert m.decode(apdu.parse(h("04FF 01 0A"))) == m.IntermediateStatus(0x0A)
    assert m.decode(apdu.parse(h("04FF 02 0A 1E"))) == m.IntermediateStatus(0x0A, 30)
    # a status 0E with timeout 06 and no container: 06 alone cannot be a container
    assert m.decode(apdu.parse(h("04FF 02 0E 06"))) == m.IntermediateStatus(0x0E, 6)
    # status 0A followed by an empty TLV container (06 00)
    assert m.decode(apdu.parse(h("04FF 03 0A 0600"))) == m.IntermediateStatus(0x0A)


STATUS_INFO = h(
    "04 0F"
    "30"  # 48 data bytes: 2+7+4+4+3+11+5+9+3
    "27 00"  # 2: result code 00 = success
    "04 00 00 00 00 12 50"  # 7: amount 1250
    "0B 00 00 17"  # 4: trace number 17
    "0C 14 35 09"  # 4: time 14:35:09
    "0D 12 02"  # 3: date 2 December
    "22 F0 F8 47 11 EE EE EE EE 12 34"  # 11: card number, LLVAR 08 bytes, E nibbles masked
    "29 12 34 56 78"  # 5: terminal id 12345678
    "3B 41 31 42 32 43 33 00 00"  # 9: AID "A1B2C3" padded with 00
    "87 00 05"  # 3: receipt number 5
)


def test_status_information_by_hand():
    raw = STATUS_INFO
    assert len(raw) == 3 + 48
    info = m.decode(apdu.parse(raw))
    assert info == m.StatusInformation(
        result=0, amount=1250, trace=17, time="143509", date="1202",
        card_number="4711********1234", terminal_id="12345678", auth_attribute="A1B2C3",
        receipt=5)
    assert info.to_apdu().encode() == raw


def test_status_information_skips_a_bmp_it_does_not_use_by_its_length_rule():
    # 2A VU number: 15 bytes ASCII, then 27 05 (declined); 2A is not interpreted, only skipped
    raw = h("040F 12 2A") + b"123456789012345" + h("2705")
    assert m.decode(apdu.parse(raw)).result == 0x05


def test_lllvar_length_prefix():
    # 3C additional text, LLLVAR: F0 F0 F5 = 5 bytes "HELLO"
    raw = h("040F 09 3C F0F0F5") + b"HELLO"
    assert m.decode(apdu.parse(raw)).additional_text == "HELLO"


def test_unknown_bmp_ends_parsing_with_a_typed_error():
    with pytest.raises(UnknownBmp) as err:
        m.decode(apdu.parse(h("040F 04 2700 FE01")))  # FE is in no BMP table
    assert err.value.tag == 0xFE


def test_bad_llvar_prefix_and_bad_bcd():
    with pytest.raises(FieldError):
        m.decode(apdu.parse(h("040F 04 22 F1 AA 12")))  # AA is not F0..F9
    with pytest.raises(FieldError):
        m.decode(apdu.parse(h("040F 07 04 00000000125A")))  # A is not a BCD digit


def test_individual_totals_bmp_60():
    # 60 LLLVAR F0 F2 F5 = 25 bytes: receipts 0001..0003, then (count, 6-byte BCD turnover)
    # for three schemes: 2 x 20.00, 1 x 5.50, 0
    body = h("0001 0003" "02 000000002000" "01 000000000550" "00 000000000000")
    assert len(body) == 25
    raw = h("040F") + bytes((4 + len(body),)) + h("60 F0F2F5") + body
    totals = m.decode(apdu.parse(raw)).totals
    assert (totals.first_receipt, totals.last_receipt) == (1, 3)
    assert (totals.count, totals.total) == (3, 2550)


def test_print_line_and_last_line_attribute():
    # 06 D1 | 06 | attribute 00 | "TOTAL" -> 54 4F 54 41 4C
    assert encoded(m.PrintLine(0, "TOTAL")) == h("06D1 06 00 544F54414C")
    assert m.decode(apdu.parse(h("06D1 02 80 41"))).last


def test_print_text_block_tlv():
    expected = h(
        "06 D3 0A"
        "06 08"  # BMP 06, TLV container of 8 bytes
        "25 06"  # tag 25 (constructed: bit 6 set), 6 bytes
        "07 01 41"  # tag 07 text line "A"
        "07 01 42"  # tag 07 text line "B"
    )
    assert encoded(m.PrintTextBlock(("A", "B"))) == expected
    assert m.decode(apdu.parse(expected)).lines == ("A", "B")


def test_tlv_multibyte_tag_and_long_lengths():
    # tag 1F 07 (low five bits set: a second tag byte follows), length 81 80 = 128 bytes
    items = tlv.parse(h("1F07 8180") + b"z" * 128)
    assert items == (tlv.Tlv(0x1F07, b"z" * 128),)
    # length 82 01 00 = 256 bytes
    assert tlv.parse(h("07 820100") + b"q" * 256)[0].value == b"q" * 256
    assert tlv.encode([tlv.Tlv(0x1F07, b"z" * 128)]) == h("1F07 8180") + b"z" * 128


def test_tlv_errors():
    for bad in ("07 05 41", "1F", "07 83000001 00", "07"):
        with pytest.raises(FieldError):
            tlv.parse(h(bad))


def test_completion_and_abort():
    # 06 0F | 07 | 19 00 status byte | 29 12 34 56 78 terminal id
    assert encoded(m.Completion(0, "12345678")) == h("060F 07 1900 2912345678")
    # 06 1E | 01 | 6C abort via timeout or abort key
    assert m.decode(apdu.parse(h("061E 01 6C"))) == m.AbortAnswer(0x6C)


def test_bcd_helpers():
    assert bcd.encode(643, 2) == h("0643")
    assert bcd.decode(h("000000001999")) == 1999
    assert bcd.decode_pan(h("4711EEEE123F")) == "4711****123"  # odd length: F pads
    with pytest.raises(FieldError):
        bcd.decode_pan(h("47F1"))  # F only pads the end
    with pytest.raises(FieldError):
        bcd.encode(1000, 1)


def test_bmp_fixed_length_is_enforced_when_encoding():
    with pytest.raises(FieldError):
        bmp.encode_one(0x04, h("0012"))


# -- fuzz --------------------------------------------------------------------------------

@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=600))
def test_any_bytes_parse_or_raise_a_zvt_error(raw):
    with contextlib.suppress(ZvtError):
        m.decode(apdu.parse(raw))


_CODES = [code for code in m._DECODERS] + [(0x84, 0x00), (0x84, 0x66)]


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(_CODES), st.binary(max_size=300))
def test_any_data_under_a_known_command_parses_or_raises_a_zvt_error(code, data):
    with contextlib.suppress(ZvtError):
        m.decode(apdu.Apdu(code[0], code[1], data))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_tlv_any_bytes(raw):
    try:
        items = tlv.parse(raw)
    except FieldError:
        return
    assert tlv.parse(tlv.encode(items)) == items
