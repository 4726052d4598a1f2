"""The forms service: pinned versions, drafts and submissions, locks, anonymity, scores, offline sheets."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from kpidesk.domain.forms import RaterRole
from kpidesk.domain.periods import parse_period
from kpidesk.errors import LockedPeriodError, NotFound, PermissionDenied, ValidationError
from kpidesk.exchange import form_sheets as sheets
from kpidesk.resources import FORMS_DIR
from kpidesk.services.actor import Actor, Role
from kpidesk.services.forms import catalogue
from kpidesk.services.forms import responses as service
from kpidesk.services.forms import scores as form_scores
from kpidesk.services.forms.responses import ResponseInput
from kpidesk.services.forms.sheet_import import apply_forms_import, preview_forms_import
from kpidesk.services.forms.sheets import export_blank_form_sheet, export_form_sheets
from kpidesk.services.people.staff import add_employee, get_or_create_department, get_or_create_position
from kpidesk.store import models as m

ADMIN = Actor("admin")  # an administrator: every right, audited by name

PERIOD = "2025-03"
ALL = {
    "teamwork",
    "professional_skills",
    "service_attitude",
    "communication",
    "customer_relationship",
    "complaint_handling",
    "innovation",
    "personal_development",
}


@dataclass
class Office:
    db: object
    actor: Actor
    manager: int
    staff: dict[str, int]  # staff no → id
    form_version_id: int


def _open_period(session, code: str) -> m.PeriodRecord:
    period = parse_period(code)
    record = m.PeriodRecord(
        code=period.code, kind=period.kind.value, starts_on=period.start, ends_on=period.end
    )
    session.add(record)
    session.flush()
    return record


@pytest.fixture
def office(starter_db, actor) -> Office:
    """A manager and five representatives on the starter's customer-service-staff form, March open."""
    with starter_db.write() as session:
        department = get_or_create_department(session, "客服部")
        rep = get_or_create_position(session, "客服代表")
        boss = get_or_create_position(session, "客户关系主管")
        manager = add_employee(
            session, actor, staff_no="M01", name="周经理", department_id=department.id, position_id=boss.id
        )
        staff = {}
        for number, name in (
            ("S01", "王芳"),
            ("S02", "张伟"),
            ("S03", "刘洋"),
            ("S04", "陈静"),
            ("S05", "杨磊"),
        ):
            staff[number] = add_employee(
                session,
                actor,
                staff_no=number,
                name=name,
                department_id=department.id,
                position_id=rep.id,
                manager_id=manager.id,
            ).id
        _open_period(session, PERIOD)
        version = catalogue.latest_form_version(session, "customer_service_staff")
        return Office(starter_db, actor, manager.id, staff, version.id)


def levels(level: str) -> dict[str, str]:
    return {criterion: level for criterion in ALL}


def comments(text: str = "example") -> dict[str, str]:
    return {criterion: text for criterion in ALL}


def save(
    office: Office,
    employee: str,
    role: str,
    level: str,
    *,
    rater: int | None = None,
    submit: bool = True,
    actor: Actor | None = None,
    **extra,
) -> int:
    with office.db.write() as session:
        return service.save_response(
            session,
            actor or office.actor,
            ResponseInput(
                PERIOD,
                office.staff[employee],
                office.form_version_id,
                role,
                levels(level),
                comments(),
                rater_id=rater,
                **extra,
            ),
            submit=submit,
        )


def finalize(office: Office) -> None:
    with office.db.write() as session:
        record = session.execute(select(m.PeriodRecord).where(m.PeriodRecord.code == PERIOD)).scalar_one()
        record.status = "finalized"


# --- pinning ---------------------------------------------------------------------------------------


def copy_forms(tmp_path: Path) -> Path:
    folder = tmp_path / "forms"
    shutil.copytree(FORMS_DIR, folder)
    return folder


def test_pin_stores_the_form_once_per_version(db, actor, tmp_path):
    folder = copy_forms(tmp_path)
    with db.write() as session:
        first = catalogue.pin_form(session, "teamwork", forms_dir=folder, actor=actor)
        again = catalogue.pin_form(session, "teamwork", forms_dir=folder, actor=actor)
        assert first.id == again.id
        assert first.content["criteria"][0]["id"] == "participation"
        assert catalogue.stored_form(session, first.id).scale.points("good") == 85


