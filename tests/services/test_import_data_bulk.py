"""Big data files take the fast paths (each distinct cell parsed once, column-wise tables, bulk upsert);
they must store exactly what the cell-by-cell rules say and report problems at the right Excel places."""

import csv
import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from tests_support.dbs import all_rows

from kpidesk.errors import Cancelled
from kpidesk.exchange import values
from kpidesk.services.actor import Actor
from kpidesk.services.imports.registry import apply_import, preview_import
from kpidesk.services.progress import CancelToken
from kpidesk.store import models as m

ADMIN = Actor("admin")  # an administrator: every right, audited by name

FIELDS = [("contacts", "接待总数", "count"), ("handle_time", "平均处理时长", "duration"),
          ("satisfaction", "满意度", "percent"), ("cost", "培训费用", "currency")]
STAFF = [f"S{i:03d}" for i in range(40)]


@pytest.fixture
def office(db):
    with db.write() as session:
        for code, zh, unit in FIELDS:
            session.add(m.RawField(code=code, name_zh=zh, name_en=code, unit=unit))
        for staff_no in STAFF:
            session.add(m.Employee(staff_no=staff_no, name=f"员工{staff_no}"))
        for code, status in (("2025-10", "open"), ("2025-11", "open"), ("2025-09", "finalized")):
            month = int(code[-2:])
            session.add(m.PeriodRecord(code=code, kind="month", starts_on=dt.date(2025, month, 1),
                                       ends_on=dt.date(2025, month, 28), status=status))
    return db


def _numbers(staff_no: str, period: str, field: str):
    """A value as a spreadsheet holds it: numbers for most cells, some repeated many times."""
    i = STAFF.index(staff_no) + (11 if period == "2025-11" else 0)
    return {"contacts": 100 + i % 7, "handle_time": 2.5 if i % 2 else 4, "satisfaction": 0.9 + (i % 5) / 100,
            "cost": 1200.5 if i % 3 else 0}[field]


def _as_text(field: str, value) -> str:
    return {"contacts": f"{value}", "handle_time": f"{value}秒", "satisfaction": f"{value}",
            "cost": f"¥{value:,}"}[field]


def _long_rows(as_text: bool):
    rows = [["工号", "考核周期", "指标", "数值"]]
    for period in ("2025-10", "2025-11"):
        for staff_no in STAFF:
            for code, zh, _unit in FIELDS:
                value = _numbers(staff_no, period, code)
                rows.append([staff_no, period, zh, _as_text(code, value) if as_text else value])
    return rows


