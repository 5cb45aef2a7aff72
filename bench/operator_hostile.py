"""The operator client against hostile servers in real time, printed as JSON.

    .venv/bin/python bench/operator_hostile.py

- trickle: a server sending its answer one byte every 0.5 s to create_renewal (connect 1 s,
  read 2 s, default deadline): how long the call took, how it ended, how many bytes came.
- flood: a 200 MB answer to get_renewal, with and without Content-Length: how many bytes
  the server got out before the client hung up, and how much the client's peak RSS grew.

tests/integration/test_provider_client_hostile.py asserts the same without timing anything;
this shows the numbers for people.
"""

from __future__ import annotations

import json
import resource
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from kiosk.core.iccid import Iccid
from kiosk.core.money import Money
from kiosk.provider import demo_data as demo
from kiosk.provider.client import OperatorClient
from tests.integration.hostile_http import HostileServer, answer, json_answer, renewal

MB = 1024 * 1024


def _outcome(call) -> str:
    try:
        call()
    except Exception as exc:
        cause = getattr(exc.__cause__, "details", None) or getattr(exc, "details", {})
        return f"{type(exc).__name__} {getattr(exc, 'code', '')} {cause.get('reason', '')}"
    return "returned"


def trickle() -> dict:
    whole = json_answer(201, renewal("tx-1"))

    def respond(conn, _request):
        for index in range(len(whole)):
            if server.stop.is_set():
                return
            server.send(conn, whole[index:index + 1])
            time.sleep(0.5)

    server = HostileServer(respond)
    with server, OperatorClient(server.url, demo.DEMO_KIOSK_ID, demo.DEMO_KIOSK_KEY,
                                connect_timeout_s=1.0, read_timeout_s=2.0) as client:
        started = time.monotonic()
        ended = _outcome(lambda: client.create_renewal(
            "tx-1", Iccid.parse(demo.ICCID_ACTIVE), "validity-3d", Money(30000, "RUB"), "t",
            None))
        return {"case": "trickle 1 byte / 0.5 s", "deadline_s": client.deadline_s,
                "elapsed_s": round(time.monotonic() - started, 1), "outcome": ended,
                "bytes_sent": server.sent, "answer_bytes": len(whole)}


def flood(sized: bool) -> dict:
    done = threading.Event()

    def respond(conn, _request):
        try:
            if sized:
                head = answer(200, b"", Content_Type="application/json",
                              Content_Length=str(200 * MB + 2))
            else:
                head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                        b"Connection: close\r\n\r\n")
            server.send(conn, head + b'"')
            chunk = b"a" * (64 * 1024)
            for _ in range(200 * MB // len(chunk)):
                server.send(conn, chunk)
            server.send(conn, b'"')
        finally:
            done.set()

    server = HostileServer(respond)
    with server, OperatorClient(server.url, demo.DEMO_KIOSK_ID, demo.DEMO_KIOSK_KEY,
                                attempts=1) as client:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        ended = _outcome(lambda: client.get_renewal("tx-1"))
        done.wait(60)
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    return {"case": f"200 MB answer, {'Content-Length' if sized else 'unsized'}",
            "outcome": ended, "server_sent_mb": round(server.sent / MB, 1),
            "client_peak_rss_growth_mb": round(grown / 1024)}


if __name__ == "__main__":
    print(json.dumps([trickle(), flood(sized=True), flood(sized=False)], indent=2))
