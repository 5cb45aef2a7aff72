"""The operator client against hostile servers on loopback: what a broken or hijacked operator
(or anything between it and the kiosk) can send, and what the client makes of it.

Money rule: a renewal create that may have reached the operator and got no readable answer is
*unknown* (read back by our id), never "applied" on someone else's word, never a crash.
"""

from __future__ import annotations

import json
import threading
from email.utils import formatdate

import pytest

from kiosk.core.errors import Category
from kiosk.core.iccid import Iccid
from kiosk.core.money import Money
from kiosk.core.renewal import RenewalStatus
from kiosk.flow.ports import OperatorError, RenewalOutcomeUnknown
from kiosk.provider import demo_data as demo
from kiosk.provider.client import OperatorClient
from tests.integration.hostile_http import HostileServer, answer, json_answer, renewal

ACTIVE = Iccid.parse(demo.ICCID_ACTIVE)
PRICE = Money(30000, "RUB")
MB = 1024 * 1024


def client(url: str, kiosk_id: str = demo.DEMO_KIOSK_ID, **options) -> OperatorClient:
    options.setdefault("sleep", lambda _s: None)
    options.setdefault("connect_timeout_s", 1.0)
    options.setdefault("read_timeout_s", 2.0)
    return OperatorClient(url, kiosk_id, demo.DEMO_KIOSK_KEY, **options)


def create(c: OperatorClient, tx: str = "tx-1"):
    return c.create_renewal(tx, ACTIVE, "validity-3d", PRICE, "token-1", None)


def serving(respond) -> HostileServer:
    """A server whose ``respond`` may use the server itself (to count what it sends)."""
    holder: dict = {}
    server = HostileServer(lambda conn, request: respond(holder["s"], conn, request))
    holder["s"] = server
    return server


def canned(data: bytes) -> HostileServer:
    return serving(lambda s, conn, _request: s.send(conn, data))


# --- redirects ------------------------------------------------------------------------------

REDIRECTS = [301, 302, 303, 307, 308]


@pytest.fixture
def elsewhere():
    """Another host that would gladly say "applied" to anything sent to it."""
    server = serving(lambda s, conn, request: s.send(conn, json_answer(
        200, renewal("tx-1"), Connection="close")))
    with server:
        yield server


@pytest.mark.parametrize("status", REDIRECTS)
def test_a_redirected_create_is_unknown_and_never_followed(elsewhere, status):
    front = canned(answer(status, Location=f"{elsewhere.url}/v1/renewals"))
    with front, client(front.url) as c, pytest.raises(RenewalOutcomeUnknown) as caught:
        create(c)
    assert elsewhere.requests == []
    assert len(front.requests) == 1  # a redirect is not retried: it would only repeat
    cause = caught.value.__cause__
    assert isinstance(cause, OperatorError)
    assert (cause.code, cause.category) == ("operator_redirected", Category.OPERATIONAL)
    assert cause.details["http_status"] == status


@pytest.mark.parametrize("status", REDIRECTS)
def test_a_redirected_read_is_an_operational_error_naming_the_status(elsewhere, status):
    front = canned(answer(status, Location=f"{elsewhere.url}/v1/renewals/tx-1"))
    with front, client(front.url) as c, pytest.raises(OperatorError) as caught:
        c.get_renewal("tx-1")
    assert (caught.value.code, caught.value.category) == (
        "operator_redirected", Category.OPERATIONAL)
    assert caught.value.details["http_status"] == status
    assert elsewhere.requests == []
    assert len(front.requests) == 1


# --- overall deadline -----------------------------------------------------------------------


class Lockstep:
    """A clock driven by the trickling server: each byte sent is half a second.

    The server sends its next byte only once the client has looked at the clock again, so
    however fast or slow the machine, the client sees time move one byte at a time.
    """

    def __init__(self) -> None:
        self.bytes = 0
        self.looked = threading.Event()

    def __call__(self) -> float:
        self.looked.set()
        return self.bytes * 0.5

    def trickle(self, server: HostileServer, conn, data: bytes) -> None:
        for index in range(len(data)):
            while not self.looked.wait(0.05):
                if server.stop.is_set():
                    return
            self.looked.clear()
            server.send(conn, data[index:index + 1])
            self.bytes += 1


