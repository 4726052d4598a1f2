"""The services decide who may do what: every public use case declares its gate, each role of README's
table is let through exactly where the table says, and the holes an attack run found stay closed."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import kpidesk.services as services_package
from kpidesk.errors import PermissionDenied
from kpidesk.services.actor import Actor, Role
from kpidesk.services.safety.access import Permission
from kpidesk.services.safety.gates import GATE_ATTRIBUTE, Gate, any_login, requires, touches_no_appraisal_data


def use_case_modules():
    """Every ``use_cases.py`` of the service packages, found on disk so a new package is covered too."""
    for info in pkgutil.walk_packages(services_package.__path__, prefix="kpidesk.services."):
        if info.name.endswith(".use_cases"):
            yield importlib.import_module(info.name)


def public_functions(module):
    """The functions a module defines itself (not those it imports) whose names do not start with "_"."""
    return [(name, function) for name, function in inspect.getmembers(module, inspect.isfunction)
            if not name.startswith("_") and function.__module__ == module.__name__]


def test_the_use_case_modules_are_found():
    names = {module.__name__.split(".")[2] for module in use_case_modules()}
    assert {"appraisal", "forms", "imports", "library", "pay", "people", "printing", "safety"} <= names


def test_every_public_use_case_declares_its_gate():
    undeclared = [f"{module.__name__}.{name}" for module in use_case_modules()
                  for name, function in public_functions(module)
                  if not isinstance(getattr(function, GATE_ATTRIBUTE, None), Gate)]
    assert undeclared == []


def test_a_gated_use_case_takes_the_actor():
    for module in use_case_modules():
        for name, function in public_functions(module):
            gate = getattr(function, GATE_ATTRIBUTE)
            if gate.kind != "no_appraisal_data":
                assert "actor" in inspect.signature(function).parameters, f"{module.__name__}.{name}"


#: The access machinery itself: the checks every gate is made of.
ACCESS_MACHINERY = ("kpidesk.services.safety.access", "kpidesk.services.safety.gates")


def service_functions_called_by_ui_and_cli() -> dict[str, object]:
    """Every service function the window and the command line import, directly or as ``module.function``."""
    import ast
    from pathlib import Path

    import kpidesk

    root = Path(kpidesk.__file__).parent
    found: dict[str, object] = {}
    for path in [*(root / "ui").rglob("*.py"), *(root / "cli").rglob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = {}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kpidesk.services")):
                continue
            owner = importlib.import_module(node.module)
            for alias in node.names:
                target = getattr(owner, alias.name, None)
                if target is None:
                    target = importlib.import_module(f"{node.module}.{alias.name}")
                if inspect.ismodule(target):
                    modules[alias.asname or alias.name] = target
                elif inspect.isfunction(target):
                    found[f"{target.__module__}.{target.__name__}"] = target
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules:
                target = getattr(modules[node.value.id], node.attr, None)
                if inspect.isfunction(target):
                    found[f"{target.__module__}.{target.__name__}"] = target
    return found


def test_every_service_function_the_ui_and_cli_call_with_data_declares_its_gate():
    """A function taking the database, a session or the actor reaches data: it must declare its gate.
    Pure helpers (formatting, checking a value passed in) take none of them and need none."""
    called = service_functions_called_by_ui_and_cli()
    assert "kpidesk.services.appraisal.measurements.save_values" in called  # the scan sees module.function
    assert "kpidesk.services.safety.backup.backup_to" in called
    undeclared = sorted(
        name for name, function in called.items()
        if set(inspect.signature(function).parameters) & {"db", "session", "actor"}
        and not name.startswith(ACCESS_MACHINERY) and not isinstance(getattr(function, GATE_ATTRIBUTE, None), Gate))
    assert undeclared == []


def test_restore_needs_the_restore_right(tmp_path):
    from kpidesk.services.safety import backup

    with pytest.raises(PermissionDenied, match="not allowed to restore a backup"):
        backup.restore(tmp_path / "x.db", tmp_path / "missing.db", actor=Actor("hr", role=Role.HR))
    with pytest.raises(Exception) as past_the_gate:  # the local owner passes the gate to the file checks
        backup.restore(tmp_path / "x.db", tmp_path / "missing.db", actor=Actor.local_owner())
    assert not isinstance(past_the_gate.value, PermissionDenied)


# --- the decorator itself -------------------------------------------------------------------------------


@requires(Permission.DATA_WRITE)
def _write_values(db, actor, period):
    return period


@requires(Permission.PAY_READ, Permission.PAY_OWN)
def _see_pay(db, actor):
    return "pay"


@any_login
def _anyone(db, actor):
    return "ok"


def test_requires_refuses_before_running_and_names_the_action():
    auditor = Actor("aud1", role=Role.AUDITOR)
    with pytest.raises(PermissionDenied, match=r"aud1 \(auditor \(read-only\)\) is not allowed to enter or import KPI values"):
        _write_values(None, auditor, "2025-10")
    assert _write_values(None, Actor("hr", role=Role.HR), "2025-10") == "2025-10"
    assert _write_values(None, actor=Actor("hr", role=Role.HR), period="x") == "x"


def test_a_head_passes_the_gate_for_their_own_departments_only():
    assert _write_values(None, Actor("zhang", role=Role.HEAD, department_ids=frozenset({3})), "p") == "p"
    with pytest.raises(PermissionDenied):
        _write_values(None, Actor("zhang", role=Role.HEAD), "p")  # a head of no department


def test_any_of_several_permissions_opens_the_gate():
    assert _see_pay(None, Actor("wf", role=Role.EMPLOYEE, employee_id=5)) == "pay"
    with pytest.raises(PermissionDenied, match="not allowed to see pay"):
        _see_pay(None, Actor("lq", role=Role.HEAD, department_ids=frozenset({1})))


def test_no_actor_is_no_longer_everything():
    for gated in (_write_values, _anyone):
        with pytest.raises(PermissionDenied):
            gated(None, None, "p") if gated is _write_values else gated(None, None)
    assert _anyone(None, Actor("audit", role=Role.AUDITOR)) == "ok"


def test_the_refusal_is_translated():
    from kpidesk.i18n import set_language

    set_language("zh_CN")
    try:
        with pytest.raises(PermissionDenied) as refused:
            _write_values(None, Actor("aud1", role=Role.AUDITOR), "2025-10")
    finally:
        set_language("en")
    assert "not allowed" not in str(refused.value) and "aud1" in str(refused.value)


def test_a_gate_needs_an_actor_parameter():
    with pytest.raises(TypeError, match="takes no actor"):
        requires(Permission.DATA_READ)(lambda db: None)
    assert getattr(touches_no_appraisal_data(lambda: 1), GATE_ATTRIBUTE).kind == "no_appraisal_data"


# --- the demo office with logins on ---------------------------------------------------------------------

PASSWORDS = {"admin": "admin-secret", "hr-li": "hr-secret-1", "lq": "head-secret", "wf": "employee-secret",
             "aud1": "auditor-secret"}
ROLE_LOGINS = {Role.ADMIN: "admin", Role.HR: "hr-li", Role.HEAD: "lq", Role.EMPLOYEE: "wf", Role.AUDITOR: "aud1"}
OPEN, FINALIZED = "2025-12", "2025-10"


@pytest.fixture(scope="module")
def office_file(tmp_path_factory, _demo_template):
    """The demo with a login for each role of README's table: lq heads 一组, wf is 王芳 (CS001, 一组)."""
    import shutil

    from kpidesk.services.people import staff
    from kpidesk.services.safety import auth
    from kpidesk.store.db import open_database

    path = tmp_path_factory.mktemp("roles") / "office.db"
    shutil.copyfile(_demo_template, path)
    db = open_database(path)
    owner = Actor("owner")
    with db.write() as session:
        head = staff.employee_by_staff_no(session, "CS007")
        clerk = staff.employee_by_staff_no(session, "CS001")
        auth.enable_access(session, owner, "admin", PASSWORDS["admin"])
        auth.add_user(session, owner, "hr-li", PASSWORDS["hr-li"], "hr")
        auth.add_user(session, owner, "lq", PASSWORDS["lq"], "head", employee_id=head.id,
                      department_id=head.department_id)
        auth.add_user(session, owner, "wf", PASSWORDS["wf"], "employee", employee_id=clerk.id)
        auth.add_user(session, owner, "aud1", PASSWORDS["aud1"], "auditor")
    db.dispose()
    return path


