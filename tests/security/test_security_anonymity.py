"""Anonymous peer answers cannot be traced to their raters: not in the rows, the ids, the times, the audit
trail or the sheets exported for someone else; and a database from before keeps no link either."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from kpidesk.domain.periods import parse_period
from kpidesk.errors import ValidationError
from kpidesk.services.actor import Actor, Role
from kpidesk.services.forms import catalogue
from kpidesk.services.forms import responses as service
from kpidesk.services.forms.responses import ResponseInput
from kpidesk.services.people.staff import add_employee, get_or_create_department, get_or_create_position
from kpidesk.store import models as m

PERIOD = "2025-03"
CRITERIA = ("teamwork", "professional_skills", "service_attitude", "communication", "customer_relationship",
            "complaint_handling", "innovation", "personal_development")


@dataclass
class Office:
    db: object
    admin: Actor
    manager: int
    staff: dict[str, int]  # staff no → id
    form_version_id: int

    def peer(self, staff_no: str) -> Actor:
        return Actor(f"login.{staff_no}", Role.EMPLOYEE, employee_id=self.staff[staff_no])


@pytest.fixture
def office(starter_db, actor) -> Office:
    """A manager and four representatives on the customer-service-staff form (which has peer raters)."""
    with starter_db.write() as session:
        department = get_or_create_department(session, "客服部")
        rep = get_or_create_position(session, "客服代表")
        boss = get_or_create_position(session, "客户关系主管")
        manager = add_employee(session, actor, staff_no="M01", name="周经理", department_id=department.id,
                               position_id=boss.id)
        staff = {
            number: add_employee(session, actor, staff_no=number, name=name, department_id=department.id,
                                 position_id=rep.id, manager_id=manager.id).id
            for number, name in (("S01", "王芳"), ("S02", "张伟"), ("S03", "刘洋"), ("S04", "陈静"))
        }
        period = parse_period(PERIOD)
        session.add(m.PeriodRecord(code=period.code, kind=period.kind.value, starts_on=period.start,
                                   ends_on=period.end))
        version = catalogue.latest_form_version(session, "customer_service_staff")
        return Office(starter_db, actor, manager.id, staff, version.id)


def answer(office: Office, employee: str, rater: str, level: str = "good", *, submit: bool = True,
           actor: Actor | None = None, response_id: int | None = None) -> int:
    """A peer answer from ``rater`` about ``employee``, typed in by the rater unless ``actor`` is given."""
    data = ResponseInput(PERIOD, office.staff[employee], office.form_version_id, "peer",
                         {c: level for c in CRITERIA}, {c: f"{rater} 的事例" for c in CRITERIA},
                         rater_id=office.staff[rater])
    with office.db.write() as session:
        return service.save_response(session, actor or office.peer(rater), data, submit=submit,
                                     response_id=response_id)


def raw(office: Office, sql: str) -> list[tuple]:
    with office.db.engine.connect() as connection:
        return [tuple(row) for row in connection.exec_driver_sql(sql).all()]


# --- the link is dropped on submit ------------------------------------------------------------------


def test_the_draft_knows_its_rater_the_submitted_answer_does_not(office):
    draft_id = answer(office, "S01", "S02", submit=False)
    assert raw(office, f"SELECT rater_id, status FROM form_responses WHERE id = {draft_id}") == [
        (office.staff["S02"], "draft")]

    answer_id = answer(office, "S01", "S02", response_id=draft_id)

    assert answer_id != draft_id
    assert raw(office, "SELECT id, rater_id, status, updated_at, submitted_at FROM form_responses") == [
        (answer_id, None, "submitted", None, None)], "the draft is gone; the answer has no rater and no time"
    assert len(raw(office, "SELECT * FROM form_answered_raters")) == 1
    from sqlalchemy import inspect

    columns = [column["name"] for column in inspect(office.db.engine).get_columns("form_answered_raters")]
    assert columns == ["id", "period_id", "employee_id", "form_version_id", "rater_role", "rater_id"], \
        "who answered holds nothing that points to an answer or a time"
    assert raw(office, "SELECT rater_id FROM form_answered_raters") == [(office.staff["S02"],)]


def test_the_audit_of_a_submission_names_no_user_and_no_answer(office):
    answer(office, "S01", "S02", actor=office.admin)  # typed in from paper by HR: still no name
    answer(office, "S03", "S02")
    with office.db.session() as session:
        entries = session.execute(select(m.AuditEntry).where(m.AuditEntry.action == "form.submit")).scalars().all()
    assert [(e.actor, e.entity_id) for e in entries] == [("anonymous peer", None)] * 2
    written = str([(e.actor, e.entity_id, e.old, e.new, e.reason) for e in entries])
    for trace in ("S02", "张伟", "login.S02", "tester", "good"):
        assert trace not in written
    assert entries[0].new == {"period": PERIOD, "employee": "S01", "form": "customer_service_staff",
                              "role": "peer", "rater": "anonymous peer", "status": "submitted"}


def test_ids_say_nothing_of_the_order_answers_came_in(office):
    pairs = [(employee, rater) for employee in ("S01", "S02", "S03", "S04")
             for rater in ("S01", "S02", "S03", "S04") if rater != employee]
    given = [answer(office, employee, rater) for employee, rater in pairs]
    assert len(set(given)) == 12
    assert given != sorted(given), "ids are drawn at random, not counted (a sorted run of 12 has odds 1 in 12!)"
    staff_no = {id_: number for number, id_ in office.staff.items()}
    stored = [(staff_no[e], staff_no[r])
              for e, r in raw(office, "SELECT employee_id, rater_id FROM form_answered_raters ORDER BY id")]
    assert sorted(stored) == sorted(pairs) and stored != pairs, "who answered is kept in no telling order"


def test_rows_written_after_an_answer_do_not_number_on_from_it(office):
    """SQLite numbers a row given no id one past the largest: a draft started right after submitting would
    sit next to the rater's answer. No row of these tables is numbered that way."""
    for rater in ("S02", "S03", "S04"):
        answer(office, "S01", rater)
        answer(office, "S02" if rater != "S02" else "S03", rater, submit=False)
    with office.db.write() as session:
        service.save_response(session, office.admin, ResponseInput(
            PERIOD, office.staff["S01"], office.form_version_id, "manager", {c: "good" for c in CRITERIA},
            {c: "ok" for c in CRITERIA}, rater_id=office.manager), submit=True)
    for table in ("form_responses", "form_ratings", "form_answered_raters"):
        ids = {row[0] for row in raw(office, f"SELECT id FROM {table}")}
        assert not {i + 1 for i in ids} & ids, f"{table} has ids in a run"


