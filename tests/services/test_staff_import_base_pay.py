"""Base pay in the staff import: read as money to the cent, problems placed, blank keeps, only for pay managers."""

from decimal import Decimal
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from kpidesk.cli import main
from kpidesk.errors import PermissionDenied, ValidationError
from kpidesk.exchange.money_cells import parse_money_cell
from kpidesk.services.actor import Actor, Role
from kpidesk.services.imports.registry import apply_import, preview_import
from kpidesk.services.imports.staff import apply_staff_import, preview_staff_import
from kpidesk.services.pay import payroll as pay
from kpidesk.services.people import staff
from kpidesk.services.safety import access, auth
from kpidesk.store import models as m
from kpidesk.store.db import open_database

D = Decimal
DATA = Path(__file__).resolve().parent.parent / "data"
STAFF_FILE = DATA / "staff_with_base_pay.csv"  # GBK, as Excel saves a Chinese CSV
EXPECTED = {"CS001": D("8000.00"), "CS002": D("8000.00"), "CS003": D("6500.00"), "CS004": None,
            "CS005": D("6543.22")}


def preview(db, path, actor, **kw):
    with db.session() as session:
        return preview_import(session, path, kind="staff", actor=actor, **kw)


def base_pay(db) -> dict[str, Decimal | None]:
    with db.session() as session:
        return dict(session.execute(select(m.Employee.staff_no, m.Employee.base_pay)).all())


def audit_entries(db, action):
    with db.session() as session:
        return session.execute(select(m.AuditEntry).where(m.AuditEntry.action == action)
                               .order_by(m.AuditEntry.id)).scalars().all()


@pytest.mark.parametrize(("cell", "amount", "problem"), [
    ("¥8,000.00", D("8000.00"), None),
    ("￥8,000.00", D("8000.00"), None),
    ("８０００", D("8000.00"), None),
    ("8千", D("8000.00"), None),
    ("0.8万元", D("8000.00"), None),
    ("8000元", D("8000.00"), None),
    (8000, D("8000.00"), None),
    (6543.215, D("6543.22"), None),  # the float's shortest repr, then half-up
    ("7000.005", D("7000.01"), None),
    ("1,234,567.8", D("1234567.80"), None),
    ("-500", D("-500.00"), None),
    ("(500)", D("-500.00"), None),
    ("", None, None),
    ("—", None, None),
    (None, None, None),
    ("面议", None, "not_a_number"),
    ("1,23", None, "not_a_number"),
    ("#VALUE!", None, "excel_error"),
    (True, None, "not_a_number"),
])
def test_money_cells(cell, amount, problem):
    assert parse_money_cell(cell) == (amount, problem)


def test_base_pay_column_is_read_to_the_cent_and_written(db, actor):
    p = preview(db, STAFF_FILE, actor)
    assert p.mapping["底薪（元）"] == "base_pay" and not p.problems
    assert p.extra["base_pay"] == "write" and p.counts["base_pay"] == 4
    assert "base pay: 4 change(s)" in p.notes
    assert dict(zip(p.rows["staff_no"], p.rows["base_pay"], strict=True)) == EXPECTED
    result = apply_import(db, actor, p)
    assert result.counts["added"] == 5 and result.counts["base_pay"] == 4
    assert base_pay(db) == EXPECTED
    [entry] = audit_entries(db, "import.staff")  # one entry for the whole import, base pay included
    assert entry.new["counts"]["base_pay"] == 4
    assert entry.new["base_pay"][0] == {"staff_no": "CS001", "old": None, "new": "8000.00"}
    assert {c["staff_no"] for c in entry.new["base_pay"]} == {"CS001", "CS002", "CS003", "CS005"}
    assert audit_entries(db, "employee.base_pay") == []


