"""A department head cannot read another department's results through any service or CLI command.

The demo office: 客户关怀部 (its manager 周杰) with two teams. The head of 一组 (李强) may see 一组 only;
everything about 二组 and about 周杰 must stay out of every answer, file and message they get — whether
the call is refused or filtered.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kpidesk.errors import KpiDeskError, PermissionDenied
from kpidesk.services.actor import Actor

PERIOD = "2025-10"
ADMIN = Actor("hr")
OWN_TEAM = {"CS007": "李强", "CS001": "王芳", "CS002": "张伟", "CS003": "刘洋", "CS009": "孙悦", "CS011": "朱琳"}
OTHERS = {"CS000": "周杰", "CS008": "赵敏", "CS004": "陈静", "CS005": "杨磊", "CS006": "黄丽", "CS010": "马超",
          "CS012": "胡斌"}


@pytest.fixture(scope="module")
def office(tmp_path_factory, _demo_template):
    """The demo (January–November finalized), a sign-off and an appeal on 二组, and logins switched on."""
    from kpidesk.services.appraisal import periods, signoffs
    from kpidesk.services.people import staff
    from kpidesk.services.safety import auth
    from kpidesk.store.db import open_database

    path = tmp_path_factory.mktemp("roles") / "office.db"
    shutil.copyfile(_demo_template, path)
    db = open_database(path)
    with db.write() as session:
        other = staff.employee_by_staff_no(session, "CS008")
        signoffs.record_signoff(session, ADMIN, PERIOD, other.id, "hr", "人事 王")
        periods.start_review(session, ADMIN, "2025-12")
        periods.record_response(session, ADMIN, "2025-12", "CS004", "appeal", "陈静的申诉：数据有误")
        team = staff.employee_by_staff_no(session, "CS007")
        clerk = staff.employee_by_staff_no(session, "CS001")
        auth.enable_access(session, ADMIN, "admin", "admin-secret")
        auth.add_user(session, ADMIN, "lq", "head-secret", "head", employee_id=team.id,
                      department_id=team.department_id)
        auth.add_user(session, ADMIN, "wf", "employee-secret", "employee", employee_id=clerk.id)
        auth.add_user(session, ADMIN, "hr-li", "hr-secret-1", "hr")
    db.dispose()
    return path


@pytest.fixture
def db(office, tmp_path):
    from tests_support.dbs import opened_copy

    database = opened_copy(office, tmp_path)
    yield database
    database.dispose()


def _actor(db, username):
    from sqlalchemy import select

    from kpidesk.services.safety import auth
    from kpidesk.store import models as m

    with db.session() as session:
        user = session.execute(select(m.User).where(m.User.username == username)).scalar_one()
        return auth.actor_for_user(session, user)


@pytest.fixture
def head(db):
    return _actor(db, "lq")


def leaked(text: str) -> list[str]:
    return sorted(k for k, v in OTHERS.items() if k in text or v in text)


def _text(value) -> str:
    import pandas as pd

    if isinstance(value, pd.DataFrame):
        return value.to_csv()
    if isinstance(value, Path):
        return _file_text(value)
    return repr(value) + json.dumps(value, default=str, ensure_ascii=False) if _jsonable(value) else repr(value)


def _jsonable(value) -> bool:
    try:
        json.dumps(value, default=str)
    except (TypeError, ValueError):
        return False
    return True


def _file_text(path: Path) -> str:
    if not path.exists():
        return ""
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        return "\n".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row)
    return path.read_text(encoding="utf-8-sig", errors="replace") + path.name


def _service_calls(tmp_path):
    """(label, function of (session, actor) -> anything the actor gets back)."""
    from kpidesk.services.appraisal import adjustments, periods, scoring, signoffs
    from kpidesk.services.forms import responses as forms
    from kpidesk.services.forms import scores as form_scores
    from kpidesk.services.imports import exporting
    from kpidesk.services.pay import export as pay_export
    from kpidesk.services.pay import payroll as pay
    from kpidesk.services.safety import audit

    return [
        ("scoring.period_scores", lambda s, a: scoring.period_scores(s, PERIOD, actor=a).frame),
        ("scoring.period_scores department=二组",
         lambda s, a: scoring.period_scores(s, PERIOD, department="二组", actor=a).frame),
        ("scoring.period_scores open period", lambda s, a: scoring.period_scores(s, "2025-12", actor=a).frame),
        ("scoring.compute_period", lambda s, a: scoring.compute_period(s, PERIOD, actor=a)),
        ("exporting.results_frame", lambda s, a: exporting.results_frame(s, PERIOD, actor=a)),
        ("exporting.raw_data_frame", lambda s, a: exporting.raw_data_frame(s, PERIOD, actor=a)),
        ("exporting.export_period xlsx",
         lambda s, a: exporting.export_period(s, PERIOD, tmp_path / "e.xlsx", actor=a) and tmp_path / "e.xlsx"),
        ("exporting.export_period csv",
         lambda s, a: exporting.export_period(s, PERIOD, tmp_path / "e.csv", actor=a) and tmp_path / "e.csv"),
        ("forms.form_scores", lambda s, a: _named(s, form_scores.form_scores(s, PERIOD, actor=a))),
        ("forms.form_score_rows", lambda s, a: form_scores.form_score_rows(s, PERIOD, a)),
        ("forms.qualitative_scores", lambda s, a: _named(s, form_scores.qualitative_scores(s, PERIOD, actor=a))),
        ("forms.responses_for", lambda s, a: _named(s, [_About(r.employee_id) for r in
                                                          forms.responses_for(s, PERIOD, actor=a)])),
        ("pay.period_pay", lambda s, a: pay_export.pay_rows(pay.period_pay(s, a, PERIOD))),
        ("pay_export.export_payroll",
         lambda s, a: pay_export.export_payroll(s, a, PERIOD, tmp_path / "p.xlsx") and tmp_path / "p.xlsx"),
        ("adjustments.list_adjustments", lambda s, a: _named(s, adjustments.list_adjustments(s, a, PERIOD))),
        ("adjustments.list_exemptions", lambda s, a: _named(s, adjustments.list_exemptions(s, a, PERIOD))),
        ("signoffs.list_signoffs", lambda s, a: signoffs.list_signoffs(s, a, PERIOD)),
        ("periods.list_responses", lambda s, a: periods.list_responses(s, "2025-12", actor=a)),
        *[(f"charts.chart_data {kind} CS008", _chart(kind, employee="CS008"))
          for kind in ("trend", "bullet", "radar", "fishbone")],
        *[(f"charts.chart_data {kind}", _chart(kind)) for kind in ("distribution", "scores", "ranking")],
        *[(f"charts.chart_data {kind} 二组", _chart(kind, department="二组"))
          for kind in ("distribution", "scores", "ranking")],
        ("charts.chart_data team-trend 二组", _chart("team-trend", department="二组", kpi="csat")),
        ("printing.print_documents", _printed(tmp_path, "all.pdf")),
        ("printing.print_documents CS008", _printed(tmp_path, "one.pdf", staff_nos=("CS008",))),
        ("printing.print_documents 二组", _printed(tmp_path, "dep.pdf", department="二组", summary=True)),
        ("audit.list_entries", lambda s, a: audit.list_entries(s, a)),
        ("audit.export_entries",
         lambda s, a: audit.export_entries(s, a, tmp_path / "a.csv") and tmp_path / "a.csv"),
    ]


def _chart(kind, **where):
    from kpidesk.services.printing import chart_data as charts

    return lambda s, a: charts.chart_data(s, a, kind, PERIOD, **where)


def _printed(folder, name, **request):
    """A print job; it opens its own sessions, so it runs on the database the session belongs to."""
    from kpidesk.services.printing import sheets as printing

    def run(session, actor):
        from kpidesk.store.db import Database

        database = Database(url=session.get_bind().url, engine=session.get_bind().engine)
        printing.print_documents(database, actor, printing.PrintRequest(period=PERIOD, charts=False, **request),
                                 folder / name)
        return folder / name

    return run


class _About:
    """Who a form response is about (its rater may be a manager elsewhere, which is no leak)."""

    def __init__(self, employee_id: int):
        self.employee_id = employee_id

    def __repr__(self) -> str:
        return f"about {self.employee_id}"


def _named(session, value) -> str:
    """Results keyed by employee id, with the staff numbers and names of those ids written out."""
    from kpidesk.store import models as m

    ids = set()
    if isinstance(value, dict):
        ids = set(value)
    elif isinstance(value, list):
        ids = {getattr(row, "employee_id", None) for row in value}
    people = [session.get(m.Employee, i) for i in ids if i is not None]
    return repr(value) + " ".join(f"{p.staff_no} {p.name}" for p in people if p is not None)


def test_head_gets_nothing_of_another_department_from_any_service(db, head, tmp_path):
    problems = []
    for label, call in _service_calls(tmp_path):
        refused = False
        try:
            with db.write() as session:
                answer = _text(call(session, head))
        except KpiDeskError as error:  # refused: the message may repeat whom was asked for, nothing more
            answer, refused = str(error), True
        found = _unexpected(label.split(), answer, refused, document="print" in label)
        if found:
            problems.append(f"{label}: {found}")
    assert not problems, problems


def _unexpected(request: list[str], text: str, refused: bool, *, document: bool = False,
                rater_sheet: bool = False) -> list[str]:
    """Other-department people in what came back. A refusal may name the person the request named; a
    printed sheet names 李强's own manager 周杰 as his appraiser (by name only), and a form sheet lists
    周杰 (with his staff number) as the rater of 李强's manager assessment."""
    found = leaked(text)
    if refused:
        found = [k for k in found if k not in request]
    if (document and "CS000" not in text) or rater_sheet:
        found = [k for k in found if k != "CS000"]
    return found