def _xlsx(path, rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def _csv(path, rows):
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _stored(db) -> dict:
    with db.session() as session:
        return {
            (staff_no, period, field): value
            for staff_no, period, field, value in session.execute(
                select(m.Employee.staff_no, m.PeriodRecord.code, m.Measurement.field_code, m.Measurement.value)
                .join(m.Employee, m.Employee.id == m.Measurement.employee_id)
                .join(m.PeriodRecord, m.PeriodRecord.id == m.Measurement.period_id)
            )
        }


def _preview(db, path, **options):
    with db.session() as session:
        return preview_import(session, path, **{"actor": ADMIN, **options})


def test_numeric_cells_and_their_text_store_the_same_values(office, actor, tmp_path):
    numbers = _xlsx(tmp_path / "numbers.xlsx", _long_rows(as_text=False))
    preview = _preview(office, numbers)
    assert len(preview.rows) > values.DISTINCT_MIN_CELLS and not preview.problems
    apply_import(office, actor, preview)
    from_numbers = _stored(office)
    assert from_numbers[("S001", "2025-10", "satisfaction")] == Decimal("91")  # 0.91 is a fraction
    assert from_numbers[("S001", "2025-10", "handle_time")] == Decimal("2.5")  # a bare number is seconds
    assert from_numbers[("S002", "2025-10", "cost")] == Decimal("1200.5")
    assert from_numbers[("S000", "2025-10", "cost")] == Decimal("0")
    assert len(from_numbers) == 2 * len(STAFF) * len(FIELDS)

    with office.write() as session:
        for row in session.execute(select(m.Measurement)).scalars():
            session.delete(row)
    text = _csv(tmp_path / "text.csv", _long_rows(as_text=True))
    apply_import(office, actor, _preview(office, text))
    assert _stored(office) == from_numbers


def test_problems_in_a_big_file_name_their_excel_rows(office, tmp_path):
    rows = _long_rows(as_text=False)
    rows[10][0] = "NOBODY"
    rows[20][3] = "很多"
    rows[30][1] = "2025-09"
    rows[40][1] = "2026-01"
    rows[50][0] = None
    rows[60][2] = "不存在的指标"
    rows[71][3] = 120  # 120 % satisfaction
    assert rows[71][2] == "满意度"
    rows.append(list(rows[80]))
    rows.insert(1, ["说明：以下为十月与十一月数据", None, None, None])
    path = _xlsx(tmp_path / "problems.xlsx", rows)
    preview = _preview(office, path)
    assert [(p.row, p.code) for p in preview.problems] == [
        (12, "unknown_staff"), (22, "bad_value"), (32, "locked"), (42, "unknown_period"), (52, "missing_staff"),
        (62, "unknown_field"), (73, "impossible"), (len(rows), "duplicate"),
    ]
    messages = {p.code: str(p) for p in preview.problems}
    assert messages["bad_value"] == "problems.xlsx, Sheet, row 22, column D (数值): “很多” is not a number"
    assert messages["duplicate"].endswith(f"as row {82}")
    assert messages["unknown_staff"].endswith("unknown staff number NOBODY")
    assert [s.row for s in preview.skipped_lines] == [2]
    assert preview.counts["values"] == 2 * len(STAFF) * len(FIELDS) + 1 - 7  # the finalized one counts, blocked


def test_reimporting_a_big_file_changes_nothing_and_another_file_retags(office, actor, tmp_path):
    rows = _long_rows(as_text=False)
    first = _xlsx(tmp_path / "first.xlsx", rows)
    apply_import(office, actor, _preview(office, first))
    before = all_rows(office)
    again = _preview(office, first)
    total = 2 * len(STAFF) * len(FIELDS)
    assert again.counts["unchanged"] == total and again.counts["new"] == again.counts["changed"] == 0
    result = apply_import(office, actor, again)
    assert result.counts["unchanged"] == total and result.counts["inserted"] == result.counts["updated"] == 0
    after = all_rows(office)
    for name in ("audit_log", "settings"):
        before.pop(name), after.pop(name)
    assert after == before

    rows[5][3] = 999
    second = _xlsx(tmp_path / "second.xlsx", rows)
    result = apply_import(office, actor, _preview(office, second))
    assert result.counts == {"inserted": 0, "updated": 1, "source_updated": total - 1, "unchanged": 0,
                             "skipped_rows": 0}
    with office.session() as session:
        sources = set(session.execute(select(m.Measurement.source_file)).scalars())
        changed = session.execute(select(m.Measurement).where(m.Measurement.source_row == 6)).scalar_one()
    assert sources == {"second.xlsx"}
    assert changed.value == Decimal("999") and changed.version == 2


def test_cancelling_a_big_import_midway_leaves_the_database_as_it_was(office, actor, tmp_path):
    path = _xlsx(tmp_path / "big.xlsx", _long_rows(as_text=False))
    apply_import(office, actor, _preview(office, path, sheet="Sheet"))
    rows = _long_rows(as_text=False)
    for row in rows[1:]:
        if row[2] == "接待总数":
            row[3] += 1
    changed = _csv(tmp_path / "changed.csv", rows)
    preview = _preview(office, changed)
    before = all_rows(office)
    token = CancelToken()

    def progress(step):
        if step.done >= 50:
            token.cancel()

    with pytest.raises(Cancelled):
        apply_import(office, actor, preview, progress=progress, cancel=token, chunk_rows=25)
    assert all_rows(office) == before


@pytest.mark.parametrize("name", ["O'Brien's 数据.xlsx", "100% done.xlsx", "back\\slash;--.xlsx"])
def test_file_and_sheet_names_are_stored_as_written(office, actor, tmp_path, name):
    book = Workbook()
    book.active.title = "Tom's 表"
    for row in _long_rows(as_text=False)[:9]:
        book.active.append(row)
    path = tmp_path / name
    book.save(path)
    result = apply_import(office, actor, _preview(office, path))
    assert result.counts["inserted"] == 8
    with office.session() as session:
        sources = set(session.execute(select(m.Measurement.source_file, m.Measurement.source_sheet)).all())
        count = session.execute(select(m.Employee.id)).all()
    assert sources == {(name, "Tom's 表")}
    assert len(count) == len(STAFF)  # nothing else happened to the database


@pytest.mark.sqlite_only
def test_new_values_go_through_a_staged_table_and_store_what_the_per_row_path_stores(office, tmp_path, monkeypatch):
    """On SQLite, values none of which is stored yet are staged in a temporary table and inserted with one
    statement; the rows must be those the per-row statements write (a re-import takes that path)."""
    from kpidesk.services.appraisal import imported_values

    staged = []
    monkeypatch.setattr(imported_values, "_insert_staged",
                        lambda *args, original=imported_values._insert_staged: staged.append(1) or original(*args))
    path = _xlsx(tmp_path / "first.xlsx", _long_rows(as_text=False))
    apply_import(office, ADMIN, _preview(office, path))
    assert staged == [1]
    with office.session() as session:
        rows = session.execute(select(m.Measurement.field_code, m.Measurement.source_file, m.Measurement.source_row,
                                      m.Measurement.source_checksum, m.Measurement.updated_by,
                                      m.Measurement.version).order_by(m.Measurement.id)).all()
        leftover = session.connection().exec_driver_sql(
            "SELECT count(*) FROM temp.sqlite_master WHERE name = 'kpidesk_staged_values'").scalar()
    assert len(rows) == 2 * len(STAFF) * len(FIELDS) and leftover == 0
    assert rows[0] == ("contacts", "first.xlsx", 2, rows[0].source_checksum, "admin", 1)
    assert {(r.source_file, r.updated_by, r.version) for r in rows} == {("first.xlsx", "admin", 1)}
    assert [r.source_row for r in rows] == list(range(2, 2 + len(rows)))

    rows_ = _long_rows(as_text=False)
    rows_[1][3] += 1
    result = apply_import(office, ADMIN, _preview(office, _xlsx(tmp_path / "second.xlsx", rows_)))
    assert staged == [1] and result.counts["updated"] == 1  # stored values: compared and written row by row


def test_a_unit_column_of_a_long_file_sets_how_bare_numbers_are_read(office, tmp_path):
    rows = [["工号", "考核周期", "指标", "数值", "单位"],
            ["S000", "2025-10", "平均处理时长", 3, "分钟"], ["S001", "2025-10", "平均处理时长", 3, None]]
    with_units = _preview(office, _xlsx(tmp_path / "units.xlsx", rows))
    without = _preview(office, _xlsx(tmp_path / "plain.xlsx", [row[:4] for row in rows]))
    assert with_units.rows["value"].tolist() == [180.0, 3.0]
    assert without.rows["value"].tolist() == [3.0, 3.0] and without.rows["unit_hint"].tolist() == [None, None]
