"""Importing performance data: exact stored values, the preview's problems, idempotence, and that a
failed or cancelled import leaves the database exactly as it was."""

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select
from tests_support.dbs import all_rows

from kpidesk.errors import Cancelled, LockedPeriodError, ValidationError
from kpidesk.services.actor import Actor
from kpidesk.services.imports.exporting import export_import_template
from kpidesk.services.imports.registry import apply_import, load_profile, preview_import, save_profile
from kpidesk.services.progress import CancelToken
from kpidesk.services.safety import audit
from kpidesk.store import models as m

ADMIN = Actor("admin")  # an administrator: every right, audited by name

DATA = Path(__file__).resolve().parent.parent / "data"

FIELDS = [  # code, name_zh, name_en, unit
    ("contacts", "接待总数", "Contacts", "count"),
    ("first_contact_resolved", "一次解决数", "Resolved first time", "count"),
    ("response_time", "平均响应时长", "Response time", "duration"),
    ("handle_time", "平均处理时长", "Handle time", "duration"),
    ("complaints", "投诉数", "Complaints", "count"),
    ("satisfaction", "满意度", "Satisfaction", "percent"),
    ("training_cost", "培训费用", "Training cost", "currency"),
    ("nps_score", "净推荐值", "NPS", "number"),
]
STAFF = ["CS001", "CS002", "CS003", "CS004", "CS005", "CS006"]


@pytest.fixture
def seeded(db):
    with db.write() as session:
        for code, zh, en, unit in FIELDS:
            session.add(m.RawField(code=code, name_zh=zh, name_en=en, unit=unit))
        session.add(m.Kpi(code="fcr", name_zh="一次解决率", name_en="FCR", unit="percent", direction="higher",
                          formula="first_contact_resolved / contacts * 100"))
        position = m.Position(name="客服代表")
        session.add(position)
        session.flush()
        for i, staff_no in enumerate(STAFF):
            session.add(m.Employee(staff_no=staff_no, name=f"员工{i}", position_id=position.id))
        for code, kind, start, end, status in [
            ("2025-03", "month", dt.date(2025, 3, 1), dt.date(2025, 3, 31), "open"),
            ("2025-Q1", "quarter", dt.date(2025, 1, 1), dt.date(2025, 3, 31), "open"),
            ("2025-10", "month", dt.date(2025, 10, 1), dt.date(2025, 10, 31), "open"),
            ("2025-09", "month", dt.date(2025, 9, 1), dt.date(2025, 9, 30), "finalized"),
        ]:
            session.add(m.PeriodRecord(code=code, kind=kind, starts_on=start, ends_on=end, status=status))
        template = m.Template(key="csr", name_zh="客服代表考核表", name_en="CSR", position_id=position.id)
        session.add(template)
        session.flush()
        kpi_id = session.execute(select(m.Kpi.id).where(m.Kpi.code == "fcr")).scalar()
        template.items.append(m.TemplateItem(kpi_id=kpi_id, weight=Decimal(100)))
    return db


def content(db) -> dict:
    """Every row of every table, to compare database content before and after."""
    return all_rows(db)


def stored(db, period="2025-10") -> dict:
    with db.session() as session:
        rows = session.execute(
            select(m.Employee.staff_no, m.Measurement.field_code, m.Measurement.value)
            .join(m.Employee, m.Employee.id == m.Measurement.employee_id)
            .join(m.PeriodRecord, m.PeriodRecord.id == m.Measurement.period_id)
            .where(m.PeriodRecord.code == period)
        ).all()
    return {(s, f): v for s, f, v in rows}


def preview(db, path, **kw):
    with db.session() as session:
        return preview_import(session, path, **{"actor": ADMIN, **kw})


