import io
import json
import logging

from kiosk import logs
from tests.helpers import make_iccid

ICCID = make_iccid("8970101234567890123")


def capture(fn):
    stream = io.StringIO()
    logs.setup("debug", stream)
    fn(logging.getLogger("test"))
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_structured_and_redacted():
    def emit(log):
        logs.event(log, "renewal.sent", iccid=ICCID, phone="+79161234567", tx="tx-1")
        logs.event(log, "otp.checked", otp="123456", kiosk_key="s3cret", error_code="otp_wrong")
        log.info("free text with %s and +8613812345678 and card 4276123456781234", ICCID)

    first, second, third = capture(emit)
    assert first["event"] == "renewal.sent" and first["tx"] == "tx-1"
    assert first["iccid"] == "****" + ICCID[-4:]
    assert first["phone"] == "+***4567"
    assert second["otp"] == "***" and second["kiosk_key"] == "***"
    assert second["error_code"] == "otp_wrong"
    blob = json.dumps(third)
    for secret in (ICCID, "8613812345678", "4276123456781234"):
        assert secret not in blob
    assert "****1234" in third["event"]
