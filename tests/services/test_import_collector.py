"""An import runs with the cyclic garbage collector waiting, and leaves it as it found it, even when the
file is refused."""

from __future__ import annotations

import gc

import pytest

from kpidesk.errors import ValidationError
from kpidesk.services.actor import Actor
from kpidesk.services.collector import collector_paused
from kpidesk.services.imports import data, registry

ADMIN = Actor("admin")


def test_the_collector_waits_during_a_preview_and_runs_again_after_a_refusal(db, tmp_path, monkeypatch):
    seen = []

    def refuse(*_args, **_kwargs):
        seen.append(gc.isenabled())
        raise ValidationError("refused")

    monkeypatch.setattr(data, "preview_data_import", refuse)
    assert gc.isenabled()
    with db.session() as session, pytest.raises(ValidationError):
        registry.preview_import(session, tmp_path / "x.csv", actor=ADMIN)
    assert seen == [False]
    assert gc.isenabled()


def test_nested_pauses_resume_the_collector_only_when_the_last_one_ends():
    assert gc.isenabled()
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