def test_ticket_export_values_and_provenance(seeded, actor):
    result = apply_import(seeded, actor, preview(seeded, DATA / "ticket_export_2025-10.xlsx", period="2025-10"))
    assert result.counts["inserted"] == 6 * 6
    values = stored(seeded)
    assert values[("CS001", "contacts")] == Decimal("462")
    assert values[("CS001", "response_time")] == Decimal("112")  # 1分52秒
    assert values[("CS001", "handle_time")] == Decimal("204")  # 3.4分钟
    assert values[("CS004", "response_time")] == Decimal("65")
    assert values[("CS006", "response_time")] == Decimal("120")  # 2.0分钟
    assert values[("CS001", "satisfaction")] == Decimal("96.8")
    assert values[("CS004", "satisfaction")] == Decimal("91.1")  # 0.911
    assert values[("CS006", "complaints")] == Decimal("5")
    with seeded.session() as session:
        row = session.execute(select(m.Measurement).where(m.Measurement.field_code == "contacts")
                              .order_by(m.Measurement.source_row)).scalars().first()
        entries = session.execute(select(m.AuditEntry).where(m.AuditEntry.action == "import.data")).scalars().all()
    assert (row.source_file, row.source_sheet, row.source_row) == ("ticket_export_2025-10.xlsx", "坐席绩效", 5)
    assert len(row.source_checksum) == 64
    assert len(entries) == 1 and entries[0].new["counts"]["inserted"] == 36
    assert entries[0].new["checksum"] == row.source_checksum


def test_reimport_changes_nothing(seeded, actor):
    apply_import(seeded, actor, preview(seeded, DATA / "ticket_export_2025-10.xlsx", period="2025-10"))
    before = content(seeded)
    again = preview(seeded, DATA / "ticket_export_2025-10.xlsx", period="2025-10")
    assert again.counts["unchanged"] == 36 and again.counts["new"] == 0
    result = apply_import(seeded, actor, again)
    assert result.counts["inserted"] == result.counts["updated"] == 0
    after = content(seeded)
    for name in ("audit_log", "settings"):  # the second import's one audit entry (and the chain head)
        after.pop(name), before.pop(name)
    assert after == before


def test_gbk_survey_blank_scores_are_not_written(seeded, actor):
    with seeded.write() as session:
        session.add(m.RawField(code="survey", name_zh="满意度评分", name_en="Survey", unit="score"))
    result = apply_import(seeded, actor, preview(seeded, DATA / "survey_2025-10_gbk.csv", period="2025-10"))
    values = stored(seeded)
    assert values[("CS001", "survey")] == Decimal("4.2")  # "4.2分"
    assert values[("CS003", "survey")] == Decimal("4.59")
    assert ("CS002", "survey") not in values  # blank, not 0
    assert result.counts["inserted"] == 4


def test_long_form_every_oddity(seeded, actor):
    p = preview(seeded, DATA / "oddities.xlsx", sheet="长表")
    assert p.extra["long_form"] is True
    assert p.problems == []
    assert [(s.row, s.reason) for s in p.skipped_lines] == [(15, "totals")]
    apply_import(seeded, actor, p)
    march = stored(seeded, "2025-03")
    assert march == {
        ("CS001", "satisfaction"): Decimal("93"),
        ("CS001", "handle_time"): Decimal("5400"),
        ("CS002", "satisfaction"): Decimal("91.2"),
        ("CS002", "handle_time"): Decimal("7200"),
        ("CS002", "training_cost"): Decimal("1200.5"),
        ("CS003", "satisfaction"): Decimal("93"),
        ("CS003", "training_cost"): Decimal("1200"),
    }
    assert stored(seeded, "2025-Q1") == {("CS001", "nps_score"): Decimal("45")}


def test_wide_oddities_problems_are_listed_with_places(seeded):
    p = preview(seeded, DATA / "oddities.xlsx",
                overrides={"满意度/得分": "satisfaction", "平均处理时长(分钟)": "handle_time"})
    assert [str(pr) for pr in p.problems] == [
        "oddities.xlsx, 十月数据, row 13, column D (满意度/得分): “abc” is not a number",
        "oddities.xlsx, 十月数据, row 13, column F (平均处理时长(分钟)): “-3分钟” is negative, which is impossible here",
    ]
    values = p.rows.set_index(["row", "field_code"])["value"]
    assert values[(8, "handle_time")] == 240  # 4 in a (分钟) column
    assert values[(9, "handle_time")] == 252
    assert values[(8, "training_cost")] == 1200
    assert p.notes == ["column 内部编码 is hidden and was not imported"]


