"""Fixtures the unit tests share."""

import pytest

from kiosk.journal.store import Journal
from tests.fakes import NOW


@pytest.fixture
def journal(tmp_path):
    """A real journal file on a fixed clock."""
    j = Journal(tmp_path / "journal.sqlite", now=lambda: NOW)
    yield j
    j.close()