def trickling(clock: Lockstep, whole: bytes, head_at_once: bool) -> HostileServer:
    head, _, body = whole.partition(b"\r\n\r\n")

    def respond(s, conn, _request):
        if head_at_once:
            s.send(conn, head + b"\r\n\r\n")
            clock.trickle(s, conn, body)
        else:
            clock.trickle(s, conn, whole)

    return serving(respond)


@pytest.mark.parametrize("head_at_once", [False, True], ids=["head", "body"])
def test_a_trickled_create_ends_unknown_at_the_deadline(head_at_once):
    clock = Lockstep()
    whole = json_answer(201, renewal("tx-1"))
    server = trickling(clock, whole, head_at_once)
    with (
        server,
        client(server.url, deadline_s=5.0, monotonic=clock) as c,
        pytest.raises(RenewalOutcomeUnknown) as caught,
    ):
        create(c)
    assert caught.value.__cause__.details["reason"] == "deadline"
    assert clock.bytes < len(whole) // 2  # it gave up long before the answer was complete
    assert clock() <= 5.0 + 2 * 0.5  # and within a byte or two of its deadline


@pytest.mark.parametrize("head_at_once", [False, True], ids=["head", "body"])
def test_a_trickled_read_ends_unreachable_at_the_deadline(head_at_once):
    clock = Lockstep()
    whole = json_answer(200, renewal("tx-1"))
    server = trickling(clock, whole, head_at_once)
    with (
        server,
        client(server.url, deadline_s=5.0, monotonic=clock) as c,
        pytest.raises(OperatorError) as caught,
    ):
        c.get_renewal("tx-1")
    assert (caught.value.code, caught.value.category) == (
        "operator_unreachable", Category.TRANSIENT)
    assert caught.value.details["reason"] == "deadline"
    assert len(server.requests) == 1  # no retry once the deadline has passed


def test_retries_stop_at_the_deadline():
    """Backoff counts against the deadline: no attempt starts that could not finish in it."""
    now = [0.0]
    sleeps = []

    def sleep(seconds):
        sleeps.append(seconds)
        now[0] += seconds

    server = canned(json_answer(503, {"error": {"code": "busy", "category": "transient",
                                                "message": "busy", "details": {}}}))
    with server, client(server.url, deadline_s=5.0, monotonic=lambda: now[0], sleep=sleep,
                        attempts=5, backoff_s=2.0) as c, pytest.raises(OperatorError) as caught:
        c.get_renewal("tx-1")
    assert caught.value.code == "busy"
    assert sleeps == [2.0]  # the next wait (4 s) would have ended past the deadline
    assert len(server.requests) == 2


def test_the_deadline_defaults_to_a_few_seconds_over_connect_and_read():
    c = OperatorClient("http://127.0.0.1:9", "K-1", "k", connect_timeout_s=2, read_timeout_s=7)
    assert c.deadline_s == 2 + 7 + 3
    with pytest.raises(ValueError, match="deadline"):
        OperatorClient("http://127.0.0.1:9", "K-1", "k", connect_timeout_s=2, read_timeout_s=7,
                       deadline_s=8)


# --- size cap -------------------------------------------------------------------------------


