"""The kiosk UI stops in order on Ctrl-C and on systemd's SIGTERM: no traceback, exit 0."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.ui


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_the_demo_cleanly(tmp_path, signum):
    env = {**os.environ, "KIOSK_DATA_DIR": str(tmp_path)}
    env.pop("DISPLAY", None)  # the offscreen window, as in the other UI tests
    child = subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", "--log-level", "info", "--data-dir", str(tmp_path),
         "demo"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 120
        for line in child.stdout:  # up once the collector is paced, a second after start
            lines.append(line)
            if "ui.collector_paced" in line or time.monotonic() > deadline:
                break
        assert any("ui.collector_paced" in line for line in lines), "".join(lines[-20:])
        child.send_signal(signum)
        rest, _ = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    output = "".join(lines) + rest
    assert child.returncode == 0, output[-3000:]
    assert "Traceback" not in output
    assert f'"signal": "{signum.name}"' in output and '"event": "ui.stopped"' in output
    assert '"state": "stopped"' in output  # the camera was closed on the way out