def test_head_still_sees_their_own_team(db, head):
    from kpidesk.services.appraisal import scoring

    with db.session() as session:
        frame = scoring.period_scores(session, PERIOD, actor=head).frame
    assert set(frame["staff_no"]) == set(OWN_TEAM) - {"CS010"}


def test_the_matrix_is_not_vacuous_an_administrator_sees_the_other_team(db, tmp_path):
    """The same calls made by an administrator do return the other team: the checks above mean something."""
    seen = []
    for label, call in _service_calls(tmp_path):
        with db.write() as session:
            try:
                answer = _text(call(session, ADMIN))
            except KpiDeskError:
                continue
        if leaked(answer):
            seen.append(label)
    assert len(seen) >= 12, seen


def test_an_hr_login_sees_the_whole_organisation_like_an_administrator(db, tmp_path):
    """HR is not scoped to a department: the calls that show an administrator the other team show it to HR."""
    hr = _actor(db, "hr-li")
    seen, refused = [], []
    for label, call in _service_calls(tmp_path):
        with db.write() as session:
            try:
                answer = _text(call(session, hr))
            except KpiDeskError as error:
                refused.append(f"{label}: {error}")
                continue
        if leaked(answer):
            seen.append(label)
    assert not refused
    assert {"pay.period_pay", "pay_export.export_payroll", "audit.list_entries"} <= set(seen)
    assert len(seen) >= 12, seen


