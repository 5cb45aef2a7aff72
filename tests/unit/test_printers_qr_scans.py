"""The receipt's QR code must scan: read it back with a real decoder, not just compare bits."""

import numpy as np
import pytest
import zxingcpp

from printers.raster import qr_image


@pytest.mark.parametrize(
    "url",
    ["https://receipts.example/r/DEMO-0001-20261122-fec217779b",
     "t=20261122T0524&s=255.00&fn=9999078900001234&i=42&fp=1234567890&n=1"],
)
def test_receipt_qr_decodes(url):
    image = np.pad(np.array(qr_image(url).convert("L")), 16, constant_values=255)
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [url]
