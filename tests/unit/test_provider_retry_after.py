"""Retry-After as the operator may send it: delay-seconds, an HTTP date, or anything at all."""

import math
from email.utils import formatdate

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.provider.retry_after import retry_after_s

NOW = 1_772_614_800.0  # 2026-03-04 09:00 UTC


@pytest.mark.parametrize(("value", "seconds"), [
    ("0", 0.0),
    ("3", 3.0),
    (" 120 ", 120.0),
    (formatdate(NOW + 30, usegmt=True), 30.0),
    ("Wed, 04 Mar 2026 09:00:45 GMT", 45.0),
    ("Wed, 04 Mar 2026 08:00:00 GMT", 0.0),  # already past: no wait
    ("9" * 5000, math.inf),  # too far to mean anything: the deadline turns it down
    (None, None),
    ("", None),
    ("-5", None),
    ("1.5", None),
    ("soon", None),
    ("\u0663", None),  # an Arabic-Indic three: a digit to str.isdigit, not to HTTP
    ("Wed, 04 Mar 99999 09:00:45 GMT", None),
])
def test_retry_after(value, seconds):
    assert retry_after_s(value, NOW) == seconds


@given(st.text(max_size=80))
def test_any_text_is_a_wait_or_nothing(value):
    wait = retry_after_s(value, NOW)
    assert wait is None or wait >= 0


@given(st.integers(0, 10**9 - 1))  # ten digits and more: infinite
def test_delay_seconds_are_read_as_they_are(seconds):
    assert retry_after_s(str(seconds), NOW) == seconds


@given(st.integers(0, 10**8))
def test_an_http_date_is_the_time_left_until_it(seconds):
    assert retry_after_s(formatdate(NOW + seconds, usegmt=True), NOW) == seconds
