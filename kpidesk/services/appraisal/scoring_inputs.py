"""Reading one period's appraisal data from the database into the scoring engine's plain input.

Who is appraised, with which department, position and template version; the measurements (or, for a
quarter, half-year or year without data of its own, its months rolled up); exemptions, adjustments,
qualitative form responses and the previous periods' grades for the streak rules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from functools import cached_property
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kpidesk.domain import grades as domain_grades
from kpidesk.domain.eligibility import appraisal_eligibility
from kpidesk.domain.formulas import parse_formula
from kpidesk.domain.numbers import int_or_none
from kpidesk.domain.periods import Period, PeriodKind
from kpidesk.domain.rollups import roll_up
from kpidesk.domain.scoring import (
    Adjustment,
    Exemption,
    History,
    ScoringInput,
    ScoringOptions,
    Template,
    TemplateItem,
)
from kpidesk.domain.statuses import PeriodStatus
from kpidesk.domain.streaks import DEFAULT_STREAK_RULES
from kpidesk.services.appraisal.lookups import DepartmentTree, find_period_record
from kpidesk.services.appraisal.stored_values import MEASUREMENT_SCALE, stored_columns
from kpidesk.services.progress import check_cancelled
from kpidesk.services.safety.settings import load_settings
from kpidesk.store import models as m

NO_TEMPLATE = Template("", (), quantitative_share=100, qualitative_share=0)
_MONTHS = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.HALF: 6, PeriodKind.YEAR: 12}


@dataclass
class Appraisee:
    employee_id: int
    staff_no: str
    name: str
    department_id: int | None
    position_id: int | None
    template_key: str | None
    flags: tuple[str, ...] = ()


@dataclass
class TemplateBundle:
    """A template version as stored, and as the engine sees it."""

    row: m.Template
    domain: Template
    forms: list[tuple[str, Decimal, m.FormVersion]] = field(default_factory=list)


@dataclass
class LoadedPeriod:
    period: Period
    record: m.PeriodRecord | None
    appraisees: list[Appraisee]
    departments: DepartmentTree
    templates: dict[str, TemplateBundle]
    scoring_input: ScoringInput
    qualitative: dict[int, dict]  # employee → per-form detail
    computed_from: str  # "own" | "months"
    grade_scale: domain_grades.GradeScale
    months_used: list[str] = field(default_factory=list)  # the months a longer period was rolled up from
    items: list[TemplateItem] = field(default_factory=list)  # every template item scored

    @cached_property
    def inputs(self) -> dict[int, dict[str, float]]:
        """Employee → the raw values their scores were computed from, for the snapshot: worked out when a
        snapshot asks (listing 150,000 values took every computation of a 5,000-person month 50 ms)."""
        return _inputs_used(self.appraisees, self.items, self.scoring_input.values, self.scoring_input.fields)


def domain_template(row: m.Template) -> Template:
    items = tuple(
        TemplateItem(
            code=item.kpi.code, weight=item.weight, rule=item.rule or "three_level", direction=item.kpi.direction,
            baseline=item.baseline, target=item.target, challenge=item.challenge, params=dict(item.params or {}),
            formula=item.kpi.formula, period_kind=item.kpi.period_kind or "month",
            aggregation=item.kpi.aggregation, unit=item.kpi.unit,
        )
        for item in row.items
    )
    return Template(
        code=row.key, items=items, version=row.version, quantitative_share=row.quantitative_share,
        qualitative_share=row.qualitative_share, missing_policy=row.missing_policy or "exclude",
        bounds=(float(row.score_min), float(row.score_max)), department_rule=bool(row.two_thirds_rule),
    )


def _template_query():
    return select(m.Template).options(
        selectinload(m.Template.items).selectinload(m.TemplateItem.kpi),
        selectinload(m.Template.forms).selectinload(m.TemplateForm.form_version),
    )


def current_templates(session: Session) -> tuple[dict[str, m.Template], dict[int, str]]:
    """The current version of every template key, and the key used for each position."""
    by_key: dict[str, m.Template] = {}
    for row in session.execute(_template_query().order_by(m.Template.key, m.Template.version)).scalars():
        chosen = by_key.get(row.key)
        if chosen is None or (row.is_current and not chosen.is_current) or (
            row.is_current == chosen.is_current and row.version > chosen.version
        ):
            by_key[row.key] = row
    for_position = {row.position_id: key for key, row in sorted(by_key.items()) if row.position_id is not None}
    return by_key, for_position


def appraisees(session: Session, period: Period, record: m.PeriodRecord | None,
               for_position: dict[int, str]) -> list[Appraisee]:
    """Everyone appraised in the period: active at its end, or joined/left with enough days in it.
    ``for_position`` is the template key of each position (``current_templates``, which every caller reads)."""
    template_keys = dict(session.execute(select(m.Template.id, m.Template.key)).all())
    recorded: dict[int, Any] = {}
    if record is not None:  # plain rows, not ORM objects: a 5,000-person office reads them on every open
        recorded = {a.employee_id: a for a in session.execute(
            select(m.Appraisal.employee_id, m.Appraisal.department_id, m.Appraisal.position_id,
                   m.Appraisal.template_id).where(m.Appraisal.period_id == record.id))}
    employees = session.execute(
        select(m.Employee.id, m.Employee.staff_no, m.Employee.name, m.Employee.department_id,
               m.Employee.position_id, m.Employee.hire_date, m.Employee.leave_date, m.Employee.active)
        .order_by(m.Employee.staff_no)).all()
    if not employees:
        return []
    before = period.start - timedelta(days=1)
    left = [e.leave_date or (None if e.active or e.id in recorded else before) for e in employees]
    min_days = load_settings(session).min_days_active
    eligibility = appraisal_eligibility(period, [e.hire_date for e in employees], left, min_days)
    out = []
    for index, employee in enumerate(employees):
        if not eligibility.included[index]:
            continue
        appraisal = recorded.get(employee.id)
        department_id = appraisal.department_id if appraisal else employee.department_id
        position_id = appraisal.position_id if appraisal else employee.position_id
        key = template_keys.get(appraisal.template_id) if appraisal and appraisal.template_id else None
        key = key or (for_position.get(position_id) if position_id is not None else None)
        out.append(Appraisee(employee.id, employee.staff_no, employee.name, department_id, position_id, key,
                             eligibility.flags(index)))
    return out


def grade_scale(session: Session, templates: Iterable[m.Template]) -> domain_grades.GradeScale:
    """The templates' common scale, else the organisation's default scale, else the built-in one."""
    scale_ids = {t.grade_scale_id for t in templates if t.grade_scale_id is not None}
    query = select(m.GradeScale).options(selectinload(m.GradeScale.bands))
    row = None
    if len(scale_ids) == 1:
        row = session.execute(query.where(m.GradeScale.id == next(iter(scale_ids)))).scalar()
    if row is None:
        row = session.execute(query.where(m.GradeScale.is_default)).scalar()
    if row is None or not row.bands:
        return domain_grades.DEFAULT_SCALE
    bands = sorted(row.bands, key=lambda b: b.lower_bound, reverse=True)
    return domain_grades.GradeScale(tuple(
        domain_grades.GradeBand(b.code, None if i == len(bands) - 1 else float(b.lower_bound), b.label_zh, b.label_en)
        for i, b in enumerate(bands)
    ))


def scoring_options(session: Session, scale: domain_grades.GradeScale) -> ScoringOptions:
    """Organisation settings: ``forced_distribution`` ({"quotas": [[code, %], …], "scope": …}),
    ``rank_sum_ratio`` (true to report RSR beside the weighted total) and ``streak_rules``
    ([{"flag", "grade", "length", "max_rank"}, …], default: 3 × excellent and first; 3 × poor)."""
    settings = load_settings(session)
    return ScoringOptions(grade_scale=scale, forced_distribution=settings.forced_distribution,
                          rsr=settings.rank_sum_ratio, streak_rules=settings.streak_rules or DEFAULT_STREAK_RULES,
                          min_coverage=settings.min_coverage_to_grade / 100.0)


def _measurement_arrays(
    session: Session, period_ids: Sequence[int], row_of: dict[int, int], n: int, codes: Iterable[str] | None = None
) -> dict[int, dict[str, np.ndarray]]:
    """Per period id: field code → values aligned with the appraisees (NaN where nothing was entered); only
    ``codes`` when given, each period's codes in stored order (read as :func:`stored_columns`)."""
    out: dict[int, dict[str, np.ndarray]] = {pid: {} for pid in period_ids}
    if not period_ids or not row_of:
        return out
    lookup = np.full(max(row_of) + 1, -1, dtype=np.int64)
    lookup[np.fromiter(row_of.keys(), dtype=np.int64, count=len(row_of))] = np.fromiter(
        row_of.values(), dtype=np.int64, count=len(row_of))
    for period_id, code, ids, scaled in stored_columns(session, period_ids, codes):
        known = ids < len(lookup)
        positions = np.full(len(ids), -1, dtype=np.int64)
        positions[known] = lookup[ids[known]]
        appraised = positions >= 0
        array = np.full(n, np.nan)
        array[positions[appraised]] = scaled[appraised] / MEASUREMENT_SCALE  # one correctly rounded division
        out[period_id][code] = array
    return out


