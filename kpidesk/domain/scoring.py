"""The scoring engine: every employee's KPI scores, totals, grades, ranks and flags in one call.

Input is plain data (``ScoringInput``: employee ids, top-level departments, templates, one array per
KPI value or raw field, exemptions, adjustments, qualitative scores). The hot path is numpy over an
employees × KPIs matrix — one rule call per template item, never a Python loop over people — and the
output is a ``ScoringResult`` whose ``frame`` is a pandas DataFrame per employee and whose ``explain``
builds a KPI's explanation on demand.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import IntEnum, StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any, overload

import numpy as np
from numpy.typing import ArrayLike

from kpidesk.domain.explanations import Explanation
from kpidesk.domain.formulas import Formula, Problem, parse_formula
from kpidesk.domain.grades import DEFAULT_SCALE, ForcedDistribution, GradeScale, forced_grades
from kpidesk.domain.periods import Period, PeriodKind
from kpidesk.domain.qualitative import QualitativeResult
from kpidesk.domain.ranking import competition_rank, group_codes, rank_sum_ratio
from kpidesk.domain.rollups import Aggregation
from kpidesk.domain.rules import Rule, RuleKind, RuleSpec, make_rule
from kpidesk.domain.streaks import DEFAULT_STREAK_RULES, StreakRule, streak_flags
from kpidesk.domain.units import Direction
from kpidesk.errors import ValidationError
from kpidesk.i18n import _

if TYPE_CHECKING:
    import pandas as pd


class Status(IntEnum):
    """Why a KPI did or did not count; ABSENT means the KPI is not on the employee's template."""

    OK = 0
    MISSING = 1
    EXEMPT = 2
    NOT_COMPUTABLE = 3
    NOT_DUE = 4
    ABSENT = -1


STATUS_NAMES = ("ok", "missing", "exempt", "not_computable", "not_due")


class MissingPolicy(StrEnum):
    EXCLUDE = "exclude"  # leave the KPI out and re-normalise the other weights (default)
    ZERO = "zero"  # count the KPI with a score of 0


class Flag(StrEnum):
    """Stable codes of the per-employee flags."""

    JOINED = "joined"
    LEFT = "left"
    QUANTITATIVE_ONLY = "quantitative_only"  # no qualitative responses: total is the quantitative score
    QUALITATIVE_ONLY = "qualitative_only"  # no KPI counted: total is the qualitative score
    QUALITATIVE_PARTIAL = "qualitative_partial"  # a rater or form was absent and re-normalised away
    NO_RESULT = "no_result"
    KPIS_EXCLUDED = "kpis_excluded"  # some KPI did not count (missing, exempt, not computable)
    INSUFFICIENT_DATA = "insufficient_data"  # coverage below the minimum to grade: no grade, no rank
    DEPARTMENT_RULE = "department_rule"  # the two-thirds rule scored a missed target as met
    WORKLOAD = "workload"  # a missed target not deducted: the person's workload was well above the department's
    CLIPPED = "clipped"  # the total hit the template's bounds
    FORCED_GRADE = "forced_grade"  # forced distribution changed the computed grade
    REWARD_STREAK = "reward_streak"
    IMPROVEMENT_PLAN = "improvement_plan"


class AutoExemption(IntEnum):
    """Why the engine itself scored a missed target as met (0: it did not)."""

    NONE = 0
    DEPARTMENT_RULE = 1  # two thirds or more of the department missed the same target
    WORKLOAD = 2  # the person handled far more than the department's middle (the item's workload field)


#: Workload counts as high from this multiple of the department's median, unless the item sets its own.
DEFAULT_WORKLOAD_RATIO = 1.2

_MONTHS = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.HALF: 6, PeriodKind.YEAR: 12}


def is_due(kpi_period: PeriodKind | str, period: Period) -> bool:
    """A KPI of a longer period counts only in the sheet whose period ends with it."""
    kind = PeriodKind(kpi_period)
    if _MONTHS[kind] <= _MONTHS[period.kind]:
        return True
    return period.ends_with(period.enclosing(kind))


@overload
def round_half_up(values: float, digits: int = 2) -> float: ...
@overload
def round_half_up(values: np.ndarray, digits: int = 2) -> np.ndarray: ...
def round_half_up(values: float | np.ndarray, digits: int = 2) -> float | np.ndarray:
    """Round half away from zero on the decimal value people see (94.125 → 94.13), NaN kept."""
    array = np.asarray(values, dtype=float)
    scale = 10.0 ** digits
    rounded: np.ndarray = np.sign(array) * np.floor(np.round(np.abs(array) * scale, 6) + 0.5) / scale
    return rounded if np.ndim(values) else float(rounded)


