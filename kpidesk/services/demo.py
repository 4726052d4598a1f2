"""A realistic, deterministic demo: the customer care department (客户关怀部) through 2025.

Everything goes through the services, as a user's own data would: staff, the starter library, periods,
raw data, forms, adjustments, and the computation and finalization of the past months.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.domain.periods import Period, PeriodKind
from kpidesk.errors import ValidationError
from kpidesk.i18n import _
from kpidesk.services.actor import Actor
from kpidesk.services.appraisal import measurements
from kpidesk.services.library import starter
from kpidesk.services.people import staff
from kpidesk.services.progress import ProgressCallback, report
from kpidesk.services.safety import settings
from kpidesk.services.safety.access import Permission
from kpidesk.services.safety.gates import requires
from kpidesk.store import models as m
from kpidesk.store.db import Database

SEED = 20250101
DEPARTMENT = "客户关怀部"

# staff no, name, team, position, manager staff no, hire date, leave date
DEMO_STAFF = [
    ("CS000", "周杰", None, "客户关系经理", None, date(2016, 3, 1), None),
    ("CS007", "李强", "一组", "客户关系主管", "CS000", date(2018, 9, 10), None),
    ("CS008", "赵敏", "二组", "客户关系主管", "CS000", date(2018, 4, 16), None),
    ("CS001", "王芳", "一组", "客服代表", "CS007", date(2021, 3, 1), None),
    ("CS002", "张伟", "一组", "客服代表", "CS007", date(2022, 7, 15), None),
    ("CS003", "刘洋", "一组", "投诉专员", "CS007", date(2020, 11, 2), None),
    ("CS004", "陈静", "二组", "客服代表", "CS008", date(2023, 2, 20), None),
    ("CS005", "杨磊", "二组", "客服代表", "CS008", date(2019, 5, 6), None),
    ("CS006", "黄丽", "二组", "投诉专员", "CS008", date(2024, 1, 8), None),
    ("CS009", "孙悦", "一组", "客服代表", "CS007", date(2022, 4, 11), None),
    ("CS010", "马超", "二组", "客服代表", "CS008", date(2021, 8, 2), date(2025, 9, 12)),
    ("CS011", "朱琳", "一组", "投诉专员", "CS007", date(2023, 9, 4), None),
    ("CS012", "胡斌", "二组", "客服代表", "CS008", date(2025, 6, 16), None),
]

#: per-person skill (0 weak … 1 strong) and monthly drift, so the trends are believable and differ
PROFILE = {
    "CS001": (0.9, 0.004), "CS002": (0.6, 0.008), "CS003": (0.7, 0.0), "CS004": (0.4, 0.015),
    "CS005": (0.75, -0.012), "CS006": (0.5, 0.01), "CS007": (0.8, 0.002), "CS008": (0.65, 0.004),
    "CS009": (1.0, 0.0), "CS010": (0.3, -0.01), "CS011": (0.55, 0.004), "CS012": (0.45, 0.012),
    "CS000": (0.6, 0.004),
}
#: The head of department draws from a stream of their own, so the others' figures stay as they were.
HEAD_POSITION = "客户关系经理"

YEAR = 2025
OPEN_MONTH = 12


def _months() -> list[Period]:
    return [Period(YEAR, PeriodKind.MONTH, i) for i in range(1, 13)]


def _between(rng: random.Random, low: float, high: float, skill: float, spread: float = 0.08) -> float:
    x = min(1.0, max(0.0, 0.78 * skill + rng.gauss(0, spread)))
    return low + (high - low) * x


Generator = Callable[[random.Random, float], dict[str, float]]


def _csr_values(rng: random.Random, s: float) -> dict[str, float]:
    contacts = round(rng.uniform(380, 520))
    return {
        "contacts": contacts,
        "first_contact_resolved": round(contacts * _between(rng, 0.76, 0.94, s) / 100 * 100),
        "first_response_time": round(_between(rng, 110, 28, s)),
        "avg_handle_time": round(_between(rng, 330, 190, s)),
        "csat": round(_between(rng, 82, 98, s), 1),
        "qa_score": round(_between(rng, 72, 98, s), 1),
        "resolved": round(contacts * 0.95),
        "repeat_contacts": round(contacts * 0.95 * _between(rng, 0.12, 0.02, s) / 100 * 100),
        "training_done": min(5, round(_between(rng, 3.4, 5.4, s))),
        "training_planned": 5,
    }


def _crs_values(rng: random.Random, s: float) -> dict[str, float]:
    values = _crs_measurements(rng, s)
    # A callback that went wrong now and then (derived, so the random stream of the rest stays as it was).
    values["callback_complaints"] = 1 if values["callbacks_done"] < 0.9 * values["callbacks_planned"] else 0
    return values


def _crs_measurements(rng: random.Random, s: float) -> dict[str, float]:
    resolved = round(rng.uniform(900, 1100))
    planned = round(rng.uniform(90, 120))
    customers = round(rng.uniform(1800, 2200))
    budget = 50000
    complaints = round(rng.uniform(18, 30))
    return {
        "resolved": resolved,
        "resolved_in_sla": round(resolved * _between(rng, 0.82, 0.97, s) / 100 * 100),
        "callbacks_planned": planned,
        "callbacks_done": round(planned * _between(rng, 0.82, 1.0, s)),
        "customers_start": customers,
        "customers_retained": round(customers * _between(rng, 0.86, 0.975, s)),
        "promoters": round(_between(rng, 40, 70, s)),
        "passives": round(rng.uniform(15, 25)),
        "detractors": round(_between(rng, 22, 6, s)),
        "complaints": complaints,
        "complaints_closed_in_time": round(complaints * _between(rng, 0.8, 1.0, s)),
        "actual_cost": round(budget * (1 + rng.uniform(-0.07, 0.07) * (1.2 - s))),
        "budget": budget,
        "collected": round(200000 * _between(rng, 0.88, 0.995, s)),
        "collection_planned": 200000,
        "training_done": min(5, round(_between(rng, 3.4, 5.4, s))),
        "training_planned": 5,
    }


def _complaint_values(rng: random.Random, s: float) -> dict[str, float]:
    complaints = round(rng.uniform(40, 70))
    received = round(rng.uniform(120, 160))
    resolved = round(received * _between(rng, 0.84, 0.98, s))
    return {
        "complaints_sampled": 30,
        "complaints_replied_in_time": round(30 * _between(rng, 0.78, 0.99, s)),
        "complaints": complaints,
        "complaints_closed_in_time": round(complaints * _between(rng, 0.82, 0.99, s)),
        "received": received,
        "resolved": resolved,
        "wrong_resolutions": round(resolved * _between(rng, 0.06, 0.005, s)),
        "csat": round(_between(rng, 82, 97, s), 1),
        "resolution_time": round(_between(rng, 30000, 6000, s)),
    }


def _head_values(rng: random.Random, s: float) -> dict[str, float]:
    """The department's own figures: budget, collection, the two surveys, complaints, callbacks, retention."""
    values = _crs_measurements(rng, s)
    values["internal_collaboration"] = round(_between(rng, 58, 78, s), 1)
    values["service_satisfaction"] = round(_between(rng, 52, 72, s), 1)
    return values