def test_editing_a_pinned_version_without_raising_it_is_refused(db, actor, tmp_path):
    folder = copy_forms(tmp_path)
    with db.write() as session:
        catalogue.pin_form(session, "teamwork", forms_dir=folder, actor=actor)
    path = folder / "teamwork.toml"
    path.write_text(path.read_text("utf-8").replace("points = 85", "points = 80"), "utf-8")
    with pytest.raises(ValidationError, match="raise its version number"), db.write() as session:
        catalogue.pin_form(session, "teamwork", forms_dir=folder, actor=actor)
    with db.session() as session:
        listing = {item.key: item for item in catalogue.list_forms(folder, session)[0]}
    assert listing["teamwork"].changed_without_new_version
    assert listing["teamwork"].stored_versions == (1,)


def test_a_broken_form_file_is_refused_with_its_place(db, actor, tmp_path):
    folder = copy_forms(tmp_path)
    path = folder / "teamwork.toml"
    path.write_text(
        path.read_text("utf-8").replace('anchors.fair.zh = "偶尔分享', 'anchors.superb.zh = "偶尔分享'),
        "utf-8",
    )
    with pytest.raises(ValidationError) as caught, db.write() as session:
        catalogue.pin_form(session, "teamwork", forms_dir=folder, actor=actor)
    assert caught.value.place.file.endswith("teamwork.toml")
    assert caught.value.place.row is not None
    assert "criteria[2].anchors.superb" in caught.value.message
    with pytest.raises(NotFound), db.write() as session:
        catalogue.pin_form(session, "no_such_form", forms_dir=folder, actor=ADMIN)


def test_finalized_period_keeps_its_form_after_the_file_changes(office, tmp_path):
    save(office, "S01", "self", "excellent")
    save(office, "S01", "manager", "excellent", rater=office.manager)
    finalize(office)
    folder = copy_forms(tmp_path)
    path = folder / "customer_service_staff.toml"
    text = (
        path.read_text("utf-8").replace("version = 1", "version = 2").replace("points = 100", "points = 90")
    )
    path.write_text(text, "utf-8")
    with office.db.write() as session:
        template = session.execute(select(m.Template).where(m.Template.key == "csr")).scalar_one()
        catalogue.attach_form(session, office.actor, template.id, "customer_service_staff", forms_dir=folder)
        versions = (
            session.execute(
                select(m.FormVersion.version).where(m.FormVersion.form_key == "customer_service_staff")
            )
            .scalars()
            .all()
        )
    assert sorted(versions) == [1, 2]
    with office.db.session() as session:
        scores = form_scores.form_scores(session, PERIOD, [office.staff["S01"]], actor=ADMIN)[office.staff["S01"]]
        stored = catalogue.stored_form(session, office.form_version_id)
    assert stored.scale.points("excellent") == 100
    by_version = {item.form_version: item.score.score for item in scores}
    assert by_version[1] == 100  # the responses keep the points of the version they were given on
    assert by_version[2] is None  # nobody answered the new version


# --- responses -------------------------------------------------------------------------------------


def test_draft_needs_no_comment_but_submission_does(office):
    with office.db.write() as session:
        response_id = service.save_response(
            session,
            office.actor,
            ResponseInput(
                PERIOD,
                office.staff["S01"],
                office.form_version_id,
                "manager",
                levels("excellent"),
                rater_id=office.manager,
            ),
        )
    with pytest.raises(ValidationError) as caught, office.db.write() as session:
        service.submit_response(session, office.actor, response_id)
    assert '"Teamwork & knowledge sharing" rated "Excellent" needs a comment' in caught.value.message
    with office.db.session() as session:
        (view,) = service.responses_for(session, PERIOD, employee_id=office.staff["S01"], actor=ADMIN)
    assert view.status == "draft" and view.levels["teamwork"] == "excellent"


def test_submission_needs_every_criterion(office):
    partial = dict(levels("good"))
    del partial["innovation"]
    with (
        pytest.raises(ValidationError, match='"Innovation & improvement" is not rated'),
        office.db.write() as session,
    ):
        service.save_response(
            session,
            office.actor,
            ResponseInput(PERIOD, office.staff["S01"], office.form_version_id, "self", partial),
            submit=True,
        )


