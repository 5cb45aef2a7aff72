"""Crash matrix: kill the headless demo right after every external call of every scenario,
and kill recovery itself at every point it passes, then recover, reconcile, and print what
happened in each cell as JSON.

    .venv/bin/python bench/crash_matrix.py

Each cell: the fault point (``step#N``), whether the process really died there, what
recovery did (state before -> after) and the money-rule violations found, by kind (there
must be none). The same runs are asserted by tests/recovery/test_crash_matrix.py.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.recovery.harness import SCENARIOS, killed, kiosk, trace
from tests.recovery.money_rule import check


def cell(args: tuple[str, ...], mark: str, recovery_mark: str | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix="kiosk-crash-") as tmp:
        data_dir = Path(tmp) / "data"
        crashed = killed(kiosk(data_dir, "demo", "--headless", *args, crash_at=mark))
        recovery_crashed = None
        if recovery_mark:
            recovery_crashed = killed(kiosk(data_dir, "recover", crash_at=recovery_mark))
        lines = kiosk(data_dir, "recover").stdout.strip().splitlines()
        found = check(data_dir)
        return {
            "crashed": crashed,
            "recovery_crashed": recovery_crashed,
            "recovery": [line.split(": ", 1)[1] for line in lines[:-1]],
            "violations": [str(v) for v in found],
            "kinds": dict(Counter(v.kind for v in found)),
        }


def scenario(s) -> dict:
    with tempfile.TemporaryDirectory(prefix="kiosk-trace-") as tmp:
        marks = trace(Path(tmp) / "data", "demo", "--headless", *s.args)
    cells = {mark: cell(s.args, mark) for mark in marks}
    first = next((m for m in marks if m.startswith("after_authorise_returned")), None)
    if first:
        with tempfile.TemporaryDirectory(prefix="kiosk-trace-") as tmp:
            data_dir = Path(tmp) / "data"
            kiosk(data_dir, "demo", "--headless", *s.args, crash_at=first)
            recovery_marks = trace(data_dir, "recover")
        for mark in recovery_marks:
            cells[f"{first} then recovery at {mark}"] = cell(s.args, first, mark)
    return cells


def main() -> int:
    matrix = {s.name: scenario(s) for s in SCENARIOS}
    cells = [c for row in matrix.values() for c in row.values()]
    kinds: Counter = Counter()
    for c in cells:
        kinds.update(c["kinds"])
    report = {
        "cells": len(cells),
        "crashed": sum(c["crashed"] for c in cells),
        "recovery_crashed": sum(bool(c["recovery_crashed"]) for c in cells),
        "cells_with_violations": sum(bool(c["violations"]) for c in cells),
        "violations_by_kind": dict(kinds),
        "matrix": matrix,
    }
    json.dump(report, sys.stdout, indent=1)
    print()
    return 1 if report["cells_with_violations"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
