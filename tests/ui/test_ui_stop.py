"""The kiosk UI stops in order on Ctrl-C and on systemd's SIGTERM: no traceback, exit 0, both
once it is up and while it is still starting. Every wait is on a line the kiosk logs; the
timeouts are bounds against a hang (generous: other work may share the machine), never what
the test measures."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

pytestmark = pytest.mark.ui

HANG_BOUND_S = 300


def start_demo(tmp_path) -> subprocess.Popen:
    env = {**os.environ, "KIOSK_DATA_DIR": str(tmp_path)}
    env.pop("DISPLAY", None)  # the offscreen window, as in the other UI tests, chosen
    env["SDL_VIDEODRIVER"] = "offscreen"  # by name: with no display at all, kiosk demo stops
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", "--log-level", "info", "--data-dir", str(tmp_path),
         "demo"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)


def signal_after(child: subprocess.Popen, marker: str, signum: int) -> str:
    """Read the log until ``marker``, send ``signum``, return everything it wrote."""
    lines: list[str] = []
    try:
        for line in child.stdout:
            lines.append(line)
            if marker in line:
                break
        assert any(marker in line for line in lines), "".join(lines[-20:])
        child.send_signal(signum)
        rest, _ = child.communicate(timeout=HANG_BOUND_S)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    return "".join(lines) + rest


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_the_demo_cleanly(tmp_path, signum):
    # up once the collector is paced, a second after the first screen
    child = start_demo(tmp_path)
    output = signal_after(child, "ui.collector_paced", signum)
    assert child.returncode == 0, output[-3000:]
    assert "Traceback" not in output, output[-3000:]
    assert f'"signal": "{signum.name}"' in output and '"event": "ui.stopped"' in output
    assert '"state": "stopped"' in output  # the camera was closed on the way out


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_starting_stops_the_demo_cleanly(tmp_path, signum):
    """Sent while the adapters are being built: before the fix SIGTERM killed the process
    there (exit -15, nothing closed) and Ctrl-C left a KeyboardInterrupt traceback."""
    child = start_demo(tmp_path)
    output = signal_after(child, '"event": "sim.listening"', signum)
    assert child.returncode == 0, output[-3000:]
    assert "Traceback" not in output, output[-3000:]
    assert f'"signal": "{signum.name}"' in output and '"event": "ui.stopped"' in output