def _records_for(session: Session, periods: Iterable[Period]) -> dict[str, m.PeriodRecord]:
    codes = [p.code for p in periods]
    return {r.code: r for r in session.execute(select(m.PeriodRecord).where(m.PeriodRecord.code.in_(codes))).scalars()}


def _months_data(session, months: list[Period], row_of, n) -> tuple[list[dict], list[m.PeriodRecord]]:
    records = _records_for(session, months)
    present = [records[p.code] for p in months if p.code in records]
    arrays = _measurement_arrays(session, [r.id for r in present], row_of, n)
    return [arrays[r.id] for r in present], present


def _codes_read_by(items: Iterable[TemplateItem]) -> set[str]:
    """The KPI codes and the raw fields their formulas read."""
    codes = set()
    for item in items:
        codes.add(item.code)
        if item.formula:
            codes.update(parse_formula(item.formula).fields)
    return codes


def _values_of_longer_items(
    session: Session, period: Period, items: Sequence[TemplateItem], row_of, n
) -> dict[str, np.ndarray]:
    """A KPI of a longer period (half-year budget control in the June sheet) is valued over that period:
    from that period's own values when it has any, else from its months. All are read at once, only the
    fields their items read (a December sheet used to read the whole year once per item)."""
    groups: dict[str, tuple[Period, list[TemplateItem]]] = {}
    for item in items:
        kind = PeriodKind(item.period_kind)
        if _MONTHS[kind] <= _MONTHS[period.kind] or not period.ends_with(period.enclosing(kind)):
            continue
        enclosing = period.enclosing(kind)
        groups.setdefault(enclosing.code, (enclosing, []))[1].append(item)
    sources: list[tuple[list[TemplateItem], set[str], list[int]]] = []  # items, fields read, periods read
    for enclosing, group in groups.values():
        record = _records_for(session, [enclosing]).get(enclosing.code)
        has_own = record is not None and any(employee_id in row_of for employee_id in session.execute(
            select(m.Measurement.employee_id).distinct().where(
                m.Measurement.period_id == record.id, m.Measurement.value.is_not(None))).scalars())
        if record is not None and has_own:
            sources.append((group, _codes_read_by(group), [record.id]))
        else:
            records = _records_for(session, enclosing.months())
            sources.append((group, _codes_read_by(group),
                            [records[p.code].id for p in enclosing.months() if p.code in records]))
    # one read for every longer period: a December sheet's quarter and half-year share their months
    arrays = _measurement_arrays(session, sorted({pid for _g, _c, ids in sources for pid in ids}), row_of, n,
                                 {code for _g, codes, _i in sources for code in codes})
    out: dict[str, np.ndarray] = {}
    for group, codes, period_ids in sources:
        months_values = [{code: array for code, array in arrays[pid].items() if code in codes} for pid in period_ids]
        if not months_values:
            continue
        for item in group:
            values, fields = roll_up([item], months_values, months_values)
            if item.code in values:
                out[item.code] = values[item.code]
            elif item.formula:
                out[item.code] = parse_formula(item.formula).evaluate(fields, n).values
    return out