@pytest.fixture
def office_db(office_file, tmp_path):
    from tests_support.dbs import opened_copy

    database = opened_copy(office_file, tmp_path)
    yield database
    database.dispose()


def login(db, name: str) -> Actor:
    from kpidesk.services.safety import auth

    return auth.log_in(db, name, PASSWORDS[name])


def employee_id(db, staff_no: str) -> int:
    from kpidesk.services.people import staff

    with db.session() as session:
        return staff.employee_by_staff_no(session, staff_no).id


def stored_values(path) -> list[tuple]:
    """Every measurement as sqlite3 sees it, to show a refused write changed nothing."""
    import sqlite3

    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT employee_id, period_id, field_code, value, updated_by FROM measurements "
                                  "ORDER BY employee_id, period_id, field_code").fetchall()
    finally:
        connection.close()


# --- the role walk: one representative call per permission, each role against README's table ---------------

ALL = frozenset(Role)
KPI_TABLE = Path(__file__).parents[1] / "data" / "hr_kpi_table.xlsx"
ADMIN, HR, HEAD, EMPLOYEE, AUDITOR = Role.ADMIN, Role.HR, Role.HEAD, Role.EMPLOYEE, Role.AUDITOR


def _calls(tmp_path):
    """(what, the roles README's table lets do it, call of (db, actor)). The head's calls stay inside 一组."""
    from decimal import Decimal

    from kpidesk.services.appraisal import measurements
    from kpidesk.services.appraisal import use_cases as appraisal
    from kpidesk.services.forms import use_cases as forms
    from kpidesk.services.imports import use_cases as imports
    from kpidesk.services.library import use_cases as library
    from kpidesk.services.pay import use_cases as pay
    from kpidesk.services.people import use_cases as people
    from kpidesk.services.printing import use_cases as printing
    from kpidesk.services.printing.sheets import PrintRequest
    from kpidesk.services.safety import backup
    from kpidesk.services.safety import use_cases as safety
    from kpidesk.services.safety.audit import AuditFilter

    def own_team_value(db, actor):
        change = measurements.ValueChange(employee_id(db, "CS001"), "contacts", Decimal(401))
        return measurements.save_values(db, actor, OPEN, [change])

    def adjust_own_team(db, actor):
        return appraisal.add_adjustment(db, actor, OPEN, employee_id(db, "CS002"), Decimal(1), "复核加分")

    def save_settings(db, actor):
        settings, _bands = people.organisation_settings(db, actor)
        return people.save_organisation_settings(db, actor, settings)

    return [
        ("see the periods", ALL, lambda db, a: appraisal.list_periods(db, a)),
        ("see results (own scope)", ALL, lambda db, a: appraisal.period_scores(db, a, FINALIZED)),
        ("see form scores (own scope)", ALL, lambda db, a: forms.form_scores(db, a, FINALIZED)),
        ("see the library", ALL, lambda db, a: library.kpi_labels(db, a)),
        ("database info", ALL, lambda db, a: safety.database_info(db, a)),
        ("see KPI values", {ADMIN, HR, HEAD, AUDITOR}, lambda db, a: appraisal.entry_sheet(db, a, OPEN)),
        ("see the staff list", {ADMIN, HR, HEAD, AUDITOR}, lambda db, a: people.staff_lists(db, a)),
        ("enter values", {ADMIN, HR, HEAD}, own_team_value),
        ("adjust results", {ADMIN, HR, HEAD}, adjust_own_team),
        ("verify a printed sheet", {ADMIN, HR, HEAD, EMPLOYEE, AUDITOR},
         lambda db, a: printing.verify_printed_sheet(db, a, FINALIZED, "CS001", "0" * 64)),
        ("print one's own sheet", {ADMIN, HR, HEAD, EMPLOYEE, AUDITOR},
         lambda db, a: printing.print_sheets(db, a, PrintRequest(FINALIZED, ("CS001",), charts=False),
                                             tmp_path / f"{a.name}.pdf")),
        ("change the staff list", {ADMIN, HR, HEAD},
         lambda db, a: people.update_employee(db, a, employee_id(db, "CS002"), name="张伟")),
        ("record a sign-off", {ADMIN, HR, HEAD},
         lambda db, a: appraisal.record_signoff(db, a, FINALIZED, employee_id(db, "CS002"), "manager", "李强")),
        ("import a KPI table", {ADMIN, HR},
         lambda db, a: imports.preview_import(db, a, KPI_TABLE, kind="kpis")),
        ("make a backup", {ADMIN, HR}, lambda db, a: backup.backup_to(db, a, tmp_path / f"{a.name}-backup.db")),
        ("export a whole period", {ADMIN, HR, AUDITOR},  # organisation-wide: a head prints their own instead
         lambda db, a: imports.export_period(db, a, FINALIZED, tmp_path / f"{a.name}.xlsx")),
        ("read the audit log", {ADMIN, HR, AUDITOR}, lambda db, a: safety.audit_entries(db, a, AuditFilter(limit=3))),
        ("open a period", {ADMIN, HR}, lambda db, a: appraisal.open_period(db, a, "2026-01")),
        ("change the library", {ADMIN, HR}, lambda db, a: library.install_starter(db, a, "customer-service")),
        ("change settings", {ADMIN, HR}, save_settings),
        ("see pay", {ADMIN, HR, EMPLOYEE}, lambda db, a: pay.pay_overview(db, a, FINALIZED)),
        ("change pay", {ADMIN, HR}, lambda db, a: pay.set_base_pay(db, a, "CS001", "8000")),
        ("manage logins", {ADMIN}, lambda db, a: safety.add_user(db, a, f"new-{a.name}", "long-enough-1", "auditor")),
        ("check the database file", {ADMIN}, lambda db, a: safety.check_database(db, a)),
    ]


