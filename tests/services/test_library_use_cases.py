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


AUDITOR = Actor(name="auditor", role=Role.AUDITOR)


def test_the_template_library_and_versions_through_use_cases(starter_db, actor):
    from dataclasses import replace

    read = library.template_library(starter_db, actor)
    assert read.templates and read.kpis and read.fields and sum(read.shares) == 100
    detail = library.template_detail(starter_db, actor, read.templates[0].id)
    data = detail.as_input()
    with pytest.raises(PermissionDenied):
        library.save_template(starter_db, AUDITOR, detail.id, data)
    a, b = data.items[0], data.items[1]
    changed = replace(data, items=(replace(a, weight=a.weight + 5), replace(b, weight=b.weight - 5), *data.items[2:]))
    second = library.save_template(starter_db, actor, detail.id, changed)
    third = library.save_current_template_version(starter_db, actor, detail.key, data)  # undo: back as version 3
    assert library.template_detail(starter_db, actor, third).version == 3 and second != third
    assert library.template_detail(starter_db, actor, third).items[0].weight == a.weight
    copy = library.duplicate_template(starter_db, actor, third)
    assert library.template_detail(starter_db, actor, copy).key != detail.key
    assert len(library.template_library(starter_db, actor, include_old=True).templates) > len(read.templates) + 1


def test_saving_a_kpi_is_checked_and_written_as_the_actor(starter_db, actor):
    from kpidesk.services.library.kpis import KpiInput

    data = KpiInput(code="callback_rate", name_zh="回访率", name_en="Callback rate", formula="contacts")
    with pytest.raises(PermissionDenied):
        library.save_kpi(starter_db, AUDITOR, data)
    kpi_id = library.save_kpi(starter_db, actor, data)
    assert library.kpi_labels(starter_db, actor)["callback_rate"].name == "Callback rate"
    assert library.save_kpi(starter_db, actor, data, kpi_id) == kpi_id


def test_a_version_of_a_template_that_is_gone_is_refused(starter_db, actor):
    from kpidesk.errors import NotFound

    detail = library.template_detail(starter_db, actor, library.template_library(starter_db, actor).templates[0].id)
    with pytest.raises(NotFound):
        library.save_current_template_version(starter_db, actor, "no-such-template", detail.as_input())