def load_period(session: Session, period: Period) -> LoadedPeriod:
    """Everything the engine needs for ``period``, read in a handful of queries."""
    record = find_period_record(session, period.code)
    by_key, for_position = current_templates(session)
    people = appraisees(session, period, record, for_position)
    check_cancelled()  # between the reads of a step that takes most of a second for 5,000 people
    departments = DepartmentTree.load(session)
    keys = sorted({p.template_key for p in people if p.template_key})
    bundles: dict[str, TemplateBundle] = {}
    for key in keys:
        row = by_key[key]
        forms = [(tf.form_version.form_key, tf.share, tf.form_version) for tf in row.forms]
        bundles[key] = TemplateBundle(row, domain_template(row), forms)
    n = len(people)
    row_of = {p.employee_id: i for i, p in enumerate(people)}
    templates = [NO_TEMPLATE] + [bundles[k].domain for k in keys]
    template_index: dict[str | None, int] = {k: i + 1 for i, k in enumerate(keys)}
    template_of = np.array([template_index.get(p.template_key, 0) for p in people], dtype=np.int64)
    all_items = list({item.code: item for t in templates for item in t.items}.values())

    own = _measurement_arrays(session, [record.id], row_of, n)[record.id] if record is not None else {}
    computed_from = "own"
    months_used: list[str] = []
    qualitative_records = [record] if record is not None else []
    if own or period.kind is PeriodKind.MONTH:
        values, fields = own, own
    else:
        months_values, month_records = _months_data(session, period.months(), row_of, n)
        values, fields = roll_up(all_items, months_values, months_values) if months_values else ({}, {})
        computed_from = "months"
        months_used = [r.code for r in month_records]
        qualitative_records = month_records
    values = dict(values)
    values.update(_values_of_longer_items(session, period, all_items, row_of, n))
    check_cancelled()
    qualitative, details, extra_flags = _qualitative(session, people, qualitative_records)
    check_cancelled()
    flags = {p.employee_id: tuple(p.flags) + extra_flags.get(p.employee_id, ()) +
             (("no_template",) if not p.template_key else ()) for p in people}
    scale = grade_scale(session, [b.row for b in bundles.values()])
    options = scoring_options(session, scale)
    longest = max((rule.length for rule in options.streak_rules), default=1)
    data = ScoringInput(
        period=period,
        employees=[p.employee_id for p in people],
        departments=[departments.top(p.department_id) or 0 for p in people],
        templates=templates,
        template_of=template_of,
        values=values,
        fields=fields,
        exemptions=_exemptions(session, record),
        adjustments=_adjustments(session, record),
        qualitative=qualitative,
        graded_despite_insufficient_data=_grading_waivers(session, record),
        flags={k: v for k, v in flags.items() if v},
        history=_history(session, period, people, max(longest - 1, 0)),
        options=options,
    )
    return LoadedPeriod(period, record, people, departments, bundles, data, details, computed_from, scale,
                        months_used, all_items)


