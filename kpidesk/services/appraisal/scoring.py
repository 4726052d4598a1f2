"""Computing a period's results: the use case behind ``kpidesk score``, the results page and finalization.

An open (or in-review) period is computed from the database each time; a finalized period is read from
its snapshot, so what was signed is what is shown, whatever changed in templates or data afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.domain.explanations import Explanation, render_explanation
from kpidesk.domain.grades import GradeScale
from kpidesk.domain.numbers import bool_or_none, float_or_none, int_or_none, round_half_up_number
from kpidesk.domain.periods import Period, PeriodKind, parse_period
from kpidesk.domain.statuses import PeriodStatus
from kpidesk.errors import NotFound, PermissionDenied, ValidationError
from kpidesk.i18n import N_, _
from kpidesk.services.actor import Actor
from kpidesk.services.appraisal.lookups import DepartmentTree, find_period_record
from kpidesk.services.appraisal.snapshots import checked_snapshot, frame_from_content
from kpidesk.store import models as m

if TYPE_CHECKING:  # the engine and the numerical libraries are loaded when a period is computed
    import pandas as pd

    from kpidesk.domain.scoring import ScoringResult
    from kpidesk.services.appraisal.scoring_inputs import LoadedPeriod

T = TypeVar("T")

#: Columns that describe the person, in front of the engine's columns.
PERSON_COLUMNS = ("staff_no", "name", "department", "team", "department_id", "position", "template",
                  "template_version")


FLAG_LABELS = {
    "joined": N_("joined in the period"),
    "left": N_("left in the period"),
    "quantitative_only": N_("no qualitative ratings"),
    "qualitative_only": N_("no KPI counted"),
    "qualitative_partial": N_("qualitative part incomplete"),
    "rating_disagreement": N_("self and manager ratings far apart"),
    "no_result": N_("no result"),
    "no_template": N_("no template"),
    "kpis_excluded": N_("some KPIs not counted"),
    "insufficient_data": N_("too little data to grade"),
    "graded_despite_insufficient_data": N_("graded despite too little data"),
    "department_rule": N_("two-thirds department rule applied"),
    "workload": N_("high workload: a missed target not deducted"),
    "clipped": N_("total limited to the bounds"),
    "forced_grade": N_("grade set by forced distribution"),
    "reward_streak": N_("3 periods excellent and first"),
    "improvement_plan": N_("3 periods poor: improvement plan"),
    "dismissal_review": N_("3 periods poor: dismissal review"),
}


def flag_label(code: str) -> str:
    """A flag code in the reader's language (unknown codes are shown as they are)."""
    return _(FLAG_LABELS[code]) if code in FLAG_LABELS else code


