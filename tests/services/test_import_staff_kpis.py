"""Staff list and KPI table imports."""

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from kpidesk.services.actor import Actor
from kpidesk.services.imports.kpis import formula_from_text, normalise_formula_text
from kpidesk.services.imports.registry import apply_import, preview_import
from kpidesk.services.people.staff import list_employees
from kpidesk.store import models as m

ADMIN = Actor("admin")  # an administrator: every right, audited by name

DATA = Path(__file__).resolve().parent.parent / "data"


def preview(db, path, **kw):
    with db.session() as session:
        return preview_import(session, path, **{"actor": ADMIN, **kw})


def test_staff_list_creates_departments_teams_and_managers(db, actor):
    p = preview(db, DATA / "staff_list.xlsx", kind="staff")
    assert p.counts["new"] == 8
    assert p.extra["new_departments"] == ["客户关怀部", "客户关怀部/一组", "客户关怀部/二组"]
    assert p.extra["new_positions"] == sorted(["客服代表", "客户关系主管", "投诉专员"])
    assert [(pr.row, pr.blocking) for pr in p.problems] == [(8, False), (9, False)]  # 周杰 is not in the list
    assert "周杰" in p.problems[0].message
    result = apply_import(db, actor, p)
    assert result.counts["added"] == 8
    with db.session() as session:
        people = {e.staff_no: e for e in list_employees(session)}
        audit_actions = session.execute(select(m.AuditEntry.action)).scalars().all()
    assert people["CS001"].department == "一组" and people["CS001"].top_department == "客户关怀部"
    assert people["CS001"].manager == "李强"
    assert people["CS007"].manager is None
    assert str(people["CS004"].hire_date) == "2023-02-20"
    assert audit_actions.count("import.staff") == 1


def test_staff_reimport_is_stable_and_totals_line_is_not_a_person(db, actor):
    apply_import(db, actor, preview(db, DATA / "staff_list.xlsx", kind="staff"))
    again = apply_import(db, actor, preview(db, DATA / "staff_list.xlsx", kind="staff"))
    assert again.counts["unchanged"] == 8 and again.counts["transferred"] == 0
    p = preview(db, DATA / "staff_oddities.xls", kind="staff")
    assert [(s.row, s.reason) for s in p.skipped_lines] == [(9, "totals")]
    assert p.rows["staff_no"].tolist() == ["CS001", "1002", "CS007"]
    result = apply_import(db, actor, p)
    assert result.counts == {"added": 1, "updated": 0, "transferred": 0, "left": 0, "unchanged": 2}


def test_staff_problems(db, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    for row in (["工号", "姓名", "入职日期"], ["A1", "甲", "2021-02-30"], ["A1", "乙", None], [None, "丙", None]):
        book.active.append(row)
    book.save(tmp_path / "s.xlsx")
    p = preview(db, tmp_path / "s.xlsx", kind="staff")
    assert [(pr.row, pr.code) for pr in p.problems] == [(2, "bad_date"), (3, "duplicate"), (4, "missing_staff")]
    assert p.blocked


@pytest.mark.parametrize("text, expected", [
    ("一次解决数÷接待总数×100%", "一次解决数÷接待总数×100"),
    ("实际完成÷计划×100％", "实际完成÷计划×100"),
    ("a×50%", "a×(50/100)"),
])
def test_formula_text_normalising(text, expected):
    assert normalise_formula_text(text) == expected


def test_formula_names_become_field_codes_or_the_kpi_is_entered_directly():
    index = {"一次解决数": "first_contact_resolved", "接待总数": "contacts"}
    assert formula_from_text("一次解决数÷接待总数×100%", index) == "first_contact_resolved / contacts * 100"
    assert formula_from_text("(一次解决数−接待总数)÷接待总数", index) == "(first_contact_resolved - contacts) / contacts"
    assert formula_from_text("满意度调查平均分×20", index) is None
    assert formula_from_text("__import__('os')", index) is None
    assert formula_from_text(None, index) is None


def test_kpi_table_import_with_template(starter_db, actor):
    p = preview(starter_db, DATA / "hr_kpi_table.xlsx", kind="kpis")
    assert [(s.row, s.reason) for s in p.skipped_lines] == [(10, "totals"), (11, "notes")]
    rows = p.rows.set_index("name")
    assert rows.at["一次解决率", "formula"] == "first_contact_resolved / contacts * 100"
    assert rows.at["投诉处理关闭率", "formula"] == "complaints_closed_in_time / complaints * 100"
    assert rows.at["平均响应时长", "direction"] == "lower"
    assert rows.at["平均响应时长", "unit"] == "duration"
    assert rows.at["净推荐值", "period_kind"] == "quarter"
    assert rows.at["培训计划完成率", "perspective"] == "growth"
    assert p.extra["weights_total"] == 100
    assert any("满意度调查平均分×20" in note for note in p.notes)
    result = apply_import(starter_db, actor, p, position="客服代表")
    assert result.counts["template_items"] == 7
    with starter_db.session() as session:
        response = session.execute(select(m.Kpi).where(m.Kpi.name_zh == "平均响应时长")).scalar()
        csat = session.execute(select(m.Kpi).where(m.Kpi.code == "csat")).scalar()
        position = session.execute(select(m.Position).where(m.Position.name == "客服代表")).scalar()
        templates = session.execute(select(m.Template).where(m.Template.position_id == position.id)
                                    .order_by(m.Template.version)).scalars().all()
        weights = [item.weight for item in templates[-1].items]
    assert (response.baseline, response.target, response.challenge) == (Decimal("90"), Decimal("60"), Decimal("30"))
    assert response.formula is None
    assert csat.formula is None and "满意度调查平均分×20" in csat.definition
    assert [t.is_current for t in templates] == [False, True]
    assert sum(weights) == Decimal(100)
