"""Crash matrix: kill the headless demo at every fault point with every payment outcome,
recover, reconcile, and print what happened in each cell as JSON.

    .venv/bin/python bench/crash_matrix.py

Each cell: whether the process really died there, what recovery did to the transaction
(state before -> after), and the money-rule problems found (must be none). The same runs
are asserted by tests/recovery/test_crash_matrix.py; this prints them for people.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from kiosk.faults import STEPS
from kiosk.payment.simulator import Script

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.recovery.money_rule import check


def kiosk(data_dir: Path, *args: str, crash_at: str | None = None):
    env = {k: v for k, v in os.environ.items() if k != "KIOSK_CRASH_AT"}
    env["KIOSK_DATA_DIR"] = str(data_dir)
    if crash_at:
        env["KIOSK_CRASH_AT"] = crash_at
    return subprocess.run([sys.executable, "-m", "kiosk.cli", *args], env=env,
                          capture_output=True, text=True, timeout=120)


def cell(step: str, outcome: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="kiosk-crash-") as tmp:
        data_dir = Path(tmp)
        extra = ["--operator-fault", "renewal_failed"] if step == "after_reversal_intent" else []
        run = kiosk(data_dir, "demo", "--headless", "--pay", outcome, *extra, crash_at=step)
        crashed = run.returncode == -signal.SIGKILL
        final = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
        recovered = kiosk(data_dir, "recover").stdout.strip().splitlines()
        return {
            "crashed": crashed,
            "first_run": None if crashed else final,
            "recovery": [line.split(": ", 1)[1] for line in recovered[:-1]],
            "problems": check(data_dir),
        }


def main() -> int:
    matrix = {step: {o.value: cell(step, o.value) for o in Script} for step in STEPS}
    cells = [c for row in matrix.values() for c in row.values()]
    report = {
        "cells": len(cells),
        "crashed": sum(c["crashed"] for c in cells),
        "cells_with_problems": sum(bool(c["problems"]) for c in cells),
        "matrix": matrix,
    }
    json.dump(report, sys.stdout, indent=1)
    print()
    return 1 if report["cells_with_problems"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