def test_submitted_then_updated_and_reopened(office):
    response_id = save(office, "S01", "self", "good")
    again = save(office, "S01", "self", "fair")
    assert again == response_id
    with pytest.raises(ValidationError, match="reopen it"):
        save(office, "S01", "self", "fair", submit=False)
    with office.db.write() as session:
        service.reopen_response(session, office.actor, response_id, "typo in a comment")
    assert save(office, "S01", "self", "fair", submit=False) == response_id
    with office.db.session() as session:
        (view,) = service.responses_for(session, PERIOD, employee_id=office.staff["S01"], actor=ADMIN)
        reasons = (
            session.execute(select(m.AuditEntry.reason).where(m.AuditEntry.action == "form.reopen"))
            .scalars()
            .all()
        )
    assert view.status == "draft" and view.levels["teamwork"] == "fair"
    assert reasons == ["typo in a comment"]


def test_finalized_period_refuses_every_change(office):
    response_id = save(office, "S01", "self", "good")
    finalize(office)
    with pytest.raises(LockedPeriodError):
        save(office, "S01", "self", "excellent")
    with pytest.raises(LockedPeriodError), office.db.write() as session:
        service.reopen_response(session, office.actor, response_id, "please")
    with pytest.raises(LockedPeriodError):
        save(office, "S02", "self", "good", submit=False)
    with office.db.session() as session:
        (view,) = service.responses_for(session, PERIOD, actor=ADMIN)
    assert view.levels["teamwork"] == "good" and view.status == "submitted"


def test_rater_rules(office):
    with pytest.raises(ValidationError, match="has no HR assessment"):
        save(office, "S01", "hr", "good")
    with pytest.raises(ValidationError, match="written by the employee themself"):
        save(office, "S01", "self", "good", rater=office.staff["S02"])
    with pytest.raises(ValidationError, match="cannot give their own manager assessment"):
        save(office, "S01", "manager", "good", rater=office.staff["S01"])
    with pytest.raises(ValidationError, match="Unknown rater role"):
        save(office, "S01", "boss", "good")


def test_permissions(office):
    auditor = Actor("audit", Role.AUDITOR)
    with pytest.raises(PermissionDenied):
        save(office, "S01", "self", "good", actor=auditor)
    employee = Actor("wang", Role.EMPLOYEE, employee_id=office.staff["S01"])
    assert save(office, "S01", "self", "good", actor=employee)
    with pytest.raises(PermissionDenied):
        save(office, "S02", "self", "good", actor=employee)
    assert save(office, "S02", "peer", "good", rater=office.staff["S01"], actor=employee)
    outsider = Actor("head", Role.HEAD, department_ids=frozenset({999}))
    with pytest.raises(PermissionDenied):
        save(office, "S03", "manager", "good", rater=office.manager, actor=outsider)


def test_anonymous_peers_are_never_named(office):
    peer_actor = Actor("zhang.wei", Role.EMPLOYEE, employee_id=office.staff["S02"])
    response_id = save(office, "S01", "peer", "fair", rater=office.staff["S02"], actor=peer_actor)
    with office.db.session() as session:
        (view,) = service.responses_for(session, PERIOD, employee_id=office.staff["S01"], actor=ADMIN)
        entries = (
            session.execute(select(m.AuditEntry).where(m.AuditEntry.entity == "form_response"))
            .scalars()
            .all()
        )
    assert view.anonymous and view.rater == "anonymous peer" and view.rater_id is None
    assert [e.actor for e in entries] == ["anonymous peer"]
    written = str([(e.actor, e.entity_id, e.old, e.new) for e in entries])
    assert "张伟" not in written and "zhang.wei" not in written and "S02" not in written
    assert entries[0].new["rater"] == "anonymous peer"
    with pytest.raises(PermissionDenied), office.db.write() as session:
        service.response_author(session, Actor("head", Role.HEAD), response_id)
    with office.db.write() as session:
        assert service.response_author(session, office.actor, response_id) is None, "submitted: no author left"
    draft_id = save(office, "S03", "peer", "fair", rater=office.staff["S02"], actor=peer_actor, submit=False)
    with office.db.write() as session:
        assert service.response_author(session, office.actor, draft_id) == office.staff["S02"]


# --- scores ----------------------------------------------------------------------------------------


