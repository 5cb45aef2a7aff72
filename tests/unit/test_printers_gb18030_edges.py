"""A printer's Chinese font holds GB2312/GBK, not all of GB18030: characters outside it, and
Cyrillic lines, must never go into Chinese mode (issue 19, printer defect 6)."""

import pytest

from printers.decode import Raster, TextLine, decode_job
from printers.document import Document
from printers.encode import CHINESE_ON, encode, line_encoding
from printers.profiles import load_profile

CHINESE = load_profile("TM-T88V").with_gb18030(True)


def _job(*lines: str) -> bytes:
    document = Document("test")
    for line in lines:
        document.text(line)
    return encode(document, CHINESE)


@pytest.mark.parametrize("line", ["✓ 已付款", "续费成功 🎉", "續費 ✔"])
def test_a_character_outside_the_font_sends_the_line_as_an_image(line):
    job = _job(line)
    assert CHINESE_ON not in job  # no 4-byte GB18030 sequence reaches the printer
    assert any(isinstance(item, Raster) for item in decode_job(job, CHINESE.name))


def test_a_cyrillic_line_with_a_check_mark_is_not_printed_in_chinese_mode():
    job = _job("✓ Оплачено")
    assert CHINESE_ON not in job
    assert line_encoding("✓ Оплачено", CHINESE).codec is None


def test_plain_chinese_still_goes_as_text():
    items = decode_job(_job("续费成功，谢谢！"), CHINESE.name)
    assert [i.text.strip() for i in items if isinstance(i, TextLine)] == ["续费成功，谢谢！"]