# --- a submitted anonymous answer is final ----------------------------------------------------------


def test_a_submitted_anonymous_answer_can_be_neither_changed_nor_withdrawn(office):
    answer_id = answer(office, "S01", "S02")
    with pytest.raises(ValidationError, match="already submitted an anonymous answer for 王芳"):
        answer(office, "S01", "S02", level="poor", submit=False)
    with pytest.raises(ValidationError, match="already submitted an anonymous answer"):
        answer(office, "S01", "S02", level="poor", actor=office.admin)
    with pytest.raises(ValidationError, match="final: it can be neither changed nor withdrawn"):
        answer(office, "S01", "S03", level="poor", actor=office.admin, response_id=answer_id)
    with pytest.raises(ValidationError, match="final"), office.db.write() as session:
        service.reopen_response(session, office.admin, answer_id, "the rater asks to withdraw it")
    with pytest.raises(ValidationError, match="final"), office.db.write() as session:
        service.submit_response(session, office.admin, answer_id)
    assert raw(office, "SELECT count(*) FROM form_responses") == [(1,)]
    assert {row[0] for row in raw(office, "SELECT level_key FROM form_ratings")} == {"good"}


def test_a_rater_sees_their_draft_but_not_their_submitted_answer(office):
    answer(office, "S01", "S02", submit=False)
    answer(office, "S03", "S02")
    with office.db.session() as session:
        own = service.responses_for(session, PERIOD, actor=office.peer("S02"))
        everyone = service.responses_for(session, PERIOD, actor=office.admin)
    assert [(v.employee_id, v.status) for v in own] == [(office.staff["S01"], "draft")]
    assert all(v.rater_id is None and v.rater == "anonymous peer" for v in everyone)