GENERATORS: dict[str, Generator] = {"客服代表": _csr_values, "客户关系主管": _crs_values, "投诉专员": _complaint_values,
                                    HEAD_POSITION: _head_values}


def _ensure_period(session: Session, actor: Actor, period: Period) -> m.PeriodRecord:
    opener: Callable[[Session, Actor, str | Period], m.PeriodRecord] | None
    try:
        from kpidesk.services.appraisal.periods import open_period as opener
    except ImportError:
        opener = None
    record = session.execute(select(m.PeriodRecord).where(m.PeriodRecord.code == period.code)).scalar()
    if record is not None:
        return record
    if opener is not None:
        opener(session, actor, period.code)
        return session.execute(select(m.PeriodRecord).where(m.PeriodRecord.code == period.code)).scalar_one()
    record = m.PeriodRecord(code=period.code, kind=period.kind.value, starts_on=period.start, ends_on=period.end)
    session.add(record)
    session.flush()
    return record


def build_staff(session: Session, actor: Actor) -> dict[str, m.Employee]:
    department = staff.get_or_create_department(session, DEPARTMENT)
    teams = {name: staff.get_or_create_department(session, name, department) for name in ("一组", "二组")}
    people: dict[str, m.Employee] = {}
    for staff_no, name, team, position, manager_no, hired, _left in DEMO_STAFF:
        employee = staff.add_employee(
            session, actor, staff_no=staff_no, name=name,
            department_id=(teams[team] if team else department).id,
            position_id=staff.get_or_create_position(session, position).id,
            manager_id=people[manager_no].id if manager_no else None,
            hire_date=hired,
        )
        people[staff_no] = employee
    department.head_id = people["CS000"].id
    teams["一组"].head_id = people["CS007"].id
    teams["二组"].head_id = people["CS008"].id
    session.flush()
    return people


def _active_in(employee_row: tuple, period: Period) -> bool:
    _no, _name, _team, _pos, _mgr, hired, left = employee_row
    return hired <= period.end and (left is None or left >= period.start)


