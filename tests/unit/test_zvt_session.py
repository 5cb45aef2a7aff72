"""The master/slave turn against a terminal played from hex written by hand (not our
simulator): the ECR's bytes are checked one APDU at a time over a real socket pair."""

from __future__ import annotations

import socket
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.payment.zvt import messages as m
from kiosk.payment.zvt.errors import ZvtError
from kiosk.payment.zvt.session import Refused, run
from kiosk.payment.zvt.transport import ConnectionLost, Link, Timeout, Timeouts

ACK = bytes.fromhex("800000")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def h(text: str) -> bytes:
    return bytes.fromhex(text)


def scripted_terminal(sock: socket.socket, script: list[tuple[str, bytes]], seen: list) -> None:
    """("expect", bytes): read exactly those many bytes and keep them; ("send", bytes)."""
    sock.settimeout(20)
    for action, data in script:
        if action == "send":
            sock.sendall(data)
        elif action == "expect":
            got = b""
            while len(got) < len(data):
                chunk = sock.recv(len(data) - len(got))
                if not chunk:
                    break
                got += chunk
            seen.append(got)
        elif action == "close":
            sock.close()
            return


QUICK = Timeouts(ack_s=5, idle_s=60, poll_s=0.05)


def play(script, command, timeouts=QUICK, clock=None):
    ecr, pt = socket.socketpair()
    seen: list[bytes] = []
    thread = threading.Thread(target=scripted_terminal, args=(pt, script, seen))
    thread.start()
    link = Link(ecr, timeouts, clock or Clock())
    statuses = []
    try:
        turn = run(link, command, statuses.append)
    finally:
        thread.join(20)
        link.close()
    return turn, statuses, seen


def test_authorisation_turn_byte_by_byte():
    script = [
        ("expect", h("0601 0A 04000000001250 490978")),  # 12.50 EUR, written out by hand
        ("send", ACK),  # terminal: 80 00 00, and it is master now
        ("send", h("04FF 01 0A")),  # intermediate status 0A: insert card
        ("expect", ACK),
        ("send", h("040F 0D 2700 04000000001250 0B000001")),  # 2+7+4 = 13 bytes: result 00,
        # amount 12.50, trace 1
        ("expect", ACK),
        ("send", h("06D1 03 00 4F4B")),  # print line "OK"
        ("expect", ACK),
        ("send", h("060F 00")),  # completion, no data: the ECR is master again
        ("expect", ACK),
    ]
    turn, statuses, seen = play(script, m.Authorisation(1250, m.EUR))
    assert seen == [h("0601 0A 04000000001250 490978"), ACK, ACK, ACK, ACK]
    assert statuses == [0x0A]
    assert turn.info.result == 0 and turn.info.trace == 1 and turn.lines == ["OK"]
    assert isinstance(turn.end, m.Completion)


def test_abort_answer_ends_the_turn_and_is_acknowledged():
    script = [("expect", h("0601 07 04000000000100")), ("send", ACK),
              ("send", h("061E 01 6C")), ("expect", ACK)]
    turn, _, seen = play(script, m.Authorisation(100))
    assert turn.end == m.AbortAnswer(0x6C) and seen[-1] == ACK


def test_nak_to_the_command_is_refused():
    script = [("expect", h("0650 03 000000")), ("send", h("84A000"))]
    with pytest.raises(Refused) as err:
        play(script, m.EndOfDayCommand("000000"))
    assert err.value.code == 0xA0


class Ticking(Clock):
    """Each look at the clock is one second later: T3 passes after a few polls, however
    fast or slow the machine is."""

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def test_no_ack_within_t3_on_the_injected_clock():
    clock = Ticking()
    ecr, pt = socket.socketpair()
    link = Link(ecr, Timeouts(ack_s=5, poll_s=0.01), clock)
    with pytest.raises(Timeout):
        run(link, m.StatusEnquiry("000000"))  # nothing is answered
    assert pt.recv(16) == h("0501 03 000000")
    assert 5 <= clock.now <= 8  # gave up once T3 had passed, not before
    pt.close()
    link.close()


def test_line_lost_mid_turn_keeps_what_came_before():
    script = [("expect", h("0601 07 04000000000100")), ("send", ACK),
              ("send", h("040F 02 2700")), ("expect", ACK), ("close", b"")]
    ecr, pt = socket.socketpair()
    seen: list[bytes] = []
    thread = threading.Thread(target=scripted_terminal, args=(pt, script, seen))
    thread.start()
    link = Link(ecr, Timeouts(ack_s=5, idle_s=60, poll_s=0.05), Clock())
    from kiosk.payment.zvt.session import Turn
    turn = Turn()
    with pytest.raises(ConnectionLost):
        run(link, m.Authorisation(100), turn=turn)
    thread.join(20)
    assert turn.info.result == 0 and turn.end is None


def test_goods_not_delivered_answers_84_66():
    script = [("expect", h("0601 07 04000000000100")), ("send", ACK),
              ("send", h("040F 02 2700")), ("expect", h("846600")),
              ("send", h("061E 01 6C")), ("expect", ACK)]
    ecr, pt = socket.socketpair()
    seen: list[bytes] = []
    thread = threading.Thread(target=scripted_terminal, args=(pt, script, seen))
    thread.start()
    link = Link(ecr, Timeouts(ack_s=5, idle_s=60, poll_s=0.05), Clock())
    turn = run(link, m.Authorisation(100),
               on_info=lambda info: m.Nak(m.NAK_GOODS_NOT_DELIVERED))
    thread.join(20)
    assert seen[1] == h("846600") and turn.end == m.AbortAnswer(0x6C)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_from_the_terminal_end_in_a_turn_or_a_zvt_error(noise):
    ecr, pt = socket.socketpair()
    pt.sendall(ACK + noise)
    pt.shutdown(socket.SHUT_WR)  # then the line goes quiet: EOF ends the turn
    link = Link(ecr, QUICK, Clock())
    try:
        run(link, m.Authorisation(100))
    except ZvtError:
        pass
    finally:
        link.close()
        pt.close()
