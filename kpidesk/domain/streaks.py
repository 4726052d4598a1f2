"""Rules over consecutive periods: rewards for a run of Excellent-and-first, a plan after a run of Poor."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # loaded when streaks are found, not for their rules
    import numpy as np


@dataclass(frozen=True)
class StreakRule:
    """Raise ``flag`` when the last ``length`` periods all had ``grade`` (and, if set, rank ≤ ``max_rank``)."""

    flag: str
    grade: str
    length: int = 3
    max_rank: int | None = None


DEFAULT_STREAK_RULES: tuple[StreakRule, ...] = (
    StreakRule("reward_streak", "excellent", 3, max_rank=1),
    StreakRule("improvement_plan", "poor", 3),
)

#: The handbooks' consequence of three Poor months is the end of employment, so new libraries raise a
#: dismissal review instead of an improvement plan; databases made before keep the default rules.
HANDBOOK_STREAK_RULES: tuple[StreakRule, ...] = (
    StreakRule("reward_streak", "excellent", 3, max_rank=1),
    StreakRule("dismissal_review", "poor", 3),
)


def streak_flags(
    grades: np.ndarray, ranks: np.ndarray, rules: Sequence[StreakRule] = DEFAULT_STREAK_RULES
) -> dict[str, np.ndarray]:
    """Per rule, a bool per person. ``grades``/``ranks`` are people × periods, oldest first, current last;
    a period without a result (None grade, rank 0) breaks the run, and so must a gap between periods."""
    import numpy as np

    grades = np.asarray(grades, dtype=object)
    ranks = np.asarray(ranks)
    out = {}
    for rule in rules:
        if grades.ndim != 2 or grades.shape[1] < rule.length:
            out[rule.flag] = np.zeros(grades.shape[0] if grades.ndim else 0, dtype=bool)
            continue
        window = grades[:, -rule.length:]
        hit = (window == rule.grade).all(axis=1)
        if rule.max_rank is not None:
            window_ranks = ranks[:, -rule.length:]
            hit &= ((window_ranks >= 1) & (window_ranks <= rule.max_rank)).all(axis=1)
        out[rule.flag] = hit
    return out
