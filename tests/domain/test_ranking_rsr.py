"""Competition ranks within groups and the rank-sum ratio."""

import numpy as np
import pytest

from kpidesk.domain.ranking import average_rank_ascending, competition_rank, group_sizes, rank_sum_ratio


def test_ties_share_the_rank_one_two_two_four():
    assert competition_rank(np.array([95, 90, 90, 80])).tolist() == [1, 2, 2, 4]


def test_ranks_within_groups_and_unranked_missing():
    values = np.array([70, 95, 80, np.nan, 95, 60])
    groups = np.array(["b", "a", "b", "a", "a", "b"], dtype=object)
    assert competition_rank(values, groups).tolist() == [2, 1, 1, 0, 1, 3]


def test_group_labels_may_be_none_or_mixed():
    values = np.array([1.0, 2.0, 3.0])
    assert competition_rank(values, np.array([None, None, "x"], dtype=object)).tolist() == [2, 1, 1]


def test_group_sizes_count_only_counted_people():
    assert group_sizes(np.array([1, 1, 2]), np.array([True, False, True])).tolist() == [1, 1, 1]


def test_average_ranks_for_rsr():
    assert average_rank_ascending(np.array([10, 30, 20, 30])).tolist() == [1, 3.5, 2, 3.5]


def test_rank_sum_ratio_weighted_and_renormalised():
    scores = np.array([[100, 80], [90, np.nan], [80, 100]], dtype=float)
    weights = np.array([[60, 40], [60, 40], [60, 40]], dtype=float)
    rsr = rank_sum_ratio(scores, weights)
    # column 1 ranks 3,2,1 of 3; column 2 ranks 1,–,2 of 2
    assert rsr.tolist() == pytest.approx([(0.6 * 1 + 0.4 * 0.5), 2 / 3, (0.6 / 3 + 0.4 * 1)])


def test_rank_is_invariant_to_row_order():
    rng = np.random.default_rng(3)
    values = rng.integers(60, 100, 50).astype(float)
    groups = rng.integers(0, 4, 50)
    ranks = competition_rank(values, groups)
    order = rng.permutation(50)
    assert competition_rank(values[order], groups[order]).tolist() == ranks[order].tolist()
