"""A whole renewal through client and simulator, with debug logging on: the structured log
names what happened but never a full ICCID, phone number, code, token, key or signature."""

import io
import json
import logging
import re
from datetime import UTC, datetime

import pytest

from kiosk import logs
from kiosk.core.iccid import Iccid
from kiosk.core.money import Money
from kiosk.core.phone import Phone
from kiosk.provider import demo_data as demo
from kiosk.provider.signing import HEADER_SIGNATURE
from kiosk.provider.sim.clock import SimClock
from kiosk.provider.testing import add_fault, client_for, running_simulator, sent_code


@pytest.fixture
def log_stream():
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    stream = io.StringIO()
    logs.setup("debug", stream)
    yield stream
    root.handlers[:], level = saved
    root.setLevel(level)


def test_the_log_tells_the_story_without_secrets(tmp_path, log_stream):
    secrets = [demo.ICCID_NO_PHONE, demo.PHONE_TO_BIND, demo.DEMO_KIOSK_KEY]
    clock = SimClock(datetime(2026, 3, 4, 9, 0, tzinfo=UTC))
    with running_simulator(tmp_path, clock=clock) as sim, client_for(sim) as client:
        client.session.hooks["response"].append(
            lambda response, *a, **k: secrets.append(response.request.headers[HEADER_SIGNATURE])
        )
        iccid = Iccid.parse(demo.ICCID_NO_PHONE)
        client.lookup(iccid)
        challenge = client.send_otp(iccid, Phone.parse(demo.PHONE_TO_BIND))
        code = sent_code(sim, challenge.challenge_id)
        token = client.verify_otp(challenge.challenge_id, code).verification_token
        add_fault(sim, kind="drop_after", method="POST", path="/v1/renewals")
        client.create_renewal("tx-log", iccid, "validity-3d", Money(30000, "RUB"), token, None)
    secrets.append(token)

    output = log_stream.getvalue()
    events = [json.loads(line)["event"] for line in output.splitlines()]
    for expected in ("sim.otp.sent", "sim.otp.verified", "sim.renewal.created",
                     "sim.connection_dropped", "operator.attempt_failed"):
        assert expected in events
    assert "****0049" in output  # the card is named by its last digits
    for secret in secrets:
        assert secret not in output
    assert not re.search(rf"(?<!\d){code}(?!\d)", output)