def _as_float(value: float | Decimal | None) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True)
class TemplateItem:
    """One KPI on a template, with everything scoring needs."""

    code: str
    weight: float | Decimal
    rule: RuleKind | str = RuleKind.THREE_LEVEL
    direction: Direction | str = Direction.HIGHER
    baseline: float | Decimal | None = None
    target: float | Decimal | None = None
    challenge: float | Decimal | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    formula: str | None = None
    period_kind: PeriodKind | str = PeriodKind.MONTH
    aggregation: Aggregation | str | None = None
    unit: str = "number"

    def rule_spec(self) -> RuleSpec:
        return RuleSpec(self.rule, self.direction, _as_float(self.baseline), _as_float(self.target),
                        _as_float(self.challenge), self.params)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the finalization snapshot."""
        return {
            "code": self.code, "weight": str(self.weight), "rule": str(self.rule), "direction": str(self.direction),
            "baseline": _as_float(self.baseline), "target": _as_float(self.target),
            "challenge": _as_float(self.challenge), "params": dict(self.params), "formula": self.formula,
            "period_kind": str(self.period_kind), "aggregation": None if self.aggregation is None else str(self.aggregation),
            "unit": self.unit,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TemplateItem:
        values = dict(data)
        values["weight"] = Decimal(str(values["weight"]))
        return cls(**values)


@dataclass(frozen=True)
class Template:
    """An appraisal template as scoring sees it: items, shares, bounds and policies."""

    code: str
    items: tuple[TemplateItem, ...]
    version: int = 1
    quantitative_share: float | Decimal = 70
    qualitative_share: float | Decimal = 30
    missing_policy: MissingPolicy | str = MissingPolicy.EXCLUDE
    bounds: tuple[float, float] = (0.0, 120.0)
    department_rule: bool = False
    department_rule_min_size: int = 3

    def validate(self) -> None:
        """Raise ValidationError for a template that cannot be scored (weights not 100 …)."""
        codes = [item.code for item in self.items]
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            raise ValidationError(_("template {template}: KPI listed twice: {codes}").format(
                template=self.code, codes=", ".join(duplicates)))
        if self.items:
            weights = [Decimal(str(item.weight)) for item in self.items]
            if any(w < 0 for w in weights):
                raise ValidationError(_("template {template}: weights cannot be negative").format(template=self.code))
            total = sum(weights, Decimal(0))
            if abs(total - 100) > Decimal("0.000001"):
                raise ValidationError(_("template {template}: weights sum to {total}%, not 100%").format(
                    template=self.code, total=f"{total.normalize():f}"))
        shares = Decimal(str(self.quantitative_share)) + Decimal(str(self.qualitative_share))
        if shares != 100:
            raise ValidationError(_("template {template}: quantitative and qualitative shares sum to {total}, not 100")
                                  .format(template=self.code, total=f"{shares.normalize():f}"))
        try:
            MissingPolicy(self.missing_policy)
        except ValueError:
            raise ValidationError(_("template {template}: unknown missing-data policy '{policy}'").format(
                template=self.code, policy=self.missing_policy)) from None
        if not self.bounds[0] < self.bounds[1]:
            raise ValidationError(_("template {template}: the lower bound must be below the upper bound").format(
                template=self.code))

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code, "version": self.version, "items": [i.to_dict() for i in self.items],
            "quantitative_share": str(self.quantitative_share), "qualitative_share": str(self.qualitative_share),
            "missing_policy": str(self.missing_policy), "bounds": list(self.bounds),
            "department_rule": self.department_rule, "department_rule_min_size": self.department_rule_min_size,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Template:
        values = dict(data)
        values["items"] = tuple(TemplateItem.from_dict(i) for i in values["items"])
        values["quantitative_share"] = Decimal(str(values["quantitative_share"]))
        values["qualitative_share"] = Decimal(str(values["qualitative_share"]))
        values["bounds"] = tuple(values["bounds"])
        return cls(**values)


@dataclass(frozen=True)
class Exemption:
    employee: Hashable
    kpi: str
    reason: str


@dataclass(frozen=True)
class Adjustment:
    employee: Hashable
    points: float | Decimal
    reason: str


@dataclass(frozen=True)
class History:
    """Earlier consecutive periods, oldest first: grade codes and department ranks, people × periods."""

    grades: np.ndarray
    ranks: np.ndarray


@dataclass(frozen=True)
class ScoringOptions:
    grade_scale: GradeScale = DEFAULT_SCALE
    forced_distribution: ForcedDistribution | None = None
    rsr: bool = False
    streak_rules: tuple[StreakRule, ...] = DEFAULT_STREAK_RULES
    min_coverage: float = 0.0  # 0–1: below it a result gets no grade and no rank (0: always graded)


@dataclass
class ScoringInput:
    """Everything one period's scoring needs, as plain arrays aligned with ``employees``."""

    period: Period
    employees: Sequence[Hashable]
    departments: Sequence[Hashable]
    templates: Sequence[Template]
    template_of: Sequence[int] | np.ndarray | None = None  # index into templates; None: all use the first
    values: Mapping[str, Any] = field(default_factory=dict)  # KPI code → entered values (NaN = none)
    fields: Mapping[str, Any] = field(default_factory=dict)  # raw field → values, for formulas
    exemptions: Sequence[Exemption] = ()
    adjustments: Sequence[Adjustment] = ()
    qualitative: Any = None  # array (NaN = none) or mapping employee → float | QualitativeResult
    flags: Mapping[Hashable, Sequence[str]] = field(default_factory=dict)
    history: History | None = None
    options: ScoringOptions = field(default_factory=ScoringOptions)


