"""Customer satisfaction taken as a percent or as a 5-point rating, as the training slides allow.

The expected values are written here by hand; the tests never read the handbook texts.
"""

from decimal import Decimal

import numpy as np
import pytest
from sqlalchemy import select

from kpidesk.domain.formulas import Problem, parse_formula
from kpidesk.store import models as m


def test_first_takes_the_first_argument_that_has_a_value():
    formula = parse_formula("first(a, b * 20)")
    result = formula.evaluate({"a": np.array([88.0, np.nan, np.nan]), "b": np.array([4.0, 4.6, np.nan])})
    assert result.values[:2] == pytest.approx([88.0, 92.0])
    assert result.reason(2) == (Problem.MISSING_FIELD, "b")


def _csat(starter_db):
    with starter_db.session() as session:
        kpi = session.execute(select(m.Kpi).where(m.Kpi.code == "csat")).scalar_one()
        session.expunge(kpi)
    return kpi


# 001 (evaluation indicators, CSAT): a satisfaction percent or a five-star rating; 4.6 of 5 counts as 92 %,
# and a percent typed in wins over the rating.
def test_csat_takes_the_percent_or_converts_the_five_point_score(starter_db):
    kpi = _csat(starter_db)
    assert kpi.unit == "percent" and kpi.direction == "higher"
    formula = parse_formula(kpi.formula)
    assert formula.evaluate_one({"csat": None, "survey_score": 4.6}) == pytest.approx(92)
    assert formula.evaluate_one({"csat": 88, "survey_score": 4.6}) == pytest.approx(88)
    assert formula.evaluate_one({"csat": 90}) == pytest.approx(90)


def _put(db, actor, period, staff_no, values):
    from kpidesk.services.appraisal.measurements import ValueChange, set_values

    with db.write() as session:
        employee_id = session.execute(select(m.Employee.id).where(m.Employee.staff_no == staff_no)).scalar_one()
        set_values(session, actor, period, [ValueChange(employee_id, code, None if v is None else Decimal(str(v)))
                                            for code, v in values.items()])


# 001 (evaluation indicators, CSAT): scored from either input — 4.6/5 → 92 %, 4.2/5 → 84 %, a typed 95 % as is.
def test_scoring_uses_whichever_satisfaction_input_is_there(demo_db, actor):
    from kpidesk.services.appraisal.use_cases import period_scores

    _put(demo_db, actor, "2025-12", "CS001", {"csat": None, "survey_score": 4.6})
    _put(demo_db, actor, "2025-12", "CS002", {"csat": None, "survey_score": 4.2})
    _put(demo_db, actor, "2025-12", "CS003", {"csat": 95, "survey_score": 3.0})
    frame = period_scores(demo_db, actor, "2025-12").frame.set_index("staff_no")
    assert frame.loc["CS001", "csat.value"] == pytest.approx(92)
    assert frame.loc["CS002", "csat.value"] == pytest.approx(84)
    assert frame.loc["CS003", "csat.value"] == pytest.approx(95)


# 001 (evaluation indicators, CSAT): both inputs can be typed in — the percent column, then the 5-point one.
def test_the_entry_grid_offers_both_satisfaction_columns(demo_db, actor):
    from kpidesk.services.appraisal.use_cases import entry_sheet

    sheet = entry_sheet(demo_db, actor, "2025-12")
    cs001 = next(row for row in sheet.rows if row.staff_no == "CS001")
    assert cs001.fields.index("csat") < cs001.fields.index("survey_score")