class ResultRows:
    """A period's result rows by employee id, in staff-number order, read a row or a column at a time.

    Over a computed data frame, or over the rows a snapshot stored: then no frame is built until one is asked
    for, so a sheet of a finalized period is printed without loading pandas (a quarter of a second of a
    one-sheet command). A stored row holds None where a frame holds NaN or NA; readers go through
    :mod:`kpidesk.domain.numbers`, which treats both as missing.
    """

    def __init__(self, frame: pd.DataFrame | None = None, stored: dict[int, dict[str, Any]] | None = None,
                 columns: Sequence[Sequence[str]] = (), grade_scale: GradeScale | None = None) -> None:
        self._frame = frame
        self._stored = stored  # the snapshot's own rows, left as they were hashed
        self._graded: dict[Hashable, dict[str, Any]] = {}  # the rows read, with their grade's name
        self._columns = [list(c) for c in columns]
        self._grade_scale = grade_scale
        self._figures: dict[str, Any] = {}

    @classmethod
    def from_snapshot(cls, content: dict[str, Any], scale: GradeScale) -> ResultRows:
        return cls(stored={int(row["employee_id"]): row for row in content["rows"]}, columns=content["columns"],
                   grade_scale=scale)

    @property
    def frame(self) -> pd.DataFrame:
        if self._frame is None:
            assert self._stored is not None and self._grade_scale is not None
            content = {"columns": self._columns, "rows": list(self._stored.values())}
            self._frame = _with_grade_labels(frame_from_content(content), self._grade_scale)
        return self._frame

    @property
    def employee_ids(self) -> list[int]:
        return list(self._stored) if self._stored is not None else [int(e) for e in self.frame.index]

    def __contains__(self, employee_id: object) -> bool:
        return employee_id in self._stored if self._stored is not None else employee_id in self.frame.index

    def __len__(self) -> int:
        return len(self._stored) if self._stored is not None else len(self.frame)

    def row(self, employee_id: Hashable) -> Mapping[str, Any]:
        """One person's row with its grade's name as a computed frame has it (``KeyError`` when they have
        none); ``.get`` gives None for a column the period's results do not have, such as the coverage of a
        result finalized before it was kept."""
        if self._stored is None:
            return self.frame.loc[employee_id]
        graded = self._graded.get(employee_id)
        if graded is None:
            stored = self._stored[employee_id]  # type: ignore[index]
            graded = self._graded[employee_id] = {**stored, "grade": self._grade_name(stored.get("grade_code"))}
        return graded

    def column(self, name: str) -> list[Any]:
        if self._stored is None:
            return self.frame[name].tolist()
        if name == "grade":
            return [self._grade_name(row.get("grade_code")) for row in self._stored.values()]
        return [row.get(name) for row in self._stored.values()]

    def once(self, name: str, work_out: Callable[[ResultRows], T]) -> T:
        """A figure of these rows (department medians, sizes) worked out the first time it is asked for: each
        of 500 sheets asked it again, walking every row each time."""
        if name not in self._figures:
            self._figures[name] = work_out(self)
        return self._figures[name]

    def _grade_name(self, code: Any) -> str | None:
        assert self._grade_scale is not None
        return self._grade_scale.label(code) if isinstance(code, str) else None

    def subset(self, employee_ids: Sequence[int]) -> ResultRows:
        """The rows of ``employee_ids`` (all present), in the order given."""
        if self._stored is not None:
            return ResultRows(stored={e: self._stored[e] for e in employee_ids}, columns=self._columns,
                              grade_scale=self._grade_scale)
        return ResultRows(self.frame.loc[list(employee_ids)])


@dataclass
class PeriodScores:
    """A period's results: ``rows`` (one per employee, by employee id, sorted by staff number; ``frame`` is
    them as a data frame) and each KPI's explanation on demand."""

    period: Period
    status: PeriodStatus
    rows: ResultRows
    kpi_codes: tuple[str, ...]
    grade_scale: GradeScale
    source: str  # computed | snapshot
    snapshot_hash: str | None = None
    result: ScoringResult | None = field(default=None, repr=False)
    loaded: LoadedPeriod | None = field(default=None, repr=False)
    stored_explanations: dict[str, dict[str, dict]] | None = field(default=None, repr=False)
    # raw field code → (Chinese, English) name, so explanations name a missing field rather than its code
    field_names: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False)

    @property
    def frame(self) -> pd.DataFrame:
        return self.rows.frame

    def explain(self, employee_id: Hashable, code: str) -> Explanation | None:
        if self.result is not None:
            return self.result.explain(employee_id, code)
        data = (self.stored_explanations or {}).get(str(employee_id), {}).get(code)
        return None if data is None else Explanation.from_dict(data)

    def explanation_text(self, employee_id: Hashable, code: str, lang: str | None = None) -> str | None:
        explanation = self.explain(employee_id, code)
        return None if explanation is None else render_explanation(explanation, lang, self.field_names)

    def explanations(self, employee_id: Hashable) -> dict[str, Explanation]:
        row = self.rows.row(employee_id)
        codes = [c for c in self.kpi_codes if _present(row.get(f"{c}.status"))]
        return {code: explained for code in codes if (explained := self.explain(employee_id, code)) is not None}

    def kpis(self, employee_id: Hashable) -> dict[str, dict[str, Any]]:
        """``{code: {value, score, weight, weighted, status}}`` of the KPIs on the person's template."""
        row = self.rows.row(employee_id)
        out = {}
        for code in self.kpi_codes:
            status = row.get(f"{code}.status")
            if not _present(status):
                continue
            out[code] = {
                "value": _plain(row.get(f"{code}.value"), 4), "score": _plain(row.get(f"{code}.score"), 2),
                "weight": _plain(row.get(f"{code}.weight"), 4), "weighted": _plain(row.get(f"{code}.weighted"), 2),
                "status": str(status),
            }
        return out

    def for_another_thread(self) -> PeriodScores:
        """These results without the period's ORM rows (they stay with their session) and with their data
        frame built now: a window reading them on its own thread never waits for a finalized period's."""
        self.rows.frame  # noqa: B018 - built here, on the worker's thread
        return replace(self, loaded=None)

    def restricted_to(self, employee_ids: Sequence[int]) -> PeriodScores:
        """The same results with the rows of ``employee_ids`` only."""
        return replace(self, rows=self.rows.subset(employee_ids))