@dataclass(frozen=True)
class _Compiled:
    template: Template
    rules: tuple[Rule, ...]
    formulas: tuple[Formula | None, ...]


def _compile(template: Template, cache: dict[str, Formula]) -> _Compiled:
    template.validate()
    rules = []
    formulas = []
    for item in template.items:
        rules.append(make_rule(item.rule_spec(), item.code, item.unit))
        formula = None
        if item.formula:
            formula = cache.get(item.formula) or parse_formula(item.formula)
            cache[item.formula] = formula
        formulas.append(formula)
        PeriodKind(item.period_kind)
    return _Compiled(template, tuple(rules), tuple(formulas))


def _column(source: Mapping[str, Any], name: str, rows: np.ndarray | None, n: int) -> np.ndarray | None:
    raw = source.get(name)
    if raw is None:
        return None
    array = np.asarray(raw, dtype=float)
    if array.ndim == 0:
        return np.full(n if rows is None else len(rows), float(array))
    return array if rows is None else array[rows]


def score_period(data: ScoringInput) -> ScoringResult:
    """Score, total, grade, rank and flag every employee of ``data`` in one vectorised pass."""
    n = len(data.employees)
    templates = list(data.templates)
    if not templates:
        raise ValidationError(_("no template to score with"))
    formula_cache: dict[str, Formula] = {}
    compiled = [_compile(t, formula_cache) for t in templates]
    template_of = np.zeros(n, dtype=np.int64) if data.template_of is None else np.asarray(data.template_of, dtype=np.int64)

    codes: list[str] = list(dict.fromkeys(item.code for t in templates for item in t.items))
    column = {code: j for j, code in enumerate(codes)}
    m = len(codes)
    values = np.full((n, m), np.nan)
    scores = np.full((n, m), np.nan)
    weights = np.zeros((n, m))
    status = np.full((n, m), Status.ABSENT, dtype=np.int8)
    auto = np.zeros((n, m), dtype=np.int8)  # AutoExemption per cell
    problems: dict[tuple[int, int], tuple[str, str]] = {}
    dept_codes = group_codes(data.departments) if n else np.zeros(0, dtype=np.int64)

    for t_index, comp in enumerate(compiled):
        if len(compiled) == 1:
            rows, members = None, np.arange(n)
        else:
            members = np.nonzero(template_of == t_index)[0]
            rows = members
            if len(members) == 0:
                continue
        size = len(members)
        for item, rule, formula in zip(comp.template.items, comp.rules, comp.formulas, strict=True):
            j = column[item.code]
            cells = (members, j) if rows is not None else (slice(None), j)
            weights[cells] = float(item.weight)
            entered = _column(data.values, item.code, rows, n)
            if entered is None:
                entered = np.full(size, np.nan)
            actual = entered
            state = np.where(np.isnan(entered), Status.MISSING, Status.OK).astype(np.int8)
            if formula is not None and np.isnan(entered).any():
                inputs = {}
                for name in formula.fields:
                    col = _column(data.fields, name, rows, n)
                    if col is not None:
                        inputs[name] = col
                result = formula.evaluate(inputs, size)
                need = np.isnan(entered)
                actual = np.where(need, result.values, entered)
                no_fields = np.ones(size, dtype=bool)
                for col in inputs.values():
                    no_fields &= np.isnan(col)
                broken = need & ~result.ok & ~no_fields
                state = np.where(need & result.ok, Status.OK, state)
                state = np.where(broken, Status.NOT_COMPUTABLE, state).astype(np.int8)
                for local in np.nonzero(broken)[0]:
                    reason = result.reason(int(local))
                    if reason is not None:
                        code, detail = reason
                        problems[(int(members[local]), j)] = (code.name.lower(), detail)
            values[cells] = actual
            if not is_due(item.period_kind, data.period):
                status[cells] = Status.NOT_DUE
                continue
            ok = state == Status.OK
            scores[cells] = np.where(ok, rule.scores(np.where(ok, actual, 0.0)), np.nan)
            status[cells] = state

    exemption_reasons = _apply_exemptions(data, column, status)
    scores[status == Status.EXEMPT] = np.nan
    for t_index, comp in enumerate(compiled):
        _department_rule(comp, t_index, template_of, len(compiled), column, values, scores, status, auto, dept_codes)
        _workload_rule(comp, t_index, template_of, len(compiled), column, values, scores, status, auto, dept_codes,
                       data.fields)

    zero_policy = np.array([MissingPolicy(c.template.missing_policy) is MissingPolicy.ZERO for c in compiled])
    zero_rows = zero_policy[template_of] if n else np.zeros(0, dtype=bool)
    missing_zero = (status == Status.MISSING) & zero_rows[:, None]
    scores = np.where(missing_zero, 0.0, scores)
    counted = (status == Status.OK) | missing_zero
    effective = np.where(counted, weights, 0.0)
    weight_sum = effective.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = effective / weight_sum[:, None]
        weighted = np.where(counted, np.nan_to_num(scores) * share, np.nan)
        quantitative = np.where(weight_sum > 0, np.nansum(weighted, axis=1), np.nan)

    return _finish(_ScoringWork(
        data=data, compiled=compiled, template_of=template_of, dept_codes=dept_codes, codes=codes, values=values,
        scores=scores, weights=weights, weighted=weighted, status=status, auto=auto, problems=problems,
        exemption_reasons=exemption_reasons, quantitative=quantitative, missing_zero=missing_zero,
    ))


