import hashlib
from decimal import Decimal

from sqlalchemy import select

from kpidesk.services.actor import Actor
from kpidesk.services.demo import build_demo
from kpidesk.store import models as m
from kpidesk.store.db import open_database

CATALOGUE_CODES = {
    "first_response_time", "resolution_time", "avg_handle_time", "sla_attainment", "complaint_reply_timeliness",
    "complaint_closure", "callback_completion", "fcr", "resolution_rate", "repeat_rate", "error_rate", "qa_score",
    "csat", "nps", "retention", "churn", "callback_complaints", "complaint_rate", "commendation_rate", "inquiry_conversion",
    "budget_control", "collection_completion", "cost_per_service", "internal_collaboration", "service_satisfaction",
    "training_completion", "training_hours", "self_service_rate", "follow_up_resolution", "reply_rate",
    "unanswered", "waiting_time", "avg_order_value", "complaint_recurrence", "title_deed_timeliness",
    "promotion_rate", "staff_satisfaction", "sales_amount", "sales_by_traffic",
}


def test_starter_library_holds_the_catalogue_bilingually(starter_db):
    with starter_db.session() as session:
        kpis = {k.code: k for k in session.execute(select(m.Kpi)).scalars()}
    assert set(kpis) == CATALOGUE_CODES
    assert all(k.name_zh and k.name_en and k.code.isascii() for k in kpis.values())
    assert kpis["fcr"].formula == "first_contact_resolved / contacts * 100"
    assert kpis["fcr"].name_zh == "一次解决率"
    assert kpis["first_response_time"].direction == "lower"
    assert kpis["budget_control"].direction == "band"
    assert (kpis["csat"].baseline, kpis["csat"].target) == (Decimal("85.0000"), Decimal("90.0000"))


def test_starter_templates_weigh_exactly_100_and_cover_every_position(starter_db):
    with starter_db.session() as session:
        templates = session.execute(select(m.Template)).scalars().all()
        positions = {t.position.name for t in templates}
        sums = {t.key: sum(item.weight for item in t.items) for t in templates}
    assert positions == {"客服代表", "客户关系主管", "投诉专员", "客户关系经理", "客户关系专家", "高级客户关系经理"}
    assert sums == {"csr": 100, "crs": 100, "complaints": 100, "manager": 100, "specialist": 100,
                    "senior_manager": 100}


def test_starter_formulas_only_use_known_fields(starter_db):
    """Each formula reads raw fields, or its own KPI code (the value typed in)."""
    from kpidesk.domain.formulas import parse_formula

    with starter_db.session() as session:
        fields = set(session.execute(select(m.RawField.code)).scalars())
        kpis = [(k.code, k.formula) for k in session.execute(select(m.Kpi)).scalars() if k.formula]
    for code, formula in kpis:
        assert set(parse_formula(formula).fields) <= fields | {code}, code


def _fingerprint(path) -> str:
    db = open_database(path)
    digest = hashlib.sha256()
    with db.session() as session:
        for row in session.execute(
            select(m.Employee.staff_no, m.PeriodRecord.code, m.Measurement.field_code, m.Measurement.value)
            .join(m.Employee, m.Employee.id == m.Measurement.employee_id)
            .join(m.PeriodRecord, m.PeriodRecord.id == m.Measurement.period_id)
            .order_by(m.Employee.staff_no, m.PeriodRecord.code, m.Measurement.field_code)
        ):
            digest.update(repr(tuple(row)).encode())
    db.dispose()
    return digest.hexdigest()


def test_demo_is_deterministic(tmp_path):
    for name in ("a.db", "b.db"):
        db = open_database(tmp_path / name)
        build_demo(db, Actor(name="demo"))
        db.dispose()
    assert _fingerprint(tmp_path / "a.db") == _fingerprint(tmp_path / "b.db")


def test_demo_department_matches_the_sample_staff_list(demo_db):
    with demo_db.session() as session:
        people = {e.staff_no: e for e in session.execute(select(m.Employee)).scalars()}
        teams = {e.staff_no: e.department.name for e in people.values()}
        parent = {e.staff_no: e.department.top_level().name for e in people.values()}
        periods = session.execute(select(m.PeriodRecord.code).order_by(m.PeriodRecord.code)).scalars().all()
    sample = {"CS001": "王芳", "CS002": "张伟", "CS003": "刘洋", "CS004": "陈静",
              "CS005": "杨磊", "CS006": "黄丽", "CS007": "李强", "CS008": "赵敏"}
    assert {no: people[no].name for no in sample} == sample
    assert 11 <= len(people) <= 14
    assert teams["CS001"] == "一组" and teams["CS004"] == "二组"
    assert set(parent.values()) == {"客户关怀部"}
    assert periods == [f"2025-{i:02d}" for i in range(1, 13)]


def test_demo_refuses_a_database_with_data(demo_db):
    import pytest

    from kpidesk.errors import ValidationError

    with pytest.raises(ValidationError):
        build_demo(demo_db, Actor(name="demo"))
