"""Kill a real kiosk process at every fault point with every payment outcome, restart it,
recover, and check the money rule against the terminal's and the operator's own ledgers."""

import os
import signal
import subprocess
import sys

import pytest

from kiosk.faults import STEPS
from kiosk.payment.simulator import Script
from tests.recovery.money_rule import check

pytestmark = pytest.mark.slow

OUTCOMES = [s.value for s in Script]


def kiosk(data_dir, *args, crash_at=None, timeout=60):
    env = {**os.environ, "KIOSK_DATA_DIR": str(data_dir)}
    env.pop("KIOSK_CRASH_AT", None)
    if crash_at:
        env["KIOSK_CRASH_AT"] = crash_at
    return subprocess.run([sys.executable, "-m", "kiosk.cli", *args], env=env,
                          capture_output=True, text=True, timeout=timeout)


def final_line(proc):
    lines = proc.stdout.strip().splitlines()
    return lines[-1] if lines else ""


@pytest.mark.parametrize("outcome", OUTCOMES)
@pytest.mark.parametrize("step", sorted(STEPS))
def test_crash_then_recover_keeps_the_money_rule(tmp_path, step, outcome):
    extra = ["--operator-fault", "renewal_failed"] if step == "after_reversal_intent" else []
    first = kiosk(tmp_path, "demo", "--headless", "--pay", outcome, *extra, crash_at=step)
    crashed = first.returncode == -signal.SIGKILL
    if not crashed:
        assert first.returncode == 0, first.stderr
        assert final_line(first).startswith("final: ")
    second = kiosk(tmp_path, "recover")
    assert second.returncode in (0, 1), second.stderr
    assert second.stdout.strip().splitlines()[-1].startswith("recovered: ")
    assert check(tmp_path) == []
    if crashed:
        assert "manual_review" not in second.stdout, second.stdout


def test_fault_point_is_really_reached(tmp_path):
    proc = kiosk(tmp_path, "demo", "--headless", crash_at="after_payment_approved")
    assert proc.returncode == -signal.SIGKILL
    recovered = kiosk(tmp_path, "recover")
    assert "payment_pending -> done" in recovered.stdout