def test_scores_use_the_forms_rater_weights_and_count_peers_from_three(office):
    save(office, "S01", "self", "good")
    save(office, "S01", "manager", "excellent", rater=office.manager)
    save(office, "S01", "peer", "poor", rater=office.staff["S02"])
    save(office, "S01", "peer", "poor", rater=office.staff["S03"])
    with office.db.session() as session:
        (item,) = form_scores.form_scores(session, PERIOD, [office.staff["S01"]], actor=ADMIN)[office.staff["S01"]]
    # the staff form weighs manager 60, self 25, peer 15; two peers are too few → (60×100 + 25×85) / 85
    assert item.score.score == Decimal("95.5882")
    assert item.score.renormalised
    assert item.score.role(RaterRole.PEER).reason == "too_few_peers"
    assert item.score.role(RaterRole.PEER).score is None
    save(office, "S01", "peer", "poor", rater=office.staff["S04"])
    with office.db.session() as session:
        (item,) = form_scores.form_scores(session, PERIOD, [office.staff["S01"]], actor=ADMIN)[office.staff["S01"]]
        qualitative = form_scores.qualitative_scores(session, PERIOD, [office.staff["S01"]], actor=ADMIN)
    assert item.score.score == Decimal("88.75")  # (60×100 + 25×85 + 15×50) / 100
    assert not item.score.renormalised
    assert qualitative == {office.staff["S01"]: Decimal("88.75")}


def test_drafts_do_not_count_and_disagreements_are_flagged(office):
    save(office, "S01", "self", "excellent")
    save(office, "S01", "manager", "fair", rater=office.manager)
    save(office, "S02", "self", "excellent", submit=False)
    with office.db.session() as session:
        scores = form_scores.form_scores(session, PERIOD, actor=ADMIN)
    (first,) = scores[office.staff["S01"]]
    assert first.score.flagged
    assert {d.criterion_id for d in first.score.disagreements} == ALL
    (second,) = scores[office.staff["S02"]]
    assert second.score.score is None


def test_template_rater_weights_override_the_forms(office):
    save(office, "S01", "self", "good")
    save(office, "S01", "manager", "excellent", rater=office.manager)
    with office.db.write() as session:
        template = session.execute(select(m.Template).where(m.Template.key == "csr")).scalar_one()
        template.rater_weights = {"manager": 50, "self": 50}
    with office.db.session() as session:
        (item,) = form_scores.form_scores(session, PERIOD, [office.staff["S01"]], actor=ADMIN)[office.staff["S01"]]
    assert item.score.score == Decimal("92.5")


# --- offline sheets ----------------------------------------------------------------------------------


def fill(path: Path, answers: dict[tuple[str, str], dict[str, object]]) -> None:
    """Fill rows of an exported sheet: (staff no, role word) → column key → value."""
    book = load_workbook(path)
    sheet = book[sheets.FORM_SHEET]
    keys = {cell.value: cell.column for cell in sheet[4] if cell.value}
    for row in range(5, sheet.max_row + 1):
        staff_no = sheet.cell(row=row, column=keys["staff_no"]).value
        role = sheets.role_from_text(sheet.cell(row=row, column=keys["role"]).value)
        for key, value in answers.get((staff_no, role.value if role else ""), {}).items():
            sheet.cell(row=row, column=keys[key], value=value)
    book.save(path)


def full_answer(level: object, comment: str = "事例") -> dict[str, object]:
    answer: dict[str, object] = {f"level:{c}": level for c in ALL}
    answer.update({f"comment:{c}": comment for c in ALL})
    return answer


def test_export_one_sheet_per_reviewer(office, tmp_path):
    with office.db.session() as session:
        paths = export_form_sheets(session, PERIOD, "customer_service_staff", tmp_path / "out", actor=ADMIN)
    names = sorted(p.name for p in paths)
    assert "customer_service_staff_2025-03_M01_周经理.xlsx" in names
    assert len(paths) == 6  # the manager and each of the five representatives
    book = load_workbook(tmp_path / "out" / "customer_service_staff_2025-03_M01_周经理.xlsx")
    sheet = book[sheets.FORM_SHEET]
    assert [sheet.cell(row=r, column=1).value for r in range(5, 10)] == ["S01", "S02", "S03", "S04", "S05"]
    assert book[sheets.META_SHEET].sheet_state == "hidden"
    assert book[sheets.META_SHEET]["B1"].value == "customer_service_staff"
    assert sheet.row_dimensions[4].hidden
    assert any(
        v.formula1 == '"优秀 Excellent,良好 Good,一般 Fair,差 Poor"'
        for v in sheet.data_validations.dataValidation
    )
    guide = book[sheets.GUIDE_SHEET]
    assert any("快速高效地解决投诉" in str(c.value) for row in guide.iter_rows() for c in row)


