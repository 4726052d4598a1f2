"""Period export: workbook layout, CSV with BOM, formula neutralising."""

import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from kpidesk.errors import ValidationError
from kpidesk.services.actor import Actor
from kpidesk.services.imports.exporting import export_period
from kpidesk.store import models as m

ADMIN = Actor("admin")  # an administrator: every right, audited by name


@pytest.fixture
def period_db(db):
    with db.write() as session:
        session.add(m.RawField(code="contacts", name_zh="接待总数", name_en="Contacts", unit="count"))
        session.add(m.RawField(code="aht", name_zh="平均处理时长", name_en="AHT", unit="duration"))
        session.add(m.Kpi(code="csat", name_zh="客户满意度", name_en="CSAT", unit="percent", direction="higher"))
        top = m.Department(name="客户关怀部")
        session.add(top)
        session.flush()
        team = m.Department(name="一组", parent_id=top.id)
        other = m.Department(name="=HYPERLINK(\"x\")")
        session.add_all([team, other])
        session.flush()
        period = m.PeriodRecord(code="2025-03", kind="month", starts_on=dt.date(2025, 3, 1),
                                ends_on=dt.date(2025, 3, 31), status="finalized")
        session.add(period)
        people = [m.Employee(staff_no="CS001", name="王芳", department_id=team.id),
                  m.Employee(staff_no="CS002", name="@张伟", department_id=top.id),
                  m.Employee(staff_no="CS003", name="刘洋", department_id=other.id)]
        session.add_all(people)
        session.flush()
        scale = m.GradeScale(name="default", is_default=True)
        scale.bands = [m.GradeBand(code="excellent", label_zh="优秀", label_en="Excellent", lower_bound=Decimal(95)),
                       m.GradeBand(code="fair", label_zh="一般", label_en="Fair", lower_bound=Decimal(70))]
        session.add(scale)
        for person, total, grade in zip(people, ("96.5", "72", "80"), ("excellent", "fair", "fair"), strict=True):
            session.add(m.Measurement(employee_id=person.id, period_id=period.id, field_code="contacts",
                                      value=Decimal(400)))
            session.add(m.Measurement(employee_id=person.id, period_id=period.id, field_code="aht",
                                      value=Decimal(252)))
            session.add(m.Measurement(employee_id=person.id, period_id=period.id, field_code="csat",
                                      value=Decimal("93.5")))
            session.add(m.Result(period_id=period.id, employee_id=person.id, department_id=person.department_id,
                                 total=Decimal(total), grade_code=grade, quantitative=Decimal(total)))
    return db


def test_period_workbook(period_db, tmp_path):
    out = tmp_path / "results.xlsx"
    with period_db.session() as session:
        counts = export_period(session, "2025-03", out, actor=ADMIN)
    assert counts == {"rows": 3, "sheets": 4}
    book = load_workbook(out)
    assert book.sheetnames == ["Summary", '=HYPERLINK("x")', "客户关怀部", "Raw data"]
    department = book["客户关怀部"]
    assert department.freeze_panes == "C2"
    assert [c.value for c in department[1]][:4] == ["Staff no", "Name", "Department", "Team"]
    assert department["A2"].value == "CS001" and department["B3"].value == "'@张伟"
    total_column = [c.value for c in department[1]].index("Total") + 1
    assert department.cell(row=2, column=total_column).number_format == "0.00"
    grade_column = [c.value for c in department[1]].index("Grade") + 1
    assert department.cell(row=2, column=grade_column).value == "Excellent"
    assert department.cell(row=2, column=grade_column).fill.fgColor.rgb.endswith("C6EFCE")
    raw = book["Raw data"]
    headers = [c.value for c in raw[1]]
    assert headers == ["Staff no", "Name", "Department", "Team", "Contacts (count)", "AHT (s)", "CSAT (%)"]
    assert raw["G2"].value == pytest.approx(0.935) and raw["G2"].number_format == "0.00%"
    assert raw["F2"].number_format == "[h]:mm:ss"
    summary = book["Summary"]
    assert summary["A1"].value == "Results 2025-03"


def test_period_csv_has_bom(period_db, tmp_path):
    out = tmp_path / "results.csv"
    with period_db.session() as session:
        export_period(session, "2025-03", out, actor=ADMIN)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Staff no,Name,Department,Team")
    assert lines[2].startswith("CS002,'@张伟,客户关怀部,")


def test_export_rejects_other_formats(period_db, tmp_path):
    with period_db.session() as session, pytest.raises(ValidationError):
        export_period(session, "2025-03", tmp_path / "x.pdf", actor=ADMIN)


def test_chinese_headers(period_db, tmp_path):
    from kpidesk.i18n import set_language

    set_language("zh_CN")
    out = tmp_path / "results.xlsx"
    with period_db.session() as session:
        export_period(session, "2025-03", out, actor=ADMIN)
    raw = load_workbook(out).worksheets[-1]
    assert [c.value for c in raw[1]][4:] == ["接待总数（次）", "平均处理时长（秒）", "客户满意度（%）"]
