"""Stored UTC times are shown in the reader's local time, wherever they are shown."""

import time
from datetime import UTC, datetime, timedelta, timezone

import pytest

from kpidesk.i18n.times import DAY, format_local_time, local_time


@pytest.fixture
def shanghai(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_stored_time_is_shown_eight_hours_later_in_shanghai(shanghai):
    stored = datetime(2025, 10, 31, 17, 30)  # naive UTC, as the database keeps it
    assert local_time(stored) == datetime(2025, 11, 1, 1, 30)
    assert format_local_time(stored) == "2025-11-01 01:30"
    assert format_local_time(stored, DAY) == "2025-11-01", "the local day, not the UTC one"
    assert format_local_time(stored, "%H:%M") == "01:30"


def test_iso_text_and_aware_times_are_read_the_same_way(shanghai):
    assert format_local_time("2025-10-31T17:30:05") == "2025-11-01 01:30"
    aware = datetime(2025, 11, 1, 1, 30, tzinfo=timezone(timedelta(hours=8)))
    assert format_local_time(aware) == "2025-11-01 01:30"
    assert format_local_time(datetime(2025, 10, 31, 17, 30, tzinfo=UTC)) == "2025-11-01 01:30"


def test_no_time_is_an_empty_text(shanghai):
    assert format_local_time(None) == ""
    assert format_local_time("") == ""


def test_in_utc_nothing_moves(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        assert format_local_time(datetime(2025, 10, 31, 17, 30)) == "2025-10-31 17:30"
    finally:
        monkeypatch.undo()
        time.tzset()