def _cli(db_path: Path, user: str, password: str, args: list[str], monkeypatch, capsys) -> tuple[int, str]:
    from kpidesk.cli import main

    monkeypatch.setenv("KPIDESK_PASSWORD", password)
    code = main(["--db", str(db_path), "--user", user, *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _cli_commands(tmp_path, form_key="customer_service_staff"):
    return [
        (["score", "--period", PERIOD]),
        (["score", "--period", PERIOD, "--format", "json"]),
        (["score", "--period", PERIOD, "--department", "二组", "--format", "json"]),
        (["score", "--period", "2025-12", "--format", "json"]),
        (["score", "--period", "2025-Q4", "--format", "csv", "--out", str(tmp_path / "q4.csv")]),
        (["export", "--period", PERIOD, "--out", str(tmp_path / "x.xlsx")]),
        (["export", "--period", PERIOD, "--out", str(tmp_path / "x.csv")]),
        (["import-template", "--period", "2025-12", "--position", "客服代表", "--out", str(tmp_path / "t.xlsx")]),
        (["forms", "scores", "--period", PERIOD, "--json"]),
        (["forms", "export", "--period", "2025-12", "--form", form_key, "--out", str(tmp_path / "sheets")]),
        (["forms", "export", "--period", "2025-12", "--form", form_key, "--blank", "--out",
          str(tmp_path / "blank.xlsx")]),
        (["pay", "--period", PERIOD, "--json"]),
        (["pay", "--period", PERIOD, "--out", str(tmp_path / "pay.xlsx")]),
        (["period", "responses", "2025-12"]),
        (["pdf", "--period", PERIOD, "--no-charts", "--out", str(tmp_path / "all.pdf")]),
        (["pdf", "--period", PERIOD, "--no-charts", "--employee", "CS008", "--out", str(tmp_path / "one.pdf")]),
        (["pdf", "--period", PERIOD, "--no-charts", "--department", "二组", "--summary", "--out",
          str(tmp_path / "dep.pdf")]),
        (["pdf", "--period", PERIOD, "--no-charts", "--split", "--out", str(tmp_path / "split")]),
        (["chart", "trend", "--period", PERIOD, "--employee", "CS008", "--out", str(tmp_path / "c.svg")]),
        (["chart", "ranking", "--period", PERIOD, "--out", str(tmp_path / "c.svg")]),
        (["chart", "distribution", "--period", PERIOD, "--department", "二组", "--out", str(tmp_path / "c.svg")]),
        (["audit", "list"]),
        (["audit", "export", str(tmp_path / "audit.csv")]),
        (["backup", "--out", str(tmp_path / "copy.db")]),
        (["verify-sheet", "--period", PERIOD, "--employee", "CS008", "0" * 64]),
    ]


#: Commands that give no one's results back, and why; every other command is in the matrix above.
NOT_READING_RESULTS = {
    "init": "creates the database", "demo": "fills an empty database", "info": "counts only",
    "import-columns": "lists accepted headers", "import": "writes; shows only the file the user gave",
    "forms list": "form definitions", "forms check": "checks a form file", "forms import": "writes; shows the file",
    "starter update": "the KPI library and templates, no people; applying needs the right to edit the library",
    "pay-config rules": "rules, no people", "pay-config set-rules": "HR and administrators only, writes",
    "pay-config base": "HR and administrators only, writes", "pay-config bonus": "HR and administrators only, writes",
    "pay-config budget": "HR and administrators only, writes",
    "period list": "periods and counts", "period open": "writes", "period review": "writes",
    "period finalize": "writes", "period reopen": "writes", "period acknowledge": "writes",
    "period appeal": "writes", "period answer": "writes",
    "period grade-anyway": "writes; only for people the user may adjust",
    "restore": "administrators only when the database can be opened", "audit verify": "administrators and auditors",
    "users enable-access": "administrators", "users disable-access": "administrators", "users add": "administrators",
    "users passwd": "own password or administrators", "users list": "administrators",
    "users recover": "needs the recovery code",
    "db upgrade": "schema only", "db check": "integrity problems only",
    "db copy": "copies a database by its file or server credentials, like copying the file itself",
    "db encrypt": "administrators only; converts the file", "db decrypt": "administrators only; converts the file",
}


def _all_commands() -> set[str]:
    import argparse

    from kpidesk.cli import build_parser

    found: set[str] = set()

    def walk(parser, prefix: tuple[str, ...]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    nested = any(isinstance(a, argparse._SubParsersAction) for a in sub._actions)
                    walk(sub, (*prefix, name)) if nested else found.add(" ".join((*prefix, name)))

    walk(build_parser(), ())
    return found


def test_every_cli_command_is_in_the_matrix_or_reads_no_results(tmp_path):
    tested = set()
    for args in _cli_commands(tmp_path):
        tested.add(" ".join(args[:2]) if " ".join(args[:2]) in _all_commands() else args[0])
    unconsidered = _all_commands() - tested - set(NOT_READING_RESULTS)
    assert not unconsidered, f"new commands to add to the role matrix: {sorted(unconsidered)}"


def _written_files(tmp_path) -> str:
    return "\n".join(_file_text(p) for p in tmp_path.rglob("*") if p.suffix in (".xlsx", ".csv", ".pdf", ".svg"))


def test_head_gets_nothing_of_another_department_from_any_cli_command(db, tmp_path, monkeypatch, capsys):
    path = db.path
    db.dispose()
    out = tmp_path / "out"
    out.mkdir()
    problems = []
    for args in _cli_commands(out, _form_key(path)):
        code, text = _cli(path, "lq", "head-secret", args, monkeypatch, capsys)
        assert "Traceback" not in text and code in (0, 1, 3), (args, code, text)
        found = _unexpected(args, text + _written_files(out), code != 0, document=args[0] == "pdf",
                            rater_sheet=args[:2] == ["forms", "export"])
        if (out / "copy.db").exists():
            problems.append("backup --out wrote a copy of the whole database")
        if found:
            problems.append(f"{' '.join(args)}: {found}")
        shutil.rmtree(out)
        out.mkdir()
    assert not problems, problems


def _form_key(path) -> str:
    import sqlite3

    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT v.form_key FROM form_responses r JOIN form_versions v ON v.id = r.form_version_id "
                           "LIMIT 1").fetchone()[0]
    finally:
        con.close()


def test_the_cli_matrix_is_not_vacuous(db, tmp_path, monkeypatch, capsys):
    path = db.path
    db.dispose()
    code, text = _cli(path, "admin", "admin-secret", ["score", "--period", PERIOD, "--format", "json"], monkeypatch, capsys)
    assert code == 0 and leaked(text)


def test_employee_sees_only_their_own_finalized_result(db):
    from kpidesk.services.appraisal import periods, scoring
    from kpidesk.services.forms import scores as form_scores

    clerk = _actor(db, "wf")
    with db.write() as session:
        periods.open_period(session, ADMIN, "2026-01")
    with db.session() as session:
        frame = scoring.period_scores(session, PERIOD, actor=clerk).frame
        assert list(frame["staff_no"]) == ["CS001"]
        assert set(form_scores.qualitative_scores(session, PERIOD, actor=clerk)) <= {clerk.employee_id}
        with pytest.raises(PermissionDenied):
            scoring.period_scores(session, "2026-01", actor=clerk)
        with pytest.raises(PermissionDenied):
            form_scores.form_scores(session, "2026-01", actor=clerk)
