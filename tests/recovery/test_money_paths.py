"""Money paths the named crash points did not reach: an answer lost after a refund, a second
process on the same data dir, and kills at moments nobody chose."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys

import pytest

from kiosk.journal.store import Journal
from kiosk.payment.simulator import PaymentSimulator
from tests.recovery.harness import TIMEOUT_S, final_line, killed, kiosk
from tests.recovery.money_rule import check

pytestmark = pytest.mark.slow

REFUSED_REVERSAL = ("--pay", "approve", "--operator-fault", "renewal_failed",
                    "--refuse-reversal")


def ledger(data_dir):
    return PaymentSimulator(data_dir / "payment-sim" / "ledger.sqlite").ledger()


def test_a_refund_whose_answer_was_lost_is_not_followed_by_a_reversal(tmp_path):
    """The reversal was refused (day closed), the refund went through and the kiosk died
    before journaling it. At restart the terminal would accept a reversal: recovery must
    ask about the refund it already made instead of returning the money a second time."""
    first = kiosk(tmp_path, "demo", "--headless", *REFUSED_REVERSAL,
                  crash_at="after_refund_returned")
    assert killed(first)
    second = kiosk(tmp_path, "recover")  # this process's terminal accepts reversals
    assert "return_pending -> refunded" in second.stdout, second.stdout + second.stderr
    [charge] = ledger(tmp_path)
    assert (charge["status"], len(charge["refunds"])) == ("approved", 1)
    assert check(tmp_path) == []


def test_a_reversal_whose_answer_was_lost_is_asked_about_not_refunded(tmp_path):
    first = kiosk(tmp_path, "demo", "--headless", "--operator-fault", "renewal_failed",
                  crash_at="after_reversal_returned")
    assert killed(first)
    second = kiosk(tmp_path, "recover")
    assert "return_pending -> reversed" in second.stdout
    [charge] = ledger(tmp_path)
    assert (charge["status"], charge["refunds"]) == ("reversed", [])
    assert check(tmp_path) == []


def _wait_for_line(proc: subprocess.Popen, start: str) -> str:
    """Reads the demo's output until a line starts with ``start`` (the screen it shows)."""
    for line in proc.stdout:
        if line.startswith(start):
            return line
    raise AssertionError(f"the demo ended before showing {start!r}")


def test_recover_beside_a_live_sale_refuses_and_changes_nothing(tmp_path):
    """A second process on the data dir while the customer is at the terminal: recover is
    refused (one line, exit 2); the sale's row is untouched; after the kiosk dies there,
    recovery settles it by asking the terminal."""
    env = {**os.environ, "KIOSK_DATA_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    live = subprocess.Popen([sys.executable, "-m", "kiosk.cli", "demo", "--headless",
                             "--card-wait", str(TIMEOUT_S)], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        _wait_for_line(live, "[paying]")
        beside = kiosk(tmp_path, "recover")
        export = kiosk(tmp_path, "journal", "export")
    finally:
        live.send_signal(signal.SIGKILL)
        live.wait(timeout=TIMEOUT_S)
        live.stdout.close()
    for refused in (beside, export):
        assert refused.returncode == 2
        assert refused.stderr.count("\n") == 1 and "in use by process" in refused.stderr
        assert "Traceback" not in refused.stderr
    journal = Journal(tmp_path / "journal.sqlite")
    try:
        [tx] = journal.all()
        assert tx.state == "payment_pending"  # the live sale's row, as the live kiosk left it
        assert [e["step"] for e in journal.events(tx.tx_id)][-1] == "payment.authorise"
    finally:
        journal.close()
    after = kiosk(tmp_path, "recover")
    assert "payment_pending -> cancelled" in after.stdout, after.stdout + after.stderr
    assert [c["status"] for c in ledger(tmp_path)] == ["cancelled"]
    assert check(tmp_path) == []


@pytest.mark.parametrize("seed", range(6))
def test_a_kill_at_a_random_moment_keeps_the_money_rule(tmp_path, seed):
    """SIGKILL at a random moment of a renewal (the moment depends on the seed and on how
    fast this machine is: wherever it lands, the money rule must hold after recovery)."""
    rng = random.Random(seed)
    args = rng.choice([("--pay", "approve"), REFUSED_REVERSAL,
                       ("--operator-fault", "renewal_failed"), ("--pay", "approve_then_lost")])
    env = {**os.environ, "KIOSK_DATA_DIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "kiosk.cli", "demo", "--headless", *args],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        proc.wait(timeout=rng.uniform(0.3, 1.2))
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=TIMEOUT_S)
    recovered = kiosk(tmp_path, "recover")
    assert recovered.returncode in (0, 1), recovered.stderr
    assert final_line(recovered).startswith("recovered: ")
    assert check(tmp_path) == []