def _sheet(tmp_path, rows, name="data.xlsx"):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def test_validation_problems(seeded, tmp_path):
    path = _sheet(tmp_path, [
        ["工号", "考核周期", "指标", "数值"],
        ["CS001", "2025-10", "满意度", "93%"],
        ["CS999", "2025-10", "满意度", "90%"],
        ["CS002", "2025-10", "响应速度", "1"],
        ["CS001", "2025-10", "满意度", "94%"],
        ["CS003", "2025-10", "满意度", "120%"],
        ["CS004", "2025-10", "平均处理时长", "-5秒"],
        ["CS005", "2025-10", "接待总数", "很多"],
        ["CS006", "2025-09", "接待总数", 10],
        ["CS006", "2026-01", "接待总数", 10],
        [None, "2025-10", "接待总数", 10],
    ])
    p = preview(seeded, path)
    assert [(pr.row, pr.code, pr.message) for pr in p.problems] == [
        (3, "unknown_staff", "unknown staff number CS999"),
        (4, "unknown_field", "unknown field or KPI “响应速度”"),
        (5, "duplicate", "duplicate: the same staff number, period and field as row 2"),
        (6, "impossible", "120.0% is impossible for a rate (0–100%)"),
        (7, "bad_value", "“-5秒” is negative, which is impossible here"),
        (8, "bad_value", "“很多” is not a number"),
        (9, "locked", "period 2025-09 is finalized"),
        (10, "unknown_period", "period 2026-01 has not been opened"),
        (11, "missing_staff", "no staff number"),
    ]
    assert p.blocked and p.problem_rows == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert p.problems[0].place.column == "A (工号)"


def test_blocked_import_writes_nothing_but_problem_rows_can_be_skipped(seeded, actor, tmp_path):
    path = _sheet(tmp_path, [["工号", "接待总数"], ["CS001", 10], ["CS999", 11], ["CS002", "x"]])
    before = content(seeded)
    p = preview(seeded, path, period="2025-10")
    with pytest.raises(ValidationError) as info:
        apply_import(seeded, actor, p)
    assert info.value.place.row == 3
    assert content(seeded) == before
    apply_import(seeded, actor, p, skip_problem_rows=True)
    assert stored(seeded) == {("CS001", "contacts"): Decimal("10")}


def test_cancel_between_chunks_leaves_database_unchanged(seeded, actor):
    p = preview(seeded, DATA / "ticket_export_2025-10.xlsx", period="2025-10")
    before = content(seeded)
    token = CancelToken()
    seen = []

    def progress(step):
        seen.append(step.done)
        if step.done >= 4:
            token.cancel()

    with pytest.raises(Cancelled):
        apply_import(seeded, actor, p, progress=progress, cancel=token, chunk_rows=4)
    assert seen[:2] == [0, 4]
    assert content(seeded) == before


def test_failure_at_the_end_rolls_everything_back(seeded, actor, monkeypatch):
    p = preview(seeded, DATA / "ticket_export_2025-10.xlsx", period="2025-10")
    before = content(seeded)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        apply_import(seeded, actor, p, chunk_rows=5)
    assert content(seeded) == before


def test_period_finalized_after_preview_is_refused(seeded, actor):
    p = preview(seeded, DATA / "ticket_export_2025-10.xlsx", period="2025-10")
    with seeded.write() as session:
        session.execute(select(m.PeriodRecord).where(m.PeriodRecord.code == "2025-10")).scalar().status = "finalized"
    before = content(seeded)
    with pytest.raises(LockedPeriodError):
        apply_import(seeded, actor, p)
    assert content(seeded) == before


def test_changed_value_is_updated_with_new_source(seeded, actor, tmp_path):
    first = _sheet(tmp_path, [["工号", "接待总数"], ["CS001", 10]], "a.xlsx")
    second = _sheet(tmp_path, [["工号", "接待总数"], ["CS001", 12]], "b.xlsx")
    apply_import(seeded, actor, preview(seeded, first, period="2025-10"))
    p = preview(seeded, second, period="2025-10")
    assert p.counts["changed"] == 1
    result = apply_import(seeded, actor, p)
    assert result.counts["updated"] == 1
    with seeded.session() as session:
        row = session.execute(select(m.Measurement)).scalar()
    assert (row.value, row.source_file, row.version) == (Decimal("12"), "b.xlsx", 2)


def test_no_period_anywhere_is_a_clear_error(seeded, tmp_path):
    path = _sheet(tmp_path, [["工号", "接待总数"], ["CS001", 10]])
    with pytest.raises(ValidationError, match="no period column"):
        preview(seeded, path)


