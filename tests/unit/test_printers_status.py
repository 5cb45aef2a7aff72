"""Status bytes, profiles, code-page choice and the strictness of the decoder."""

from __future__ import annotations

import pytest

from printers import status as st
from printers.decode import DecodeError, decode_job, text_lines
from printers.encode import GB18030, line_encoding
from printers.lines import display_width, wrap
from printers.profiles import UnknownProfile, load_profile


@pytest.mark.parametrize(
    ("printer", "cause", "paper", "health"),
    [
        (0x12, 0x12, 0x12, st.Health.READY),
        (0x12, 0x12, 0x1E, st.Health.PAPER_NEAR_END),
        (0x1A, 0x32, 0x7E, st.Health.PAPER_OUT),
        (0x1A, 0x16, 0x12, st.Health.COVER_OPEN),
        (0x1A, 0x52, 0x12, st.Health.OFFLINE),
    ],
)
def test_health_from_epson_status_bytes(printer, cause, paper, health):
    result = st.health_from(printer, cause, paper)
    assert result.health is health
    assert result.ready == (health in (st.Health.READY, st.Health.PAPER_NEAR_END))


def test_noise_is_not_a_status_byte():
    assert st.valid_status_byte(0x12)
    assert not st.valid_status_byte(0x00)
    assert not st.valid_status_byte(0xFF)


def test_process_id_is_four_digits():
    assert st.process_id_request(b"0042") == b"\x1d(H\x06\x0000" + b"0042"
    with pytest.raises(ValueError):
        st.process_id_request(b"42")


def test_profiles_from_python_escpos():
    small, wide = load_profile("POS-5890"), load_profile("TM-T88V")
    assert (small.paper_mm, small.width_dots, small.columns) == (58, 384, 32)
    assert (wide.paper_mm, wide.width_dots, wide.columns) == (80, 512, 42)
    assert wide.native_qr and not small.native_qr
    assert wide.cutter and not small.cutter
    with pytest.raises(UnknownProfile):
        load_profile("NO-SUCH-PRINTER")


def test_line_encoding_choice():
    profile = load_profile("TM-T88V")
    assert line_encoding("Total 12.00", profile).codec == "cp437"
    assert line_encoding("Итого 1 350,00 руб.", profile) .number == 17
    assert line_encoding("合计", profile).codec is None
    assert line_encoding("合计", profile.with_gb18030(True)).codec == GB18030


def test_wrap_counts_cjk_as_two_columns():
    assert wrap("旅行卡续费旅行卡续费", 8) == ["旅行卡续", "费旅行卡", "续费"]
    assert wrap("one two three", 7) == ["one two", "three"]


def test_wrap_never_starts_a_receipt_line_with_closing_punctuation():
    # 8 columns hold four CJK characters: a plain cut would put "。" first on line two
    text = "续费成功。请保留凭条。"
    lines = wrap(text, 8)
    assert "".join(lines) == text
    assert all(line[:1] not in "。，、）" for line in lines)
    assert all(display_width(line) <= 8 for line in lines)
    bracketed = wrap("收据（副本）已打印", 6)  # a plain cut: "收据（" / "副本）" / "已打印"
    assert "".join(bracketed) == "收据（副本）已打印"
    assert not any(line.endswith("（") or line.startswith("）") for line in bracketed)


def test_decoder_refuses_what_it_cannot_vouch_for():
    with pytest.raises(DecodeError):
        decode_job(b"\x1b@\x1b\x99x\n", "TM-T88V")  # unknown command
    with pytest.raises(DecodeError):
        decode_job(b"\x1b@\x1bt\x63abc\n", "TM-T88V")  # code page the profile lacks
    with pytest.raises(DecodeError):
        decode_job(b"\x1b@abc", "TM-T88V")  # never printed: no line feed


def test_decoder_reads_code_pages():
    job = b"\x1b@\x1bt\x11" + "Итого".encode("cp866") + b"\n"
    assert text_lines(job, "TM-T88V") == ["Итого"]
