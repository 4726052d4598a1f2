"""The data-entry grid's plain parts: reading typed/pasted text, showing values, the entry sheet."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kpidesk.services.actor import Actor
from kpidesk.ui.pages.data_entry.cells import format_block, format_value, parse_block, read_cell, to_decimal


@pytest.mark.parametrize(("text", "unit", "value"), [
    ("93%", "percent", 93.0), ("0.93", "percent", 93.0), ("９３", "percent", 93.0),
    ("1,200", "count", 1200.0), ("1.2万", "number", 12000.0), ("¥1,200.50", "currency", 1200.5),
    ("4分12秒", "duration", 252.0), ("1 min 52 s", "duration", 112.0), ("1:52", "duration", 112.0),
    ("—", "count", None), ("", "count", None), ("无", "percent", None),
])
def test_typed_text_is_read_like_an_imported_cell(text, unit, value):
    reading = read_cell(text, unit, bounded_rate=unit == "percent")
    assert reading.ok and reading.value == value


@pytest.mark.parametrize(("text", "unit", "reason"), [
    ("abc", "count", "not a number"), ("-3", "count", "negative"), ("150%", "percent", "impossible"),
    ("#REF!", "number", "Excel error"), ("4 apples", "duration", "not a duration"),
])
def test_unreadable_text_says_why(text, unit, reason):
    reading = read_cell(text, unit, bounded_rate=True)
    assert not reading.ok and reason in reading.error


def test_guessable_readings_warn_but_pass():
    assert "1%" in read_cell("1", "percent").warning
    assert read_cell("12.5", "count").warning
    assert read_cell("12", "count").warning is None


@pytest.mark.parametrize(("value", "unit", "language", "text"), [
    (112, "duration", "zh_CN", "1分52秒"), (112, "duration", "en", "1 min 52 s"), (3725, "duration", "zh_CN", "1小时2分5秒"),
    (0, "duration", "en", "0 s"), (93.5, "percent", "en", "93.5%"), (1200, "count", "en", "1,200"),
    (None, "count", "en", ""),
])
def test_values_are_shown_so_they_read_back_the_same(value, unit, language, text):
    shown = format_value(value, unit, language)
    assert shown == text
    if value is not None:
        assert read_cell(shown, unit).value == value


def test_stored_decimals_are_exact():
    assert to_decimal(93.1) == Decimal("93.1")
    assert to_decimal(1 / 3) == Decimal("0.333333")
    assert to_decimal(None) is None


def test_clipboard_blocks_from_excel():
    assert parse_block("1\t2\t3\r\n4\t5\t6\r\n") == [["1", "2", "3"], ["4", "5", "6"]]
    assert parse_block('"two\nlines"\tx\n') == [["two\nlines", "x"]]
    assert parse_block("a\t\tc") == [["a", "", "c"]]
    rows = [["1", "a\tb"], ["", "y"]]
    assert parse_block(format_block(rows)) == rows


def test_entry_sheet_lists_appraisees_with_their_template_columns(demo_db):
    from kpidesk.services.appraisal.measurements import entry_sheet

    with demo_db.session() as session:
        sheet = entry_sheet(session, Actor("hr"), "2025-12")
    by_no = {row.staff_no: row for row in sheet.rows}
    assert by_no["CS000"].template_key == "manager" and sheet.without_template == ()
    csr = by_no["CS001"]
    assert csr.template_key == "csr"
    assert {"contacts", "first_contact_resolved", "csat"} <= set(csr.fields)
    assert "fcr" in csr.kpis and "fcr" not in csr.fields, "a KPI with a formula is computed, not typed"
    assert "contacts" not in by_no["CS003"].fields
    assert [f.code for f in sheet.fields].index("contacts") >= 0
    assert sheet.values[(csr.employee_id, "contacts")] > 0
    assert csr.forms and csr.forms[0].form_key == "customer_service_staff"
    assert not sheet.locked


def test_save_values_is_one_unit_of_work_and_refuses_a_finalized_period(demo_db, actor):
    from sqlalchemy import update

    from kpidesk.errors import LockedPeriodError
    from kpidesk.services.appraisal.measurements import (
        ValueChange,
        entry_sheet,
        save_values,
        values_for_period,
    )
    from kpidesk.store import models as m

    with demo_db.session() as session:
        employee = entry_sheet(session, Actor("hr"), "2025-12").rows[0].employee_id
    assert save_values(demo_db, actor, "2025-12", [ValueChange(employee, "contacts", Decimal("500"))]) == 1
    with demo_db.write() as session:
        session.execute(update(m.PeriodRecord).where(m.PeriodRecord.code == "2025-12").values(status="finalized"))
    with pytest.raises(LockedPeriodError):
        save_values(demo_db, actor, "2025-12", [ValueChange(employee, "contacts", Decimal("1"))])
    with demo_db.session() as session:
        assert values_for_period(session, Actor("hr"), "2025-12")[(employee, "contacts")] == Decimal("500")