@pytest.mark.parametrize("role", list(ROLE_LOGINS))
def test_each_role_is_let_through_where_readme_says_and_nowhere_else(office_db, role, tmp_path):
    actor = login(office_db, ROLE_LOGINS[role])
    assert actor.role == role
    wrong = []
    for what, allowed_roles, call in _calls(tmp_path):
        try:
            call(office_db, actor)
            allowed = True
        except PermissionDenied:
            allowed = False
        if allowed != (role in allowed_roles):
            wrong.append(f"{what}: {'allowed' if allowed else 'refused'}")
    assert wrong == []


def test_every_permission_has_an_action_for_refusals_to_name():
    from kpidesk.services.safety.access import ACTIONS, require

    assert set(ACTIONS) == set(Permission)
    with pytest.raises(PermissionDenied, match=r"hr \(HR\) is not allowed to manage logins"):
        require(Actor("hr", role=Role.HR), Permission.USERS_MANAGE)


# --- the attacks that got through before ----------------------------------------------------------------


def run_cli(path, user: str | None, *command: str, monkeypatch) -> int:
    from kpidesk.cli import main

    if user is None:
        monkeypatch.delenv("KPIDESK_PASSWORD", raising=False)
        return main(["--db", str(path), *command])
    monkeypatch.setenv("KPIDESK_PASSWORD", PASSWORDS[user])
    return main(["--db", str(path), "--user", user, *command])