def test_blank_keeps_the_stored_base_pay_and_a_reimport_changes_nothing(db, actor):
    apply_import(db, actor, preview(db, STAFF_FILE, actor))
    with db.write() as session:
        pay.set_base_pay(session, actor, "CS004", "7200")
        pay.set_base_pay(session, actor, "CS001", "9000")
    again = preview(db, STAFF_FILE, actor)
    assert again.counts["base_pay"] == 1  # CS001 back to 8,000; CS004's blank keeps 7,200
    result = apply_import(db, actor, again)
    assert result.counts["base_pay"] == 1 and result.counts["updated"] == 1 and result.counts["unchanged"] == 4
    assert base_pay(db)["CS004"] == D("7200.00") and base_pay(db)["CS001"] == D("8000.00")
    change = audit_entries(db, "import.staff")[-1].new["base_pay"]
    assert change == [{"staff_no": "CS001", "old": "9000.00", "new": "8000.00"}]


def test_a_file_without_the_column_leaves_base_pay_alone(db, actor):
    apply_import(db, actor, preview(db, STAFF_FILE, actor))
    plain = preview(db, DATA / "staff_list.xlsx", actor)
    assert plain.extra["base_pay"] is None and "base_pay" not in plain.counts
    result = apply_import(db, actor, plain)
    assert "base_pay" not in result.counts
    assert base_pay(db)["CS001"] == D("8000.00")


def _sheet(tmp_path, rows):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "花名册"
    for row in (["工号", "姓名", "部门", "基本工资"], *rows):
        book.active.append(row)
    path = tmp_path / "staff.xlsx"
    book.save(path)
    return path


def test_negative_and_unreadable_amounts_are_placed_problems(db, actor, tmp_path):
    path = _sheet(tmp_path, [["A1", "甲", "客服部", -500], ["A2", "乙", "客服部", "面议"],
                             ["A3", "丙", "客服部", "5000"], ["A4", "丁", "客服部", "=1/0"]])
    p = preview(db, path, actor)
    problems = [(pr.row, pr.code, pr.blocking) for pr in p.problems]
    assert problems[:2] == [(2, "bad_base_pay", True), (3, "bad_base_pay", True)]
    negative, unreadable = p.problems[0], p.problems[1]
    assert (negative.place.file, negative.place.sheet, negative.place.row) == ("staff.xlsx", "花名册", 2)
    assert negative.place.column.startswith("D") and "基本工资" in negative.place.column
    assert "negative" in negative.message and "-500" in negative.message
    assert "面议" in unreadable.message and "staff.xlsx" in str(unreadable) and "row 3" in str(unreadable)
    with pytest.raises(ValidationError):
        apply_import(db, actor, p)
    assert base_pay(db) == {}
    result = apply_import(db, actor, p, skip_problem_rows=True)
    assert base_pay(db)["A3"] == D("5000.00") and "A1" not in base_pay(db)
    assert result.counts["base_pay"] == 1


def test_without_pay_rights_the_column_is_ignored_with_a_warning(db, actor, tmp_path):
    with db.write() as session:
        service = staff.get_or_create_department(session, "客服部")
    head = Actor("zhang", Role.HEAD, department_ids=frozenset({service.id}))
    p = preview(db, STAFF_FILE, head)
    [warning] = p.problems
    assert (warning.code, warning.blocking, warning.row) == ("base_pay_ignored", False, None)
    assert "ignored" in warning.message and "zhang" in warning.message and "底薪" in str(warning.place)
    assert p.extra["base_pay"] == "ignored" and "base_pay" not in p.counts
    assert p.rows["base_pay"].isna().all()
    with pytest.raises(PermissionDenied):  # a department head imports no staff list at all
        apply_import(db, head, p)
    assert base_pay(db) == {}


