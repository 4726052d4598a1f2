"""Numbers and dates are checked against what their columns can store before anything is written."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from kpidesk.cli import main
from kpidesk.domain.value_ranges import MAX_MEASURED_VALUE, check_employment_dates
from kpidesk.errors import ValidationError
from kpidesk.exchange.values import Problem, parse_dates, parse_values
from kpidesk.services.people import staff
from kpidesk.store import models as m
from kpidesk.store.db import open_database


@pytest.mark.parametrize("cell, fits", [
    (MAX_MEASURED_VALUE, True), (-MAX_MEASURED_VALUE, True), ("1,000,000,000,000", True),
    (MAX_MEASURED_VALUE + 1, False), (-MAX_MEASURED_VALUE - 1, False), (1e308, False), (-1e308, False),
    ("1e308", False), ("9223372036854.775807", False),
])
def test_values_at_and_beyond_the_storable_edge(cell, fits):
    parsed = parse_values([cell])
    if fits:
        assert parsed.problems[0] is None and abs(parsed.values[0]) == MAX_MEASURED_VALUE
    else:
        assert parsed.problems[0] == Problem.TOO_LARGE and parsed.values.isna()[0]


@pytest.mark.parametrize("cell, ok", [
    ("1900-01-01", True), ("2999-12-31", True), ("0001-01-01", False), ("1899-12-31", False),
    ("3000-01-01", False), (dt.datetime(1, 1, 1), False), (dt.datetime(2025, 3, 1), True), ("00010101", False),
])
def test_dates_at_and_beyond_the_accepted_years(cell, ok):
    parsed = parse_dates([cell])
    if ok:
        assert parsed.problems[0] is None and parsed.values[0] is not None
    else:
        assert parsed.problems[0] in (Problem.DATE_OUT_OF_RANGE, Problem.NOT_A_DATE) and parsed.values[0] is None


def _measurements(path: str) -> int:
    db = open_database(path)
    try:
        with db.session() as session:
            return session.execute(select(func.count()).select_from(m.Measurement)).scalar()
    finally:
        db.dispose()


def test_a_huge_value_is_named_by_row_and_column_and_nothing_is_written(cli_db, tmp_path, capsys):
    data = tmp_path / "huge.csv"
    data.write_text("工号,姓名,接待总数,投诉数\nCS001,王芳,462,1e308\nCS002,张伟,491,1\n", encoding="utf-8")
    code = main(["--db", cli_db, "import", str(data), "--period", "2025-10"])
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == 3
    assert "row 2" in text and "column D" in text and "too large to store" in text
    assert _measurements(cli_db) == 0


def test_year_0001_and_a_leave_before_hire_are_refused_in_a_staff_list(cli_db, tmp_path, capsys):
    people = tmp_path / "people.csv"
    people.write_text("工号,姓名,部门,入职日期,离职日期\nCS901,甲,客服部,0001-01-01,\n"
                      "CS902,乙,客服部,2024-05-01,2024-04-30\n", encoding="utf-8")
    code = main(["--db", cli_db, "import", str(people), "--kind", "staff"])
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == 3
    assert "row 2" in text and "0001-01-01" in text and "outside the dates accepted" in text
    assert "row 3" in text and "leave date 2024-04-30 is before the hire date 2024-05-01" in text


def test_the_staff_service_refuses_the_same_dates(db, actor):
    with db.write() as session:
        with pytest.raises(ValidationError, match="outside"):
            staff.add_employee(session, actor, staff_no="X1", name="甲", hire_date=dt.date(1, 1, 1))
        person = staff.add_employee(session, actor, staff_no="X2", name="乙", hire_date=dt.date(2024, 5, 1))
        with pytest.raises(ValidationError, match="before the hire date"):
            staff.mark_left(session, actor, person.id, on=dt.date(2024, 4, 30))
    with pytest.raises(ValidationError, match="before the hire date"):
        check_employment_dates(dt.date(2024, 5, 1), dt.date(2024, 4, 1))


def test_a_number_too_large_for_its_column_is_refused_cleanly_on_any_write(db, actor):
    with pytest.raises(ValidationError, match="too large to store"):
        with db.write() as session:
            session.add(m.Measurement(employee_id=1, period_id=1, field_code="x", value=1e308))


def test_an_amount_too_large_to_store_is_named_by_its_cell(cli_db, tmp_path, capsys):
    pay = tmp_path / "pay.csv"
    pay.write_text("工号,姓名,底薪\nCS001,王芳,99999999999999999999\n", encoding="utf-8")
    code = main(["--db", cli_db, "import", str(pay), "--kind", "staff"])
    text = "".join(capsys.readouterr())
    assert code == 3
    assert "row 2, column C" in text and "too large to store" in text