def test_import_template_round_trip_without_mapping(seeded, actor, tmp_path):
    out = tmp_path / "template.xlsx"
    with seeded.session() as session:
        counts = export_import_template(session, "2025-10", "客服代表", out, actor=ADMIN)
    assert counts == {"staff": 6, "fields": 2}
    book = load_workbook(out)
    data_sheet, fields_sheet = book.worksheets
    assert fields_sheet.sheet_state == "hidden"
    headers = [c.value for c in data_sheet[1]]
    assert headers == ["工号", "姓名", "部门", "考核周期", "一次解决数（次）", "接待总数（次）"]
    assert data_sheet["A2"].value == "CS001" and data_sheet["D2"].value == "2025-10"
    for row in range(2, 8):
        data_sheet.cell(row=row, column=5, value=40 + row)
        data_sheet.cell(row=row, column=6, value=50 + row)
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    p = preview(seeded, filled)
    assert p.problems == [] and p.ignored_columns == []
    apply_import(seeded, actor, p)
    values = stored(seeded)
    assert values[("CS001", "first_contact_resolved")] == Decimal("42")
    assert values[("CS006", "contacts")] == Decimal("57")


def test_profiles_are_saved_and_reused(seeded, tmp_path):
    path = _sheet(tmp_path, [["坐席", "接待量(次)"], ["CS001", 10]])
    with seeded.write() as session:
        save_profile(session, "call centre", "data", {"坐席": "staff_no", "接待量(次)": "contacts"})
    with seeded.session() as session:
        profile = load_profile(session, "call centre")
    assert profile["kind"] == "data"
    p = preview(seeded, path, period="2025-10", overrides=profile["columns"])
    assert p.mapping == {"坐席": "staff_no", "接待量(次)": "contacts"}
    assert p.rows["value"].tolist() == [10]


@pytest.mark.sqlite_only
def test_backup_is_taken_before_writing(seeded, actor):
    apply_import(seeded, actor, preview(seeded, DATA / "ticket_export_2025-10.xlsx", period="2025-10"))
    backups = list(seeded.backup_dir.glob("*pre-import*.db"))
    assert len(backups) == 1
    shutil.rmtree(seeded.backup_dir)


@pytest.fixture(scope="module")
def fuzz_db(tmp_path_factory):
    from kpidesk.store.db import open_database

    database = open_database(tmp_path_factory.mktemp("fuzz") / "fuzz.db")
    with database.write() as session:
        session.add(m.RawField(code="contacts", name_zh="接待总数", name_en="Contacts", unit="count"))
        session.add(m.RawField(code="rate", name_zh="满意度", name_en="Rate", unit="percent"))
        session.add(m.Employee(staff_no="CS001", name="王芳"))
        session.add(m.PeriodRecord(code="2025-10", kind="month", starts_on=dt.date(2025, 10, 1),
                                   ends_on=dt.date(2025, 10, 31), status="open"))
    yield database
    database.dispose()


def test_random_files_give_a_preview_or_a_clear_error(fuzz_db, tmp_path_factory):
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from kpidesk.errors import KpiDeskError

    folder = tmp_path_factory.mktemp("files")
    cell = st.one_of(st.text(max_size=6), st.sampled_from(["CS001", "CS002", "93%", "1,200", "—", "2025-10",
                                                           "接待总数", "满意度", "工号", "合计", "-5"]))

    @settings(deadline=None, max_examples=60)
    @given(st.lists(st.lists(cell, min_size=1, max_size=5), min_size=1, max_size=8), st.binary(max_size=64))
    def check(rows, noise):
        text = "\n".join(",".join(r.replace(",", " ").replace('"', "") for r in row) for row in rows)
        path = folder / "fuzz.csv"
        path.write_bytes(("工号,接待总数,满意度\n" + text).encode("utf-8") + noise)
        try:
            with fuzz_db.session() as session:
                p = preview_import(session, path, period="2025-10", actor=ADMIN)
        except KpiDeskError as error:
            assert error.message
            return
        assert all(pr.message and pr.place.file == "fuzz.csv" for pr in p.problems)
        assert set(p.rows["field_code"]) <= {"contacts", "rate"}

    check()