def test_a_role_that_may_import_staff_but_not_pay_writes_no_base_pay(db, actor, monkeypatch):
    """Should an office take pay rights from a role that imports staff lists, the column is still not
    written, even from a preview made for someone who could."""
    monkeypatch.setitem(access.ROLE_PERMISSIONS, Role.HR,
                        access.ROLE_PERMISSIONS[Role.HR] - {access.Permission.PAY_MANAGE})
    clerk = Actor("clerk", Role.HR)
    with db.session() as session:
        warned = preview_staff_import(session, STAFF_FILE, actor=clerk)
        unwarned = preview_staff_import(session, STAFF_FILE, actor=actor)
    assert [p.code for p in warned.problems] == ["base_pay_ignored"]
    apply_staff_import(db, clerk, warned, backup=False)
    assert set(base_pay(db).values()) == {None}
    result = apply_staff_import(db, clerk, unwarned, backup=False)
    assert result.counts["base_pay_ignored"] == 4 and "base_pay" not in result.counts
    assert set(base_pay(db).values()) == {None}


def test_hr_imports_base_pay(db, actor):
    hr = Actor("hr-li", Role.HR)
    result = apply_import(db, hr, preview(db, STAFF_FILE, hr))
    assert result.counts["base_pay"] == 4 and base_pay(db) == EXPECTED
    assert audit_entries(db, "import.staff")[-1].actor == "hr-li"


# --------------------------------------------------------------------------- the command line


@pytest.fixture
def cli_db(tmp_path, monkeypatch, capsys):
    cheap = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    monkeypatch.setattr(auth, "hasher", lambda: cheap)
    monkeypatch.setattr(auth, "_DUMMY_HASH", None)
    path = str(tmp_path / "k.db")
    assert main(["--db", path, "init"]) == 0
    capsys.readouterr()
    return path


def _cli_base_pay(path) -> dict[str, Decimal | None]:
    database = open_database(path)
    try:
        return base_pay(database)
    finally:
        database.dispose()


def test_cli_imports_base_pay(cli_db, capsys):
    code = main(["--db", cli_db, "import", str(STAFF_FILE), "--kind", "staff"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "底薪（元） → base_pay" in out and "base pay: 4 change(s)" in out
    assert "base_pay 4" in out.splitlines()[-1]
    assert _cli_base_pay(cli_db) == EXPECTED


def test_cli_with_logins_hr_writes_base_pay_and_a_head_is_warned(cli_db, monkeypatch, capsys):
    database = open_database(cli_db)
    system = Actor("admin")
    with database.write() as session:
        service = staff.get_or_create_department(session, "客服部")
        auth.enable_access(session, system, "admin", "admin-secret")
        auth.add_user(session, system, "zhang", "head-secret", Role.HEAD, department_id=service.id)
    database.dispose()
    monkeypatch.setenv("KPIDESK_NEW_PASSWORD", "hr-secret-1")
    monkeypatch.setenv("KPIDESK_PASSWORD", "admin-secret")
    assert main(["--db", cli_db, "--user", "admin", "users", "add", "hr-li", "--role", "hr"]) == 0
    capsys.readouterr()

    monkeypatch.setenv("KPIDESK_PASSWORD", "head-secret")
    code = main(["--db", cli_db, "--user", "zhang", "import", str(STAFF_FILE), "--kind", "staff", "--dry-run"])
    out = capsys.readouterr().out
    assert code == 0 and "warning: " in out and "the base pay column is ignored: zhang may not change pay" in out
    assert main(["--db", cli_db, "--user", "zhang", "import", str(STAFF_FILE), "--kind", "staff"]) == 1
    assert "zhang" in capsys.readouterr().err  # refused: a head imports no staff list
    assert _cli_base_pay(cli_db) == {}

    monkeypatch.setenv("KPIDESK_PASSWORD", "hr-secret-1")
    code = main(["--db", cli_db, "--user", "hr-li", "import", str(STAFF_FILE), "--kind", "staff"])
    out = capsys.readouterr().out
    assert code == 0 and "ignored" not in out and "base pay: 4 change(s)" in out
    assert _cli_base_pay(cli_db) == EXPECTED
