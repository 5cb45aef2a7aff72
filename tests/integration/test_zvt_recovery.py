"""The crash matrix on the ZVT adapter: a real kiosk process (headless demo, ``backend =
"zvt"``, the terminal simulator on loopback TCP) is killed right after every external call
of each scenario, then ``kiosk recover`` runs, and the money rule is checked against the
terminal simulator's own ledger. The ledger knows trace and receipt numbers, not our
references: a payment no reference of ours claims counts as money taken for nothing."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from kiosk.journal.reconcile import Charge
from tests.recovery.harness import final_line, killed, kiosk, trace
from tests.recovery.money_rule import check

pytestmark = pytest.mark.slow

DEMO_ZVT = 'demo = true\n[payment]\nbackend = "zvt"\n'
SCENARIOS = {
    "approve": ("--pay", "approve"),
    "decline": ("--pay", "decline"),
    "approve_then_lost": ("--pay", "approve_then_lost"),
    "timeout_after_send": ("--pay", "timeout_after_send"),
    "renewal_failed_reversed": ("--operator-fault", "renewal_failed"),
    "renewal_answer_lost": ("--operator-fault", "drop_after,path=/v1/renewals"),
}


def rows(path: Path, sql: str) -> list[sqlite3.Row]:
    if not path.exists():
        return []
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def terminal_charges(data: Path) -> dict[str, Charge]:
    """Payments as the terminal's ledger has them, named by the reference whose trace the
    adapter learnt; an unclaimed approved payment keeps a name of its own."""
    owner = {r["trace"]: r["reference"] for r in rows(
        data / "zvt" / "refs.sqlite", "SELECT reference, trace FROM payments "
        "WHERE trace IS NOT NULL")}
    refunds = Counter(r["reference"] for r in rows(
        data / "zvt" / "refs.sqlite", "SELECT reference FROM returns "
        "WHERE kind='refund' AND status='done'"))
    charges = {}
    for row in rows(data / "zvt-sim" / "ledger.sqlite",
                    "SELECT * FROM transactions WHERE kind='payment'"):
        reference = owner.get(row["trace"], f"terminal-trace-{row['trace']}")
        charges[reference] = Charge(reference, row["status"], refunds[reference])
    return charges


def violations(data: Path) -> list[str]:
    return [str(v) for v in check(data, terminal_charges(data))]


@pytest.fixture
def config_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("cfg") / "zvt.toml"
    path.write_text(DEMO_ZVT, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_kill_after_any_external_call_keeps_the_money_rule(name, config_file,
                                                              tmp_path_factory):
    args = ("--config", config_file, "demo", "--headless", *SCENARIOS[name])
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


def test_the_check_sees_a_charge_nobody_claims(config_file, tmp_path):
    """The reconciliation can fail: the adapter's map wiped after an approval leaves the
    terminal's payment unclaimed."""
    data = tmp_path / "data"
    done = kiosk(data, "--config", config_file, "demo", "--headless")
    assert final_line(done) == "final: done" and violations(data) == []
    (data / "zvt" / "refs.sqlite").unlink()
    assert any("charge_without_renewal" in v for v in violations(data))
