"""Ranks within groups (ties share the rank: 1, 2, 2, 4) and the rank-sum ratio (秩和比, RSR)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
from numpy.typing import ArrayLike


def competition_rank(values: np.ndarray, groups: np.ndarray | None = None) -> np.ndarray:
    """Rank 1 for the highest value in each group; ties share the best rank; NaN gets 0 (unranked)."""
    values = np.asarray(values, dtype=float)
    n = len(values)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    groups = np.zeros(n, dtype=np.int64) if groups is None else group_codes(groups)
    missing = np.isnan(values)
    keyed = np.where(missing, -np.inf, values)
    order = np.lexsort((-keyed, groups))
    sorted_groups = groups[order]
    sorted_values = keyed[order]
    position = np.arange(n)
    new_group = np.ones(n, dtype=bool)
    new_group[1:] = sorted_groups[1:] != sorted_groups[:-1]
    new_run = new_group.copy()
    new_run[1:] |= sorted_values[1:] != sorted_values[:-1]
    group_start = np.maximum.accumulate(np.where(new_group, position, 0))
    run_start = np.maximum.accumulate(np.where(new_run, position, 0))
    ranks = np.empty(n, dtype=np.int64)
    ranks[order] = run_start - group_start + 1
    ranks[missing] = 0
    return ranks


def group_codes(groups: ArrayLike | Sequence[Hashable]) -> np.ndarray:
    """Integer codes for any group labels (ids, names, None), so they can be sorted together."""
    groups = np.asarray(groups)
    if groups.dtype.kind in "iub":
        return np.asarray(groups, dtype=np.int64)
    if groups.dtype.kind == "O":
        labels = [g for g in groups]
        if all(isinstance(g, (int, np.integer)) and not isinstance(g, bool) for g in labels):
            return np.asarray(labels, dtype=np.int64)
        groups = np.array(["" if g is None else str(g) for g in labels])
    return np.unique(groups, return_inverse=True)[1].astype(np.int64)


def group_sizes(groups: np.ndarray, counted: np.ndarray | None = None) -> np.ndarray:
    """For each person, how many counted people share their group."""
    groups = group_codes(groups)
    counted = np.ones(len(groups), dtype=bool) if counted is None else np.asarray(counted, dtype=bool)
    if len(groups) == 0:
        return np.zeros(0, dtype=np.int64)
    labels, inverse = np.unique(groups, return_inverse=True)
    counts = np.bincount(inverse, weights=counted.astype(float), minlength=len(labels)).astype(np.int64)
    return counts[inverse]


def average_rank_ascending(column: np.ndarray) -> np.ndarray:
    """Ranks 1..n from the lowest value up, ties averaged (RSR's convention); NaN stays NaN."""
    column = np.asarray(column, dtype=float)
    out = np.full(len(column), np.nan)
    present = ~np.isnan(column)
    values = column[present]
    if len(values) == 0:
        return out
    order = np.argsort(values, kind="stable")
    sorted_values = values[order]
    position = np.arange(1, len(values) + 1, dtype=float)
    new_run = np.ones(len(values), dtype=bool)
    new_run[1:] = sorted_values[1:] != sorted_values[:-1]
    run_id = np.cumsum(new_run) - 1
    run_sum = np.bincount(run_id, weights=position)
    run_len = np.bincount(run_id)
    ranks = np.empty(len(values))
    ranks[order] = (run_sum / run_len)[run_id]
    out[present] = ranks
    return out


def rank_sum_ratio(scores: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted rank-sum ratio per person, between 0 and 1 (higher is better).

    ``scores`` is people × KPIs, already direction-free (a higher KPI score is better), NaN where the KPI
    did not count; ``weights`` has the same shape (0 where the KPI is not on the person's template).
    Each KPI column is ranked among the people who have it (ties averaged); a person's RSR is
    Σ wⱼ·Rⱼ/nⱼ / Σ wⱼ over the KPIs that counted for them — the weighted RSR of the handbooks, with
    weights re-normalised like the weighted total so KPIs from different units compare fairly.
    """
    scores = np.asarray(scores, dtype=float)
    weights = np.asarray(weights, dtype=float)
    n, m = scores.shape
    if n == 0:
        return np.zeros(0)
    normalised = np.full((n, m), np.nan)
    for j in range(m):
        ranks = average_rank_ascending(scores[:, j])
        counted = int(np.count_nonzero(~np.isnan(ranks)))
        if counted:
            normalised[:, j] = ranks / counted
    usable = ~np.isnan(normalised) & (weights > 0)
    w = np.where(usable, weights, 0.0)
    total_weight = w.sum(axis=1)
    weighted = np.where(usable, normalised, 0.0) * w
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total_weight > 0, weighted.sum(axis=1) / total_weight, np.nan)
