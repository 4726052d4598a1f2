"""Every rule and direction, with the worked examples of the specification."""

import numpy as np
import pytest

from kpidesk.domain.rules import RuleError, RuleKind, RuleSpec, make_rule


def scores(spec: RuleSpec, *actual: float) -> list[float]:
    return make_rule(spec, "k").scores(np.array(actual, dtype=float)).tolist()


def test_three_level_worked_example_higher_is_better():
    spec = RuleSpec("three_level", "higher", baseline=80, target=90, challenge=95)
    assert scores(spec, 70, 80, 85, 90, 92, 95, 99) == pytest.approx([0, 60, 80, 100, 108, 120, 120])


def test_three_level_below_baseline_falls_to_zero_then_stays():
    spec = RuleSpec("three_level", "higher", baseline=80, target=90, challenge=95)
    assert scores(spec, 75, 60, -10) == pytest.approx([30, 0, 0])


def test_three_level_worked_example_response_time_lower_is_better():
    spec = RuleSpec("three_level", "lower", baseline=90, target=60, challenge=30)
    assert scores(spec, 75, 45, 100, 60, 20, 120) == pytest.approx([80, 110, 40, 100, 120, 0])


def test_three_level_direction_follows_the_levels_when_not_stated():
    spec = RuleSpec("three_level", "higher", baseline=90, target=60, challenge=30)
    with pytest.raises(RuleError, match="contradict"):
        make_rule(spec, "frt")


def test_three_level_custom_points_and_no_challenge():
    spec = RuleSpec("three_level", "higher", baseline=60, target=70, params={"points": [50, 90, 110]})
    assert scores(spec, 60, 65, 70, 90) == pytest.approx([50, 70, 90, 90])


def test_three_level_missing_value_stays_missing():
    spec = RuleSpec("three_level", "higher", baseline=80, target=90, challenge=95)
    assert np.isnan(scores(spec, np.nan)[0])


def test_band_budget_control_worked_example():
    spec = RuleSpec("band", "band", baseline=5, target=4, challenge=3)
    assert scores(spec, 5, -5, 4, -4, 3, 0, -2.5, 4.5, 6, 9) == pytest.approx([60, 60, 100, 100, 120, 120, 120, 80, 0, 0])


def test_band_with_a_centre_other_than_zero():
    spec = RuleSpec("band", "band", baseline=10, target=5, params={"centre": 100})
    assert scores(spec, 100, 95, 105, 110, 120) == pytest.approx([100, 100, 100, 60, 0])


def test_three_level_with_band_direction_is_a_band():
    rule = make_rule(RuleSpec("three_level", "band", baseline=5, target=4, challenge=3), "budget")
    assert rule.kind is RuleKind.BAND


def test_ratio_higher_and_lower_with_cap_and_floor():
    higher = RuleSpec("ratio", "higher", target=90)
    assert scores(higher, 90, 45, 99, 200, -5) == pytest.approx([100, 50, 110, 120, 0])
    lower = RuleSpec("ratio", "lower", target=60)
    assert scores(lower, 60, 75, 120, 30, 0) == pytest.approx([100, 80, 50, 120, 120])
    capped = RuleSpec("ratio", "higher", target=90, params={"cap": 100})
    assert scores(capped, 99) == pytest.approx([100])


def test_deduction_two_points_per_point_below_target():
    spec = RuleSpec("deduction", "higher", target=90, params={"points": 2, "step": 1})
    assert scores(spec, 87.5, 87, 90, 95, 20) == pytest.approx([95, 94, 100, 100, 0])


def test_deduction_per_full_step():
    spec = RuleSpec("deduction", "higher", target=90, params={"points": 2, "step": 1, "mode": "full_steps"})
    assert scores(spec, 87.5, 87, 89.01, 88.99) == pytest.approx([96, 94, 100, 98])
    fine = RuleSpec("deduction", "higher", target=0.3, params={"points": 1, "step": 0.1, "mode": "full_steps"})
    assert scores(fine, 0.1) == pytest.approx([98])  # 0.3 − 0.1 is two full steps despite binary floats


