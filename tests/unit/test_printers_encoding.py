"""Every layout in every language, encoded for a 58 mm and an 80 mm printer and decoded back
from the bytes: each line prints as exactly the expected text, or was drawn as an image."""

from __future__ import annotations

import pytest
from PIL import ImageChops

from kiosk.i18n import LANGUAGES
from printers.decode import BarcodeCode, QrCode, Raster, TextLine, decode_job
from printers.document import Barcode, Qr
from printers.encode import encode, line_encoding
from printers.fonts import has_glyph
from printers.lines import Line, display_width, lay_out
from printers.profiles import load_profile
from printers.raster import barcode_image, qr_image, text_image
from printers.samples import LAYOUTS, sample_document

PROFILES = ("POS-5890", "TM-T88V")


def _cjk(text: str) -> bool:
    return any(display_width(char) == 2 for char in text)


def expected_items(laid, profile):
    """What the printer must end up with, item by item, in order."""
    out, run = [], []
    for item in [*laid, None]:
        if isinstance(item, Line):
            columns = profile.columns // 2 if item.large else profile.columns
            text = item.padded(columns)
            if line_encoding(text, profile).codec is None:
                run.append(item)
                continue
            if run:
                out.append(("raster", text_image(run, profile)))
                run = []
            out.append(("text", text))
            continue
        if run:
            out.append(("raster", text_image(run, profile)))
            run = []
        if isinstance(item, Qr):
            out += [("qr", item.data), ("text", "")] if profile.native_qr else [
                ("raster", qr_image(item.data))]
        elif isinstance(item, Barcode):
            out += [("barcode", item.data), ("text", "")] if profile.native_barcode else [
                ("raster", barcode_image(item.data, profile))]
    return out


def received_items(job: bytes, profile_name: str):
    out = []
    for item in decode_job(job, profile_name):
        if isinstance(item, TextLine):
            out.append(("text", item.text))
        elif isinstance(item, Raster):
            out.append(("raster", item.image))
        elif isinstance(item, QrCode):
            out.append(("qr", item.data))
        elif isinstance(item, BarcodeCode):
            out.append(("barcode", item.data))
    return out


def same_image(a, b) -> bool:
    if a.size != b.size:
        return False
    return ImageChops.difference(a.convert("L"), b.convert("L")).getbbox() is None


@pytest.mark.parametrize("profile_name", PROFILES)
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_line_prints_as_expected_text_or_image(layout, lang, profile_name):
    profile = load_profile(profile_name)
    document = sample_document(layout, lang, profile)
    laid = lay_out(document, profile)
    expected = expected_items(laid, profile)
    received = received_items(encode(document, profile), profile_name)

    assert [kind for kind, _ in received] == [kind for kind, _ in expected]
    for (kind, got), (_, want) in zip(received, expected, strict=True):
        if kind == "raster":
            assert same_image(got, want)
        else:
            assert got == want
    printed_text = [value for kind, value in received if kind == "text"]
    assert not any("?" in line or "\ufffd" in line for line in printed_text)
    assert not any(_cjk(line) for line in printed_text), "CJK sent as text to a non-CJK printer"
    drawn = "".join(line.text for line in laid if isinstance(line, Line))
    assert all(has_glyph(char) for char in set(drawn)), "a glyph the font does not have"


@pytest.mark.parametrize("lang", ["zh_Hans", "zh_Hant"])
def test_chinese_is_drawn_as_images_unless_the_printer_has_a_chinese_font(lang):
    profile = load_profile("TM-T88V")
    document = sample_document("receipt", lang, profile)
    plain = decode_job(encode(document, profile), profile.name)
    assert any(isinstance(item, Raster) for item in plain)

    chinese = profile.with_gb18030(True)
    native = decode_job(encode(document, chinese), profile.name)
    text = [item.text for item in native if isinstance(item, TextLine)]
    total_label = "合计" if lang == "zh_Hans" else "合計"
    assert any(line.startswith(total_label) and line.endswith("RUB 1,350.00") for line in text)
    assert not any(isinstance(item, Raster) and item.image.height < 100 for item in native)


def test_cyrillic_goes_as_text_in_a_code_page_the_profile_has():
    for name in PROFILES:
        profile = load_profile(name)
        job = encode(sample_document("receipt", "ru", profile), profile)
        text = [i.text for i in decode_job(job, name) if isinstance(i, TextLine)]
        assert any(line.startswith("Итого") and line.endswith("1 350,00 руб.") for line in text)
        assert b"\x1bt\x11" in job  # ESC t 17: CP866 on both profiles
        assert not any(isinstance(i, Raster) and i.image.height < 100
                       for i in decode_job(job, name))
