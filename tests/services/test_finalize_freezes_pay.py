from decimal import Decimal

from sqlalchemy import func, select

from kpidesk.services import pay
from kpidesk.services.periods import finalize_period
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
    with demo_db.write() as session:
        assert not pay.pay_in_use(session)
        finalize_period(session, actor, "2025-12")
    assert _runs(demo_db) == 0