def _inputs_used(people, items, values, fields) -> dict[int, dict[str, float]]:
    """The raw values each person's scores were computed from (kept in the snapshot)."""
    names = _codes_read_by(items)
    out: dict[int, dict[str, float]] = {p.employee_id: {} for p in people}
    kept = [out[p.employee_id] for p in people]
    for source in (fields, values):
        for name, array in source.items():
            if name not in names:
                continue
            numbers = np.asarray(array, dtype=float)
            present = np.flatnonzero(~np.isnan(numbers))
            for i, value in zip(present.tolist(), numbers[present].tolist(), strict=True):
                kept[i][name] = value
    return out


def _exemptions(session: Session, record: m.PeriodRecord | None) -> list[Exemption]:
    if record is None:
        return []
    rows = session.execute(
        select(m.Exemption.employee_id, m.Kpi.code, m.Exemption.reason)
        .join(m.Kpi, m.Kpi.id == m.Exemption.kpi_id)
        .where(m.Exemption.period_id == record.id, m.Exemption.automatic.is_(False))
    )
    return [Exemption(employee_id, code, reason) for employee_id, code, reason in rows]


def _grading_waivers(session: Session, record: m.PeriodRecord | None) -> frozenset[int]:
    if record is None:
        return frozenset()
    return frozenset(session.execute(
        select(m.GradingWaiver.employee_id).where(m.GradingWaiver.period_id == record.id)).scalars())


