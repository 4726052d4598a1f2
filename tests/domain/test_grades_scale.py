"""Grade scales and forced distribution."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpidesk.domain.grades import DEFAULT_SCALE, ForcedDistribution, GradeBand, GradeScale, forced_grades
from kpidesk.errors import ValidationError


def test_default_scale_boundaries_are_inclusive():
    totals = np.array([120, 95, 94.99, 85, 84.99, 70, 69.99, 0, np.nan])
    assert DEFAULT_SCALE.grade(totals).tolist() == [
        "excellent", "excellent", "good", "good", "fair", "fair", "poor", "poor", None]


def test_exactly_95_is_excellent():
    assert DEFAULT_SCALE.grade_one(95.0) == "excellent"
    assert DEFAULT_SCALE.grade_one(95.00000000001) == "excellent"
    assert DEFAULT_SCALE.grade_one(94.999999999999) == "excellent"  # float noise on a rounded 95.00


A_TO_D = GradeScale((GradeBand("A", 90, "A", "A"), GradeBand("B", 75.5, "B", "B"), GradeBand("C", 60, "C", "C"),
                     GradeBand("D", None, "D", "D")))


@pytest.mark.parametrize("scale", [DEFAULT_SCALE, A_TO_D])
@given(total=st.floats(allow_nan=True, allow_infinity=True)
       | st.sampled_from([95.0, 94.9999995, 94.9999994, 85.0, 75.5, 75.4999995, 60.0, 59.9999996, -0.0]))
def test_one_total_is_graded_as_the_array_grades_it(scale, total):
    with np.errstate(over="ignore"):  # numpy says so on the way to an infinite total; the answer is the same
        expected = scale.grade(np.array([total], dtype=float))[0]
    assert scale.grade_one(total) == expected


def test_no_total_has_no_grade():
    assert DEFAULT_SCALE.grade_one(None) is None
    assert DEFAULT_SCALE.grade_one(float("nan")) is None


def test_labels_in_both_languages():
    assert DEFAULT_SCALE.label("excellent", "zh_CN") == "优秀"
    assert DEFAULT_SCALE.label("poor", "en") == "Poor"
    from kpidesk.i18n import set_language

    set_language("zh_CN")
    assert DEFAULT_SCALE.label("good") == "良好"
    set_language("en")
    assert DEFAULT_SCALE.label("good") == "Good"


def test_custom_scale_a_to_d_round_trips():
    scale = GradeScale((GradeBand("A", 90, "A", "A"), GradeBand("B", 75, "B", "B"), GradeBand("C", 60, "C", "C"),
                        GradeBand("D", None, "D", "D")))
    assert scale.grade(np.array([90, 89, 60, 59])).tolist() == ["A", "B", "C", "D"]
    assert GradeScale.from_dict(scale.to_dict()) == scale


def test_pass_fail_scale():
    scale = GradeScale((GradeBand("pass", 60, "合格", "Pass"), GradeBand("fail", None, "不合格", "Fail")))
    assert scale.grade(np.array([60, 59.99])).tolist() == ["pass", "fail"]


@pytest.mark.parametrize(
    "bands",
    [
        (),
        (GradeBand("a", 90, "", ""), GradeBand("a", None, "", "")),
        (GradeBand("a", 80, "", ""), GradeBand("b", 90, "", ""), GradeBand("c", None, "", "")),
        (GradeBand("a", None, "", ""), GradeBand("b", None, "", "")),
    ],
)
def test_inconsistent_scales_are_refused(bands):
    with pytest.raises(ValidationError):
        GradeScale(bands)


def test_forced_distribution_quotas_with_documented_rounding():
    forced = ForcedDistribution((("excellent", 20), ("good", 70), ("fair", 10)))
    assert forced.boundaries(10).tolist() == [2, 9, 10]
    assert forced.boundaries(12).tolist() == [2, 11, 12]  # 2.4 → 2, 10.8 → 11
    assert forced.boundaries(5).tolist() == [1, 5, 5]  # 4.5 → 5 (half-up): nobody in the last group
    totals = np.arange(100, 90, -1, dtype=float)
    grades = forced_grades(forced, totals)
    assert grades.tolist() == ["excellent"] * 2 + ["good"] * 7 + ["fair"]


def test_forced_distribution_never_splits_a_tie():
    forced = ForcedDistribution((("excellent", 20), ("good", 70), ("fair", 10)))
    totals = np.array([99, 97, 97, 90, 90, 90, 90, 90, 80, 80], dtype=float)
    # places 2 and 3 tie across the 20 % boundary: both excellent; the tie at the bottom stays together
    grades = forced_grades(forced, totals)
    assert grades.tolist() == ["excellent"] * 3 + ["good"] * 5 + ["good"] * 2
    last = np.array([99, 97, 95, 93, 91, 90, 89, 88, 80, 80], dtype=float)
    assert forced_grades(forced, last).tolist()[-2:] == ["good", "good"]


def test_forced_distribution_per_department():
    forced = ForcedDistribution((("excellent", 50), ("good", 50)))
    totals = np.array([90, 80, 70, 60], dtype=float)
    departments = np.array([1, 1, 2, 2])
    assert forced_grades(forced, totals, departments).tolist() == ["excellent", "good", "excellent", "good"]
    whole = ForcedDistribution((("excellent", 50), ("good", 50)), scope="organisation")
    assert forced_grades(whole, totals, departments).tolist() == ["excellent", "excellent", "good", "good"]


def test_forced_distribution_leaves_people_without_a_total_ungraded():
    forced = ForcedDistribution((("excellent", 50), ("good", 50)))
    assert forced_grades(forced, np.array([90, np.nan, 80])).tolist() == ["excellent", None, "good"]


def test_quotas_must_sum_to_100():
    with pytest.raises(ValidationError, match="100"):
        ForcedDistribution((("excellent", 20), ("good", 70)))