def test_filled_sheet_round_trip_stores_the_right_levels(office, tmp_path):
    with office.db.session() as session:
        (path,) = [
            p
            for p in export_form_sheets(session, PERIOD, "customer_service_staff", tmp_path, actor=ADMIN)
            if "M01" in p.name
        ]
    answers = {
        ("S01", "manager"): full_answer("优秀"),
        ("S02", "manager"): full_answer("Good"),
        ("S03", "manager"): full_answer(70),
        ("S04", "manager"): full_answer("50分"),
    }
    fill(path, answers)
    with office.db.session() as session:
        preview = preview_forms_import(session, path, period=PERIOD)
    assert [str(p) for p in preview.problems] == []
    assert preview.counts == {"rows": 4, "submitted": 4, "drafts": 0, "replacing": 0}
    result = apply_forms_import(office.db, office.actor, preview)
    assert result.counts["saved"] == 4
    with office.db.session() as session:
        views = service.responses_for(session, PERIOD, submitted_only=True, actor=ADMIN)
    stored = {(v.employee_id, v.role): set(v.levels.values()) for v in views}
    assert stored == {
        (office.staff["S01"], "manager"): {"excellent"},
        (office.staff["S02"], "manager"): {"good"},
        (office.staff["S03"], "manager"): {"fair"},
        (office.staff["S04"], "manager"): {"poor"},
    }
    assert all(v.rater_id == office.manager for v in views)
    # importing the same sheet again updates the same responses instead of adding new ones
    with office.db.session() as session:
        again = preview_forms_import(session, path, period=PERIOD)
    assert again.counts["replacing"] == 4
    apply_forms_import(office.db, office.actor, again)
    with office.db.session() as session:
        assert len(service.responses_for(session, PERIOD, actor=ADMIN)) == 4


def test_import_problems_name_row_and_column(office, tmp_path):
    with office.db.session() as session:
        (path,) = [
            p
            for p in export_form_sheets(session, PERIOD, "customer_service_staff", tmp_path, actor=ADMIN)
            if "M01" in p.name
        ]
    bad_level = full_answer("良好")
    bad_level["level:innovation"] = "superb"
    no_comment = full_answer("优秀")
    no_comment["comment:teamwork"] = None
    partial = {"level:teamwork": "良好"}
    fill(path, {("S01", "manager"): bad_level, ("S02", "manager"): no_comment, ("S03", "manager"): partial})
    book = load_workbook(path)
    book[sheets.FORM_SHEET]["A8"] = "S99"
    book[sheets.FORM_SHEET]["M8"] = "良好"
    book.save(path)
    with office.db.session() as session:
        preview = preview_forms_import(session, path, period=PERIOD)
    by_code = {p.code: p for p in preview.problems}
    with office.db.session() as session:
        form = catalogue.stored_form(session, office.form_version_id)
    level_column = get_column_letter(sheets.column_keys(form).index("level:innovation") + 1)
    assert str(by_code["unknown_level"].place) == f"{path.name}, 考核表 Form, row 5, column {level_column}"
    assert "superb is not a level of this form" in by_code["unknown_level"].message
    assert by_code["comment_required"].place.row == 6 and by_code["comment_required"].place.column == "H"
    assert by_code["draft"].place.row == 7 and not by_code["draft"].blocking
    assert by_code["unknown_employee"].place.row == 8 and by_code["unknown_employee"].place.column == "A"
    assert preview.blocked and preview.problem_rows == [5, 6, 8]
    with pytest.raises(ValidationError, match="block the import"):
        apply_forms_import(office.db, office.actor, preview)
    with office.db.session() as session:
        assert service.responses_for(session, PERIOD, actor=ADMIN) == []
    apply_forms_import(office.db, office.actor, preview, skip_problem_rows=True)
    with office.db.session() as session:
        (draft,) = service.responses_for(session, PERIOD, actor=ADMIN)
    assert draft.status == "draft" and draft.levels == {"teamwork": "good"}