@pytest.fixture
def office_path(office_db):
    path = office_db.path
    office_db.dispose()
    return path


@pytest.fixture
def values_file(tmp_path):
    """Contacts for 王芳 (一组) and 赵敏 (二组) in the open month."""
    path = tmp_path / "o.csv"
    path.write_text("工号,contacts\nCS001,401\nCS008,402\n", encoding="utf-8")
    return path


def test_an_auditor_cannot_import_values(office_path, values_file, monkeypatch, capsys):
    before = stored_values(office_path)
    code = run_cli(office_path, "aud1", "import", str(values_file), "--period", OPEN, monkeypatch=monkeypatch)
    err = capsys.readouterr().err
    assert code == 1 and "not allowed to enter or import KPI values" in err
    assert stored_values(office_path) == before


def test_an_auditor_cannot_preview_an_import(office_path, values_file, monkeypatch, capsys):
    code = run_cli(office_path, "aud1", "import", str(values_file), "--period", OPEN, "--dry-run",
                   monkeypatch=monkeypatch)
    captured = capsys.readouterr()
    assert code == 1 and "not allowed" in captured.err and "CS008" not in captured.out


def test_a_head_cannot_import_another_departments_values_nor_preview_them(office_path, values_file, monkeypatch,
                                                                           capsys):
    before = stored_values(office_path)
    for extra in ((), ("--dry-run",)):
        code = run_cli(office_path, "lq", "import", str(values_file), "--period", OPEN, *extra,
                       monkeypatch=monkeypatch)
        captured = capsys.readouterr()
        assert code == 1, extra
        assert "CS008 赵敏 (二组)" in captured.err and "Nothing was written" in captured.err
        assert "402" not in captured.out  # the preview of the other department's value is not shown
    assert stored_values(office_path) == before
    own_team = values_file.with_name("own.csv")
    own_team.write_text("工号,contacts\nCS001,401\n", encoding="utf-8")
    assert run_cli(office_path, "lq", "import", str(own_team), "--period", OPEN, monkeypatch=monkeypatch) == 0


