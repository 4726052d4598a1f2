"""The import and export use cases the window and the command line call (one unit of work each), and the
one import gate both use."""

from pathlib import Path

import pytest

from kpidesk.errors import NotFound, PermissionDenied, Place
from kpidesk.services.actor import Actor, Role
from kpidesk.services.import_preview import ImportPreview, ImportProblem
from kpidesk.services.imports import use_cases as imports
from kpidesk.services.imports.registry import import_allowed
from kpidesk.store import models as m

DATA = Path(__file__).resolve().parent.parent / "data"


def _preview(*problems: ImportProblem) -> ImportPreview:
    return ImportPreview(kind="data", file="f.xlsx", sheet=None, checksum="", header_row=1, mapping={}, rows=None,
                         problems=list(problems))


def test_the_import_gate():
    in_row = ImportProblem(Place(row=4), "bad value", "value")
    whole_file = ImportProblem(Place(), "no staff column", "columns")
    note = ImportProblem(Place(row=5), "odd but fine", "note", blocking=False)
    assert import_allowed(_preview(), False)
    assert import_allowed(_preview(note), False)
    assert not import_allowed(_preview(in_row), False)
    assert import_allowed(_preview(in_row), True)  # its row is skipped
    assert not import_allowed(_preview(in_row, whole_file), True)  # no row to skip


def test_field_choices_label_fields_and_kpis(db, actor):
    with db.write() as session:
        session.add(m.RawField(code="contacts", name_zh="接待总数", name_en="Contacts", unit="count"))
        session.add(m.Kpi(code="fcr", name_zh="一次解决率", name_en="FCR", unit="percent", direction="higher",
                          formula="contacts"))
    choices, index = imports.field_choices(db, actor)
    labels = dict(choices)
    assert "contacts" in labels and "(contacts)" in labels["contacts"]
    assert index.get("接待总数") == "contacts"


def test_profiles_are_saved_and_loaded(db, actor):
    imports.save_profile(db, actor, "工单系统", "data", {"工号": "staff_no"}, sheet="Sheet1")
    loaded = imports.load_profile(db, actor, "工单系统")
    assert loaded["columns"] == {"工号": "staff_no"} and loaded["sheet"] == "Sheet1"
    with pytest.raises(NotFound):
        imports.load_profile(db, actor, "none")


def test_the_wizard_s_choices_are_read_at_once(demo_db, actor):
    imports.save_profile(demo_db, actor, "工单系统", "data", {"工号": "staff_no"})
    imports.save_profile(demo_db, actor, "员工表", "staff", {"姓名": "name"})
    choices = imports.import_choices(demo_db, actor, "data")
    assert "2025-12" in choices.periods and "2025-11" not in choices.periods  # finalized periods are not offered
    assert list(choices.profiles) == ["工单系统"] and choices.profiles["工单系统"]["columns"] == {"工号": "staff_no"}
    assert choices.fields and choices.header_index


def test_the_preview_reads_as_the_actor(db, actor):
    head = Actor(name="zhang", role=Role.HEAD, department_ids=frozenset({1}))  # a head of no department is refused
    as_admin = imports.preview_import(db, actor, DATA / "staff_with_base_pay.csv", kind="staff")
    as_head = imports.preview_import(db, head, DATA / "staff_with_base_pay.csv", kind="staff")
    assert not any("zhang" in note for note in as_admin.notes + [str(p) for p in as_admin.problems])
    assert any("zhang" in text for text in as_head.notes + [str(p) for p in as_head.problems])


def test_exports_act_as_the_actor(demo_db, actor, tmp_path):
    counts = imports.export_period(demo_db, actor, "2025-11", tmp_path / "out.xlsx")
    assert counts["rows"] > 0 and (tmp_path / "out.xlsx").exists()
    with pytest.raises(PermissionDenied):
        imports.export_period(demo_db, Actor(name="x", role=Role.EMPLOYEE), "2025-11", tmp_path / "x.xlsx")


def test_a_preview_is_written_as_the_actor(db, actor):
    preview = imports.preview_import(db, actor, DATA / "staff_list.xlsx", kind="staff")
    with pytest.raises(PermissionDenied):
        imports.apply_import(db, Actor(name="auditor", role=Role.AUDITOR), preview)
    result = imports.apply_import(db, actor, preview)
    assert result.kind == "staff" and result.counts
