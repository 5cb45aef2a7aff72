"""Keyboard-wedge timing: scanner bursts become scans and are swallowed; people keep typing."""

from __future__ import annotations

import pytest

from kiosk.core.card_payload import CardIdentity, PayloadRejected
from kiosk.core.iccid import luhn_check_digit
from kiosk.scanner.wedge import KeyboardWedge

ICCID = "8970199123456789012" + str(luhn_check_digit("8970199123456789012"))


class Recorder:
    def __init__(self, interval_ms: float = 50) -> None:
        self.scans: list[CardIdentity | PayloadRejected] = []
        self.typed: list[str] = []
        self.wedge = KeyboardWedge(self.scans.append, self.typed.append, interval_ms)

    def type(self, keys: list[str], start: float, step: float) -> list[bool]:
        return [self.wedge.feed(key, start + i * step) for i, key in enumerate(keys)]


def test_fast_burst_with_enter_is_a_scan_and_every_key_is_swallowed():
    rec = Recorder()
    consumed = rec.type([*ICCID, "enter"], start=10.0, step=0.008)
    assert all(consumed)
    assert rec.typed == []
    assert [s.iccid.digits for s in rec.scans] == [ICCID]


def test_shift_inside_a_burst_is_swallowed_too():
    rec = Recorder()
    keys = [*ICCID[:19], "shift", "F", "enter"]
    consumed = rec.type(keys, start=0.0, step=0.005)
    assert all(consumed)
    assert rec.scans[0].iccid.digits == ICCID[:19]


def test_person_typing_is_released_in_order_and_enter_passes():
    rec = Recorder()
    consumed = rec.type(["1", "2", "3"], start=0.0, step=0.3)
    rec.wedge.tick(1.0)
    assert rec.typed == ["1", "2", "3"]
    assert rec.wedge.feed("enter", 1.2) is False
    assert rec.scans == []
    assert all(consumed)  # held back first, then handed over once timing showed a person


def test_person_with_key_rollover_is_not_mistaken_for_a_scanner():
    rec = Recorder()
    rec.type(["4", "5"], start=0.0, step=0.01)  # two keys pressed almost together
    rec.wedge.tick(0.2)
    assert rec.typed == ["45"] and rec.scans == []


def test_burst_without_enter_is_a_scan_once_the_keys_stop():
    rec = Recorder()
    rec.type(list(ICCID), start=0.0, step=0.004)
    assert rec.scans == []
    rec.wedge.tick(0.5)
    assert rec.scans[0].iccid.digits == ICCID


def test_a_scanned_non_card_is_rejected_not_typed():
    rec = Recorder()
    rec.type([*"HELLO-WORLD-123", "enter"], start=0.0, step=0.004)
    assert isinstance(rec.scans[0], PayloadRejected)
    assert rec.typed == []


@pytest.mark.parametrize("interval_ms", [20, 50, 120])
def test_threshold_comes_from_configuration(interval_ms):
    rec = Recorder(interval_ms)
    step = interval_ms / 1000 * 1.5  # a little slower than the configured scanner speed
    rec.type([*ICCID, "enter"], start=0.0, step=step)
    assert rec.scans == []
    assert "".join(rec.typed) == ICCID
    fast = Recorder(interval_ms)
    fast.type([*ICCID, "enter"], start=0.0, step=interval_ms / 1000 * 0.5)
    assert fast.scans and fast.typed == []


def test_other_keys_outside_a_burst_pass_through():
    rec = Recorder()
    assert rec.wedge.feed("backspace", 0.0) is False
    assert rec.wedge.feed("shift", 1.0) is False
