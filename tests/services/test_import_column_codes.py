"""A data preview parses a long file from the codes its reader found for each column; what it would write
and every problem it names must be what hashing every column again gives."""

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from kpidesk.exchange import readers, values
from kpidesk.services.actor import Actor
from kpidesk.services.imports import value_cells
from kpidesk.services.imports.registry import apply_import, preview_import
from kpidesk.store import models as m

ADMIN = Actor("admin")
FIELDS = [("contacts", "接待总数", "count"), ("handle_time", "平均处理时长", "duration"),
          ("satisfaction", "满意度", "percent")]


@pytest.fixture
def office(db):
    with db.write() as session:
        for code, zh, unit in FIELDS:
            session.add(m.RawField(code=code, name_zh=zh, name_en=code, unit=unit))
        session.add_all(m.Employee(staff_no=f"S{i:03d}", name=f"员工{i}") for i in range(60))
        for month in (10, 11):
            session.add(m.PeriodRecord(code=f"2025-{month}", kind="month", starts_on=dt.date(2025, month, 1),
                                       ends_on=dt.date(2025, month, 28), status="open"))
    return db


def _long_file(path):
    book = Workbook()
    sheet = book.active
    sheet.append(["工号", "考核周期", "指标", "数值"])
    for period in ("2025-10", "2025-11"):
        for i in range(60):
            staff_no = f"S{i:03d}" if i != 7 else "X999"  # unknown staff number
            for _code, zh, unit in FIELDS:
                value = {"count": 100 + i % 9, "duration": f"{i % 4}分{i % 60}秒", "percent": f"{90 + i % 5}%"}[unit]
                sheet.append([staff_no, period, zh, value])
    sheet.append(["S001", "2025-10", "接待总数", "很多"])  # not a number
    sheet.append(["S002", "2025-10", "未知指标", 3])  # unknown field
    sheet.append(["S003", "2025-10", "满意度", 130])  # impossible rate
    sheet.append(["S004", "2025-10", "接待总数", 5])  # a duplicate of an earlier row
    sheet.append(["S005", "2025-13", "接待总数", 5])  # not a period
    sheet.append(["S006", "2025-11", "接待总数", None])  # blank: not written
    sheet.append(["合计", None, None, 999])  # set aside
    book.save(path)
    return path


def _hashing_again(monkeypatch):
    original = values.distinct_cells

    def without_codes(cells, min_cells=None, factorized=None):
        return original(cells, min_cells)

    monkeypatch.setattr(readers, "distinct_cells", without_codes)
    monkeypatch.setattr(value_cells, "distinct_cells", without_codes)


def test_a_long_preview_from_the_readers_codes_equals_one_that_hashes_every_column(office, tmp_path, monkeypatch):
    path = _long_file(tmp_path / "long.xlsx")
    with office.session() as session:
        from_codes = preview_import(session, path, actor=ADMIN)
    _hashing_again(monkeypatch)
    with office.session() as session:
        again = preview_import(session, path, actor=ADMIN)
    assert len(from_codes.rows) > 300
    assert set(from_codes.rows["column"]) == {"数值"} and from_codes.rows["unit_hint"].isna().all()
    pd.testing.assert_frame_equal(from_codes.rows, again.rows)
    assert [str(p) for p in from_codes.problems] == [str(p) for p in again.problems]
    assert {p.code for p in from_codes.problems} == {"unknown_staff", "bad_value", "unknown_field", "impossible",
                                                     "duplicate", "bad_period"}
    assert from_codes.counts == again.counts and from_codes.counts["blank"] == 1
    assert [s.row for s in from_codes.skipped_lines] == [368]

    result = apply_import(office, ADMIN, from_codes, backup=False, skip_problem_rows=True)
    assert result.counts["inserted"] == len(from_codes.rows) == 3 * 2 * 59  # all the grid but X999: no problem row is written


def test_a_first_import_lists_its_first_new_values_without_looking_at_each_action(office, tmp_path):
    from kpidesk.services.imports.value_changes import SHOWN

    path = _long_file(tmp_path / "long.xlsx")
    with office.session() as session:
        first = preview_import(session, path, actor=ADMIN)
    changes = first.extra["changes"]
    assert (changes.changed, changes.changed_total, changes.new_total) == ([], 0, len(first.rows))
    assert len(changes.new) == SHOWN and changes.new[0].describe() == "S000 员工0 · contacts 2025-10: — → 100"
    assert [c.row for c in changes.new[:3]] == [2, 3, 4]

    apply_import(office, ADMIN, first, backup=False, skip_problem_rows=True)
    with office.session() as session:
        again = preview_import(session, path, actor=ADMIN)
    assert (again.extra["changes"].new_total, again.extra["changes"].changed_total) == (0, 0)
    assert again.counts["unchanged"] == len(again.rows)


@settings(deadline=None, max_examples=100)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3), st.integers(0, 4)), max_size=40),
       st.sampled_from([1, 2**40]))
def test_repeated_keys_are_found_as_a_frame_finds_them(keys, scale):
    from kpidesk.services.imports.data import _repeated

    frame = pd.DataFrame([(a * scale, b * scale, c) for a, b, c in keys], columns=["employee_id", "period_id", "field"],
                         dtype="int64")
    assert _repeated(frame).tolist() == frame.duplicated(keep="first").tolist()
