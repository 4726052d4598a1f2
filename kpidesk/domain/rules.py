"""Scoring rules for one KPI, vectorised over every employee at once.

A rule turns actual values (a numpy array, NaN = no value) into scores. Its parameters live on the
template item: the three levels (baseline, target, challenge), the direction, and rule-specific
``params`` (points, step, tolerance, bands …). ``make_rule`` checks them once and returns a rule object
whose ``scores`` is pure numpy and whose ``explain`` describes one value for people.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, overload

import numpy as np

from kpidesk.domain.explanations import Explanation
from kpidesk.domain.units import Direction
from kpidesk.errors import ValidationError
from kpidesk.i18n import _


class RuleKind(StrEnum):
    THREE_LEVEL = "three_level"
    BAND = "band"
    RATIO = "ratio"
    DEDUCTION = "deduction"
    OCCURRENCE = "occurrence"
    TABLE = "table"
    DIRECT = "direct"


class RuleError(ValidationError):
    """Rule parameters on a template item that cannot work (missing points, baseline equal to target …)."""


_EPS = 1e-9


@overload
def _number(params: Mapping[str, Any], key: str, default: float, kpi: str) -> float: ...
@overload
def _number(params: Mapping[str, Any], key: str, default: float | None, kpi: str) -> float | None: ...
def _number(params: Mapping[str, Any], key: str, default: float | None, kpi: str) -> float | None:
    value = params.get(key, default)
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise RuleError(_("{kpi}: parameter '{key}' must be a number, not {value!r}").format(
            kpi=kpi, key=key, value=value)) from None
    if not math.isfinite(number):
        raise RuleError(_("{kpi}: parameter '{key}' must be finite").format(kpi=kpi, key=key))
    return number


def _required(params: Mapping[str, Any], key: str, kpi: str, rule: str) -> float:
    value = _number(params, key, None, kpi)
    if value is None:
        raise RuleError(_("{kpi}: the {rule} rule needs '{key}'").format(kpi=kpi, rule=rule, key=key))
    return value


def _limit(raw: np.ndarray, floor: float, cap: float) -> np.ndarray:
    clipped: np.ndarray = np.clip(raw, floor, cap)
    return clipped


def _limited(raw: float, floor: float, cap: float) -> str | None:
    if raw > cap + _EPS:
        return "cap"
    if raw < floor - _EPS:
        return "floor"
    return None


@dataclass(frozen=True)
class Rule:
    """Common shape: ``scores`` over arrays, ``explain`` for one value, ``params`` for the snapshot."""

    kpi: str
    direction: Direction
    unit: str = "number"
    floor: float = 0.0
    cap: float = 100.0
    #: Points an employee gets exactly at target; the department rule scores those who missed at this.
    target_points: float | None = None

    kind = RuleKind.DIRECT

    @property
    def has_target(self) -> bool:
        return self.target_points is not None

    def scores(self, actual: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def score_one(self, actual: float) -> float:
        return float(self.scores(np.array([actual], dtype=float))[0])

    def explain(self, actual: float) -> Explanation:
        raise NotImplementedError

    def missed(self, actual: np.ndarray) -> np.ndarray:
        """Worse than target (used by the two-thirds department rule)."""
        if self.target_points is None:
            return np.zeros(len(actual), dtype=bool)
        return self.scores(actual) < self.target_points - _EPS

    def params(self) -> dict[str, Any]:
        raise NotImplementedError

    def _base(self, actual: float, **extra: Any) -> Explanation:
        fields = {"cap": self.cap, "floor": self.floor, **extra}
        return Explanation(
            kpi=self.kpi, rule=str(self.kind), status="ok", actual=float(actual), unit=self.unit,
            direction=str(self.direction), score=self.score_one(actual), **fields,
        )


@dataclass(frozen=True)
class ThreeLevelRule(Rule):
    """Points at baseline/target/challenge (60/100/120), linear between; 0 at baseline − (target − baseline).

    Lower-better KPIs have their target below the baseline and are mirrored.
    """

    baseline: float = 0.0
    target: float = 0.0
    challenge: float | None = None
    points: tuple[float, float, float] = (60.0, 100.0, 120.0)

    kind = RuleKind.THREE_LEVEL

    def _knots(self) -> tuple[np.ndarray, np.ndarray, float]:
        sign = 1.0 if self.target > self.baseline else -1.0
        zero_at = self.baseline - (self.target - self.baseline)
        xs = [zero_at, self.baseline, self.target]
        ys = [0.0, self.points[0], self.points[1]]
        if self.challenge is not None:
            xs.append(self.challenge)
            ys.append(self.points[2])
        return sign * np.array(xs), np.array(ys), sign

    def scores(self, actual: np.ndarray) -> np.ndarray:
        xs, ys, sign = self._knots()
        raw = np.interp(sign * actual, xs, ys)  # flat outside the knots: 0 below, the top level above
        return _limit(raw, self.floor, self.cap)

    def explain(self, actual: float) -> Explanation:
        xs, ys, sign = self._knots()
        top = ys[-1]
        limited = "cap" if sign * actual > xs[-1] and top >= self.cap else None
        return self._base(actual, baseline=self.baseline, target=self.target, challenge=self.challenge,
                          limited=limited)

    def params(self) -> dict[str, Any]:
        return {"baseline": self.baseline, "target": self.target, "challenge": self.challenge,
                "points": list(self.points), "cap": self.cap, "floor": self.floor}


@dataclass(frozen=True)
class BandRule(ThreeLevelRule):
    """Three levels applied to the distance from a centre, nearer being better (budget within ±4 %)."""

    centre: float = 0.0

    kind = RuleKind.BAND

    def scores(self, actual: np.ndarray) -> np.ndarray:
        return super().scores(np.abs(actual - self.centre))

    def missed(self, actual: np.ndarray) -> np.ndarray:
        return np.abs(actual - self.centre) > self.target + _EPS

    def explain(self, actual: float) -> Explanation:
        deviation = abs(actual - self.centre)
        limited = "cap" if self.challenge is not None and deviation < self.challenge else None
        return self._base(actual, baseline=self.baseline, target=self.target, challenge=self.challenge,
                          centre=self.centre, deviation=deviation, limited=limited)

    def params(self) -> dict[str, Any]:
        return {**super().params(), "centre": self.centre}


@dataclass(frozen=True)
class RatioRule(Rule):
    """actual ÷ target × 100 (lower-better: target ÷ actual × 100), between floor and cap (120)."""

    target: float = 100.0

    kind = RuleKind.RATIO

    def _raw(self, actual: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            if self.direction is Direction.LOWER:
                raw = np.where(actual <= 0, np.inf, self.target / np.where(actual == 0, 1.0, actual) * 100.0)
                return np.where(np.isnan(actual), np.nan, raw)
            return actual / self.target * 100.0

    def scores(self, actual: np.ndarray) -> np.ndarray:
        return _limit(self._raw(actual), self.floor, self.cap)

    def explain(self, actual: float) -> Explanation:
        raw = float(self._raw(np.array([actual], dtype=float))[0])
        return self._base(actual, target=self.target, limited=_limited(raw, self.floor, self.cap))

    def params(self) -> dict[str, Any]:
        return {"target": self.target, "cap": self.cap, "floor": self.floor}


@dataclass(frozen=True)
class DeductionRule(Rule):
    """Full marks less ``points`` per ``step`` of shortfall beyond target (and tolerance).

    Proportional by default (2.5 points short at 2 per point → −5); ``full_steps`` counts only whole
    steps (→ −4). Band direction measures the distance from the target on either side.
    """

    target: float = 0.0
    points: float = 0.0
    step: float = 1.0
    tolerance: float = 0.0
    full_steps: bool = False
    full: float = 100.0

    kind = RuleKind.DEDUCTION

    def shortfall(self, actual: np.ndarray) -> np.ndarray:
        if self.direction is Direction.LOWER:
            gap = actual - self.target
        elif self.direction is Direction.BAND:
            gap = np.abs(actual - self.target)
        else:
            gap = self.target - actual
        return np.maximum(gap - self.tolerance, 0.0)

    def steps(self, shortfall: np.ndarray) -> np.ndarray:
        ratio = shortfall / self.step
        return np.floor(ratio + _EPS) if self.full_steps else ratio

    def scores(self, actual: np.ndarray) -> np.ndarray:
        raw = self.full - self.steps(self.shortfall(actual)) * self.points
        return _limit(raw, self.floor, self.cap)

    def explain(self, actual: float) -> Explanation:
        shortfall = float(self.shortfall(np.array([actual], dtype=float))[0])
        steps = float(self.steps(np.array([shortfall]))[0])
        deducted = steps * self.points
        return self._base(
            actual, target=self.target, shortfall=shortfall, tolerance=self.tolerance or None, step=self.step,
            points_per_step=self.points, steps=steps, deducted=deducted,
            limited=_limited(self.full - deducted, self.floor, self.cap),
        )

    def params(self) -> dict[str, Any]:
        return {"target": self.target, "points": self.points, "step": self.step, "tolerance": self.tolerance,
                "mode": "full_steps" if self.full_steps else "proportional", "full": self.full,
                "cap": self.cap, "floor": self.floor}


@dataclass(frozen=True)
class OccurrenceRule(Rule):
    """Full marks less ``points`` for each occurrence beyond the ``free`` ones (5 points per complaint)."""

    points: float = 0.0
    free: float = 0.0
    full: float = 100.0

    kind = RuleKind.OCCURRENCE

    def chargeable(self, actual: np.ndarray) -> np.ndarray:
        return np.maximum(actual - self.free, 0.0)

    def scores(self, actual: np.ndarray) -> np.ndarray:
        return _limit(self.full - self.chargeable(actual) * self.points, self.floor, self.cap)

    def explain(self, actual: float) -> Explanation:
        chargeable = max(actual - self.free, 0.0)
        deducted = chargeable * self.points
        return self._base(actual, occurrences=actual, free=self.free or None, points_per_step=self.points,
                          deducted=deducted, limited=_limited(self.full - deducted, self.floor, self.cap))

    def params(self) -> dict[str, Any]:
        return {"points": self.points, "free": self.free, "full": self.full, "cap": self.cap, "floor": self.floor}


@dataclass(frozen=True)
class TableRule(Rule):
    """Step bands: the first threshold reached gives its points (≥ for higher-better, ≤ for lower-better)."""

    bands: tuple[tuple[float, float], ...] = ()
    otherwise: float = 0.0

    kind = RuleKind.TABLE

    def _ordered(self) -> tuple[tuple[float, float], ...]:
        lower = self.direction is Direction.LOWER
        return tuple(sorted(self.bands, key=lambda b: b[0], reverse=not lower))

    def scores(self, actual: np.ndarray) -> np.ndarray:
        out = np.full(len(actual), self.otherwise, dtype=float)
        lower = self.direction is Direction.LOWER
        # Walk from the least demanding band to the most demanding so the best band reached wins.
        for threshold, points in reversed(self._ordered()):
            reached = actual <= threshold + _EPS if lower else actual >= threshold - _EPS
            out = np.where(reached, points, out)
        out = np.where(np.isnan(actual), np.nan, out)
        return out

    def explain(self, actual: float) -> Explanation:
        lower = self.direction is Direction.LOWER
        reached = next(
            (t for t, _p in self._ordered() if (actual <= t + _EPS if lower else actual >= t - _EPS)), None
        )
        return self._base(actual, threshold=reached, cap=None, floor=None)

    def params(self) -> dict[str, Any]:
        return {"bands": [list(b) for b in self._ordered()], "otherwise": self.otherwise}


@dataclass(frozen=True)
class DirectRule(Rule):
    """The value already is a score (QA score 0–100): clipped to floor and cap."""

    kind = RuleKind.DIRECT

    def scores(self, actual: np.ndarray) -> np.ndarray:
        return _limit(actual, self.floor, self.cap)

    def explain(self, actual: float) -> Explanation:
        return self._base(actual, limited=_limited(actual, self.floor, self.cap))

    def params(self) -> dict[str, Any]:
        return {"cap": self.cap, "floor": self.floor}


@dataclass(frozen=True)
class RuleSpec:
    """What a template item says about scoring, before it is checked."""

    kind: RuleKind | str = RuleKind.THREE_LEVEL
    direction: Direction | str = Direction.HIGHER
    baseline: float | None = None
    target: float | None = None
    challenge: float | None = None
    params: Mapping[str, Any] = field(default_factory=dict)


def _points(params: Mapping[str, Any], kpi: str) -> tuple[float, float, float]:
    listed = params.get("points")
    if isinstance(listed, Sequence) and not isinstance(listed, str):
        if len(listed) != 3:
            raise RuleError(_("{kpi}: 'points' must list three numbers (baseline, target, challenge)").format(kpi=kpi))
        listed_values = [_number({"p": v}, "p", None, kpi) for v in listed]
        values = [v for v in listed_values if v is not None]
        if len(values) != 3:
            raise RuleError(_("{kpi}: 'points' must list three numbers (baseline, target, challenge)").format(kpi=kpi))
    else:
        values = [
            _number(params, "points_baseline", 60.0, kpi),
            _number(params, "points_target", 100.0, kpi),
            _number(params, "points_challenge", 120.0, kpi),
        ]
    low, mid, high = (float(v) for v in values)
    if not 0 <= low <= mid <= high:
        raise RuleError(_("{kpi}: level points must rise from baseline to challenge").format(kpi=kpi))
    return low, mid, high


def _three_level(kpi: str, direction: Direction, unit: str, baseline: float | None, target: float | None,
                 challenge: float | None, params: Mapping[str, Any]) -> ThreeLevelRule:
    if baseline is None or target is None:
        raise RuleError(_("{kpi}: the three-level rule needs a baseline and a target").format(kpi=kpi))
    if baseline == target:
        raise RuleError(_("{kpi}: baseline and target must differ").format(kpi=kpi))
    lower = target < baseline
    if direction is Direction.HIGHER and lower or direction is Direction.LOWER and not lower:
        raise RuleError(
            _("{kpi}: baseline {baseline:g} and target {target:g} contradict the direction '{direction}'").format(
                kpi=kpi, baseline=baseline, target=target, direction=direction)
        )
    if challenge is not None and (challenge - target) * (target - baseline) <= 0:
        raise RuleError(_("{kpi}: the challenge value must lie beyond the target").format(kpi=kpi))
    points = _points(params, kpi)
    top = points[2] if challenge is not None else points[1]
    cap = _number(params, "cap", top, kpi)
    return ThreeLevelRule(kpi=kpi, direction=Direction.LOWER if lower else Direction.HIGHER, unit=unit,
                          floor=_number(params, "floor", 0.0, kpi), cap=cap, target_points=points[1],
                          baseline=baseline, target=target, challenge=challenge, points=points)


def _band(kpi: str, unit: str, baseline: float | None, target: float | None, challenge: float | None,
          params: Mapping[str, Any]) -> BandRule:
    widths = [w for w in (baseline, target, challenge) if w is not None]
    if baseline is None or target is None:
        raise RuleError(_("{kpi}: the band rule needs a baseline and a target width").format(kpi=kpi))
    if any(w < 0 for w in widths) or not (baseline > target) or (challenge is not None and not target > challenge):
        raise RuleError(
            _("{kpi}: band widths must narrow from baseline to target to challenge (e.g. 5, 4, 3)").format(kpi=kpi)
        )
    points = _points(params, kpi)
    top = points[2] if challenge is not None else points[1]
    centre = _number(params, "centre", _number(params, "center", 0.0, kpi), kpi)
    return BandRule(kpi=kpi, direction=Direction.BAND, unit=unit, floor=_number(params, "floor", 0.0, kpi),
                    cap=_number(params, "cap", top, kpi), target_points=points[1], baseline=baseline,
                    target=target, challenge=challenge, points=points, centre=centre)


def make_rule(spec: RuleSpec, kpi: str = "", unit: str = "number") -> Rule:
    """Check a template item's rule parameters and build the rule; RuleError says what is wrong."""
    try:
        kind = RuleKind(spec.kind)
    except ValueError:
        raise RuleError(_("{kpi}: unknown scoring rule '{rule}'").format(kpi=kpi, rule=spec.kind)) from None
    try:
        direction = Direction(spec.direction)
    except ValueError:
        raise RuleError(_("{kpi}: unknown direction '{direction}'").format(kpi=kpi, direction=spec.direction)) from None
    params = dict(spec.params or {})
    baseline, target, challenge = (None if v is None else float(v) for v in (spec.baseline, spec.target, spec.challenge))
    target = _number(params, "target", target, kpi) if target is None else target
    floor = _number(params, "floor", 0.0, kpi)

    if kind is RuleKind.BAND or kind is RuleKind.THREE_LEVEL and direction is Direction.BAND:
        return _band(kpi, unit, baseline, target, challenge, params)
    if kind is RuleKind.THREE_LEVEL:
        return _three_level(kpi, direction, unit, baseline, target, challenge, params)
    if kind is RuleKind.RATIO:
        if target is None or target <= 0:
            raise RuleError(_("{kpi}: the ratio rule needs a target above 0").format(kpi=kpi))
        if direction is Direction.BAND:
            raise RuleError(_("{kpi}: the ratio rule cannot score a band KPI").format(kpi=kpi))
        return RatioRule(kpi=kpi, direction=direction, unit=unit, floor=floor,
                         cap=_number(params, "cap", 120.0, kpi), target_points=100.0, target=target)
    if kind is RuleKind.DEDUCTION:
        if target is None:
            raise RuleError(_("{kpi}: the deduction rule needs a target").format(kpi=kpi))
        points = _required(params, "points", kpi, "deduction")
        step = _required(params, "step", kpi, "deduction")
        if step <= 0 or points < 0:
            raise RuleError(_("{kpi}: deduction step must be above 0 and points not negative").format(kpi=kpi))
        mode = str(params.get("mode", "proportional"))
        if mode not in ("proportional", "full_steps"):
            raise RuleError(_("{kpi}: deduction mode must be 'proportional' or 'full_steps'").format(kpi=kpi))
        full = _number(params, "full", 100.0, kpi)
        return DeductionRule(kpi=kpi, direction=direction, unit=unit, floor=floor,
                             cap=_number(params, "cap", full, kpi), target_points=full, target=target,
                             points=points, step=step, tolerance=abs(_number(params, "tolerance", 0.0, kpi)),
                             full_steps=mode == "full_steps", full=full)
    if kind is RuleKind.OCCURRENCE:
        points = _required(params, "points", kpi, "occurrence")
        full = _number(params, "full", 100.0, kpi)
        return OccurrenceRule(kpi=kpi, direction=Direction.LOWER, unit=unit, floor=floor,
                              cap=_number(params, "cap", full, kpi), points=points,
                              free=_number(params, "free", 0.0, kpi), full=full)
    if kind is RuleKind.TABLE:
        raw_bands = params.get("bands")
        if not raw_bands:
            raise RuleError(_("{kpi}: the table rule needs 'bands' of [threshold, points]").format(kpi=kpi))
        try:
            bands = tuple((float(t), float(p)) for t, p in raw_bands)
        except (TypeError, ValueError):
            raise RuleError(_("{kpi}: table bands must be pairs of [threshold, points]").format(kpi=kpi)) from None
        if direction is Direction.BAND:
            raise RuleError(_("{kpi}: the table rule cannot score a band KPI").format(kpi=kpi))
        otherwise = _number(params, "otherwise", 0.0, kpi)
        every = [p for _t, p in bands] + [otherwise]
        return TableRule(kpi=kpi, direction=direction, unit=unit, floor=min(every), cap=max(every),
                         bands=bands, otherwise=otherwise)
    return DirectRule(kpi=kpi, direction=direction, unit=unit, floor=floor, cap=_number(params, "cap", 100.0, kpi))
