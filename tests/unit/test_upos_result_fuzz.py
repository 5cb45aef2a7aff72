"""The result file parser: hand-written files, and any bytes at all (hypothesis)."""

from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from kiosk.payment.upos.result import UposFileError, UposResult, parse, slip_lines

TZ = ZoneInfo("Europe/Moscow")


def test_a_koi8r_approval_is_read_field_by_field():
    raw = ("0,ОДОБРЕНО\n220220******4242\n12/29\n123456\n17\nMIR\n1\n00123456\n"
           "20261202183005\n633612345678\nabc\n70000\n").encode("koi8_r")
    result = parse(raw, TZ)
    assert (result.code, result.message, result.auth_code, result.rrn) == (
        0, "ОДОБРЕНО", "123456", "633612345678")
    assert result.operation_no == "17" and result.amount_minor == 70000
    assert result.when.isoformat() == "2026-12-02T18:30:05+03:00"
    assert result.approved


def test_a_full_card_number_is_never_kept():
    raw = b"0,OK\n2202201234564242\n"
    assert parse(raw, TZ).card_masked is None


def test_a_bare_code_is_a_result():
    assert parse(b"2000\n", TZ) == UposResult(2000, "")


@given(st.binary(max_size=2000))
def test_any_bytes_give_a_result_or_a_typed_error(raw):
    try:
        result = parse(raw, TZ)
    except UposFileError:
        return
    assert isinstance(result.code, int) and 0 <= result.code <= 99999


@given(st.binary(max_size=2000))
def test_any_slip_gives_printable_lines(raw):
    assert all(line.isprintable() for line in slip_lines(raw))