def fill_measurements(session: Session, actor: Actor, people: dict[str, m.Employee]) -> None:
    rng = random.Random(SEED)
    head_rng = random.Random(SEED + 2)
    for index, period in enumerate(_months()):
        changes = []
        for row in DEMO_STAFF:
            staff_no, _name, _team, position = row[:4]
            generator = GENERATORS.get(position)
            if generator is None or not _active_in(row, period):
                continue
            stream = head_rng if position == HEAD_POSITION else rng
            skill, drift = PROFILE[staff_no]
            skill = min(1.0, max(0.0, skill + drift * index))
            if stream.random() < 0.04:  # an occasional bad month
                skill = max(0.0, skill - 0.35)
            for field, value in generator(stream, skill).items():
                changes.append(measurements.ValueChange(people[staff_no].id, field, Decimal(str(value))))
        measurements.set_values(session, actor, period.code, changes, audit_each=False)


LEVEL_COMMENTS = {
    "excellent": ("表现突出，经常主动帮助同事。", "Outstanding; often helps colleagues."),
    "good": ("整体表现良好，能按要求完成工作。", "Good overall; meets what is asked."),
    "fair": ("基本达到要求，稳定性有待提高。", "Meets the basics; needs more consistency."),
    "poor": ("未达到要求，需要制定改进计划。", "Below expectations; needs an improvement plan."),
}
MANAGER_TEXTS = {
    "strengths": "服务态度好，客户反馈积极。",
    "improve": "复杂投诉的处理时效需要提升。",
    "goals": "下期一次解决率提高 2 个百分点；完成两门产品培训。",
}
ADJUSTMENTS = [  # staff no, period, points, reason
    ("CS001", "2025-03", Decimal(2), "客户书面表扬信两封"),
    ("CS004", "2025-05", Decimal(-3), "违反服务规范被投诉一次"),
    ("CS009", "2025-10", Decimal(1.5), "牵头完成知识库整理"),
]
PEER_RATED = {"CS001", "CS002", "CS009"}  # colleagues in 一组 give anonymous peer feedback
#: The supervisors' form asks their team for feedback (at least three answers count).
STAKEHOLDERS = {"CS007": ("CS001", "CS002", "CS003"), "CS008": ("CS004", "CS005", "CS006")}


def _level_for(form, skill: float, rng: random.Random) -> str:
    levels = [level.id for level in form.scale.levels]  # best first
    position = (1.0 - skill) * (len(levels) - 1) + rng.gauss(0, 0.6)
    return levels[min(len(levels) - 1, max(0, round(position)))]


def _teammates(row: tuple, period: Period, already_rated: bool) -> tuple[str, ...]:
    """Three colleagues of the same team and position group active in ``period``, so the peer part of the
    staff form has the answers it needs (those in ``PEER_RATED`` already get theirs)."""
    if already_rated or row[3] not in ("客服代表", "投诉专员"):
        return ()
    mates = [other[0] for other in DEMO_STAFF
             if other[0] != row[0] and other[2] == row[2] and other[3] in ("客服代表", "投诉专员")
             and _active_in(other, period)]
    return tuple(mates[:3])


def fill_forms(session: Session, actor: Actor, people: dict[str, m.Employee]) -> None:
    """Self, manager and (for a few people) anonymous peer assessments, submitted through the forms service."""
    from kpidesk.services.forms import responses as form_service
    from kpidesk.services.forms.catalogue import stored_form

    rng = random.Random(SEED + 1)
    head_rng = random.Random(SEED + 3)
    stakeholder_rng = random.Random(SEED + 4)
    templates = {t.position_id: t for t in session.execute(select(m.Template).where(m.Template.is_current)).scalars()}
    team_one = [people[no] for no in ("CS003", "CS011", "CS002", "CS001", "CS009")]
    for index, period in enumerate(_months()):
        for row in DEMO_STAFF:
            staff_no = row[0]
            employee = people[staff_no]
            template = templates.get(employee.position_id)
            if template is None or not template.forms or not _active_in(row, period):
                continue
            skill, drift = PROFILE[staff_no]
            skill = min(1.0, max(0.0, skill + drift * index))
            raters: list[tuple[str, int | None, float]] = [
                ("manager", employee.manager_id, skill),
                ("self", employee.id, min(1.0, skill + 0.15)),  # people rate themselves a little higher
            ]
            if staff_no in PEER_RATED:
                raters += [("peer", peer.id, skill) for peer in team_one if peer.id != employee.id][:3]
            stream = head_rng if row[3] == HEAD_POSITION else rng
            peers = STAKEHOLDERS.get(staff_no) or _teammates(row, period, staff_no in PEER_RATED)
            stakeholders: list[tuple[str, int | None, float]] = [("peer", people[no].id, skill) for no in peers]
            for attached in template.forms:
                form = stored_form(session, attached.form_version_id)
                for number, (role, rater_id, rater_skill) in enumerate(raters + stakeholders):
                    # Stakeholders draw from their own stream so everyone else's answers stay as they were.
                    source = stakeholder_rng if number >= len(raters) else stream
                    levels = {c.id: _level_for(form, rater_skill, source) for c in form.criteria}
                    comments = {cid: LEVEL_COMMENTS[level][0] for cid, level in levels.items()}
                    texts = MANAGER_TEXTS if role == "manager" else {}
                    form_service.save_response(
                        session, actor,
                        form_service.ResponseInput(
                            period=period.code, employee_id=employee.id, form_version_id=attached.form_version_id,
                            role=role, levels=levels, comments=comments,
                            texts={k: v for k, v in texts.items() if k in {s.id for s in form.sections}},
                            rater_id=rater_id,
                        ),
                        submit=True,
                    )