def test_deduction_outside_a_tolerance_band():
    spec = RuleSpec("deduction", "band", target=0, params={"points": 2, "step": 1, "tolerance": 5})
    assert scores(spec, 7, -7, 5, -3) == pytest.approx([96, 96, 100, 100])


def test_deduction_lower_is_better_and_floor():
    spec = RuleSpec("deduction", "lower", target=2, params={"points": 10, "step": 0.5, "floor": 20})
    assert scores(spec, 2, 2.5, 3, 10) == pytest.approx([100, 90, 80, 20])


def test_deduction_has_no_default_points_or_step():
    with pytest.raises(RuleError, match="points"):
        make_rule(RuleSpec("deduction", "higher", target=90, params={"step": 1}), "x")
    with pytest.raises(RuleError, match="step"):
        make_rule(RuleSpec("deduction", "higher", target=90, params={"points": 2}), "x")


def test_occurrence_five_points_per_complaint():
    spec = RuleSpec("occurrence", "lower", params={"points": 5})
    assert scores(spec, 0, 1, 3, 25) == pytest.approx([100, 95, 85, 0])
    allowed = RuleSpec("occurrence", "lower", params={"points": 5, "free": 1})
    assert scores(allowed, 0, 1, 3) == pytest.approx([100, 100, 90])


def test_table_step_bands():
    spec = RuleSpec("table", "higher", params={"bands": [[98, 120], [95, 100], [90, 80]]})
    assert scores(spec, 99, 98, 97, 95, 94.9, 90, 89) == pytest.approx([120, 120, 100, 100, 80, 80, 0])


def test_table_lower_is_better_with_otherwise():
    spec = RuleSpec("table", "lower", params={"bands": [[30, 100], [60, 80]], "otherwise": 40})
    assert scores(spec, 20, 30, 45, 61) == pytest.approx([100, 100, 80, 40])


def test_direct_score_is_clipped():
    spec = RuleSpec("direct", "higher")
    assert scores(spec, 87.5, 104, -3) == pytest.approx([87.5, 100, 0])


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        (RuleSpec("three_level", "higher", baseline=80), "baseline and a target"),
        (RuleSpec("three_level", "higher", baseline=90, target=90), "differ"),
        (RuleSpec("three_level", "higher", baseline=80, target=90, challenge=85), "beyond the target"),
        (RuleSpec("band", "band", baseline=3, target=4, challenge=5), "narrow"),
        (RuleSpec("ratio", "higher", target=0), "above 0"),
        (RuleSpec("table", "higher"), "bands"),
        (RuleSpec("golden", "higher"), "unknown scoring rule"),
        (RuleSpec("direct", "sideways"), "unknown direction"),
        (RuleSpec("deduction", "higher", target=90, params={"points": 2, "step": 0}), "step"),
        (RuleSpec("deduction", "higher", target=90, params={"points": "two", "step": 1}), "must be a number"),
    ],
)
def test_impossible_parameters_are_refused_with_a_reason(spec, words):
    with pytest.raises(RuleError, match=words):
        make_rule(spec, "kpi")


def test_missed_target_is_worse_than_target():
    rule = make_rule(RuleSpec("three_level", "lower", baseline=90, target=60, challenge=30), "frt")
    assert rule.missed(np.array([59.0, 60.0, 61.0])).tolist() == [False, False, True]
    band = make_rule(RuleSpec("band", "band", baseline=5, target=4), "budget")
    assert band.missed(np.array([-4.0, 4.5])).tolist() == [False, True]
    assert not make_rule(RuleSpec("direct"), "qa").has_target


def test_params_round_trip_for_the_snapshot():
    rule = make_rule(RuleSpec("deduction", "higher", target=90, params={"points": 2, "step": 1, "tolerance": 1}), "x")
    assert rule.params() == {"target": 90.0, "points": 2.0, "step": 1.0, "tolerance": 1.0, "mode": "proportional",
                             "full": 100.0, "cap": 100.0, "floor": 0.0}
