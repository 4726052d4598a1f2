"""The forms use cases the window and the command line call: one unit of work each, as the actor given."""

from pathlib import Path

import pytest
from sqlalchemy import select

import kpidesk
from kpidesk.errors import PermissionDenied
from kpidesk.services.actor import Actor, Role
from kpidesk.services.appraisal.use_cases import period_forms
from kpidesk.services.forms import catalogue
from kpidesk.services.forms import use_cases as forms
from kpidesk.services.forms.responses import ResponseInput
from kpidesk.store import models as m

AUDITOR = Actor(name="auditor", role=Role.AUDITOR)


def _employee_login(db, staff_no: str) -> Actor:
    with db.session() as session:
        employee_id = session.execute(select(m.Employee.id).where(m.Employee.staff_no == staff_no)).scalar_one()
    return Actor(name=staff_no, role=Role.EMPLOYEE, employee_id=employee_id)


def test_a_period_s_forms_are_read_as_the_actor(demo_db, actor):
    everything = period_forms(demo_db, actor, "2025-12")
    assert everything.roster and everything.forms and everything.responses
    assert all(ref.form_version_id in everything.forms for entry in everything.roster for ref in entry.forms)
    own = _employee_login(demo_db, "CS001")
    mine = period_forms(demo_db, own, "2025-12")
    assert own.employee_id in {r.employee_id for r in mine.responses}
    assert len(mine.responses) < len(everything.responses)


def test_a_submitted_form_is_reopened_and_submitted_again(demo_db, actor):
    submitted = next(r for r in period_forms(demo_db, actor, "2025-12").responses
                     if r.status == "submitted" and r.role == "manager")
    with pytest.raises(PermissionDenied):
        forms.reopen_response(demo_db, AUDITOR, submitted.id, "看错了")
    assert forms.reopen_response(demo_db, actor, submitted.id, "看错了") == submitted.id
    reopened = next(r for r in period_forms(demo_db, actor, "2025-12").responses if r.id == submitted.id)
    assert reopened.status == "draft"
    data = ResponseInput(submitted.period, submitted.employee_id, submitted.form_version_id, submitted.role,
                         submitted.levels, submitted.comments, submitted.texts, rater_id=submitted.rater_id)
    with pytest.raises(PermissionDenied):
        forms.save_response(demo_db, AUDITOR, data, submit=True, response_id=submitted.id)
    assert forms.save_response(demo_db, actor, data, submit=True, response_id=submitted.id) == submitted.id
    again = next(r for r in period_forms(demo_db, actor, "2025-12").responses if r.id == submitted.id)
    assert again.status == "submitted"


def test_scores_listing_and_sheets(demo_db, actor, tmp_path):
    everyone = forms.form_scores(demo_db, actor, "2025-11")
    own = forms.form_scores(demo_db, _employee_login(demo_db, "CS001"), "2025-11")
    assert len(everyone) > len(own) and {row["staff_no"] for row in own} <= {"CS001"}
    listings, _problems = catalogue.list_forms(None)  # the folder alone, as without a database
    stored, _problems = forms.list_forms(demo_db, actor)
    assert listings and [f.key for f in listings] == [f.key for f in stored]
    key = "customer_service_staff"
    blank = forms.export_blank_sheet(demo_db, actor, "2025-12", key, tmp_path / "blank.xlsx")
    assert blank.exists()
    previews = forms.preview_sheets(demo_db, actor, [blank], period="2025-12", form_key=key)
    assert len(previews) == 1 and previews[0].kind == "forms"
    sheets = forms.export_sheets(demo_db, actor, "2025-12", key, tmp_path / "sheets")
    assert sheets and all(path.exists() for path in sheets)


def test_the_own_forms_folder_lives_with_the_user_data():
    folder = catalogue.own_forms_folder()
    assert folder.name and catalogue.own_forms_folder() == folder
    assert not folder.is_relative_to(Path(kpidesk.__file__).parent)  # never inside the program