def _apply_exemptions(data: ScoringInput, column: Mapping[str, int], status: np.ndarray) -> dict[tuple[int, int], str]:
    reasons: dict[tuple[int, int], str] = {}
    if not data.exemptions:
        return reasons
    index = {e: i for i, e in enumerate(data.employees)}
    for exemption in data.exemptions:
        i = index.get(exemption.employee)
        j = column.get(exemption.kpi)
        if i is None or j is None or status[i, j] in (Status.ABSENT, Status.NOT_DUE):
            continue
        if not str(exemption.reason or "").strip():
            raise ValidationError(_("an exemption needs a reason ({kpi})").format(kpi=exemption.kpi))
        status[i, j] = Status.EXEMPT
        reasons[(i, j)] = exemption.reason
    return reasons


def _department_rule(comp: _Compiled, t_index: int, template_of: np.ndarray, template_count: int,
                     column: Mapping[str, int], values: np.ndarray, scores: np.ndarray, status: np.ndarray,
                     auto: np.ndarray, dept_codes: np.ndarray) -> None:
    """No deduction when at least two thirds of a department missed a target: those who missed score as at
    target, recorded as an automatic exemption. It covers every item when the template turns it on, else
    the items whose params say ``department_rule``. Departments smaller than the template's minimum are
    left out."""
    members = np.arange(len(template_of)) if template_count == 1 else np.nonzero(template_of == t_index)[0]
    if len(members) == 0:
        return
    departments = dept_codes[members]
    groups = int(dept_codes.max()) + 1 if len(dept_codes) else 0
    for item, rule in zip(comp.template.items, comp.rules, strict=True):
        if not rule.has_target or not (comp.template.department_rule or item.params.get("department_rule")):
            continue
        j = column[item.code]
        ok = status[members, j] == Status.OK
        actual = values[members, j]
        missed = ok & rule.missed(np.where(ok, actual, 0.0))
        ok_count = np.bincount(departments, weights=ok.astype(float), minlength=groups)
        missed_count = np.bincount(departments, weights=missed.astype(float), minlength=groups)
        applies = (ok_count >= comp.template.department_rule_min_size) & (missed_count * 3 >= ok_count * 2)
        hit = missed & applies[departments]
        if hit.any():
            rows = members[hit]
            scores[rows, j] = rule.target_points
            auto[rows, j] = AutoExemption.DEPARTMENT_RULE