def _adjustments(session: Session, record: m.PeriodRecord | None) -> list[Adjustment]:
    if record is None:
        return []
    rows = session.execute(
        select(m.Adjustment).where(m.Adjustment.period_id == record.id).order_by(m.Adjustment.id)).scalars()
    return [Adjustment(a.employee_id, a.points, a.reason) for a in rows]


def _history(session: Session, period: Period, people: list[Appraisee], length: int = 2) -> History | None:
    """Grades and department ranks of the ``length`` finalized periods before this one (oldest first)."""
    if not people or length <= 0:
        return None
    earlier: list[Period] = []
    current = period
    for _ in range(length):
        current = current.previous()
        earlier.insert(0, current)
    # pandas comes with the snapshot reader: imported here, not on the data-entry grid's way
    from kpidesk.services.appraisal.snapshots import finalized_rows

    records = _records_for(session, earlier)
    row_of = {p.employee_id: i for i, p in enumerate(people)}
    grades = np.full((len(people), length), None, dtype=object)
    ranks = np.zeros((len(people), length), dtype=np.int64)
    for column, past in enumerate(earlier):
        record = records.get(past.code)
        if record is None or record.status != PeriodStatus.FINALIZED:
            continue
        for employee_id, result in finalized_rows(session, record).items():
            row = row_of.get(employee_id)
            if row is not None:
                grades[row, column] = result.get("grade_code")
                ranks[row, column] = int_or_none(result.get("rank_department")) or 0
    return History(grades, ranks)


def _qualitative(
    session: Session, people: list[Appraisee], records: list[m.PeriodRecord]
) -> tuple[dict[int, float | None], dict[int, dict], dict[int, tuple[str, ...]]]:
    """Each person's qualitative score: the forms service combines every form's raters (the form's scale
    gives the points); forms are weighted by their share on the template, a form nobody answered is left
    out and the others re-normalised; over several months, the mean of the months."""
    scores: dict[int, float | None] = {}
    details: dict[int, dict] = {}
    flags: dict[int, tuple[str, ...]] = {}
    try:
        from kpidesk.services.forms.scores import organisation_form_scores
    except ImportError:  # without the forms service there is no qualitative part
        return scores, details, flags
    if not records or not people:
        return scores, details, flags
    ids = [p.employee_id for p in people]
    monthly: dict[int, list[float]] = defaultdict(list)
    for record in records:
        for employee_id, items in organisation_form_scores(session, record.code, ids).items():
            total = share_sum = Decimal(0)
            person_flags = set(flags.get(employee_id, ()))
            entry = details.setdefault(employee_id, {"score": None, "forms": []})
            for item in items:
                result = item.score
                entry["forms"].append({
                    "form": item.form_key, "version": item.form_version, "period": record.code,
                    "share": float(item.share), "score": None if result.score is None else float(result.score),
                    "roles": {str(r.role): {"score": None if r.score is None else float(r.score), "raters": r.raters,
                                            "weight": float(r.weight), "counted": r.counted, "reason": r.reason}
                              for r in result.roles if r.raters or r.weight > 0},
                    "disagreements": [d.criterion_id for d in result.disagreements],
                })
                if result.flagged:
                    person_flags.add("rating_disagreement")
                if result.score is None or item.share <= 0:
                    person_flags.add("qualitative_partial")
                    continue
                if result.excluded:
                    person_flags.add("qualitative_partial")
                total += item.share * result.score
                share_sum += item.share
            if share_sum > 0:
                monthly[employee_id].append(float(total / share_sum))
            flags[employee_id] = tuple(sorted(person_flags))
    for employee_id, entry in details.items():
        values = monthly.get(employee_id)
        scores[employee_id] = sum(values) / len(values) if values else None
        entry["score"] = scores[employee_id]
        if scores[employee_id] is None:  # no responses at all: the engine flags quantitative_only
            flags[employee_id] = tuple(f for f in flags.get(employee_id, ()) if f != "qualitative_partial")
    return scores, details, {k: v for k, v in flags.items() if v}