def test_a_head_cannot_save_another_departments_values(office_db):
    from decimal import Decimal

    from kpidesk.services.appraisal import measurements

    head = login(office_db, "lq")
    before = stored_values(office_db.path)
    changes = [measurements.ValueChange(employee_id(office_db, "CS001"), "contacts", Decimal(401)),
               measurements.ValueChange(employee_id(office_db, "CS008"), "contacts", Decimal(402))]
    with pytest.raises(PermissionDenied, match=r"CS008 赵敏 \(二组\)"):
        measurements.save_values(office_db, head, OPEN, changes)
    assert stored_values(office_db.path) == before  # not even 王芳's value of their own team


def test_an_auditor_cannot_save_values(office_db):
    from decimal import Decimal

    from kpidesk.services.appraisal import measurements

    before = stored_values(office_db.path)
    change = measurements.ValueChange(employee_id(office_db, "CS001"), "contacts", Decimal(401))
    with pytest.raises(PermissionDenied):
        measurements.save_values(office_db, login(office_db, "aud1"), OPEN, [change])
    with office_db.write() as session, pytest.raises(PermissionDenied):  # below the use case too
        measurements.set_values(session, login(office_db, "aud1"), OPEN, [change])
    assert stored_values(office_db.path) == before


def test_a_head_gets_no_pay(office_path, monkeypatch, capsys):
    code = run_cli(office_path, "lq", "pay", "--period", FINALIZED, monkeypatch=monkeypatch)
    captured = capsys.readouterr()
    assert code == 1 and "not allowed to see pay" in captured.err
    assert "CS001" not in captured.out and "CS002" not in captured.out