def _workload_rule(comp: _Compiled, t_index: int, template_of: np.ndarray, template_count: int,
                   column: Mapping[str, int], values: np.ndarray, scores: np.ndarray, status: np.ndarray,
                   auto: np.ndarray, dept_codes: np.ndarray, fields: Mapping[str, Any]) -> None:
    """No deduction on an item with a ``workload_field`` (e.g. response time read against contacts) for a
    person whose workload is at least ``workload_ratio`` × the median of their department's people on the
    template: they missed the target because they carried more. Departments smaller than the template's
    minimum, and people without the workload figure, are left out."""
    members = np.arange(len(template_of)) if template_count == 1 else np.nonzero(template_of == t_index)[0]
    if len(members) == 0:
        return
    departments = dept_codes[members]
    rows_arg = None if template_count == 1 else members
    for item, rule in zip(comp.template.items, comp.rules, strict=True):
        field_name = item.params.get("workload_field")
        if not rule.has_target or not field_name:
            continue
        load = _column(fields, str(field_name), rows_arg, len(template_of))
        if load is None:
            continue
        ratio = float(item.params.get("workload_ratio") or DEFAULT_WORKLOAD_RATIO)
        j = column[item.code]
        ok = status[members, j] == Status.OK
        missed = ok & rule.missed(np.where(ok, values[members, j], 0.0)) & (auto[members, j] == AutoExemption.NONE)
        high = np.zeros(len(members), dtype=bool)
        for department in np.unique(departments):
            group = (departments == department) & ~np.isnan(load)
            if group.sum() < comp.template.department_rule_min_size:
                continue
            middle = float(np.median(load[group]))
            high |= group & (load >= ratio * middle) & (middle > 0)
        hit = missed & high
        if hit.any():
            rows = members[hit]
            scores[rows, j] = rule.target_points
            auto[rows, j] = AutoExemption.WORKLOAD


def _qualitative(data: ScoringInput, n: int) -> tuple[np.ndarray, np.ndarray]:
    qualitative = np.full(n, np.nan)
    partial = np.zeros(n, dtype=bool)
    source = data.qualitative
    if source is None:
        return qualitative, partial
    if isinstance(source, Mapping):
        for i, employee in enumerate(data.employees):
            entry = source.get(employee)
            if isinstance(entry, QualitativeResult):
                partial[i] = entry.partial
                entry = entry.score
            if entry is not None:
                qualitative[i] = float(entry)
        return qualitative, partial
    return np.asarray(source, dtype=float).copy(), partial


@dataclass
class _ScoringWork:
    """What :func:`score_period` has worked out KPI by KPI, handed on to make totals, grades and flags.

    Arrays are employees (rows) by ``codes`` (KPI columns); ``problems`` and ``exemption_reasons`` are keyed
    by (row, column)."""

    data: ScoringInput
    compiled: list[_Compiled]
    template_of: np.ndarray
    dept_codes: np.ndarray
    codes: list[str]
    values: np.ndarray
    scores: np.ndarray
    weights: np.ndarray
    weighted: np.ndarray
    status: np.ndarray
    auto: np.ndarray
    problems: dict[tuple[int, int], tuple[str, str]]
    exemption_reasons: dict[tuple[int, int], str]
    quantitative: np.ndarray
    missing_zero: np.ndarray


