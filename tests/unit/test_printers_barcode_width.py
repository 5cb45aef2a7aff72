"""The clerk copy's code for a real transaction id fits the paper, in the job and in the
preview alike, and scans from the preview (issue 19, printer defect 3)."""

from dataclasses import replace

import numpy as np
import pytest
import zxingcpp

from printers.decode import BarcodeCode, QrCode, decode_job
from printers.encode import encode
from printers.layouts import clerk_copy, printer_test_page
from printers.preview import preview_image
from printers.profiles import load_profile
from printers.samples import DEMO_KIOSK, SALE_TIME, demo_sale

REAL_ID = "KIOSK-SVO-T2-07-20261202-5f0c2a9b1e"  # kiosk id, date, 10 hex: as the engine makes


def _codes(image) -> list[str]:
    grey = np.pad(np.array(image.convert("L")), 24, constant_values=255)
    return [r.text for r in zxingcpp.read_barcodes(grey)]


@pytest.mark.parametrize("profile_name", ["TM-T88V", "POS-5890"])
def test_a_long_transaction_id_is_printed_as_a_code_that_fits(profile_name):
    profile = load_profile(profile_name)
    copy = clerk_copy(replace(demo_sale("ru"), transaction_id=REAL_ID), "ru")
    items = decode_job(encode(copy, profile), profile_name)
    assert not [i for i in items if isinstance(i, BarcodeCode)]
    if profile.native_qr:
        assert [i.data for i in items if isinstance(i, QrCode)] == [REAL_ID]
    assert REAL_ID in _codes(preview_image(copy, profile))


def test_a_short_id_stays_a_barcode_that_scans():
    profile = load_profile("TM-T88V")
    page = printer_test_page(DEMO_KIOSK, profile, SALE_TIME, "en")
    items = decode_job(encode(page, profile), "TM-T88V")
    assert [i.data for i in items if isinstance(i, BarcodeCode)] == [DEMO_KIOSK.kiosk_id]
    assert DEMO_KIOSK.kiosk_id in _codes(preview_image(page, profile))
