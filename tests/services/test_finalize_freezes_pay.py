from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select, update

from kpidesk.services.closing import use_cases as closing_use_cases
from kpidesk.services.closing.finalize import finalize_period
from kpidesk.services.pay import payroll as pay
from kpidesk.store import models as m


def _runs(db):
    with db.session() as session:
        return session.execute(select(func.count()).select_from(m.PayRun)).scalar()


def test_finalizing_freezes_pay_when_pay_is_in_use(demo_db, actor):
    with demo_db.write() as session:
        pay.set_base_pay(session, actor, "CS001", Decimal("5200.00"))
    before = _runs(demo_db)
    with demo_db.write() as session:
        finalize_period(session, actor, "2025-12")
    assert _runs(demo_db) == before + 1


def test_finalizing_without_pay_in_use_stores_no_payroll(demo_db, actor):
    with demo_db.write() as session:  # an office that leaves pay alone: no base pay, no pay rules
        session.execute(delete(m.PayRun))
        session.execute(delete(m.PayRuleVersion))
        session.execute(update(m.Employee).values(base_pay=None))
    with demo_db.write() as session:
        assert not pay.pay_in_use(session)
        finalize_period(session, actor, "2025-12")
    assert _runs(demo_db) == 0


def test_the_demo_froze_the_pay_of_every_finalized_month(demo_db):
    with demo_db.session() as session:
        frozen = session.execute(select(m.PeriodRecord.code).join(m.PayRun, m.PayRun.period_id == m.PeriodRecord.id)
                                 .order_by(m.PeriodRecord.code)).scalars().all()
    assert frozen == [f"2025-{month:02d}" for month in range(1, 12)]


def test_a_failed_freeze_leaves_the_period_open(demo_db, actor, monkeypatch):
    """Finalizing and freezing are one unit of work: when the pay cannot be frozen, nothing is locked."""
    from kpidesk.domain.statuses import PeriodStatus
    from kpidesk.errors import ValidationError

    def refuse(*_args, **_kwargs):
        raise ValidationError("no pay today")

    monkeypatch.setattr(pay, "freeze_pay", refuse)
    with pytest.raises(ValidationError, match="no pay today"):
        closing_use_cases.finalize_period(demo_db, actor, "2025-12")
    with demo_db.session() as session:
        record = session.execute(select(m.PeriodRecord).where(m.PeriodRecord.code == "2025-12")).scalar_one()
        assert record.status != PeriodStatus.FINALIZED
        assert session.execute(select(func.count()).select_from(m.Result).where(
            m.Result.period_id == record.id)).scalar() == 0


def test_finalizing_through_the_use_case_freezes_the_pay(demo_db, actor):
    before = _runs(demo_db)
    done = closing_use_cases.finalize_period(demo_db, actor, "2025-12")
    assert done.code == "2025-12" and _runs(demo_db) == before + 1
