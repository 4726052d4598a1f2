"""Grades (等级) from totals, and forced distribution.

A grade scale is a list of bands with stable codes (``excellent``, ``good`` …, or ``A``/``B``…) and
zh/en labels; a band's lower bound is inclusive and applies to the rounded total, so exactly 95.00 is
Excellent. Forced distribution hands out grades by rank and quota instead, keeping the computed grade
beside it.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kpidesk.errors import ValidationError
from kpidesk.i18n import _, pick

if TYPE_CHECKING:  # imported where totals are graded: a printed sheet only names its grade
    import numpy as np


@dataclass(frozen=True)
class GradeBand:
    code: str
    minimum: float | None  # inclusive lower bound; None for the last band (everything below)
    label_zh: str
    label_en: str

    def label(self) -> str:
        return pick(self.label_zh, self.label_en)


@dataclass(frozen=True)
class GradeScale:
    """Bands from best to worst; the last band catches every total below the others."""

    bands: tuple[GradeBand, ...]

    def __post_init__(self) -> None:
        if not self.bands:
            raise ValidationError(_("a grade scale needs at least one band"))
        codes = [b.code for b in self.bands]
        if len(set(codes)) != len(codes):
            raise ValidationError(_("grade codes must be unique: {codes}").format(codes=", ".join(codes)))
        bounds = [b.minimum for b in self.bands[:-1] if b.minimum is not None]
        if len(bounds) != len(self.bands) - 1:
            raise ValidationError(_("only the last grade may have no lower bound"))
        if any(a <= b for a, b in zip(bounds, bounds[1:], strict=False)):
            raise ValidationError(_("grade lower bounds must fall from the best grade to the worst"))

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(b.code for b in self.bands)

    def band(self, code: str) -> GradeBand:
        for band in self.bands:
            if band.code == code:
                return band
        raise KeyError(code)

    def label(self, code: str | None, lang: str | None = None) -> str | None:
        if code is None:
            return None
        band = self.band(code)
        if lang is None:
            return band.label()
        return band.label_zh if lang.startswith("zh") else band.label_en

    def grade_index(self, totals: np.ndarray) -> np.ndarray:
        """Index into ``bands`` per total (−1 where the total is NaN)."""
        import numpy as np

        totals = np.asarray(totals, dtype=float)
        bounds = np.array([b.minimum for b in self.bands[:-1]], dtype=float)
        # Ascending bounds: searchsorted(side="right") counts the bounds at or below the total.
        ascending = bounds[::-1]
        reached = np.searchsorted(ascending, np.round(totals, 6), side="right")
        index = (len(self.bands) - 1) - reached
        return np.where(np.isnan(totals), -1, index)

    def grade(self, totals: np.ndarray) -> np.ndarray:
        """Grade codes per total (None where the total is NaN)."""
        import numpy as np

        index = self.grade_index(totals)
        codes = np.array([*self.codes, None], dtype=object)
        graded: np.ndarray = codes[index]
        return graded

    def grade_one(self, total: float | None) -> str | None:
        """The grade of one total, as :meth:`grade` gives it (the same rounding to 6 places first), without
        numpy: a year sheet grades a single total."""
        if total is None or math.isnan(total):
            return None
        shifted = total * 1e6  # numpy's round to 6 places: rint(x · 10⁶) / 10⁶, infinite past a float's range
        rounded = (shifted if math.isinf(shifted) else round(shifted)) / 1e6
        ascending = [b.minimum for b in reversed(self.bands[:-1]) if b.minimum is not None]  # only the last has none
        return self.codes[len(self.bands) - 1 - bisect_right(ascending, rounded)]

    def to_dict(self) -> dict[str, Any]:
        return {"bands": [{"code": b.code, "min": b.minimum, "zh": b.label_zh, "en": b.label_en} for b in self.bands]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GradeScale:
        return cls(tuple(GradeBand(b["code"], b.get("min"), b.get("zh", b["code"]), b.get("en", b["code"]))
                         for b in data["bands"]))


DEFAULT_SCALE = GradeScale((
    GradeBand("excellent", 95.0, "优秀", "Excellent"),
    GradeBand("good", 85.0, "良好", "Good"),
    GradeBand("fair", 70.0, "一般", "Fair"),
    GradeBand("poor", None, "差", "Poor"),
))


@dataclass(frozen=True)
class ForcedDistribution:
    """Quotas per grade from best to worst, e.g. (("excellent", 20), ("good", 70), ("fair", 10)).

    Rounding: the cumulative quota boundaries are rounded half-up (n × 20 % = 2.5 → 3), so the groups
    always add up to the number of people and each differs from its exact share by less than one.
    Ties: people with the same total are never split — all of them get the grade of the best-placed
    one, so a tie straddling a boundary enlarges the better group and the next group shrinks.
    ``scope`` is "department" (top-level department) or "organisation".
    """

    quotas: tuple[tuple[str, float], ...]
    scope: str = "department"

    def __post_init__(self) -> None:
        total = sum(q for _c, q in self.quotas)
        if abs(total - 100.0) > 1e-6:
            raise ValidationError(_("forced distribution quotas must sum to 100 %, not {total:g}").format(total=total))
        if self.scope not in ("department", "organisation"):
            raise ValidationError(_("forced distribution scope must be 'department' or 'organisation'"))

    def boundaries(self, size: int) -> np.ndarray:
        import numpy as np

        cumulative = np.cumsum([q for _c, q in self.quotas]) / 100.0 * size
        return np.floor(np.round(cumulative, 9) + 0.5).astype(int)

    def assign(self, ranks: np.ndarray, group_sizes: np.ndarray) -> np.ndarray:
        """Grade codes from competition ranks (1, 2, 2, 4; 0 = unranked) and each person's group size."""
        import numpy as np

        codes = np.array([c for c, _q in self.quotas] + [None], dtype=object)
        out = np.full(len(ranks), None, dtype=object)
        for size in np.unique(group_sizes[ranks > 0]):
            members = (group_sizes == size) & (ranks > 0)
            bounds = self.boundaries(int(size))
            index = np.searchsorted(bounds, ranks[members] - 1, side="right")
            out[members] = codes[np.minimum(index, len(self.quotas) - 1)]
        return out