def _present(status: Any) -> bool:
    """Whether a KPI is on the person's template: its status is a name (missing is None, NaN or NA)."""
    return isinstance(status, str)


def _plain(value: Any, digits: int) -> float | None:
    number = float_or_none(value)
    return None if number is None else round_half_up_number(number, digits)


def resolve_period(period: str | Period) -> Period:
    try:
        return parse_period(period)
    except ValueError as exc:
        raise ValidationError(_("Not a period: {text}").format(text=period)) from exc


def _computed_frame(session: Session, loaded: LoadedPeriod, result: ScoringResult) -> pd.DataFrame:
    import pandas as pd

    tree = loaded.departments
    positions: dict[int | None, str] = dict(session.execute(select(m.Position.id, m.Position.name)).all())
    people = loaded.appraisees
    templates = loaded.templates
    index = result.frame.index

    def text(values) -> pd.Series:  # object dtype keeps None as None
        return pd.Series(values, index=index, dtype=object)

    person = {
        "staff_no": text([p.staff_no for p in people]),
        "name": text([p.name for p in people]),
        "department": text([tree.names.get(tree.top(p.department_id)) for p in people]),
        "team": text([tree.names.get(tree.team(p.department_id)) for p in people]),
        "department_id": pd.array([p.department_id for p in people], dtype="Int64"),
        "position": text([positions.get(p.position_id) for p in people]),
        "template": text([p.template_key for p in people]),
        "template_version": pd.array(
            [templates[p.template_key].row.version if p.template_key in templates else None for p in people],
            dtype="Int64"),
    }
    engine_frame = result.frame.drop(columns=["department", "template"])
    frame = pd.concat([pd.DataFrame(person, index=index), engine_frame], axis=1)
    return frame.sort_values("staff_no", kind="stable")


def _with_grade_labels(frame: pd.DataFrame, scale: GradeScale) -> pd.DataFrame:
    import pandas as pd

    labels = [scale.label(code) if isinstance(code, str) else None for code in frame["grade_code"]]
    position = frame.columns.get_loc("grade_code")
    frame = frame.copy()
    frame.insert(position, "grade", pd.Series(labels, index=frame.index, dtype=object))
    return frame


def _restrict(session: Session, scores: PeriodScores, actor: Actor, department: str | None) -> PeriodScores:
    """Keep the rows of ``department`` (with its teams) and the rows ``actor`` may read: a head their
    departments, an employee their own row once the results are released (in review or finalized)."""
    from kpidesk.services.safety import access

    employee_ids = scores.rows.employee_ids
    department_of = dict(zip(employee_ids, map(int_or_none, scores.rows.column("department_id")), strict=True))
    kept = employee_ids
    tree = None
    if department:
        tree = DepartmentTree.load(session)
        wanted = department.strip()
        matches = [dep_id for dep_id, name in tree.names.items() if name == wanted and dep_id is not None]
        if not matches:
            raise NotFound(_("No department named {name}").format(name=wanted))
        inside = tree.with_descendants(matches)
        kept = [e for e in kept if department_of[e] in inside]
    permission = access.Permission.RESULTS_READ
    own = access.own_employee_scope(actor)
    scope = access.department_scope(actor, permission)
    if own is not None:
        if scores.status not in (PeriodStatus.REVIEW, PeriodStatus.FINALIZED):
            raise PermissionDenied(_("Results of {period} are not released yet.").format(
                period=scores.period.code))
        kept = [e for e in kept if e == own]
    elif scope is not None:
        if not scope:
            access.require(actor, permission)
        inside = (tree or DepartmentTree.load(session)).with_descendants(scope)
        kept = [e for e in kept if department_of[e] in inside]
    return scores if len(kept) == len(employee_ids) else scores.restricted_to(kept)


def compute_scores(session: Session, actor: Actor, period: str | Period) -> PeriodScores:
    """Compute from the database (ignoring any snapshot): the appraisees of the period ``actor`` may see
    (ranks stay as computed over the whole organisation)."""
    return _restrict(session, _computed_scores(session, period), actor, None)