def flood(declare_length: bool) -> tuple[HostileServer, threading.Event]:
    """200 MB of a JSON string, sent until the client goes away."""
    done = threading.Event()
    total = 200 * MB
    chunk = b"a" * (64 * 1024)

    def respond(s, conn, _request):
        try:
            headers = {"Content_Type": "application/json"}
            if declare_length:
                head = answer(200, b"", Content_Length=str(total + 2), **headers)
            else:
                head = answer(200, b"", close=True, **headers).replace(
                    b"Content-Length: 0\r\n", b"")
            s.send(conn, head + b'"')
            for _ in range(total // len(chunk)):
                s.send(conn, chunk)
            s.send(conn, b'"')
        finally:
            done.set()

    return serving(respond), done


@pytest.mark.parametrize("declare_length", [True, False], ids=["content-length", "unsized"])
def test_a_huge_answer_is_refused_without_reading_it(declare_length):
    server, done = flood(declare_length)
    with server, client(server.url, attempts=1) as c, pytest.raises(OperatorError) as caught:
        c.get_renewal("tx-1")
        assert done.wait(60)
    assert caught.value.code == "operator_bad_answer"
    assert "1 MB" in caught.value.details["reason"] or "cap" in caught.value.details["reason"]
    # Only the cap and what the sockets' buffers held left the server: not 200 MB.
    assert server.sent < 16 * MB, server.sent


def test_a_huge_answer_to_a_create_is_unknown():
    server, done = flood(declare_length=False)
    with server, client(server.url, attempts=1) as c, pytest.raises(RenewalOutcomeUnknown):
        create(c)
        assert done.wait(60)
    assert server.sent < 16 * MB, server.sent


# --- answers that break parsers -------------------------------------------------------------

HOSTILE_BODIES = {
    "5000-digit number": json.dumps(renewal("tx-1")).replace(
        '"minor": 30000', '"minor": ' + "9" * 5000).encode(),
    "nested 200000 deep": b"[" * 200_000 + b"]" * 200_000,
    "nested object 200000 deep": b'{"a":' * 200_000 + b"1" + b"}" * 200_000,
    "duplicate key": json.dumps(renewal("tx-1", status="failed"))[:-1].encode()
    + b', "status": "applied"}',
    "NaN": json.dumps(renewal("tx-1")).replace('"bonus_days": 0', '"bonus_days": NaN').encode(),
    "huge exponent": json.dumps(renewal("tx-1")).replace(
        '"bonus_days": 0', '"bonus_days": 1e999999').encode(),
    "not utf-8": json.dumps(renewal("tx-1")).encode().replace(b"OP-EVIL", b"OP-\xff"),
}


def hostile(body: bytes, status: int = 200) -> HostileServer:
    return canned(answer(status, body, Content_Type="application/json"))


@pytest.mark.parametrize("name", sorted(HOSTILE_BODIES))
def test_a_hostile_read_answer_is_a_bad_answer(name):
    with (
        hostile(HOSTILE_BODIES[name]) as server,
        client(server.url) as c,
        pytest.raises(OperatorError) as caught,
    ):
        c.get_renewal("tx-1")
    assert caught.value.code == "operator_bad_answer", caught.value


@pytest.mark.parametrize("name", sorted(HOSTILE_BODIES))
def test_a_hostile_create_answer_is_unknown(name):
    with (
        hostile(HOSTILE_BODIES[name], status=201) as server,
        client(server.url) as c,
        pytest.raises(RenewalOutcomeUnknown),
    ):
        create(c)


@pytest.mark.parametrize("name", sorted(HOSTILE_BODIES))
def test_a_hostile_error_envelope_is_a_bad_answer(name):
    with (
        hostile(HOSTILE_BODIES[name], status=400) as server,
        client(server.url) as c,
        pytest.raises(OperatorError) as caught,
    ):
        c.get_renewal("tx-1")
    assert caught.value.code == "operator_bad_answer", caught.value


def test_duplicate_keys_are_refused_not_last_one_wins():
    """The first "status" says failed, the last applied: the client believes neither."""
    with (
        hostile(HOSTILE_BODIES["duplicate key"]) as server,
        client(server.url) as c,
        pytest.raises(OperatorError) as caught,
    ):
        c.get_renewal("tx-1")
    assert "duplicate" in caught.value.details["reason"]


# --- what the kiosk itself would put on the wire --------------------------------------------


@pytest.mark.parametrize("kiosk_id", ["KIOSK-\u043a\u0438\u043e\u0441\u043a", "K-1\r\nX-Evil: 1",
                                      "K-1\n", "K-\u00e9\u4e2d"])
def test_a_kiosk_id_no_header_can_carry_is_an_operational_error_and_sends_nothing(kiosk_id):
    server = canned(json_answer(201, renewal("tx-1")))
    with server, client(server.url, kiosk_id=kiosk_id) as c:
        with pytest.raises(OperatorError) as read:
            c.get_renewal("tx-1")
        with pytest.raises(OperatorError) as created:
            create(c)
    for caught in (read, created):
        assert not isinstance(caught.value, RenewalOutcomeUnknown)  # surely not sent: failed
        assert (caught.value.code, caught.value.category) == (
            "operator_request_invalid", Category.OPERATIONAL)
    assert server.requests == []


@pytest.mark.parametrize("key", ["k\udcff", "\ud800key"])
def test_a_kiosk_key_that_cannot_be_encoded_is_an_operational_error_and_sends_nothing(key):
    server = canned(json_answer(201, renewal("tx-1")))
    with server, OperatorClient(server.url, demo.DEMO_KIOSK_ID, key) as c:
        with pytest.raises(OperatorError) as read:
            c.get_renewal("tx-1")
        with pytest.raises(OperatorError) as created:
            create(c)
    for caught in (read, created):
        assert not isinstance(caught.value, RenewalOutcomeUnknown)
        assert caught.value.code == "operator_request_invalid"
    assert server.requests == []


# --- 429 ------------------------------------------------------------------------------------


def busy_then(then: bytes, retry_after: str, times: int = 1) -> HostileServer:
    count = [0]

    def respond(s, conn, _request):
        count[0] += 1
        if count[0] <= times:
            s.send(conn, json_answer(429, {"error": {
                "code": "rate_limited", "category": "transient", "message": "slow down",
                "details": {}}}, Retry_After=retry_after))
        else:
            s.send(conn, then)

    return serving(respond)


class FakeTime:
    def __init__(self, wall: float = 1_772_614_800.0) -> None:
        self.wall = wall
        self.mono = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.mono += seconds
        self.wall += seconds

    def options(self) -> dict:
        return {"sleep": self.sleep, "monotonic": lambda: self.mono, "clock": lambda: self.wall}


@pytest.mark.parametrize("how", ["seconds", "http-date"])
def test_429_waits_as_told_then_reads(how):
    t = FakeTime()
    retry_after = "3" if how == "seconds" else formatdate(t.wall + 3, usegmt=True)
    server = busy_then(json_answer(200, renewal("tx-1")), retry_after)
    with server, client(server.url, deadline_s=12.0, **t.options()) as c:
        result = c.get_renewal("tx-1")
    assert result.status is RenewalStatus.APPLIED
    assert t.sleeps == [pytest.approx(3, abs=1)]
    assert len(server.requests) == 2


def test_429_on_the_idempotent_create_waits_and_sends_the_same_id_again():
    t = FakeTime()
    server = busy_then(json_answer(201, renewal("tx-1")), "2", times=2)
    with server, client(server.url, deadline_s=12.0, attempts=3, **t.options()) as c:
        assert create(c).status is RenewalStatus.APPLIED
    assert t.sleeps == [2, 2]
    bodies = {json.loads(r.body)["transaction_id"] for r in server.requests}
    assert bodies == {"tx-1"} and len(server.requests) == 3


def test_429_past_the_deadline_gives_up_at_once_as_transient():
    t = FakeTime()
    server = busy_then(json_answer(200, renewal("tx-1")), "120", times=2)
    with server, client(server.url, deadline_s=12.0, **t.options()) as c:
        with pytest.raises(OperatorError) as read:
            c.get_renewal("tx-1")
        with pytest.raises(OperatorError) as created:
            create(c)
    assert t.sleeps == []
    assert (read.value.code, read.value.category) == ("rate_limited", Category.TRANSIENT)
    assert created.value.category is Category.TRANSIENT
    assert len(server.requests) == 2


def test_429_with_a_hostile_retry_after_is_still_a_typed_error():
    t = FakeTime()
    server = busy_then(json_answer(200, renewal("tx-1")), "9" * 5000, times=9)
    with (
        server,
        client(server.url, deadline_s=12.0, **t.options()) as c,
        pytest.raises(OperatorError) as caught,
    ):
        c.get_renewal("tx-1")
    assert caught.value.category is Category.TRANSIENT
    assert t.sleeps == []
