"""End-to-end tests under a real X server (Xvfb) with real input events (xdotool)."""

from __future__ import annotations

import shutil

import pytest

from tests.xsession.xserver import MISSING, XServer, have_xvfb


@pytest.fixture
def xserver():
    if not have_xvfb():
        pytest.skip(MISSING)
    server = XServer(720, 1280).start()
    yield server
    server.stop()


@pytest.fixture
def xdotool():
    if shutil.which("xdotool") is None:
        pytest.skip("xdotool is not installed (apt-get install xdotool; scripts/bootstrap.sh "
                    "does)")
    return shutil.which("xdotool")
