"""Crash matrix: kill the headless demo right after every external call of every scenario,
and kill recovery itself at every point it passes, then recover, reconcile, and print what
happened in each cell as JSON. Scenarios run on the payment simulator, on the ZVT terminal
simulator (real TCP), and on the ZVT terminal holding the money until the renewal.

    .venv/bin/python bench/crash_matrix.py [simulator|zvt|zvt_hold ...]

Each cell: the fault point (``step#N``), whether the process really died there, what
recovery did (state before -> after) and the money-rule violations found, by kind (there
must be none). The same runs are asserted by tests/recovery/test_crash_matrix.py and
tests/integration/test_zvt_recovery.py.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.recovery import zvt_rule
from tests.recovery.harness import SCENARIOS, killed, kiosk, trace
from tests.recovery.money_rule import check


@dataclass(frozen=True)
class Backend:
    config: str | None  # a demo file's text, or None: the embedded demo
    scenarios: dict[str, tuple[str, ...]]
    violations: Callable[[Path], list]


BACKENDS = {
    "simulator": Backend(None, {s.name: s.args for s in SCENARIOS}, check),
    "zvt": Backend(zvt_rule.DEMO_ZVT, zvt_rule.SCENARIOS,
                   lambda data: check(data, zvt_rule.terminal_charges(data))),
    "zvt_hold": Backend(zvt_rule.HOLDING, zvt_rule.HOLD_SCENARIOS,
                        lambda data: check(data, zvt_rule.terminal_charges(data))),
}


def _config_args(backend: Backend, folder: Path) -> tuple[str, ...]:
    if backend.config is None:
        return ()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "kiosk.toml"
    path.write_text(backend.config, encoding="utf-8")
    return ("--config", str(path))


def cell(backend: Backend, config: tuple[str, ...], args: tuple[str, ...], mark: str,
         recovery_mark: str | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix="kiosk-crash-") as tmp:
        data_dir = Path(tmp) / "data"
        crashed = killed(kiosk(data_dir, *config, "demo", "--headless", *args, crash_at=mark))
        recovery_crashed = None
        if recovery_mark:
            recovery_crashed = killed(kiosk(data_dir, *config, "recover",
                                            crash_at=recovery_mark))
        lines = kiosk(data_dir, *config, "recover").stdout.strip().splitlines()
        found = backend.violations(data_dir)
        return {
            "crashed": crashed,
            "recovery_crashed": recovery_crashed,
            "recovery": [line.split(": ", 1)[1] for line in lines[:-1]],
            "violations": [str(v) for v in found],
            "kinds": dict(Counter(v.kind for v in found)),
        }


def scenario(backend: Backend, config: tuple[str, ...], args: tuple[str, ...]) -> dict:
    with tempfile.TemporaryDirectory(prefix="kiosk-trace-") as tmp:
        marks = trace(Path(tmp) / "data", *config, "demo", "--headless", *args)
    cells = {mark: cell(backend, config, args, mark) for mark in marks}
    first = next((m for m in marks if m.startswith("after_authorise_returned")), None)
    if first:
        with tempfile.TemporaryDirectory(prefix="kiosk-trace-") as tmp:
            data_dir = Path(tmp) / "data"
            kiosk(data_dir, *config, "demo", "--headless", *args, crash_at=first)
            recovery_marks = trace(data_dir, *config, "recover")
        for mark in recovery_marks:
            cells[f"{first} then recovery at {mark}"] = cell(backend, config, args, first, mark)
    return cells


def main(names: list[str]) -> int:
    matrix: dict = {}
    with tempfile.TemporaryDirectory(prefix="kiosk-config-") as folder:
        for name in names or list(BACKENDS):
            backend = BACKENDS[name]
            config = _config_args(backend, Path(folder) / name)
            matrix[name] = {s: scenario(backend, config, args)
                            for s, args in backend.scenarios.items()}
    cells = [c for rows in matrix.values() for row in rows.values() for c in row.values()]
    kinds: Counter = Counter()
    for c in cells:
        kinds.update(c["kinds"])
    report = {
        "cells": len(cells),
        "cells_by_backend": {name: sum(len(row) for row in rows.values())
                             for name, rows in matrix.items()},
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
    raise SystemExit(main(sys.argv[1:]))