#: monthly base pay by position, so the Pay page and the payroll have figures to show
BASE_PAY = {"客户关系经理": Decimal("12000"), "客户关系主管": Decimal("9000"), "投诉专员": Decimal("7000"),
            "客服代表": Decimal("6000")}
DEMO_BUDGET = Decimal("95000")


def add_pay(session: Session, actor: Actor) -> None:
    """Base pay for everyone, the default grade coefficients with a meal allowance from the first month, and a
    budget for the open month; finalizing then freezes each month's pay, as it does for an office using pay."""
    from kpidesk.domain.pay_rules import Allowance, PayRules
    from kpidesk.services.pay import payroll as pay

    for staff_no, _name, _team, position, *_rest in DEMO_STAFF:
        pay.set_base_pay(session, actor, staff_no, BASE_PAY[position] + 200 * (int(staff_no[2:]) % 3))
    rules = PayRules(allowances=(Allowance("meal", Decimal("300.00"), "餐补", "Meal allowance"),))
    months = _months()
    pay.save_rule_version(session, actor, months[0].code, rules, "示例薪酬规则")
    pay.set_budget(session, actor, months[OPEN_MONTH - 1].code, DEMO_BUDGET, DEPARTMENT)


def date_forms_within_their_month(session: Session) -> None:
    """Answers are saved when the demo is built; date them on the 25th of the month they appraise, as an
    office would have filled them in."""
    from sqlalchemy import update

    for period in _months():
        record = session.execute(select(m.PeriodRecord).where(m.PeriodRecord.code == period.code)).scalar_one()
        when = datetime(period.year, period.last_month, 25, 9, 0)
        session.execute(update(m.FormResponse).where(m.FormResponse.period_id == record.id,
                                                     m.FormResponse.anonymous.is_(False))  # anonymous ones keep no time
                        .values(submitted_at=when, updated_at=when))
    session.flush()


def add_adjustments(session: Session, actor: Actor, people: dict[str, m.Employee]) -> None:
    from kpidesk.services.appraisal.adjustments import add_adjustment

    for staff_no, period, points, reason in ADJUSTMENTS:
        add_adjustment(session, actor, period, people[staff_no].id, points, reason)


@requires(Permission.LIBRARY_WRITE)
def build_demo(db: Database, actor: Actor, progress: ProgressCallback | None = None) -> dict[str, int]:
    """Fill an empty database with the demo; refuses a database that already holds data."""
    from kpidesk.services.safety.database import has_data

    if has_data(db):
        raise ValidationError(_("The database already holds data; the demo needs an empty database."))
    steps = 5
    with db.write() as session:
        report(progress, 0, steps, _("Starter library"))
        starter.install_starter(session, actor, "customer-service")
        settings.update_settings(session, actor, name="示例客服中心")
        report(progress, 1, steps, _("Staff"))
        people = build_staff(session, actor)
        report(progress, 2, steps, _("Periods and data"))
        for period in _months():
            _ensure_period(session, actor, period)
        fill_measurements(session, actor, people)
        report(progress, 3, steps, _("Appraisal forms"))
        fill_forms(session, actor, people)
        date_forms_within_their_month(session)
        add_adjustments(session, actor, people)
        add_pay(session, actor)
        for staff_no in ("CS010",):
            row = next(r for r in DEMO_STAFF if r[0] == staff_no)
            staff.mark_left(session, actor, people[staff_no].id, on=row[6], reason="个人原因离职")
        report(progress, 4, steps, _("Finalizing past periods"))
        from kpidesk.services.closing.finalize import finalize_period

        for period in _months():
            if period.index < OPEN_MONTH:
                finalize_period(session, actor, period.code)
    report(progress, steps, steps, _("Done"))
    from kpidesk.services.safety.database import info

    return info(db)["counts"]
