"""Starting the next period: the proposal follows the organisation's rhythm, the dry-run roster names the
joiners, leavers and transfers, and exemptions with an end date carry into the periods they reach."""

from datetime import date

import pytest
from sqlalchemy import select
from tests_support.scoring_office import build_office

from kpidesk.errors import ValidationError
from kpidesk.services.appraisal import adjustments, next_period, periods, use_cases
from kpidesk.services.appraisal.next_period import RosterChange
from kpidesk.services.safety.period_lock import period_record
from kpidesk.store import models as m


@pytest.fixture
def office(db, actor):
    return build_office(db, actor)


def test_the_next_period_follows_the_shortest_kind_run(office, db, actor):
    assert use_cases.propose_next_period(db, actor) == "2025-04"
    with db.write() as s:
        periods.open_period(s, actor, "2025-Q1")  # a quarter beside the months does not change the rhythm
    assert use_cases.propose_next_period(db, actor) == "2025-04"


def test_an_empty_database_proposes_this_month(db):
    with db.session() as s:
        assert next_period.propose_next_period(s, today=date(2026, 12, 6)).code == "2026-12"


def test_a_quarterly_organisation_is_offered_the_next_quarter(db, actor):
    with db.write() as s:
        periods.open_period(s, actor, "2025-Q4")
    assert use_cases.propose_next_period(db, actor) == "2026-Q1"


def test_the_roster_names_joiners_leavers_and_transfers_and_writes_nothing(office, db, actor):
    with db.write() as s:
        team2 = s.execute(select(m.Department).where(m.Department.name == "二组")).scalar_one()
        s.get_one(m.Employee, office["E2"]).department_id = team2.id
    plan = use_cases.plan_period(db, actor, "2025-04")
    changes = {line.staff_no: line.change for line in plan.lines}
    assert changes["E1"] is RosterChange.CONTINUING
    assert changes["E6"] is RosterChange.JOINED  # joined on 20 March, too late for the March appraisal
    assert changes["E7"] is RosterChange.LEFT
    assert changes["E2"] is RosterChange.TRANSFERRED
    e2 = next(line for line in plan.lines if line.staff_no == "E2")
    assert (e2.previous_department, e2.department) == ("一组", "二组")
    assert {(line.template_key, line.template_version) for line in plan.appraised} == {("rep", 1)}
    assert "E7" not in {line.staff_no for line in plan.appraised}
    with db.session() as s:
        assert s.execute(select(m.PeriodRecord).where(m.PeriodRecord.code == "2025-04")).scalar() is None


def test_an_exemption_with_an_end_date_carries_into_the_periods_it_reaches(office, db, actor):
    with db.write() as s:
        adjustments.add_exemption(s, actor, "2025-03", office["E1"], "csat", "产假", ends_on=date(2025, 5, 31))
        adjustments.add_exemption(s, actor, "2025-03", office["E2"], "csat", "系统故障")
    plan = use_cases.plan_period(db, actor, "2025-04")
    assert [(e.staff_no, e.kpi_code, e.reason) for e in plan.exemptions] == [("E1", "csat", "产假")]
    with db.write() as s:
        periods.open_period(s, actor, "2025-04")
        periods.open_period(s, actor, "2025-05")
        periods.open_period(s, actor, "2025-06")
    with db.session() as s:
        def exempt(code):
            record = period_record(s, code)
            return [(e.employee_id, e.ends_on) for e in s.execute(
                select(m.Exemption).where(m.Exemption.period_id == record.id)).scalars()]
        assert exempt("2025-04") == [(office["E1"], date(2025, 5, 31))]
        assert exempt("2025-05") == [(office["E1"], date(2025, 5, 31))]
        assert exempt("2025-06") == []


def test_an_exemption_cannot_end_before_its_period(office, db, actor):
    with db.write() as s, pytest.raises(ValidationError):
        adjustments.add_exemption(s, actor, "2025-03", office["E1"], "csat", "产假", ends_on=date(2025, 2, 1))
