"""Why a KPI got its score, as data — and its rendering in the reader's language.

The engine never formats text while scoring (250,000 formatted strings cost more than the whole
computation); an ``Explanation`` is built on demand for one employee and one KPI, stored as plain data in
the finalization snapshot, and rendered by ``render_explanation`` for a sheet, a tooltip or the CLI.
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from functools import lru_cache
from typing import Any

from kpidesk.i18n import DOMAIN, N_, current_language, resolve_language
from kpidesk.resources import TRANSLATIONS_DIR


@dataclass(frozen=True)
class Explanation:
    """Everything needed to say how a KPI score came about. Unused fields stay None."""

    kpi: str
    rule: str
    status: str  # ok | missing | exempt | not_computable | not_due
    score: float | None = None
    actual: float | None = None
    unit: str = "number"
    direction: str = "higher"
    baseline: float | None = None
    target: float | None = None
    challenge: float | None = None
    centre: float | None = None
    deviation: float | None = None  # band: distance from the centre
    shortfall: float | None = None  # deduction: how far beyond target (and tolerance)
    tolerance: float | None = None
    step: float | None = None
    points_per_step: float | None = None
    steps: float | None = None
    deducted: float | None = None
    occurrences: float | None = None
    free: float | None = None  # occurrences allowed before deducting
    threshold: float | None = None  # table: the band reached
    cap: float | None = None
    floor: float | None = None
    limited: str | None = None  # "cap" or "floor" when the raw score was clipped
    problem: str | None = None  # not computable: missing_field | division_by_zero | invalid
    reason: str | None = None  # exemption reason, or the field / denominator behind a problem
    auto_exemption: str | None = None  # "department_rule" (two thirds missed) or "workload" (far busier)
    counted_as_zero: bool = False
    period_kind: str | None = None  # not due: the KPI's own period

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data without the empty fields."""
        return {k: v for k, v in asdict(self).items() if v is not None and v is not False}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Explanation:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


# ----- rendering ----------------------------------------------------------------------------------------

_M = {
    "actual": N_("actual {value}"),
    "baseline": N_("baseline {value}"),
    "target": N_("target {value}"),
    "challenge": N_("challenge {value}"),
    "centre": N_("centre {value}"),
    "deviation": N_("{value} off centre"),
    "score": N_("{value} points"),
    "below": N_("{amount} below target"),
    "above": N_("{amount} above target"),
    "off_band": N_("{amount} beyond the ±{tolerance} tolerance"),
    "below_tol": N_("{amount} below target beyond the {tolerance} tolerance"),
    "above_tol": N_("{amount} above target beyond the {tolerance} tolerance"),
    "deduct": N_("{where} × {points} points = −{deducted}"),
    "deduct_step": N_("{where} ÷ {step} × {points} points = −{deducted}"),
    "deduct_full": N_("{where}: {steps} full steps of {step} × {points} points = −{deducted}"),
    "occurrences": N_("{count} occurrences"),
    "occurrences_free": N_("{count} occurrences, {free} allowed"),
    "occurrences_deduct": N_("{count} occurrences × {points} points = −{deducted}"),
    "occurrences_free_deduct": N_("{count} occurrences, {free} allowed: {chargeable} × {points} points = −{deducted}"),
    "ratio_higher": N_("{actual} ÷ {target} × 100"),
    "ratio_lower": N_("{target} ÷ {actual} × 100"),
    "table_reached": N_("band ≥ {threshold}"),
    "table_reached_lower": N_("band ≤ {threshold}"),
    "table_none": N_("below every band"),
    "cap": N_("capped at {value}"),
    "floor": N_("not below {value}"),
    "missing": N_("no data"),
    "missing_zero": N_("no data: counted as 0"),
    "missing_field": N_("not computable: {field} is missing"),
    "division_by_zero": N_("not computable: division by zero ({field} is 0)"),
    "invalid": N_("not computable: the result is not a number"),
    "exempt": N_("exempt: {reason}"),
    "not_due": N_("not due in this period ({kind} KPI)"),
    "department_rule": N_("two thirds of the department missed the target: scored as at target"),
    "workload": N_("workload well above the department's: not deducted, scored as at target"),
    "direct": N_("score as given"),
    "percentage_points": N_("{value} percentage points"),
    "percentage_point": N_("{value} percentage point"),
}
_PERIOD_KIND = {
    "month": N_("monthly"),
    "quarter": N_("quarterly"),
    "half": N_("half-yearly"),
    "year": N_("yearly"),
}
_UNIT_SUFFIX = {
    "seconds": N_("{value} s"),
    "minutes": N_("{value} min"),
    "hours": N_("{value} h"),
    "currency": N_("¥{value}"),
}