def test_sheet_lines_follow_the_rater_rules_of_typed_responses(office, tmp_path):
    with office.db.session() as session:
        (path,) = [
            p
            for p in export_form_sheets(session, PERIOD, "customer_service_staff", tmp_path, actor=ADMIN)
            if "M01" in p.name
        ]
    fill(path, {("S01", "manager"): full_answer("良好"), ("S02", "manager"): full_answer("良好"),
                ("S03", "manager"): full_answer("良好")})
    book = load_workbook(path)
    sheet = book[sheets.FORM_SHEET]
    keys = {cell.value: cell.column_letter for cell in sheet[4] if cell.value}
    sheet[f"{keys[sheets.KEY_RATER]}5"] = "S01"  # S01 would rate themself as manager
    sheet[f"{keys[sheets.KEY_ROLE]}6"] = "自评"  # a self-assessment of S02 written by M01
    sheet[f"{keys[sheets.KEY_ROLE]}7"] = "人事"  # the form asks for no HR rating
    book.save(path)
    with office.db.session() as session:
        preview = preview_forms_import(session, path, period=PERIOD)
    found = {(p.code, p.place.row, p.place.column) for p in preview.problems}
    rater_column, role_column = keys[sheets.KEY_RATER], keys[sheets.KEY_ROLE]
    assert ("rates_self", 5, rater_column) in found
    assert ("self_rater", 6, rater_column) in found
    assert ("role_not_on_form", 7, role_column) in found
    assert preview.problem_rows == [5, 6, 7]
    messages = {p.code: p.message for p in preview.problems}
    assert messages["rates_self"] == "王芳 cannot give their own manager assessment."
    assert messages["self_rater"] == "A self-assessment is written by the employee themself."


def test_peer_sheet_import_is_anonymous(office, tmp_path):
    with office.db.session() as session:
        paths = export_form_sheets(session, PERIOD, "customer_service_staff", tmp_path, actor=ADMIN)
    path = next(p for p in paths if "S02" in p.name)
    fill(path, {("S01", "peer"): full_answer("一般")})
    with office.db.session() as session:
        preview = preview_forms_import(session, path, period=PERIOD)
    assert "S02" not in preview.rows.to_csv() and "张伟" not in preview.rows.to_csv()
    apply_forms_import(office.db, office.actor, preview)
    with office.db.session() as session:
        (view,) = service.responses_for(session, PERIOD, employee_id=office.staff["S01"], actor=ADMIN)
    assert view.role == "peer" and view.anonymous and view.rater == "anonymous peer"


def test_import_into_a_finalized_period_is_locked(office, tmp_path):
    with office.db.session() as session:
        (path,) = [
            p
            for p in export_form_sheets(session, PERIOD, "customer_service_staff", tmp_path, actor=ADMIN)
            if "M01" in p.name
        ]
    fill(path, {("S01", "manager"): full_answer("良好")})
    finalize(office)
    with pytest.raises(LockedPeriodError), office.db.session() as session:
        preview_forms_import(session, path, period=PERIOD)


def test_blank_sheet_has_a_row_per_employee_and_rater(office, tmp_path):
    with office.db.session() as session:
        path = export_blank_form_sheet(session, PERIOD, "customer_service_staff", tmp_path / "blank.xlsx", actor=ADMIN)
    sheet = load_workbook(path)[sheets.FORM_SHEET]
    rows = [
        (sheet.cell(row=r, column=1).value, sheets.role_from_text(sheet.cell(row=r, column=3).value))
        for r in range(5, sheet.max_row + 1)
        if sheet.cell(row=r, column=1).value
    ]
    assert rows[:3] == [("S01", RaterRole.SELF), ("S01", RaterRole.MANAGER), ("S01", RaterRole.PEER)]
    assert len(rows) == 15


def test_hand_typed_sheet_is_read_by_its_headers(office, tmp_path):
    """A sheet someone typed without the hidden key row: Chinese titles, English role words, points."""
    import csv

    with office.db.session() as session:
        form = catalogue.stored_form(session, office.form_version_id)
    path = tmp_path / "typed.csv"
    header = (
        ["工号", "评价人类型"]
        + [c.title.zh for c in form.criteria]
        + [f"评语：{c.title.zh}" for c in form.criteria]
    )
    row = ["S05", "self"] + ["85"] * len(form.criteria) + [""] * len(form.criteria)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([header, row])
    with office.db.session() as session:
        preview = preview_forms_import(session, path, period=PERIOD, form_key="customer_service_staff")
    assert [str(p) for p in preview.problems] == []
    apply_forms_import(office.db, office.actor, preview)
    with office.db.session() as session:
        (view,) = service.responses_for(session, PERIOD, actor=ADMIN)
    assert (
        view.employee_id == office.staff["S05"]
        and view.role == "self"
        and set(view.levels.values()) == {"good"}
    )