def _computed_scores(session: Session, period: str | Period) -> PeriodScores:
    """Every appraisee of the period, computed, for callers that scope the result themselves."""
    from kpidesk.domain import scoring as engine
    from kpidesk.services.appraisal.scoring_inputs import load_period

    target = resolve_period(period)
    if find_period_record(session, target.code) is None and target.kind is PeriodKind.MONTH:
        raise NotFound(_("Period {period} has not been opened.").format(period=target.code))
    loaded = load_period(session, target)
    if loaded.record is None and not loaded.months_used:
        raise NotFound(_("Period {period} has not been opened and none of its months has data.").format(
            period=target.code))
    result = engine.score_period(loaded.scoring_input)
    frame = _with_grade_labels(_computed_frame(session, loaded, result), loaded.grade_scale)
    status = loaded.record.status if loaded.record is not None else PeriodStatus.NOT_OPENED
    return PeriodScores(target, status, ResultRows(frame), result.codes, loaded.grade_scale, "computed", None,
                        result, loaded)


def scores_from_snapshot(snapshot: m.Snapshot, period: Period):
    """``PeriodScores`` exactly as finalized, read back from a snapshot :func:`checked_snapshot` gave (which
    verified its hash: checking it again cost a 5,000-person period another half second)."""
    content = snapshot.content
    scale = GradeScale.from_dict(content["grade_scale"])
    return PeriodScores(period, PeriodStatus.FINALIZED, ResultRows.from_snapshot(content, scale),
                        tuple(content["kpi_codes"]), scale, "snapshot", snapshot.content_hash,
                        stored_explanations=content["explanations"])


def organisation_scores(session: Session, period: str | Period) -> PeriodScores:
    """Every appraisee's results, unrestricted (a finalized period from its snapshot, others computed): for
    computations over the whole organisation, such as pay, that restrict what they show afterwards."""
    target = resolve_period(period)
    record = find_period_record(session, target.code)
    snapshot = checked_snapshot(session, record) \
        if record is not None and record.status == PeriodStatus.FINALIZED else None
    scores = scores_from_snapshot(snapshot, target) if snapshot is not None else _computed_scores(session, target)
    scores.field_names = raw_field_names(session)
    return scores


def raw_field_names(session: Session) -> dict[str, tuple[str, str]]:
    return {code: (zh or "", en or "") for code, zh, en in session.execute(
        select(m.RawField.code, m.RawField.name_zh, m.RawField.name_en))}


def period_scores(
    session: Session, period: str | Period, *, department: str | None = None, actor: Actor
) -> PeriodScores:
    """The period's results as ``actor`` may see them; ``department`` (a department or team name) keeps its
    people and their teams', ranks stay as computed over the whole organisation."""
    return _restrict(session, organisation_scores(session, period), actor, department)


def compute_period(
    session: Session, period: str | Period, *, department: str | None = None, actor: Actor
) -> pd.DataFrame:
    """One row per employee: each KPI's ``value/score/weight/weighted/status``, totals, grades, ranks, flags.
    Explanations are available through ``period_scores(...).explain``."""
    return period_scores(session, period, department=department, actor=actor).frame


def score_records(scores: PeriodScores) -> list[dict[str, Any]]:
    """The results as plain data sorted by staff number (the CLI's JSON shape)."""
    frame = scores.frame.sort_values("staff_no", kind="stable")
    records = []
    for employee_id, row in frame.iterrows():
        records.append({
            "staff_no": row["staff_no"],
            "name": row["name"],
            "department": row["department"],
            "team": row["team"],
            "quantitative": _plain(row["quantitative"], 2),
            "qualitative": _plain(row["qualitative"], 2),
            "adjustments": _plain(row["adjustments"], 2),
            "total": _plain(row["total"], 2),
            "grade": row["grade"],
            "grade_code": row["grade_code"],
            "grade_computed": row["grade_computed"],
            "rank_department": int_or_none(row["rank_department"]),
            "rank_organisation": int_or_none(row["rank_organisation"]),
            "flags": list(row["flags"] or ()),
            # a snapshot finalized before coverage existed has none: null
            "coverage": _plain(row.get("coverage"), 4),
            "kpi_coverage": _plain(row.get("kpi_coverage"), 4),
            "qualitative_included": bool_or_none(row.get("qualitative_included")),
            "kpis": {code: {k: v for k, v in item.items() if k != "weighted"}
                     for code, item in scores.kpis(employee_id).items()},
        })
    return records