def forced_grades(
    distribution: ForcedDistribution, totals: np.ndarray, groups: np.ndarray | None = None
) -> np.ndarray:
    """Forced grades per person: ranked within ``groups`` (or all together) and cut by quota."""
    import numpy as np

    from kpidesk.domain.ranking import competition_rank, group_sizes

    totals = np.asarray(totals, dtype=float)
    if groups is None or distribution.scope == "organisation":
        groups = np.zeros(len(totals), dtype=np.int64)
    ranks = competition_rank(totals, groups)
    sizes = group_sizes(groups, ~np.isnan(totals))
    return distribution.assign(ranks, sizes)


def label_codes(scale: GradeScale, codes: Sequence[str | None], lang: str | None = None) -> list[str | None]:
    return [scale.label(c, lang) for c in codes]


@dataclass(frozen=True)
class GradeConsequence:
    """What a grade means for the person beyond the score: how much training they need and the staff level
    the grade fits. Texts are the office's own words, printed as written."""

    grade: str  # a grade code of the scale, e.g. "good"
    training_need: str = ""
    staff_level: str = ""


#: The handbooks' table: the better the grade, the less training and the more senior the level.
HANDBOOK_GRADE_CONSEQUENCES = (
    GradeConsequence("excellent", "无", "资深客服"),
    GradeConsequence("good", "较强", "一级客服"),
    GradeConsequence("fair", "强", "初级客服"),
    GradeConsequence("poor", "很强", "见习客服"),
)


def consequence_of(mapping: Sequence[GradeConsequence], grade: Any) -> GradeConsequence | None:
    """The mapping's row for a grade code, or None (no grade, or a grade the mapping leaves out)."""
    if not isinstance(grade, str):
        return None
    return next((row for row in mapping if row.grade == grade), None)
