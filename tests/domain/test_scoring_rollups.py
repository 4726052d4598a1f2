"""Quarter, half-year and year computed from their months; joiners and leavers."""

from datetime import date

import numpy as np
import pytest

from kpidesk.domain.eligibility import appraisal_eligibility
from kpidesk.domain.periods import parse_period
from kpidesk.domain.rollups import Aggregation, aggregate, roll_up
from kpidesk.domain.scoring import ScoringInput, Template, TemplateItem, score_period


def test_aggregations():
    stack = np.array([[1.0, np.nan, 3.0], [2.0, np.nan, np.nan], [6.0, np.nan, 5.0]])
    assert aggregate(stack, "mean").tolist()[::2] == [3.0, 4.0]
    assert aggregate(stack, Aggregation.SUM).tolist()[::2] == [9.0, 8.0]
    assert aggregate(stack, "last").tolist()[::2] == [6.0, 5.0]
    assert all(np.isnan(aggregate(stack, how)[1]) for how in ("mean", "sum", "last"))


FCR = TemplateItem("fcr", 60, "three_level", "higher", 80, 90, 95, unit="percent",
                   formula="resolved / contacts * 100")
CSAT = TemplateItem("csat", 40, "direct", aggregation="mean")


def test_rates_are_recomputed_from_summed_raw_fields():
    months_fields = [
        {"resolved": np.array([90.0]), "contacts": np.array([100.0])},
        {"resolved": np.array([10.0]), "contacts": np.array([20.0])},
        {"resolved": np.array([180.0]), "contacts": np.array([200.0])},
    ]
    months_values = [{"csat": np.array([80.0])}, {"csat": np.array([90.0])}, {}]
    values, fields = roll_up([FCR, CSAT], months_values, months_fields)
    assert "fcr" not in values  # left to the engine, which evaluates the formula on the sums
    assert fields["resolved"].tolist() == [280.0] and fields["contacts"].tolist() == [320.0]
    assert values["csat"].tolist() == [85.0]
    result = score_period(ScoringInput(parse_period("2025-Q1"), ["e"], ["d"], [Template("t", (FCR, CSAT))],
                                       values=values, fields=fields))
    # 280 / 320 = 87.5 %, not the mean of the monthly rates (90, 50, 90 → 76.7)
    assert result.frame.loc["e", "fcr.value"] == pytest.approx(87.5)


def test_mean_of_monthly_rates_when_configured():
    mean_fcr = TemplateItem("fcr", 100, "direct", formula="resolved / contacts * 100", aggregation="mean")
    months_fields = [{"resolved": np.array([90.0]), "contacts": np.array([100.0])},
                     {"resolved": np.array([10.0]), "contacts": np.array([20.0])}]
    values, _fields = roll_up([mean_fcr], [{}, {}], months_fields)
    assert values["fcr"].tolist() == pytest.approx([70.0])


def test_sum_and_last():
    hours = TemplateItem("training_hours", 50, "direct", aggregation="sum")
    headcount = TemplateItem("headcount", 50, "direct", aggregation="last")
    months = [{"training_hours": np.array([2.0]), "headcount": np.array([10.0])},
              {"training_hours": np.array([3.0]), "headcount": np.array([12.0])},
              {"training_hours": np.array([np.nan]), "headcount": np.array([np.nan])}]
    values, _ = roll_up([hours, headcount], months, [{}, {}, {}])
    assert values["training_hours"].tolist() == [5.0]
    assert values["headcount"].tolist() == [12.0]


def test_eligibility_joiners_and_leavers():
    period = parse_period("2025-03")
    hired = [date(2020, 1, 1), date(2025, 3, 10), date(2025, 3, 20), date(2020, 1, 1), date(2020, 1, 1),
             date(2025, 4, 2), date(2020, 1, 1), None]
    left = [None, None, None, date(2025, 3, 20), date(2025, 3, 5), None, date(2025, 2, 28), None]
    result = appraisal_eligibility(period, hired, left)
    assert result.included.tolist() == [True, True, False, True, False, False, False, True]
    assert result.active_days.tolist()[:5] == [31, 22, 12, 20, 5]
    assert result.flags(1) == ("joined",) and result.flags(3) == ("left",) and result.flags(0) == ()


def test_eligibility_threshold_is_configurable():
    period = parse_period("2025-03")
    result = appraisal_eligibility(period, [date(2025, 3, 20)], [None], min_days=10)
    assert result.included.tolist() == [True]
    quarter = appraisal_eligibility(parse_period("2025-Q1"), [date(2025, 3, 20)], [None])
    assert quarter.included.tolist() == [False]
