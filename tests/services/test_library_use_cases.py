"""The library use cases the window and the command line call, as the actor given."""

import pytest

from kpidesk.errors import PermissionDenied
from kpidesk.services.actor import Actor, Role
from kpidesk.services.library import use_cases as library


def test_install_starter_and_kpi_labels(db, actor):
    counts = library.install_starter(db, actor, "customer-service")
    assert counts["kpis"] > 0
    labels = library.kpi_labels(db, actor)
    assert len(labels) >= counts["kpis"] and all(label.name for label in labels.values())


def test_the_library_is_read_as_the_actor(db, monkeypatch):
    from kpidesk.services.safety import access

    monkeypatch.setitem(access.ROLE_PERMISSIONS, Role.AUDITOR, frozenset())
    with pytest.raises(PermissionDenied):
        library.kpi_labels(db, Actor(name="auditor", role=Role.AUDITOR))
