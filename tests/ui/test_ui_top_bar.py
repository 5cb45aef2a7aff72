"""The language buttons say each language's name on one line, on the smallest panel too
(a 720 px wide portrait panel broke "Русский" into "Русски / й" and 中文简体 in two)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from kivy.core.window import Window

from kiosk.i18n import NATIVE_NAMES
from tests.ui.conftest import SIZE_VARIABLE


def test_every_language_name_fits_its_button_on_one_line(make_ui):
    ui = make_ui()
    for name in NATIVE_NAMES.values():
        button = ui.find(name)
        assert "\n" not in button.text, f"{name!r} broken as {button.text!r}"
        line = button.font_size * 1.6
        assert button.texture_size[1] <= line, f"{name!r} takes more than one line"
        assert button.texture_size[0] <= button.width, f"{name!r} wider than its button"


def test_on_a_720_pixel_wide_panel():
    if os.environ.get(SIZE_VARIABLE):
        pytest.skip("already the small panel's run")
    if Window.size == (720, 1280):
        pytest.skip("this window is the small panel")
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x",
         str(Path(__file__)), "-k", "not 720"],
        cwd=root, env={**os.environ, SIZE_VARIABLE: "720x1280"}, capture_output=True,
        text=True, timeout=900, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