@lru_cache(maxsize=4)
def _translation(language: str) -> gettext.NullTranslations:
    if language == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, localedir=str(TRANSLATIONS_DIR), languages=[language], fallback=True)


def format_number(value: float, digits: int = 2) -> str:
    """Up to ``digits`` decimals, without trailing zeros, thousands separated; −0 shows as 0."""
    rounded = round(float(value), digits)
    if rounded == 0:
        rounded = 0.0
    text = f"{rounded:,.{digits}f}".rstrip("0").rstrip(".")
    return text.replace("-", "−")


class _Renderer:
    def __init__(self, language: str):
        self.t = _translation(language).gettext
        self.language = language

    def m(self, key: str, **kwargs: Any) -> str:
        return self.t(_M[key]).format(**kwargs)

    def value(self, value: float | None, unit: str) -> str:
        """A value in its unit; durations are stored in seconds and shown in s, min or h."""
        if value is None:
            return "—"
        if unit == "percent":
            return f"{format_number(value)}%"
        if unit == "permille":
            return f"{format_number(value)}‰"
        if unit == "duration":
            magnitude = abs(value)
            if magnitude < 120:
                return self.t(_UNIT_SUFFIX["seconds"]).format(value=format_number(value))
            if magnitude < 7200:
                return self.t(_UNIT_SUFFIX["minutes"]).format(value=format_number(value / 60, 1))
            return self.t(_UNIT_SUFFIX["hours"]).format(value=format_number(value / 3600, 1))
        if unit == "hours":
            return self.t(_UNIT_SUFFIX["hours"]).format(value=format_number(value))
        if unit == "currency":
            return self.t(_UNIT_SUFFIX["currency"]).format(value=format_number(value))
        return format_number(value)

    def amount(self, value: float, unit: str) -> str:
        """A difference: percentages differ by percentage points."""
        if unit == "percent":
            key = "percentage_point" if format_number(value) == "1" else "percentage_points"
            return self.m(key, value=format_number(value))
        return self.value(value, unit)

    def render(self, e: Explanation) -> str:
        if e.status == "not_due":
            kind = self.t(_PERIOD_KIND.get(e.period_kind or "", e.period_kind or ""))
            return self.m("not_due", kind=kind)
        if e.status == "exempt":
            return self.m("exempt", reason=e.reason or "—")
        if e.status == "missing":
            return self.m("missing_zero" if e.counted_as_zero else "missing")
        if e.status == "not_computable":
            key = e.problem if e.problem in ("missing_field", "division_by_zero") else "invalid"
            return self.m(key, field=e.reason or "?")
        parts = self.body(e)
        text = " · ".join(p for p in parts if p)
        if e.auto_exemption:
            text += " · " + self.m(e.auto_exemption if e.auto_exemption in ("department_rule", "workload")
                                   else "department_rule")
        return f"{text} → {self.m('score', value=format_number(e.score or 0))}"

    def levels(self, e: Explanation, unit: str, prefix: str = "") -> list[str]:
        out = []
        for key in ("baseline", "target", "challenge"):
            value = getattr(e, key)
            if value is not None:
                out.append(self.m(key, value=prefix + self.value(value, unit)))
        return out

    def limits(self, e: Explanation) -> list[str]:
        if e.limited == "cap" and e.cap is not None:
            return [self.m("cap", value=format_number(e.cap))]
        if e.limited == "floor" and e.floor is not None:
            return [self.m("floor", value=format_number(e.floor))]
        return []

    def body(self, e: Explanation) -> list[str]:
        u = e.unit
        actual = self.m("actual", value=self.value(e.actual, u))
        if e.rule == "three_level":
            return [actual, *self.levels(e, u), *self.limits(e)]
        if e.rule == "band":
            centre = [self.m("centre", value=self.value(e.centre, u))] if e.centre else []
            deviation = self.m("deviation", value=self.value(e.deviation, u))
            return [actual, *centre, deviation, *self.levels(e, u, "±"), *self.limits(e)]
        if e.rule == "ratio":
            a, t = self.value(e.actual, u), self.value(e.target, u)
            formula = self.m("ratio_lower" if e.direction == "lower" else "ratio_higher", actual=a, target=t)
            return [actual, self.m("target", value=t), formula, *self.limits(e)]
        if e.rule == "deduction":
            return [actual, self.m("target", value=self.value(e.target, u)), *self.deduction(e), *self.limits(e)]
        if e.rule == "occurrence":
            count, free = format_number(e.occurrences or 0), format_number(e.free or 0)
            points, deducted = format_number(e.points_per_step or 0), format_number(e.deducted or 0)
            if e.deducted and e.free:
                chargeable = format_number((e.occurrences or 0) - (e.free or 0))
                said = self.m("occurrences_free_deduct", count=count, free=free, chargeable=chargeable,
                              points=points, deducted=deducted)
            elif e.deducted:
                said = self.m("occurrences_deduct", count=count, points=points, deducted=deducted)
            elif e.free:
                said = self.m("occurrences_free", count=count, free=free)
            else:
                said = self.m("occurrences", count=count)
            return [said, *self.limits(e)]
        if e.rule == "table":
            if e.threshold is None:
                band = self.m("table_none")
            else:
                key = "table_reached_lower" if e.direction == "lower" else "table_reached"
                band = self.m(key, threshold=self.value(e.threshold, u))
            return [actual, band]
        return [actual, self.m("direct"), *self.limits(e)]

    def deduction(self, e: Explanation) -> list[str]:
        u = e.unit
        if not e.shortfall:
            return []
        amount = self.amount(e.shortfall, u)
        tolerance = self.value(e.tolerance, u) if e.tolerance else None
        if e.direction == "band":
            where = self.m("off_band", amount=amount, tolerance=tolerance or self.value(0, u))
        elif e.direction == "lower":
            where = self.m("above_tol", amount=amount, tolerance=tolerance) if tolerance else self.m("above", amount=amount)
        else:
            where = self.m("below_tol", amount=amount, tolerance=tolerance) if tolerance else self.m("below", amount=amount)
        points = format_number(e.points_per_step or 0)
        deducted = format_number(e.deducted or 0)
        if e.steps is not None and e.step and abs(e.steps - e.shortfall / e.step) > 1e-9:
            how = self.m("deduct_full", where=where, steps=format_number(e.steps), step=self.amount(e.step, u),
                         points=points, deducted=deducted)
        elif e.step in (None, 1):
            how = self.m("deduct", where=where, points=points, deducted=deducted)
        else:
            how = self.m("deduct_step", where=where, step=format_number(e.step), points=points, deducted=deducted)
        return [how]


def render_explanation(explanation: Explanation | Mapping[str, Any], lang: str | None = None) -> str:
    """One line such as "实际 87% · 目标 90% · 低于目标 3 个百分点 × 2 分 = −6 → 94 分"."""
    if not isinstance(explanation, Explanation):
        explanation = Explanation.from_dict(explanation)
    language = resolve_language(lang) if lang else current_language()
    return _Renderer(language).render(explanation)
