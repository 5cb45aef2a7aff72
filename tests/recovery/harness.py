"""Runs the real kiosk as separate processes for the crash tests and bench/crash_matrix.py.

A scenario is a headless demo's arguments. ``trace`` runs it once and returns every fault
point it passes (``step#N``); ``crash`` runs it again and SIGKILLs it at one of them, so a
kill lands right after each external call returns, not only where somebody chose to look.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from kiosk.faults import ENV_VAR, TRACE_VAR

TIMEOUT_S = 120  # a hung process fails the test instead of hanging the run; never a measure


@dataclass(frozen=True)
class Scenario:
    name: str
    args: tuple[str, ...]


SCENARIOS = (
    Scenario("approve", ("--pay", "approve")),
    Scenario("decline", ("--pay", "decline")),
    Scenario("cancel", ("--pay", "cancel")),
    Scenario("busy", ("--pay", "busy")),
    Scenario("timeout_before_send", ("--pay", "timeout_before_send")),
    Scenario("timeout_after_send", ("--pay", "timeout_after_send")),
    Scenario("approve_then_lost", ("--pay", "approve_then_lost")),
    Scenario("renewal_failed_reversed", ("--operator-fault", "renewal_failed")),
    Scenario("renewal_failed_refunded",
             ("--operator-fault", "renewal_failed", "--refuse-reversal")),
    Scenario("renewal_answer_lost", ("--operator-fault", "drop_after,path=/v1/renewals")),
    Scenario("renewal_pending", ("--operator-fault", "renewal_pending")),
    Scenario("hold_approve", ("--hold", "--pay", "approve")),
    Scenario("hold_approve_then_lost", ("--hold", "--pay", "approve_then_lost")),
    Scenario("hold_renewal_failed_released", ("--hold", "--operator-fault", "renewal_failed")),
    Scenario("hold_renewal_answer_lost",
             ("--hold", "--operator-fault", "drop_after,path=/v1/renewals")),
)


def kiosk(data_dir: Path, *args: str, crash_at: str | None = None,
          trace: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in (ENV_VAR, TRACE_VAR)}
    env["KIOSK_DATA_DIR"] = str(data_dir)
    if crash_at:
        env[ENV_VAR] = crash_at
    if trace:
        env[TRACE_VAR] = str(trace)
    return subprocess.run([sys.executable, "-m", "kiosk.cli", *args], env=env,
                          capture_output=True, text=True, timeout=TIMEOUT_S)


def killed(proc: subprocess.CompletedProcess) -> bool:
    return proc.returncode == -signal.SIGKILL


def trace(data_dir: Path, *args: str) -> list[str]:
    """Every fault point ``args`` passes, in order, from one uninterrupted run (``recover``
    may exit 1: something went to manual review)."""
    path = data_dir.with_name(f"{data_dir.name}-{args[0]}.trace")
    proc = kiosk(data_dir, *args, trace=path)
    if proc.returncode not in ((0, 1) if args[0] == "recover" else (0,)):
        raise AssertionError(proc.stderr)
    return path.read_text().split() if path.exists() else []


def final_line(proc: subprocess.CompletedProcess) -> str:
    lines = proc.stdout.strip().splitlines()
    return lines[-1] if lines else ""
