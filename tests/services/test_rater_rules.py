"""The rater rules shared by responses typed in and lines of a filled sheet (``validate_rater``)."""

from __future__ import annotations

import pytest

from kpidesk.domain.forms import RaterRole
from kpidesk.services.forms.catalogue import find_form
from kpidesk.services.forms.responses import ROLE_NOT_ON_FORM, validate_rater
from kpidesk.store import models as m


@pytest.fixture(scope="module")
def form():
    return find_form("customer_service_staff")  # asks for self, manager and peer ratings


@pytest.fixture
def wang() -> m.Employee:
    return m.Employee(id=7, staff_no="S01", name="王芳")


def codes(check) -> list[str]:
    return [problem.code for problem in check.problems]


def test_a_self_assessment_is_the_employees_own(form, wang):
    check = validate_rater(form, RaterRole.SELF, wang, None)
    assert check.rater_id == 7 and check.problems == ()
    named_self = validate_rater(form, RaterRole.SELF, wang, 7)
    assert named_self.rater_id == 7 and named_self.problems == ()


def test_a_self_assessment_named_as_someone_elses_is_refused(form, wang):
    check = validate_rater(form, RaterRole.SELF, wang, 9)
    assert codes(check) == ["self_rater"]
    assert "written by the employee themself" in check.problems[0].message
    assert check.rater_id == 7


def test_nobody_gives_their_own_manager_or_peer_rating(form, wang):
    for role in (RaterRole.MANAGER, RaterRole.PEER):
        check = validate_rater(form, role, wang, 7)
        assert codes(check) == ["rates_self"]
        assert check.problems[0].message.startswith("王芳 cannot give their own")


def test_another_rater_and_an_unnamed_peer_pass(form, wang):
    assert validate_rater(form, RaterRole.MANAGER, wang, 3).rater_id == 3
    assert validate_rater(form, RaterRole.MANAGER, wang, 3).problems == ()
    unnamed = validate_rater(form, RaterRole.PEER, wang, None)
    assert unnamed.rater_id is None and unnamed.problems == ()


def test_a_role_the_form_does_not_ask_for_comes_first(form, wang):
    check = validate_rater(form, RaterRole.HR, wang, 7)
    assert codes(check) == [ROLE_NOT_ON_FORM, "rates_self"]
    assert "has no HR assessment" in check.problems[0].message


def test_without_a_known_employee_only_the_form_is_checked(form):
    assert validate_rater(form, RaterRole.SELF, None, 9).problems == ()
    assert validate_rater(form, RaterRole.SELF, None, 9).rater_id == 9
    assert codes(validate_rater(form, RaterRole.HR, None, None)) == [ROLE_NOT_ON_FORM]
