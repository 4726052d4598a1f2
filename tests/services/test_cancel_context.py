"""``cancelled_by`` lets a read deep in the services stop once its caller's token is cancelled; outside the
block, in another thread or after it ends, nothing is cancelled."""

from __future__ import annotations

import threading

import pytest

from kpidesk.errors import Cancelled
from kpidesk.services.progress import CancelToken, cancelled_by, check_cancelled


def test_outside_any_block_nothing_is_cancelled():
    check_cancelled()  # returns: no token to check


def test_inside_the_block_a_cancelled_token_stops_the_work():
    token = CancelToken()
    with cancelled_by(token):
        check_cancelled()
        token.cancel()
        with pytest.raises(Cancelled):
            check_cancelled()
    check_cancelled()  # the block is over


def test_an_inner_block_gives_way_to_the_outer_one_when_it_ends():
    outer, inner = CancelToken(), CancelToken()
    outer.cancel()
    with cancelled_by(outer):
        with cancelled_by(inner):
            check_cancelled()  # the inner token counts here
        with pytest.raises(Cancelled):
            check_cancelled()


def test_another_thread_does_not_see_the_token():
    token = CancelToken()
    token.cancel()
    outcome: list[str] = []

    def elsewhere() -> None:
        try:
            check_cancelled()
            outcome.append("went on")
        except Cancelled:
            outcome.append("cancelled")

    with cancelled_by(token):
        thread = threading.Thread(target=elsewhere)
        thread.start()
        thread.join()
    assert outcome == ["went on"]


def test_only_the_latest_token_of_a_series_stays_uncancelled():
    from kpidesk.services.progress import LatestOnly

    series = LatestOnly()
    first = series.next_token()
    assert not first.cancelled
    second = series.next_token()
    assert first.cancelled and not second.cancelled
    third = series.next_token()
    assert second.cancelled and not third.cancelled


def test_a_cancelled_entry_sheet_stops_before_its_roster_is_read(demo_db, actor, monkeypatch):
    """The data-entry grid of a period the person has moved past stops after its values, the longest read,
    instead of going on to read the roster it no longer needs."""
    from kpidesk.services.appraisal import measurements

    token = CancelToken()
    read_values = measurements._entry_values
    rosters: list[str] = []

    def values_then_cancel(*args, **kwargs):
        values = read_values(*args, **kwargs)
        token.cancel()
        return values

    monkeypatch.setattr(measurements, "_entry_values", values_then_cancel)
    monkeypatch.setattr(measurements, "appraisal_roster", lambda _session, code: rosters.append(code) or [])
    with demo_db.session() as session, cancelled_by(token), pytest.raises(Cancelled):
        measurements.entry_sheet(session, actor, "2025-12")
    assert rosters == []
