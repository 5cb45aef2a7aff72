"""A QR method's paying screen shows the wallet's code, and it scans (issue 13, item 9)."""

from __future__ import annotations

import threading

import pytest
import zxingcpp
from kivy.core.window import Window
from PIL import Image

from kiosk.core.sale import PaymentMethod
from kiosk.flow.view import Step
from tests.ui.test_ui_renewal import to_code

pytestmark = pytest.mark.ui


@pytest.mark.parametrize("method", [PaymentMethod.SBP_QR, PaymentMethod.WECHAT])
def test_the_paying_screens_qr_decodes_to_the_terminals_payload(make_ui, tmp_path, method):
    ui = make_ui(methods=(method,))
    held = threading.Event()
    terminal = ui.terminals[method]
    terminal.prompt_pause_s = 1.0  # each prompt held until the test lets it go
    terminal.sleep = lambda _s: held.wait(60)
    try:
        to_code(ui)
        ui.type_digits("123456")
        ui.tap("Confirm")
        ui.wait_for(lambda: ui.engine.view.prompt is not None
                    and ui.engine.view.prompt.code == "scan_qr", "the terminal's QR prompt")
        payload = ui.engine.view.prompt.qr_payload
        assert payload
        assert ui.shows("Scan the QR code with your banking or wallet app.")
        shot = Image.open(Window.screenshot(name=str(tmp_path / "paying.png")))
        reads = [r.text for r in zxingcpp.read_barcodes(
            shot, formats=zxingcpp.BarcodeFormat.QRCode)]
        assert reads == [payload]
    finally:
        held.set()
    ui.wait_step(Step.DONE)
