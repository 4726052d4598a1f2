"""Updating a database's library to a newer starter library: the differences listed, applied as new
KPI values and template versions, finalized periods untouched, and nothing left to do afterwards."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from tests_support.older_starter import install_older

from kpidesk.errors import ValidationError
from kpidesk.services.library.starter_update import apply_update, plan_update
from kpidesk.services.safety.settings import load_settings
from kpidesk.store import models as m


@pytest.fixture
def older_db(db, actor, tmp_path):
    install_older(db, actor, tmp_path)
    return db


def _current(session, key):
    return session.execute(select(m.Template).where(m.Template.key == key, m.Template.is_current)).scalar_one()


def test_the_plan_lists_each_difference(older_db):
    with older_db.session() as session:
        plan = plan_update(session, "customer-service")
    assert plan.to_version == plan.from_version + 1
    found = {(c.kind, c.code, c.action): c for c in plan.changes}
    assert set(found) == {("kpi", "csat", "change"), ("template", "csr", "change"),
                          ("template", "specialist", "add"), ("template", "senior_manager", "add")}
    assert "formula: — → first(csat, survey_score / 5 * 100)" in found[("kpi", "csat", "change")].details
    assert set(found[("template", "csr", "change")].details) == {"fcr weight: 15 → 20", "csat weight: 25 → 20"}
    assert found[("template", "csr", "change")].open_periods == ()


def test_applying_makes_new_versions_and_is_idempotent(older_db, actor):
    with older_db.session() as session:
        first_csr = _current(session, "csr").id
    with older_db.write() as session:
        applied = apply_update(session, actor, "customer-service")
    assert len(applied.changes) == 4
    with older_db.session() as session:
        csr = _current(session, "csr")
        assert csr.version == 2 and {i.kpi.code: i.weight for i in csr.items}["csat"] == Decimal(20)
        assert session.get(m.Template, first_csr).is_current is False  # the old version stays
        assert session.execute(select(m.Kpi.formula).where(m.Kpi.code == "csat")).scalar_one().startswith("first(")
        assert _current(session, "specialist").forms[0].form_version.form_key == "customer_relations_specialist"
        settings = load_settings(session)
        assert settings.starter_version == applied.to_version
        audited = session.execute(select(m.AuditEntry.action).where(m.AuditEntry.entity_id == "customer-service")
                                  ).scalars().all()
        assert "starter.update" in audited
        again = plan_update(session, "customer-service")
    assert again.empty and again.from_version == again.to_version
    with older_db.write() as session:
        apply_update(session, actor, "customer-service")
    with older_db.session() as session:
        assert _current(session, "csr").version == 2  # nothing new the second time


def _appraise_someone(db, actor, period):
    from kpidesk.services.appraisal import periods
    from kpidesk.services.people import staff

    with db.write() as session:
        position = session.execute(select(m.Position).where(m.Position.name == "客服代表")).scalar_one()
        department = staff.get_or_create_department(session, "客服部")
        staff.add_employee(session, actor, staff_no="E1", name="王芳", department_id=department.id,
                           position_id=position.id, hire_date=date(2020, 1, 1))
        periods.open_period(session, actor, period)


def test_an_open_period_using_a_changed_template_is_named(older_db, actor):
    _appraise_someone(older_db, actor, "2026-03")
    with older_db.session() as session:
        plan = plan_update(session, "customer-service")
    csr = next(c for c in plan.changes if c.code == "csr")
    assert csr.open_periods == ("2026-03",)


def test_a_finalized_period_keeps_its_template_version(older_db, actor):
    from kpidesk.services.appraisal import periods

    _appraise_someone(older_db, actor, "2026-03")
    with older_db.write() as session:
        periods.finalize_period(session, actor, "2026-03")
    with older_db.session() as session:
        used = session.execute(select(m.Appraisal.template_id)).scalar_one()
        hash_before = session.execute(select(m.Snapshot.content_hash)).scalar_one()
    with older_db.write() as session:
        apply_update(session, actor, "customer-service")
    with older_db.session() as session:
        assert session.execute(select(m.Appraisal.template_id)).scalar_one() == used
        assert session.execute(select(m.Snapshot.content_hash)).scalar_one() == hash_before


def test_another_starter_library_is_refused(older_db):
    with older_db.session() as session, pytest.raises(ValidationError, match="customer-service"):
        plan_update(session, "ecommerce-service")


def test_applying_needs_the_right_to_edit_the_library(older_db):
    from kpidesk.errors import PermissionDenied
    from kpidesk.services.actor import Actor, Role

    with older_db.write() as session, pytest.raises(PermissionDenied):
        apply_update(session, Actor(name="E1", role=Role.EMPLOYEE), "customer-service")
    with older_db.session() as session:
        assert not plan_update(session, "customer-service").empty
