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


# 002 BSC table, operations rows (运营类): call reply timeliness and callback rate sit in internal operations.
@pytest.mark.parametrize("code", ["complaint_reply_timeliness", "callback_completion", "complaint_closure"])
def test_operations_rows_sit_in_the_process_perspective(kpis, code):
    assert kpis[code].perspective == "process"
    assert _levels(kpis[code])[1] == Decimal(90)


# 002 BSC table row 2: collection completion 90/95/98 %, assessed half-yearly/yearly.
def test_collection_completion_is_half_yearly(kpis):
    kpi = kpis["collection_completion"]
    assert kpi.period_kind == "half"
    assert _levels(kpi) == _dec(90, 95, 98)
    # 002 BSC table row 1: budget control within ±5 / ±4 / ±3 %, half-yearly/yearly.
    assert kpis["budget_control"].period_kind == "half"
    assert _levels(kpis["budget_control"]) == _dec(5, 4, 3)


# 001 (training slides, KPI page): NPS 65 as the figure to reach; promoters minus detractors.
def test_nps_targets_65(kpis):
    nps = kpis["nps"]
    assert _levels(nps)[1] == Decimal(65)
    value = parse_formula(nps.formula).evaluate_one({"promoters": 70, "passives": 25, "detractors": 5})
    assert value == pytest.approx(65)


# 002 (e-commerce rules, notes 1 and 7): conversion = buyers ÷ inquiries, with inquiries = contacts less
# after-sales contacts (two days) and with advertising messages taken out.
def test_inquiry_conversion_derives_inquiries_from_contacts(kpis):
    formula = parse_formula(kpis["inquiry_conversion"].formula)
    assert set(formula.fields) == {"buyers", "contacts", "after_sales_contacts", "ad_contacts"}
    # 300 contacts − 80 after-sales − 20 adverts = 200 inquiries; 50 buyers → 25 %.
    value = formula.evaluate_one({"buyers": 50, "contacts": 300, "after_sales_contacts": 80, "ad_contacts": 20})
    assert value == pytest.approx(25)


# 002 (客户关系主管 table): each complaint caused by a callback deducts points — an occurrence rule.
def test_supervisor_template_deducts_per_callback_complaint(starter_db):
    with starter_db.session() as session:
        template = session.execute(select(m.Template).where(m.Template.key == "crs")).scalar_one()
        rules = {item.kpi.code: (item.rule, item.params) for item in template.items}
        total = sum(item.weight for item in template.items)
    assert rules["callback_complaints"] == ("occurrence", {"points": 20})
    assert total == 100