# --- sheets: a peer's answers only in their own ------------------------------------------------------


def sheet_text(paths) -> str:
    """Every cell of every exported workbook, as one text."""
    from openpyxl import load_workbook

    cells = []
    for path in paths:
        for sheet in load_workbook(path).worksheets:
            cells += [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    return "\n".join(cells)


def rows_of(path) -> dict[tuple[str, str], dict[str, object]]:
    """(staff no, role) → column key → value of an exported sheet."""
    from openpyxl import load_workbook

    from kpidesk.exchange import form_sheets as sheets

    sheet = load_workbook(path)[sheets.FORM_SHEET]
    keys = {cell.value: cell.column for cell in sheet[4] if cell.value}
    rows = {}
    for row in range(5, sheet.max_row + 1):
        role = sheets.role_from_text(sheet.cell(row=row, column=keys["role"]).value)
        staff_no = sheet.cell(row=row, column=keys["staff_no"]).value
        if staff_no and role:
            rows[(staff_no, role.value)] = {k: sheet.cell(row=row, column=c).value for k, c in keys.items()}
    return rows


def export(office: Office, actor: Actor, folder) -> list:
    from kpidesk.services.forms.use_cases import export_sheets

    return export_sheets(office.db, actor, PERIOD, "customer_service_staff", folder)


def test_an_export_for_someone_else_never_shows_a_peers_answers(office, tmp_path):
    answer(office, "S01", "S02", level="poor", submit=False)  # a draft: still linked to its rater
    answer(office, "S03", "S02", level="poor")  # submitted: final, linked to nobody
    with office.db.session() as session:
        department = session.get(m.Employee, office.staff["S01"]).department_id
    head = Actor("head", Role.HEAD, department_ids=frozenset({department}))
    for who, reader in (("hr", Actor("hr", Role.HR)), ("head", head), ("admin", office.admin)):
        paths = export(office, reader, tmp_path / who)
        text = sheet_text(paths)
        assert "S02 的事例" not in text, f"{who}'s export shows a peer's comments"
        (own,) = [p for p in paths if "S02" in p.name]
        rows = rows_of(own)
        assert ("S01", "peer") in rows and ("S03", "peer") not in rows, "answered rows are final: left out"
        assert not any(v for k, v in rows[("S01", "peer")].items() if k.startswith(("level:", "comment:")))


def test_the_raters_own_export_shows_their_draft_and_nothing_of_others(office, tmp_path):
    answer(office, "S01", "S02", level="poor", submit=False)
    answer(office, "S04", "S03", level="fair", submit=False)  # another rater's draft

    (path,) = export(office, office.peer("S02"), tmp_path)

    assert "S02" in path.name
    rows = rows_of(path)
    assert {role for _no, role in rows} <= {"self", "peer"} and ("S01", "peer") in rows
    assert rows[("S01", "peer")]["comment:teamwork"] == "S02 的事例"
    assert "S03 的事例" not in sheet_text([path])


def test_an_answered_peer_line_in_a_sheet_is_refused(office, tmp_path):
    from kpidesk.services.forms.sheet_import import preview_forms_import

    (path,) = export(office, office.peer("S02"), tmp_path)  # exported before answering
    answer(office, "S01", "S02")
    from openpyxl import load_workbook

    from kpidesk.exchange import form_sheets as sheets

    book = load_workbook(path)
    sheet = book[sheets.FORM_SHEET]
    keys = {cell.value: cell.column for cell in sheet[4] if cell.value}
    for row in range(5, sheet.max_row + 1):
        if sheet.cell(row=row, column=keys["staff_no"]).value == "S01":
            for criterion in CRITERIA:
                sheet.cell(row=row, column=keys[f"level:{criterion}"], value="差 Poor")
                sheet.cell(row=row, column=keys[f"comment:{criterion}"], value="again")
    book.save(path)
    with office.db.session() as session:
        preview = preview_forms_import(session, path, period=PERIOD)
    assert [p.code for p in preview.problems] == ["already_answered"]
    assert "already submitted an anonymous answer for 王芳" in str(preview.problems[0])


def test_the_combined_peer_result_needs_three_answers_and_names_nobody(office):
    from kpidesk.services.forms.use_cases import form_scores

    answer(office, "S01", "S02", level="poor")
    answer(office, "S01", "S03", level="poor")
    (two,) = [r for r in form_scores(office.db, office.admin, PERIOD) if r["staff_no"] == "S01"]
    assert two["roles"]["peer"] is None and "peer:too_few_peers" in two["left_out"]
    answer(office, "S01", "S04", level="poor")
    (three,) = [r for r in form_scores(office.db, office.admin, PERIOD) if r["staff_no"] == "S01"]
    assert three["roles"]["peer"] == 50
    assert not {"S02", "S03", "S04", "张伟", "刘洋", "陈静"} & set(str(three).split("'"))


# --- a database from before -------------------------------------------------------------------------


def _fill_at_revision_0007(path) -> None:
    """Three peers answered anonymously (as the program before wrote it: rater and times kept), one has a
    draft, and a manager answered by name."""
    con = sqlite3.connect(path)
    con.executescript(
        """
        INSERT INTO employees (id, staff_no, name, active, created_at) VALUES
            (1, 'S01', '王芳', 1, '2025-01-01 00:00:00'), (2, 'S02', '张伟', 1, '2025-01-01 00:00:00'),
            (3, 'S03', '刘洋', 1, '2025-01-01 00:00:00'), (4, 'S04', '陈静', 1, '2025-01-01 00:00:00'),
            (5, 'M01', '周经理', 1, '2025-01-01 00:00:00');
        INSERT INTO periods (id, code, kind, starts_on, ends_on, status, opened_at)
            VALUES (1, '2025-03', 'month', '2025-03-01', '2025-03-31', 'open', '2025-03-01 00:00:00');
        INSERT INTO form_versions (id, form_key, version, title_zh, title_en, content, content_hash, created_at)
            VALUES (1, 'teamwork', 1, '团队协作', 'Teamwork', '{}', 'x', '2025-01-01 00:00:00');
        INSERT INTO form_responses
            (id, period_id, employee_id, form_version_id, rater_role, rater_id, anonymous, status, texts,
             updated_at, submitted_at) VALUES
            (1, 1, 1, 1, 'peer', 2, 1, 'submitted', NULL, '2025-03-20 09:00:00', '2025-03-20 09:00:00'),
            (2, 1, 1, 1, 'peer', 3, 1, 'submitted', '{"strengths": "细心"}', '2025-03-21 09:00:00',
             '2025-03-21 09:00:00'),
            (3, 1, 1, 1, 'peer', 4, 1, 'draft', NULL, '2025-03-22 09:00:00', NULL),
            (4, 1, 1, 1, 'manager', 5, 0, 'submitted', NULL, '2025-03-23 09:00:00', '2025-03-23 09:00:00');
        INSERT INTO form_ratings (id, response_id, criterion_key, level_key, comment) VALUES
            (1, 1, 'sharing', 'good', '张伟写的'), (2, 1, 'helping', 'fair', NULL),
            (3, 2, 'sharing', 'poor', '刘洋写的'), (4, 3, 'sharing', 'good', '陈静的草稿'),
            (5, 4, 'sharing', 'excellent', '经理写的');
        """
    )
    con.commit()
    con.close()


def test_upgrading_drops_the_links_of_submitted_anonymous_answers(tmp_path):
    from sqlalchemy import create_engine

    from kpidesk.store import migrations_runner
    from kpidesk.store import sqlite as sqlite_helpers
    from kpidesk.store.db import open_database

    path = tmp_path / "0007.db"
    engine = create_engine(f"sqlite:///{path}")
    sqlite_helpers.configure(engine)
    migrations_runner.upgrade(engine, "0007")
    engine.dispose()
    _fill_at_revision_0007(path)

    open_database(path).dispose()  # upgrades automatically

    con = sqlite3.connect(path)
    answers = con.execute(
        "SELECT id, rater_id, updated_at, submitted_at, texts FROM form_responses "
        "WHERE anonymous = 1 AND status = 'submitted'").fetchall()
    assert len(answers) == 2
    assert all(rater is None and updated is None and submitted is None for _i, rater, updated, submitted, _t in answers)
    assert not {answer_id for answer_id, *_rest in answers} & {1, 2, 3, 4}, "renumbered"
    assert sorted(t for *_rest, t in answers if t) == ['{"strengths": "细心"}']
    ratings = con.execute(
        "SELECT r.id, r.criterion_key, r.level_key, r.comment FROM form_ratings r "
        "JOIN form_responses f ON f.id = r.response_id WHERE f.anonymous = 1 AND f.status = 'submitted'").fetchall()
    assert sorted(rest for _i, *rest in ratings) == [
        ["helping", "fair", None], ["sharing", "good", "张伟写的"], ["sharing", "poor", "刘洋写的"]]
    assert not {rating_id for rating_id, *_rest in ratings} & {1, 2, 3, 4, 5}, "old ids and their order are gone"
    assert con.execute("SELECT employee_id, rater_role, rater_id FROM form_answered_raters ORDER BY rater_id"
                       ).fetchall() == [(1, "peer", 2), (1, "peer", 3)]
    assert con.execute("SELECT id, rater_id, status FROM form_responses WHERE id IN (3, 4) ORDER BY id").fetchall() \
        == [(3, 4, "draft"), (4, 5, "submitted")], "drafts and named answers keep their rater"
    assert con.execute("SELECT count(*) FROM form_ratings").fetchone() == (5,)
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    con.close()


def test_the_refusals_speak_chinese(office):
    from kpidesk.i18n import set_language

    answer_id = answer(office, "S01", "S02")
    set_language("zh_CN")
    try:
        with pytest.raises(ValidationError, match="已为王芳提交过匿名评价"):
            answer(office, "S01", "S02")
        with pytest.raises(ValidationError, match="已提交的匿名评价不可更改"), office.db.write() as session:
            service.reopen_response(session, office.admin, answer_id, "撤回")
    finally:
        set_language("en")


def test_a_printed_sheet_shows_peers_only_from_three_answers(office):
    from kpidesk.services.printing.chart_data import qualitative_detail

    def peer_comments() -> list[str]:
        with office.db.session() as session:
            detail = qualitative_detail(session, PERIOD, office.staff["S01"], lang="en")
        assert ("peer" in detail.roles) == bool([c for c in detail.criteria if c.comments.get("peer")])
        return sorted({text for c in detail.criteria for text in c.comments.get("peer", [])})

    answer(office, "S01", "S02", level="poor")
    answer(office, "S01", "S03", level="poor")
    assert peer_comments() == [], "two answers, each could be told apart: not shown"
    answer(office, "S01", "S04", level="poor")
    assert peer_comments() == ["S02 的事例", "S03 的事例", "S04 的事例"]


@pytest.mark.sqlite_only
def test_a_deleted_draft_leaves_nothing_readable_in_the_file(office):
    from pathlib import Path

    draft = ResponseInput(PERIOD, office.staff["S01"], office.form_version_id, "peer", {c: "poor" for c in CRITERIA},
                          {c: "DRAFT-ONLY-REMARK" for c in CRITERIA}, rater_id=office.staff["S02"])
    with office.db.write() as session:
        draft_id = service.save_response(session, office.peer("S02"), draft, submit=False)
    answer(office, "S01", "S02", response_id=draft_id)  # submitted with other comments; the draft is deleted
    with office.db.engine.connect() as connection:  # asked for, not left to how SQLite was built
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    path = Path(office.db.engine.url.database)
    office.db.dispose()  # the last connection closing folds the write-ahead log into the file

    stored = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    assert b"S02 \xe7\x9a\x84\xe4\xba\x8b\xe4\xbe\x8b" in stored  # the submitted comment ("S02 的事例") is there
    assert b"DRAFT-ONLY-REMARK" not in stored


@pytest.mark.sqlite_only
def test_forms_export_on_the_command_line_by_hr_and_by_the_peer(office, tmp_path, monkeypatch, capsys):
    from kpidesk.cli import main

    path = office.db.engine.url.database
    monkeypatch.setenv("KPIDESK_NEW_PASSWORD", "admin-secret")
    assert main(["--db", path, "users", "enable-access", "--admin", "boss"]) == 0
    monkeypatch.setenv("KPIDESK_PASSWORD", "admin-secret")
    for user, role in (("hr-li", ["--role", "hr"]), ("zhang", ["--role", "employee", "--employee", "S02"])):
        monkeypatch.setenv("KPIDESK_NEW_PASSWORD", f"{user}-secret")
        assert main(["--db", path, "--user", "boss", "users", "add", user, *role]) == 0
    answer(office, "S01", "S02", level="poor", submit=False)
    capsys.readouterr()
    export = ["forms", "export", "--period", PERIOD, "--form", "customer_service_staff", "--out"]

    monkeypatch.setenv("KPIDESK_PASSWORD", "hr-li-secret")
    assert main(["--db", path, "--user", "hr-li", *export, str(tmp_path / "hr")]) == 0
    hr_sheets = sorted((tmp_path / "hr").glob("*.xlsx"))
    assert len(hr_sheets) == 5 and "S02 的事例" not in sheet_text(hr_sheets)

    monkeypatch.setenv("KPIDESK_PASSWORD", "zhang-secret")
    assert main(["--db", path, "--user", "zhang", *export, str(tmp_path / "zhang")]) == 0
    (own,) = (tmp_path / "zhang").glob("*.xlsx")
    assert "S02" in own.name and rows_of(own)[("S01", "peer")]["comment:teamwork"] == "S02 的事例"


@pytest.mark.sqlite_only
def test_downgrading_keeps_the_answers_and_gives_them_a_time(office):
    from alembic import command

    from kpidesk.store import migrations_runner
    from kpidesk.store import sqlite as sqlite_helpers

    answer(office, "S01", "S02")
    answer(office, "S03", "S02", submit=False)
    config = migrations_runner.alembic_config()
    with office.db.engine.connect() as connection:
        connection.commit()
        sqlite_helpers.set_foreign_keys(connection.connection.dbapi_connection, False)
        config.attributes["connection"] = connection
        command.downgrade(config, "0007")
        connection.commit()
    assert raw(office, "SELECT count(*) FROM form_responses WHERE updated_at IS NULL") == [(0,)]
    assert raw(office, "SELECT status, rater_id IS NULL FROM form_responses ORDER BY status") == [
        ("draft", 0), ("submitted", 1)]
    assert raw(office, "SELECT count(*) FROM sqlite_master WHERE name = 'form_answered_raters'") == [(0,)]


def test_a_peer_imports_their_own_filled_sheet_and_the_answers_lose_their_name(office, tmp_path):
    from openpyxl import load_workbook

    from kpidesk.exchange import form_sheets as sheets
    from kpidesk.services.forms.sheet_import import import_filled_forms

    (path,) = export(office, office.peer("S02"), tmp_path)
    book = load_workbook(path)
    sheet = book[sheets.FORM_SHEET]
    keys = {cell.value: cell.column for cell in sheet[4] if cell.value}
    for row in range(5, sheet.max_row + 1):
        role = sheets.role_from_text(sheet.cell(row=row, column=keys["role"]).value)
        if role is not None and role.value == "peer":
            for criterion in CRITERIA:
                sheet.cell(row=row, column=keys[f"level:{criterion}"], value="良好 Good")
                sheet.cell(row=row, column=keys[f"comment:{criterion}"], value="纸面意见")
    book.save(path)

    result = import_filled_forms(office.db, office.peer("S02"), path, period=PERIOD)

    assert result.counts["saved"] == 3  # S01, S03 and S04
    assert raw(office, "SELECT count(*) FROM form_responses WHERE rater_id IS NOT NULL") == [(0,)]
    assert sorted(raw(office, "SELECT employee_id, rater_id FROM form_answered_raters")) == sorted(
        (office.staff[number], office.staff["S02"]) for number in ("S01", "S03", "S04"))
    with office.db.session() as session:
        submissions = session.execute(select(m.AuditEntry).where(m.AuditEntry.action == "form.submit")).scalars().all()
    assert {e.actor for e in submissions} == {"anonymous peer"}
    assert "纸面意见" not in str([e.new for e in submissions]) and "good" not in str([e.new for e in submissions])
    (after,) = [p for p in export(office, Actor("hr", Role.HR), tmp_path / "after") if "S02" in p.name]
    assert list(rows_of(after)) == [("S02", "self")], "no peer line is left for S02 to answer"
