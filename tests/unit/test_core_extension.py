"""The validity end a renewal will give (kiosk.core.extension), checked by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.core.extension import days_added, extended_until

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def test_days_go_on_top_of_a_validity_that_has_not_run_out():
    assert extended_until(NOW + timedelta(days=3), NOW, 7) == NOW + timedelta(days=10)


def test_an_expired_card_counts_its_days_from_now():
    assert extended_until(NOW - timedelta(days=5), NOW, 7) == NOW + timedelta(days=7)
    assert extended_until(None, NOW, 3) == NOW + timedelta(days=3)


def test_a_pack_without_days_leaves_the_end_as_it_is():
    end = NOW + timedelta(days=2)
    assert extended_until(end, NOW, 0) == end
    assert extended_until(None, NOW, 0) is None


def test_bonus_days_count_only_with_validity():
    assert days_added(7, 2) == 9
    assert days_added(0, 2) == 0


def test_naive_times_and_negative_days_are_refused():
    with pytest.raises(ValueError):
        extended_until(None, NOW.replace(tzinfo=None), 1)
    with pytest.raises(ValueError):
        extended_until(NOW, NOW, -1)


@given(st.integers(-400, 400), st.integers(1, 400))
def test_the_new_end_is_never_before_now_plus_the_days_bought(offset, days):
    end = extended_until(NOW + timedelta(hours=offset), NOW, days)
    assert end >= NOW + timedelta(days=days)
    assert end - timedelta(days=days) == max(NOW + timedelta(hours=offset), NOW)