def _finish(work: _ScoringWork) -> ScoringResult:
    """Totals, grades, ranks and flags from the per-KPI arrays of ``work``."""
    n = len(work.data.employees)
    options = work.data.options
    qualitative, qualitative_partial = _qualitative(work.data, n)
    adjustments = np.zeros(n)
    adjustment_lists: dict[int, list[Adjustment]] = {}
    if work.data.adjustments:
        index = {e: i for i, e in enumerate(work.data.employees)}
        for adjustment in work.data.adjustments:
            i = index.get(adjustment.employee)
            if i is None:
                continue
            if not str(adjustment.reason or "").strip():
                raise ValidationError(_("an adjustment needs a reason"))
            adjustments[i] += float(adjustment.points)
            adjustment_lists.setdefault(i, []).append(adjustment)

    q_share = np.array([float(c.template.quantitative_share) for c in work.compiled])[work.template_of] / 100.0
    l_share = np.array([float(c.template.qualitative_share) for c in work.compiled])[work.template_of] / 100.0
    lower = np.array([float(c.template.bounds[0]) for c in work.compiled])[work.template_of]
    upper = np.array([float(c.template.bounds[1]) for c in work.compiled])[work.template_of]
    has_q = ~np.isnan(work.quantitative)
    has_l = ~np.isnan(qualitative) & (l_share > 0)
    with np.errstate(invalid="ignore"):
        blended = np.where(
            has_q & has_l, q_share * work.quantitative + l_share * np.nan_to_num(qualitative),
            np.where(has_q, work.quantitative, np.where(has_l, qualitative, np.nan)),
        )
        raw_total = blended + adjustments
        clipped = (raw_total < lower) | (raw_total > upper)
        total = round_half_up(np.clip(raw_total, lower, upper), 2)

    # coverage: the share of the template's composition that the total actually rests on
    on_template = (work.status != Status.ABSENT) & (work.status != Status.NOT_DUE)  # not due: not this period's
    counted = (work.status == Status.OK) | work.missing_zero
    template_weight = np.where(on_template, work.weights, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        kpi_coverage = np.where(template_weight > 0,
                                np.where(counted, work.weights, 0.0).sum(axis=1) / template_weight, 0.0)
    qualitative_included = has_l & ~qualitative_partial
    coverage = np.round(q_share * kpi_coverage + np.where(qualitative_included, l_share, 0.0), 4)
    kpi_coverage = np.round(kpi_coverage, 4)
    insufficient = ~np.isnan(total) & (coverage < options.min_coverage - 1e-9)
    rankable = np.where(insufficient, np.nan, total)

    scale = options.grade_scale
    grade_computed = scale.grade(rankable)
    rank_department = competition_rank(rankable, work.dept_codes)
    rank_organisation = competition_rank(rankable)
    grade = grade_computed
    if options.forced_distribution is not None:
        grade = forced_grades(options.forced_distribution, rankable, work.dept_codes)
    rsr = None
    rank_rsr = None
    if options.rsr:
        counted = (work.status == Status.OK) | work.missing_zero
        rsr = rank_sum_ratio(np.where(counted, work.scores, np.nan),
                             np.where(work.status == Status.ABSENT, 0.0, work.weights))
        rank_rsr = competition_rank(rsr)

    flag_masks: dict[str, np.ndarray] = {
        Flag.QUANTITATIVE_ONLY: has_q & ~has_l & (l_share > 0),
        Flag.QUALITATIVE_ONLY: ~has_q & has_l & (q_share > 0),
        Flag.QUALITATIVE_PARTIAL: qualitative_partial & has_l,
        Flag.NO_RESULT: np.isnan(total),
        Flag.KPIS_EXCLUDED: np.asarray(((work.status == Status.MISSING) & ~work.missing_zero
                                        | (work.status == Status.EXEMPT) | (work.status == Status.NOT_COMPUTABLE)).any(axis=1)),
        Flag.DEPARTMENT_RULE: np.asarray((work.auto == AutoExemption.DEPARTMENT_RULE).any(axis=1)),
        Flag.WORKLOAD: np.asarray((work.auto == AutoExemption.WORKLOAD).any(axis=1)),
        Flag.CLIPPED: clipped,
        Flag.FORCED_GRADE: grade != grade_computed,
        Flag.INSUFFICIENT_DATA: insufficient,
    }
    if work.data.history is not None:
        grades_seen = np.column_stack([np.asarray(work.data.history.grades, dtype=object), grade])
        ranks_seen = np.column_stack([np.asarray(work.data.history.ranks), rank_department])
        flag_masks.update(streak_flags(grades_seen, ranks_seen, options.streak_rules))

    return ScoringResult(
        input=work.data, compiled=tuple(work.compiled), template_of=work.template_of, codes=tuple(work.codes),
        values=work.values, scores=work.scores, weights=work.weights, weighted=work.weighted, status=work.status,
        auto=work.auto, problems=work.problems, exemption_reasons=work.exemption_reasons,
        missing_zero=work.missing_zero, quantitative=work.quantitative,
        qualitative=np.where(has_l, qualitative, np.nan), adjustments=adjustments,
        adjustment_lists=adjustment_lists, total=total, grade=grade, grade_computed=grade_computed,
        rank_department=rank_department, rank_organisation=rank_organisation, rsr=rsr, rank_rsr=rank_rsr,
        flag_masks=flag_masks, coverage=coverage, kpi_coverage=kpi_coverage,
        qualitative_included=qualitative_included,
    )


@dataclass(eq=False)
class ScoringResult:
    """Arrays aligned with ``input.employees`` (rows) and ``codes`` (KPI columns)."""

    input: ScoringInput
    compiled: tuple[_Compiled, ...]
    template_of: np.ndarray
    codes: tuple[str, ...]
    values: np.ndarray
    scores: np.ndarray
    weights: np.ndarray
    weighted: np.ndarray
    status: np.ndarray
    auto: np.ndarray
    problems: dict[tuple[int, int], tuple[str, str]]
    exemption_reasons: dict[tuple[int, int], str]
    missing_zero: np.ndarray
    quantitative: np.ndarray
    qualitative: np.ndarray
    adjustments: np.ndarray
    adjustment_lists: dict[int, list[Adjustment]]
    total: np.ndarray
    grade: np.ndarray
    grade_computed: np.ndarray
    rank_department: np.ndarray
    rank_organisation: np.ndarray
    rsr: np.ndarray | None
    rank_rsr: np.ndarray | None
    flag_masks: dict[str, np.ndarray]
    coverage: np.ndarray
    kpi_coverage: np.ndarray
    qualitative_included: np.ndarray

    @cached_property
    def row_of(self) -> dict[Hashable, int]:
        return {e: i for i, e in enumerate(self.input.employees)}

    def flags(self) -> np.ndarray:
        """A tuple of flag codes per employee (from the input's own flags and the computed ones)."""
        n = len(self.input.employees)
        names = [str(name) for name in self.flag_masks]
        bits = np.zeros(n, dtype=np.int64)
        for position, mask in enumerate(self.flag_masks.values()):
            bits |= mask.astype(np.int64) << position
        # Few distinct combinations occur: build each tuple once and index by the bit pattern.
        patterns, inverse = np.unique(bits, return_inverse=True)
        combos = np.empty(len(patterns), dtype=object)
        combos[:] = [tuple(names[p] for p in range(len(names)) if int(pattern) >> p & 1) for pattern in patterns]
        out = combos[inverse.reshape(-1)]
        for employee, given in (self.input.flags or {}).items():
            row = self.row_of.get(employee)
            if row is not None and given:
                out[row] = tuple(dict.fromkeys([*given, *out[row]]))
        return out

    @cached_property
    def frame(self) -> pd.DataFrame:
        """One row per employee: per KPI ``<code>.value/.score/.weight/.weighted/.status``, then totals,
        grades, ranks and flags."""
        import pandas as pd

        index = pd.Index(self.input.employees, name="employee")

        def text(values: ArrayLike) -> pd.Series:  # object dtype keeps None as None (no string inference)
            return pd.Series(values, index=index, dtype=object)

        columns: dict[str, Any] = {
            "department": text(np.asarray(self.input.departments, dtype=object)),
            "template": text(np.array([c.template.code for c in self.compiled], dtype=object)[self.template_of]),
        }
        categories = pd.Index(STATUS_NAMES, dtype=object)
        for j, code in enumerate(self.codes):
            absent = self.status[:, j] == Status.ABSENT
            columns[f"{code}.value"] = self.values[:, j]
            columns[f"{code}.score"] = self.scores[:, j]
            columns[f"{code}.weight"] = np.where(absent, np.nan, self.weights[:, j])
            columns[f"{code}.weighted"] = self.weighted[:, j]
            columns[f"{code}.status"] = pd.Categorical.from_codes(self.status[:, j], categories=categories)
        columns["quantitative"] = self.quantitative
        columns["qualitative"] = self.qualitative
        columns["adjustments"] = self.adjustments
        columns["total"] = self.total
        columns["grade_code"] = text(self.grade)
        columns["grade_computed"] = text(self.grade_computed)
        columns["rank_department"] = pd.arrays.IntegerArray(self.rank_department, self.rank_department == 0)
        columns["rank_organisation"] = pd.arrays.IntegerArray(self.rank_organisation, self.rank_organisation == 0)
        if self.rsr is not None:
            columns["rsr"] = self.rsr
            columns["rank_rsr"] = pd.arrays.IntegerArray(self.rank_rsr, self.rank_rsr == 0)
        columns["flags"] = text(self.flags())
        columns["coverage"] = self.coverage
        columns["kpi_coverage"] = self.kpi_coverage
        columns["qualitative_included"] = text(self.qualitative_included.astype(bool))
        return pd.DataFrame(columns, index=index, copy=False)

    def status_name(self, row: int, j: int) -> str | None:
        code = int(self.status[row, j])
        return None if code < 0 else STATUS_NAMES[code]

    def _item(self, row: int, code: str) -> tuple[TemplateItem, Rule] | None:
        comp = self.compiled[int(self.template_of[row])]
        for item, rule in zip(comp.template.items, comp.rules, strict=True):
            if item.code == code:
                return item, rule
        return None

    def explain(self, employee: Hashable, code: str) -> Explanation | None:
        """How this employee's KPI score came about (None when the KPI is not on their template)."""
        row = self.row_of[employee]
        found = self._item(row, code)
        if found is None:
            return None
        item, rule = found
        j = self.codes.index(code)
        state = Status(int(self.status[row, j]))
        actual = None if np.isnan(self.values[row, j]) else float(self.values[row, j])
        base: dict[str, Any] = dict(kpi=code, rule=str(rule.kind), unit=item.unit, direction=str(rule.direction), actual=actual,
                    target=getattr(rule, "target", None))
        if state is Status.NOT_DUE:
            return Explanation(status="not_due", period_kind=str(item.period_kind), **base)
        if state is Status.EXEMPT:
            return Explanation(status="exempt", reason=self.exemption_reasons.get((row, j)), **base)
        if state is Status.MISSING:
            zero = bool(self.missing_zero[row, j])
            return Explanation(status="missing", counted_as_zero=zero, score=0.0 if zero else None, **base)
        if state is Status.NOT_COMPUTABLE:
            problem, detail = self.problems.get((row, j), (Problem.INVALID.name.lower(), ""))
            return Explanation(status="not_computable", problem=problem, reason=detail, **base)
        explanation = rule.explain(float(self.values[row, j]))
        if self.auto[row, j]:
            explanation = replace(explanation, auto_exemption=AutoExemption(int(self.auto[row, j])).name.lower(),
                                  score=float(self.scores[row, j]), limited=None)
        return explanation

    def explanations(self, employee: Hashable) -> dict[str, Explanation]:
        row = self.row_of[employee]
        return {code: explained for j, code in enumerate(self.codes)
                if self.status[row, j] != Status.ABSENT and (explained := self.explain(employee, code)) is not None}

    def not_counted(self, employee: Hashable) -> list[tuple[str, str]]:
        """Every KPI of the employee's template that did not count, with the status saying why."""
        row = self.row_of[employee]
        out = []
        for j, code in enumerate(self.codes):
            state = int(self.status[row, j])
            if state in (Status.OK, Status.ABSENT) or self.missing_zero[row, j]:
                continue
            out.append((code, STATUS_NAMES[state]))
        return out

    def kpis(self, employee: Hashable) -> dict[str, dict[str, Any]]:
        """``{code: {value, score, weight, weighted, status}}`` for one employee, plain Python numbers."""
        row = self.row_of[employee]

        def plain(x: float | None) -> float | None:
            return None if x is None or np.isnan(x) else float(x)

        out = {}
        for j, code in enumerate(self.codes):
            if self.status[row, j] == Status.ABSENT:
                continue
            out[code] = {
                "value": plain(self.values[row, j]), "score": plain(self.scores[row, j]),
                "weight": plain(self.weights[row, j]), "weighted": plain(self.weighted[row, j]),
                "status": STATUS_NAMES[int(self.status[row, j])],
            }
        return out

    def adjustments_of(self, employee: Hashable) -> list[Adjustment]:
        return list(self.adjustment_lists.get(self.row_of[employee], []))

    def template_of_employee(self, employee: Hashable) -> Template:
        return self.compiled[int(self.template_of[self.row_of[employee]])].template