def test_an_employee_sees_only_their_own_pay_line(office_path, monkeypatch, capsys):
    import json

    assert run_cli(office_path, "wf", "pay", "--period", FINALIZED, "--json", monkeypatch=monkeypatch) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [line["staff_no"] for line in shown["lines"]] == ["CS001"]
    assert run_cli(office_path, "wf", "pay", "--period", OPEN, monkeypatch=monkeypatch) == 1  # a draft is nobody's
    assert "not final" in capsys.readouterr().err


def test_db_copy_needs_an_administrator_of_the_source(office_path, tmp_path, monkeypatch, capsys):
    target = tmp_path / "copy.db"
    for user in (None, "hr-li", "aud1"):
        assert run_cli(office_path, user, "db", "copy", "--from", str(office_path), "--to", str(target),
                       monkeypatch=monkeypatch) == 1, user
        assert not target.exists(), user
    assert "log in with --user" in capsys.readouterr().err
    assert run_cli(office_path, "admin", "db", "copy", "--from", str(office_path), "--to", str(target),
                   monkeypatch=monkeypatch) == 0
    assert target.exists()


def test_info_needs_a_login_and_the_file_commands_an_administrator(office_path, monkeypatch, capsys):
    assert run_cli(office_path, None, "info", monkeypatch=monkeypatch) == 1
    assert run_cli(office_path, "wf", "info", monkeypatch=monkeypatch) == 0
    for command in (("db", "check"), ("db", "upgrade"), ("init",)):
        assert run_cli(office_path, "hr-li", *command, monkeypatch=monkeypatch) == 1, command
        assert "not allowed to check, copy, upgrade or re-create" in capsys.readouterr().err, command
        assert run_cli(office_path, "admin", *command, monkeypatch=monkeypatch) == 0, command


def test_db_check_still_diagnoses_a_file_whose_logins_cannot_be_read(office_path, monkeypatch, capsys):
    import sqlite3

    connection = sqlite3.connect(office_path)
    connection.execute("DROP TABLE users")
    connection.commit()
    connection.close()
    assert run_cli(office_path, "lq", "db", "check", monkeypatch=monkeypatch) == 1
    out = capsys.readouterr().out
    assert "The logins cannot be read" in out and "users" in out


def test_reads_below_the_use_cases_take_the_actor_and_scope_by_it(office_db):
    from kpidesk.services.appraisal import measurements
    from kpidesk.services.appraisal import use_cases as appraisal
    from kpidesk.services.appraisal.scoring import compute_scores

    head, hr = login(office_db, "lq"), login(office_db, "hr-li")
    team, other = employee_id(office_db, "CS001"), employee_id(office_db, "CS008")
    with office_db.session() as session:
        everyone = set(compute_scores(session, hr, OPEN).frame.index)
        own = set(compute_scores(session, head, OPEN).frame.index)
        values = measurements.values_for_period(session, head, OPEN)
        assert not measurements.values_for_period(session, login(office_db, "wf"), OPEN)  # an employee: none
    assert {team, other} <= everyone and team in own and other not in own and own < everyone
    assert {e for e, _code in values} <= own and any(e == team for e, _code in values)
    grid = appraisal.entry_sheet(office_db, head, OPEN)
    assert {row.employee_id for row in grid.rows} <= own and team in {row.employee_id for row in grid.rows}
    assert "赵敏" not in repr(grid)


def test_a_heads_staff_list_holds_their_departments_people_only(office_db):
    from kpidesk.services.people import use_cases as people

    _departments, _positions, everyone = people.staff_lists(office_db, login(office_db, "hr-li"))
    _departments, _positions, listed = people.staff_lists(office_db, login(office_db, "lq"))
    assert "CS008" in {row.staff_no for row in everyone}
    assert {row.staff_no for row in listed} == {"CS007", "CS001", "CS002", "CS003", "CS009", "CS011"}
    with pytest.raises(PermissionDenied):
        people.employee_moves(office_db, login(office_db, "lq"), employee_id(office_db, "CS008"))
    assert people.employee_moves(office_db, login(office_db, "lq"), employee_id(office_db, "CS001")) is not None
