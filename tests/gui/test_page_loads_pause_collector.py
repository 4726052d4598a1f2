"""The workers that load Results and Data entry make many objects at once; no full garbage collection may
start meanwhile (it would hold the interpreter lock, and with it the UI thread), and the collector runs
again afterwards."""

from __future__ import annotations

import gc

import pytest


class Seen(Exception):
    pass


def _recording(seen: list[bool]):
    def service(*_args, **_kwargs):
        seen.append(gc.isenabled())
        raise Seen

    return service


@pytest.mark.parametrize("where, service, load", [
    ("kpidesk.services.appraisal.use_cases", "period_results", "kpidesk.ui.pages.results.data:load_results"),
    ("kpidesk.services.appraisal.use_cases", "entry_sheet", "kpidesk.ui.pages.data_entry.model:load_entry_sheet"),
    ("kpidesk.services.appraisal.use_cases", "period_scores",
     "kpidesk.ui.pages.data_entry.computed:compute_grid_scores"),
])
def test_a_page_load_runs_with_the_collector_paused(monkeypatch, where, service, load):
    import importlib

    module_name, _sep, function = load.partition(":")
    monkeypatch.setattr(importlib.import_module(where), service, _recording(seen := []))
    assert gc.isenabled()
    with pytest.raises(Seen):
        getattr(importlib.import_module(module_name), function)(None, None, "2025-12")
    assert seen == [False]
    assert gc.isenabled()