def test_listing_is_limited_to_what_the_reader_may_see(office):
    save(office, "S01", "self", "good")
    save(office, "S02", "manager", "good", rater=office.manager)
    save(office, "S03", "peer", "good", rater=office.staff["S01"], submit=False)
    save(office, "S04", "peer", "good", rater=office.staff["S01"])  # submitted: no longer theirs to list
    wang = Actor("wang", Role.EMPLOYEE, employee_id=office.staff["S01"])
    with office.db.session() as session:
        department = session.get(m.Employee, office.staff["S01"]).department_id
        own = service.responses_for(session, PERIOD, actor=wang)
        head = service.responses_for(
            session, PERIOD, actor=Actor("head", Role.HEAD, department_ids=frozenset({department}))
        )
        stranger = service.responses_for(
            session, PERIOD, actor=Actor("other", Role.HEAD, department_ids=frozenset({999}))
        )
    assert sorted((v.employee_id, v.role) for v in own) == [
        (office.staff["S01"], "self"),
        (office.staff["S03"], "peer"),
    ]
    assert len(head) == 4 and stranger == []


def test_score_rows_show_an_employee_only_their_own_finalized_scores(office):
    save(office, "S01", "self", "good")
    save(office, "S02", "self", "good")
    wang = Actor("wang", Role.EMPLOYEE, employee_id=office.staff["S01"])
    with office.db.session() as session:
        assert form_scores.form_score_rows(session, PERIOD, wang) == []
        everyone = form_scores.form_score_rows(session, PERIOD, office.actor)
    assert [(row["staff_no"], row["form"]) for row in everyone] == [("M01", "manager_stakeholder")] + [
        (number, "customer_service_staff") for number in ("S01", "S02", "S03", "S04", "S05")
    ]
    finalize(office)
    with office.db.session() as session:
        (own,) = form_scores.form_score_rows(session, PERIOD, wang)
    assert own["staff_no"] == "S01" and own["score"] == 85
    assert own["left_out"] == ["manager:no_response", "peer:no_response"]


def test_form_scores_are_worked_out_once_within_a_read_that_reuses_them(demo_db):
    """Reading the results asks for a period's form scores twice; inside ``reusing_form_scores`` the second
    ask reuses the first (for the same people or fewer), and outside it every ask works them out afresh, so
    a write in between is never hidden."""
    from sqlalchemy import update

    from kpidesk.domain.statuses import ResponseStatus
    from kpidesk.store import models as m

    with demo_db.session() as session:
        everyone = set(session.execute(select(m.FormResponse.employee_id).where(
            m.FormResponse.status == ResponseStatus.SUBMITTED)).scalars())
        with form_scores.reusing_form_scores(session):
            first = form_scores.organisation_form_scores(session, "2025-12", everyone)
            some = set(sorted(everyone)[:3])
            again = form_scores.organisation_form_scores(session, "2025-12", some)
            assert set(again) == some and all(again[e] is first[e] for e in some)  # reused, not worked out again
        rated = next(e for e in sorted(everyone) if first[e] and first[e][0].score.score is not None)
        session.execute(update(m.FormResponse).where(m.FormResponse.employee_id == rated)
                        .values(status=ResponseStatus.DRAFT))  # a write: drafts never count
        after = form_scores.organisation_form_scores(session, "2025-12", everyone)
        assert after[rated] is not first[rated]
        assert all(item.score.score is None for item in after[rated])
        session.rollback()


def test_the_results_read_the_form_scores_once(demo_db, monkeypatch):
    from kpidesk.services.actor import Actor
    from kpidesk.services.appraisal.use_cases import period_results

    worked_out: list[str] = []
    scored = form_scores._scored

    def counted(session, record, wanted):
        worked_out.append(record.code)
        return scored(session, record, wanted)

    monkeypatch.setattr(form_scores, "_scored", counted)
    read = period_results(demo_db, Actor("admin"), "2025-12")
    assert read.gaps and worked_out == ["2025-12"]  # the gaps came from the scores worked out for the total
