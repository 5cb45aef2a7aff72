"""``kiosk run`` starts the kiosk a demo file describes, locked down, and stops in order."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.ui


def test_run_starts_a_demo_file_locked_down_and_stops_on_sigterm(tmp_path):
    demo = tmp_path / "kiosk.toml"
    demo.write_text('demo = true\n[kiosk]\nid = "FAIR-01"\n[ui]\norientation = "landscape"\n'
                    "width = 1280\nheight = 720\n", encoding="utf-8")
    env = {**os.environ, "KIOSK_DATA_DIR": str(tmp_path)}
    env.pop("DISPLAY", None)  # the offscreen window, as in the other UI tests, chosen
    env["SDL_VIDEODRIVER"] = "offscreen"  # by name: with no display at all, kiosk demo stops
    child = subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", "--log-level", "info", "--data-dir", str(tmp_path),
         "--config", str(demo), "run"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, env=env)
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 120  # a safety net for a hung child, not an assertion
        for line in child.stdout:
            lines.append(line)
            if "ui.collector_paced" in line or time.monotonic() > deadline:
                break
        assert any("ui.collector_paced" in line for line in lines), "".join(lines[-20:])
        child.send_signal(signal.SIGTERM)
        rest, _ = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    output = "".join(lines) + rest
    # Not the exit code: after ui.stopped the interpreter sometimes aborts in native code
    # ("terminate called without an active exception", SIGABRT), with or without a file, on
    # main's code too (kiosk demo, about 1 run in 4); that is the UI stop's defect, not run's.
    assert "Traceback" not in output
    assert '"event": "ui.stopped"' in output, output[-3000:]
    starting = next(line for line in output.splitlines() if '"event": "ui.starting"' in line)
    assert '"kiosk_mode": true' in starting and '"kiosk_id": "FAIR-01"' in starting
    assert '"width": 1280' in starting and '"height": 720' in starting
