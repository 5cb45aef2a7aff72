"""Kivy's own log lines obey the kiosk's --log-level (it used to reset the root logger)."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.ui

SCRIPT = """
import logging
from kiosk import logs
from kiosk.ui.kivy_setup import Screen, prepare
logs.setup("{level}")
prepare(Screen(320, 480, headless=True))
import kivy.core.text  # logs its provider at info level
logging.getLogger("kiosk.probe").info("kiosk info line")
"""


@pytest.mark.parametrize("level", ["warning", "info"])
def test_kivy_and_kiosk_info_lines_follow_the_log_level(level):
    done = subprocess.run([sys.executable, "-c", SCRIPT.format(level=level)],
                          capture_output=True, text=True, timeout=120, check=True)
    info_lines = [line for line in (done.stdout + done.stderr).splitlines()
                  if '"level": "info"' in line]
    if level == "warning":
        assert info_lines == []
    else:
        assert any('"logger": "kivy"' in line for line in info_lines)
        assert any("kiosk info line" in line for line in info_lines)
