"""Combining raters and forms into the qualitative score."""

import pytest

from kpidesk.domain.qualitative import RaterWeights, Rating, combine_forms, combine_raters, score_response

CRITERIA = {"teamwork": 40, "knowledge": 60}


def test_weighted_mean_of_criteria():
    assert score_response(CRITERIA, {"teamwork": 100, "knowledge": 85}) == pytest.approx(91)


def test_unanswered_criterion_is_renormalised_away():
    assert score_response(CRITERIA, {"knowledge": 70}) == pytest.approx(70)
    assert score_response(CRITERIA, {}) is None


def test_manager_70_self_30_by_default():
    form = combine_raters(CRITERIA, [Rating("manager", {"teamwork": 85, "knowledge": 85}),
                                     Rating("self", {"teamwork": 100, "knowledge": 100})], form="t")
    assert form.score == pytest.approx(0.7 * 85 + 0.3 * 100)
    assert form.weights_used == {"manager": 70, "self": 30}
    assert form.absent == ()


def test_missing_self_assessment_is_excluded_and_reported_not_zero():
    form = combine_raters(CRITERIA, [Rating("manager", {"teamwork": 85, "knowledge": 85})])
    assert form.score == pytest.approx(85)
    assert [(a.role, a.reason) for a in form.absent] == [("self", "no_response")]
    assert form.weights_used == {"manager": 100}


def test_peers_count_only_when_three_answered():
    weights = RaterWeights({"manager": 60, "self": 20, "peer": 20})
    two_peers = [Rating("manager", {"teamwork": 80, "knowledge": 80}), Rating("self", {"teamwork": 90, "knowledge": 90}),
                 Rating("peer", {"teamwork": 50, "knowledge": 50}), Rating("peer", {"teamwork": 50, "knowledge": 50})]
    form = combine_raters(CRITERIA, two_peers, weights)
    assert form.score == pytest.approx((60 * 80 + 20 * 90) / 80)
    assert [(a.role, a.reason, a.count) for a in form.absent] == [("peer", "too_few_peers", 2)]
    three = [*two_peers, Rating("peer", {"teamwork": 80, "knowledge": 80})]
    form = combine_raters(CRITERIA, three, weights)
    assert form.components["peer"] == pytest.approx(60)
    assert form.score == pytest.approx(0.6 * 80 + 0.2 * 90 + 0.2 * 60)


def test_peer_and_hr_ignored_unless_weighted():
    ratings = [Rating("manager", {"teamwork": 80, "knowledge": 80}), Rating("hr", {"teamwork": 10, "knowledge": 10})]
    form = combine_raters(CRITERIA, ratings)
    assert form.score == pytest.approx(80)
    assert "hr" not in form.components


def test_no_response_at_all():
    form = combine_raters(CRITERIA, [])
    assert form.score is None
    assert {a.role for a in form.absent} == {"manager", "self"}


def test_forms_combined_by_share_and_missing_form_reported():
    a = combine_raters(CRITERIA, [Rating("manager", {"teamwork": 100, "knowledge": 100})], form="a")
    b = combine_raters(CRITERIA, [Rating("manager", {"teamwork": 70, "knowledge": 70})], form="b")
    c = combine_raters(CRITERIA, [], form="c")
    result = combine_forms([a, b, c], {"a": 50, "b": 25, "c": 25})
    assert result.score == pytest.approx((50 * 100 + 25 * 70) / 75)
    assert result.missing_forms == ("c",)
    assert result.partial
    assert result.to_dict()["forms"][0]["form"] == "a"
    assert combine_forms([c]).score is None
