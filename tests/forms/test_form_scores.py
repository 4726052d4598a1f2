"""Combining raters on one form: weighted criteria, role weights, absent roles, peers, disagreements."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from kpidesk.domain.forms import (
    Form,
    RaterResponse,
    RaterRole,
    combine_raters,
    find_disagreements,
    rater_score,
)

SELF, MANAGER, PEER, HR = RaterRole.SELF, RaterRole.MANAGER, RaterRole.PEER, RaterRole.HR


def test_rater_score_is_the_weighted_mean_of_criteria(mini_form: Form):
    # a: 60 % excellent (100), b: 40 % fair (70) → 88
    assert rater_score(mini_form, {"a": "excellent", "b": "fair"}) == 88


def test_rater_score_leaves_out_unrated_criteria(mini_form: Form):
    assert rater_score(mini_form, {"b": "good"}) == 85
    assert rater_score(mini_form, {}) is None


def test_manager_70_self_30_by_default(mini_form: Form):
    result = combine_raters(
        mini_form,
        [
            RaterResponse(SELF, {"a": "excellent", "b": "excellent"}),
            RaterResponse(MANAGER, {"a": "good", "b": "good"}),
        ],
    )
    assert result.score == Decimal("89.5")  # 0.7 × 85 + 0.3 × 100
    assert not result.renormalised
    assert result.role(MANAGER).score == 85 and result.role(SELF).score == 100


def test_absent_self_is_renormalised_and_said(mini_form: Form):
    result = combine_raters(mini_form, [RaterResponse(MANAGER, {"a": "good", "b": "fair"})])
    assert result.score == 79  # manager alone: 0.6 × 85 + 0.4 × 70
    assert result.renormalised
    assert [(r.role, r.reason) for r in result.excluded] == [(SELF, "no_response")]


def test_no_responses_at_all_gives_no_score(mini_form: Form):
    result = combine_raters(mini_form, [])
    assert result.score is None and not result.renormalised


def test_peers_count_only_when_at_least_three_answered(mini_form: Form):
    weights = {"manager": 50, "self": 20, "peer": 30}
    base = [
        RaterResponse(SELF, {"a": "good", "b": "good"}),
        RaterResponse(MANAGER, {"a": "good", "b": "good"}),
    ]
    peers = [RaterResponse(PEER, {"a": "poor", "b": "poor"}, rater=f"p{i}") for i in range(3)]
    two = combine_raters(mini_form, base + peers[:2], weights)
    assert two.score == 85
    assert two.role(PEER).score is None and two.role(PEER).raters == 2
    assert [(r.role, r.reason) for r in two.excluded] == [(PEER, "too_few_peers")]
    three = combine_raters(mini_form, base + peers, weights)
    assert three.score == Decimal("74.5")  # (50 × 85 + 20 × 85 + 30 × 50) / 100
    assert three.role(PEER).counted and three.role(PEER).score == 50


def test_peer_weight_zero_by_default_so_peers_do_not_change_the_score(mini_form: Form):
    responses = [RaterResponse(MANAGER, {"a": "good", "b": "good"})] + [
        RaterResponse(PEER, {"a": "poor", "b": "poor"}) for _ in range(4)
    ]
    result = combine_raters(mini_form, responses)
    assert result.role(PEER).reason == "zero_weight" and result.role(PEER).score == 50
    assert result.score == 85


def test_hr_counts_when_configured(mini_form: Form):
    responses = [
        RaterResponse(MANAGER, {"a": "good", "b": "good"}),
        RaterResponse(HR, {"a": "fair", "b": "fair"}),
    ]
    result = combine_raters(mini_form, responses, {"manager": 70, "self": 30, "hr": 30})
    assert result.score == Decimal("80.5")  # (70 × 85 + 30 × 70) / 100, self absent
    assert [r.role for r in result.excluded] == [SELF]


def test_several_managers_are_averaged(mini_form: Form):
    responses = [
        RaterResponse(MANAGER, {"a": "excellent", "b": "excellent"}),
        RaterResponse(MANAGER, {"a": "fair", "b": "fair"}),
    ]
    result = combine_raters(mini_form, responses)
    assert result.role(MANAGER).score == 85 and result.role(MANAGER).raters == 2
    assert result.role(MANAGER).criterion_points == {"a": 85, "b": 85}


def test_disagreement_two_levels_apart_is_flagged(mini_form: Form):
    result = combine_raters(
        mini_form,
        [
            RaterResponse(SELF, {"a": "excellent", "b": "good"}),
            RaterResponse(MANAGER, {"a": "fair", "b": "fair"}),
        ],
    )
    assert result.flagged
    assert [(d.criterion_id, d.self_level, d.manager_level, d.gap) for d in result.disagreements] == [
        ("a", "excellent", "fair", 2)
    ]


def test_one_level_apart_is_not_a_disagreement(mini_form: Form):
    assert find_disagreements(mini_form, {"a": "good", "b": "poor"}, {"a": "excellent", "b": "fair"}) == ()
    assert find_disagreements(mini_form, {"a": "poor"}, {"a": "excellent"})[0].gap == 3


levels = st.sampled_from(["excellent", "good", "fair", "poor"])
answers = st.fixed_dictionaries({"a": levels, "b": levels})


@settings(deadline=None, max_examples=200)
@given(
    self_answers=st.lists(answers, max_size=1),
    manager_answers=st.lists(answers, max_size=2),
    peer_answers=st.lists(answers, max_size=5),
    weights=st.fixed_dictionaries(
        {"manager": st.integers(0, 100), "self": st.integers(0, 100), "peer": st.integers(0, 100)}
    ),
)
def test_combined_score_stays_within_the_raters_scores(
    shared_mini_form, self_answers, manager_answers, peer_answers, weights
):
    responses = (
        [RaterResponse(SELF, a) for a in self_answers]
        + [RaterResponse(MANAGER, a) for a in manager_answers]
        + [RaterResponse(PEER, a) for a in peer_answers]
    )
    result = combine_raters(shared_mini_form, responses, weights)
    counted = [r.score for r in result.roles if r.counted]
    if not counted:
        assert result.score is None
        return
    assert min(counted) <= result.score <= max(counted)
    for role in result.roles:
        if role.counted:
            assert role.weight > 0 and role.score is not None
        if role.role is PEER and len(peer_answers) < 3:
            assert not role.counted
