"""Kill a real kiosk process right after every external call of every scenario, and kill
recovery itself the same way, then check the money rule against the terminal's and the
operator's own ledgers. The points come from a traced run of each scenario, so a new call
in the checkout is covered without anyone adding it here."""

import pytest

from tests.recovery.harness import SCENARIOS, final_line, killed, kiosk, trace
from tests.recovery.money_rule import check

pytestmark = pytest.mark.slow


_TRACES: dict = {}  # each scenario is traced once per test session


def marks_of(scenario, tmp_path_factory):
    if scenario.name not in _TRACES:
        data = tmp_path_factory.mktemp(f"trace-{scenario.name}")
        _TRACES[scenario.name] = trace(data, "demo", "--headless", *scenario.args)
    return _TRACES[scenario.name]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_a_kill_after_any_external_call_keeps_the_money_rule(scenario, tmp_path_factory):
    marks = marks_of(scenario, tmp_path_factory)
    assert marks, "the scenario passes no fault point"
    failures = {}
    for mark in marks:
        data = tmp_path_factory.mktemp("crash")
        first = kiosk(data, "demo", "--headless", *scenario.args, crash_at=mark)
        assert killed(first), f"{mark}: not reached ({final_line(first)}) {first.stderr}"
        second = kiosk(data, "recover")
        assert second.returncode in (0, 1), second.stderr
        assert final_line(second).startswith("recovered: ")
        found = check(data)
        if found:
            failures[mark] = [str(v) for v in found]
    assert failures == {}


@pytest.mark.parametrize("scenario", [s for s in SCENARIOS if s.name in (
    "renewal_failed_refunded", "renewal_failed_reversed", "approve_then_lost",
    "renewal_answer_lost", "timeout_after_send", "hold_renewal_failed_released",
    "hold_renewal_answer_lost")], ids=lambda s: s.name)
def test_a_kill_during_recovery_keeps_the_money_rule(scenario, tmp_path_factory):
    """The kiosk dies at its first external call's return, then recovery dies at each point
    it passes in turn; the recovery after that still ends with the money rule whole."""
    marks = marks_of(scenario, tmp_path_factory)
    crash_at = next(m for m in marks if m.startswith(("after_authorise_returned",
                                                       "after_renewal_returned")))
    probe = tmp_path_factory.mktemp("probe")
    assert killed(kiosk(probe, "demo", "--headless", *scenario.args, crash_at=crash_at))
    recovery_marks = trace(probe, "recover")
    assert recovery_marks
    failures = {}
    for mark in recovery_marks:
        data = tmp_path_factory.mktemp("crash-recovery")
        assert killed(kiosk(data, "demo", "--headless", *scenario.args, crash_at=crash_at))
        assert killed(kiosk(data, "recover", crash_at=mark)), mark
        last = kiosk(data, "recover")
        assert last.returncode in (0, 1), last.stderr
        found = check(data)
        if found:
            failures[mark] = [str(v) for v in found]
    assert failures == {}


def test_fault_point_is_really_reached(tmp_path):
    proc = kiosk(tmp_path, "demo", "--headless", crash_at="after_payment_approved")
    assert killed(proc)
    recovered = kiosk(tmp_path, "recover")
    assert "payment_pending -> done" in recovered.stdout
    assert check(tmp_path) == []
