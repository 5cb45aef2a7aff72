"""The crash matrix on the ZVT adapter: a real kiosk process (headless demo, ``backend =
"zvt"``, the terminal simulator on loopback TCP) is killed right after every external call
of each scenario, then ``kiosk recover`` runs, and the money rule is checked against the
terminal simulator's own ledger. The ledger knows trace and receipt numbers, not our
references: a payment no reference of ours claims counts as money taken for nothing."""

from __future__ import annotations

import pytest

from tests.recovery.harness import final_line, killed, kiosk, trace
from tests.recovery.zvt_rule import (
    DEMO_ZVT,
    HOLD_SCENARIOS,
    HOLDING,
    SCENARIOS,
    rows,
    violations,
)

pytestmark = pytest.mark.slow

def _config(tmp_path_factory, text: str) -> str:
    path = tmp_path_factory.mktemp("cfg") / "zvt.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def config_file(tmp_path_factory):
    return _config(tmp_path_factory, DEMO_ZVT)


@pytest.mark.parametrize("name", [*SCENARIOS, *HOLD_SCENARIOS])
def test_a_kill_after_any_external_call_keeps_the_money_rule(name, tmp_path_factory):
    holding = name in HOLD_SCENARIOS
    config_file = _config(tmp_path_factory, HOLDING if holding else DEMO_ZVT)
    scenario = HOLD_SCENARIOS[name] if holding else SCENARIOS[name]
    args = ("--config", config_file, "demo", "--headless", *scenario)
    marks = trace(tmp_path_factory.mktemp(f"trace-{name}") / "data", *args)
    assert marks, "the scenario passes no fault point"
    failures = {}
    for mark in marks:
        data = tmp_path_factory.mktemp("crash") / "data"
        first = kiosk(data, *args, crash_at=mark)
        assert killed(first), f"{mark}: not reached ({final_line(first)}) {first.stderr}"
        second = kiosk(data, "--config", config_file, "recover")
        assert second.returncode in (0, 1), second.stderr
        assert final_line(second).startswith("recovered: ")
        found = violations(data)
        if found:
            failures[mark] = found
    assert failures == {}


@pytest.mark.parametrize("name", ["renewal_failed_reversed", "hold_renewal_failed_released"])
def test_a_kill_during_recovery_keeps_the_money_rule(name, tmp_path_factory):
    """The kiosk dies as the operator's answer comes back, then recovery dies at each point
    it passes in turn; the recovery after that still ends with the money rule whole."""
    holding = name in HOLD_SCENARIOS
    config_file = _config(tmp_path_factory, HOLDING if holding else DEMO_ZVT)
    args = ("--config", config_file, "demo", "--headless",
            *(HOLD_SCENARIOS[name] if holding else SCENARIOS[name]))
    probe = tmp_path_factory.mktemp("probe") / "data"
    assert killed(kiosk(probe, *args, crash_at="after_renewal_returned"))
    recovery_marks = trace(probe, "--config", config_file, "recover")
    assert recovery_marks
    failures = {}
    for mark in recovery_marks:
        data = tmp_path_factory.mktemp("crash-recovery") / "data"
        assert killed(kiosk(data, *args, crash_at="after_renewal_returned"))
        assert killed(kiosk(data, "--config", config_file, "recover", crash_at=mark)), mark
        last = kiosk(data, "--config", config_file, "recover")
        assert last.returncode in (0, 1), last.stderr
        found = violations(data)
        if found:
            failures[mark] = found
    assert failures == {}


def test_a_held_sale_is_booked_and_a_failed_one_released_at_the_terminal(tmp_path_factory):
    config_file = _config(tmp_path_factory, HOLDING)
    done = tmp_path_factory.mktemp("held") / "data"
    assert final_line(kiosk(done, "--config", config_file, "demo", "--headless")) == \
        "final: done"
    failed = tmp_path_factory.mktemp("held") / "data"
    proc = kiosk(failed, "--config", config_file, "demo", "--headless",
                 "--operator-fault", "renewal_failed")
    assert final_line(proc) == "final: released"
    ledger = "SELECT kind, status FROM transactions ORDER BY trace"
    assert [tuple(r) for r in rows(done / "zvt-sim" / "ledger.sqlite", ledger)][:1] == [
        ("reservation", "booked")]
    assert [tuple(r) for r in rows(failed / "zvt-sim" / "ledger.sqlite", ledger)] == [
        ("reservation", "released"), ("release", "approved")]  # the release is its own entry
    assert violations(done) == [] and violations(failed) == []


def test_the_check_sees_a_charge_nobody_claims(config_file, tmp_path):
    """The reconciliation can fail: the adapter's map wiped after an approval leaves the
    terminal's payment unclaimed."""
    data = tmp_path / "data"
    done = kiosk(data, "--config", config_file, "demo", "--headless")
    assert final_line(done) == "final: done" and violations(data) == []
    (data / "zvt" / "refs.sqlite").unlink()
    assert any("charge_without_renewal" in v for v in violations(data))
