"""The customer-service starter library checked item by item against the source handbooks.

Each test names, in a comment, the handbook file and the item whose figures it checks. The expected
values are written here by hand; the tests never read the handbook texts.
"""

from decimal import Decimal

import pytest
from sqlalchemy import select

from kpidesk.domain.formulas import parse_formula
from kpidesk.store import models as m


@pytest.fixture
def kpis(starter_db):
    with starter_db.session() as session:
        rows = {k.code: k for k in session.execute(select(m.Kpi)).scalars()}
        session.expunge_all()
    return rows


def _levels(kpi):
    return tuple(None if v is None else Decimal(v).normalize() for v in (kpi.baseline, kpi.target, kpi.challenge))


def _dec(*values):
    return tuple(Decimal(str(v)).normalize() for v in values)


# 002 (客户关系主管 table): churn = customers lost ÷ the period's average number of customers × 100 %.
def test_churn_divides_by_the_average_number_of_customers(kpis):
    churn = kpis["churn"]
    assert churn.direction == "lower"
    formula = parse_formula(churn.formula)
    # 30 lost, 1 000 at start, 1 400 at end: average 1 200, so 2.5 %.
    value = formula.evaluate_one({"customers_lost": 30, "customers_start": 1000, "customers_end": 1400})
    assert value == pytest.approx(2.5)


# (code, perspective, category, period, baseline/target/challenge) as the handbooks give them.
BSC_ROWS = [
    # 002 BSC table row 3: 部门协作满意度, customer side, half-year/year, 60/70/75 points.
    ("internal_collaboration", "customer", "satisfaction", "half", (60, 70, 75)),
    # 002 BSC table row 4: 客户服务满意度, customer side, half-year/year, 55/65/70 points.
    ("service_satisfaction", "customer", "satisfaction", "half", (55, 65, 70)),
]


@pytest.mark.parametrize(("code", "perspective", "category", "period_kind", "levels"), BSC_ROWS)
def test_bsc_rows_match_the_handbook(kpis, code, perspective, category, period_kind, levels):
    kpi = kpis[code]
    assert (kpi.perspective, kpi.category, kpi.period_kind) == (perspective, category, period_kind)
    assert _levels(kpi) == _dec(*levels)
    assert kpi.direction == "higher"


# 000 (fishbone, efficiency branch): 问题解决率 is filed under efficiency, not quality.
def test_resolution_rate_is_an_efficiency_kpi(kpis):
    assert kpis["resolution_rate"].category == "efficiency"
    assert kpis["resolution_rate"].formula == "resolved / received * 100"
