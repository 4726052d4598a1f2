"""Qualitative appraisal forms: criteria rated on a scale of levels with behaviour anchors.

A form's rating scale is the one source of a level's points; the scoring engine asks the form, never a
table of its own. Forms are pinned into a database as the plain dictionary of ``form_to_dict`` so that a
finalized appraisal keeps the form it was filled with, whatever happens to the file later.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from kpidesk.domain.canonical import canonical_hash


class RaterRole(StrEnum):
    SELF = "self"
    MANAGER = "manager"
    PEER = "peer"
    HR = "hr"


#: How the raters' scores are combined unless a form or template says otherwise.
DEFAULT_RATER_WEIGHTS: Mapping[RaterRole, Decimal] = {
    RaterRole.MANAGER: Decimal(70),
    RaterRole.SELF: Decimal(30),
    RaterRole.PEER: Decimal(0),
    RaterRole.HR: Decimal(0),
}
#: Peers count (and a peer average is shown) only when at least this many answered.
DEFAULT_MIN_PEERS = 3
#: Scores are kept to 4 decimal places (as the database stores them); totals are rounded later.
SCORE_QUANTUM = Decimal("0.0001")
#: Self and manager this many levels apart on a criterion are flagged for the review meeting.
DISAGREEMENT_GAP = 2

COMMENT_EXTREMES = "extremes"
COMMENT_ALWAYS = "always"
COMMENT_NEVER = "never"


@dataclass(frozen=True)
class Text:
    """A bilingual text; either language may be empty and then the other one is shown."""

    zh: str = ""
    en: str = ""

    def pick(self, language: str) -> str:
        if language.lower().startswith("zh"):
            return self.zh or self.en
        return self.en or self.zh

    def __bool__(self) -> bool:
        return bool(self.zh or self.en)


@dataclass(frozen=True)
class Level:
    id: str
    points: Decimal
    label: Text


def _normalise(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip().casefold()


def _as_decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


@dataclass(frozen=True)
class Scale:
    """The levels of a rating scale, best first (ordered by points, highest first)."""

    levels: tuple[Level, ...]

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.levels, key=lambda level: level.points, reverse=True))
        object.__setattr__(self, "levels", ordered)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(level.id for level in self.levels)

    @property
    def highest(self) -> Level:
        return self.levels[0]

    @property
    def lowest(self) -> Level:
        return self.levels[-1]

    def level(self, level_id: str) -> Level:
        for level in self.levels:
            if level.id == level_id:
                return level
        raise KeyError(level_id)

    def points(self, level_id: str) -> Decimal:
        return self.level(level_id).points

    def rank(self, level_id: str) -> int:
        """0 for the best level, 1 for the next … (the distance used for disagreements)."""
        return self.ids.index(level_id)

    def find_level(self, value: Any) -> Level | None:
        """The level written as its id, its Chinese or English label, or its points; None if none fits."""
        if value is None:
            return None
        if not isinstance(value, (int, float, Decimal)) or isinstance(value, bool):
            wanted = _normalise(str(value))
            if not wanted:
                return None
            for level in self.levels:
                names = (level.id, level.label.zh, level.label.en)
                if any(name and _normalise(name) == wanted for name in names):
                    return level
        number = _as_decimal(value)
        if number is None:
            return None
        for level in self.levels:
            if level.points == number:
                return level
        return None


DEFAULT_SCALE = Scale(
    (
        Level("excellent", Decimal(100), Text("优秀", "Excellent")),
        Level("good", Decimal(85), Text("良好", "Good")),
        Level("fair", Decimal(70), Text("一般", "Fair")),
        Level("poor", Decimal(50), Text("差", "Poor")),
    )
)


@dataclass(frozen=True)
class Criterion:
    id: str
    title: Text
    weight: Decimal
    description: Text = Text()
    #: What each level looks like for this criterion, by level id.
    anchors: Mapping[str, Text] = field(default_factory=dict)
    #: Levels that need a comment on this criterion; None means the form's rule.
    comment_required: frozenset[str] | None = None


@dataclass(frozen=True)
class Section:
    """A free-text part of the form (strengths, areas to improve, goals for next period)."""

    id: str
    title: Text
    hint: Text = Text()
    #: Who writes it; empty means every rater of the form.
    raters: tuple[RaterRole, ...] = ()


@dataclass(frozen=True)
class Form:
    id: str
    version: int
    title: Text
    criteria: tuple[Criterion, ...]
    scale: Scale = DEFAULT_SCALE
    instructions: Text = Text()
    raters: tuple[RaterRole, ...] = (RaterRole.SELF, RaterRole.MANAGER)
    rater_weights: Mapping[RaterRole, Decimal] = field(default_factory=lambda: dict(DEFAULT_RATER_WEIGHTS))
    min_peers: int = DEFAULT_MIN_PEERS
    #: Levels that need a comment on every criterion; None means the highest and the lowest level.
    comment_required: frozenset[str] | None = None
    sections: tuple[Section, ...] = ()

    def criterion(self, criterion_id: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        raise KeyError(criterion_id)

    @property
    def criterion_ids(self) -> tuple[str, ...]:
        return tuple(criterion.id for criterion in self.criteria)

    @property
    def total_weight(self) -> Decimal:
        return sum((criterion.weight for criterion in self.criteria), Decimal(0))

    def comment_levels(self, criterion_id: str) -> frozenset[str]:
        """The levels of ``criterion_id`` whose rating must be explained in a comment."""
        own = self.criterion(criterion_id).comment_required
        if own is not None:
            return own
        if self.comment_required is not None:
            return self.comment_required
        return frozenset({self.scale.highest.id, self.scale.lowest.id})

    def requires_comment(self, criterion_id: str, level_id: str) -> bool:
        return level_id in self.comment_levels(criterion_id)

    def sections_for(self, role: RaterRole) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if not s.raters or role in s.raters)


def resolve_comment_rule(rule: str | Iterable[str], scale: Scale) -> frozenset[str]:
    """Turn ``extremes`` / ``always`` / ``never`` or a list of level ids into the set of level ids."""
    if isinstance(rule, str):
        if rule == COMMENT_EXTREMES:
            return frozenset({scale.highest.id, scale.lowest.id})
        if rule == COMMENT_ALWAYS:
            return frozenset(scale.ids)
        if rule == COMMENT_NEVER:
            return frozenset()
        raise ValueError(rule)
    return frozenset(rule)


# --- checking one rater's answers -------------------------------------------------------------------


@dataclass(frozen=True)
class ResponseIssue:
    """Something wrong with a response; ``template`` is an English message to translate, then format."""

    criterion_id: str | None
    code: str
    template: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def message(self, translate: Callable[[str], str] = lambda text: text) -> str:
        return translate(self.template).format(**self.params)


def check_response(
    form: Form,
    levels: Mapping[str, str | None],
    comments: Mapping[str, str | None] | None = None,
    *,
    complete: bool = True,
) -> list[ResponseIssue]:
    """Problems that block saving (unknown criteria or levels) and, when ``complete``, submitting
    (an unrated criterion, a missing required comment)."""
    comments = comments or {}
    issues: list[ResponseIssue] = []
    known = set(form.criterion_ids)
    for criterion_id in list(levels) + [c for c in comments if c not in levels]:
        if criterion_id not in known:
            issues.append(
                ResponseIssue(
                    criterion_id,
                    "unknown_criterion",
                    'unknown criterion "{criterion}"',
                    {"criterion": criterion_id},
                )
            )
    for criterion in form.criteria:
        level_id = levels.get(criterion.id)
        if level_id is None:
            if complete:
                issues.append(
                    ResponseIssue(
                        criterion.id, "not_rated", '"{criterion}" is not rated', {"criterion": criterion.id}
                    )
                )
            continue
        if level_id not in form.scale.ids:
            issues.append(
                ResponseIssue(
                    criterion.id,
                    "unknown_level",
                    'unknown level "{level}" for "{criterion}"; the levels are {levels}',
                    {"level": level_id, "criterion": criterion.id, "levels": ", ".join(form.scale.ids)},
                )
            )
            continue
        comment = (comments.get(criterion.id) or "").strip()
        if complete and not comment and form.requires_comment(criterion.id, level_id):
            issues.append(
                ResponseIssue(
                    criterion.id,
                    "comment_required",
                    '"{criterion}" rated "{level}" needs a comment',
                    {"criterion": criterion.id, "level": level_id},
                )
            )
    return issues


# --- combining raters ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RaterResponse:
    """One rater's levels by criterion id. ``rater`` is an opaque key, never a peer's name."""

    role: RaterRole
    levels: Mapping[str, str]
    rater: str | None = None


@dataclass(frozen=True)
class RoleScore:
    """The part one kind of rater plays in a form's score.

    ``reason`` says why a role did not count: ``no_response``, ``too_few_peers`` or ``zero_weight``.
    A peer score is None (not shown) whenever fewer than the minimum number of peers answered.
    """

    role: RaterRole
    weight: Decimal
    raters: int
    score: Decimal | None
    counted: bool
    reason: str | None = None
    criterion_points: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class Disagreement:
    criterion_id: str
    self_level: str
    manager_level: str
    gap: int


@dataclass(frozen=True)
class FormScore:
    form_id: str
    form_version: int
    #: Weighted over the roles that counted; None when no role with a weight answered.
    score: Decimal | None
    roles: tuple[RoleScore, ...]
    disagreements: tuple[Disagreement, ...] = ()

    @property
    def excluded(self) -> tuple[RoleScore, ...]:
        """Roles that had a weight but did not count; their weight went to the others."""
        return tuple(r for r in self.roles if r.weight > 0 and not r.counted)

    @property
    def renormalised(self) -> bool:
        return self.score is not None and bool(self.excluded)

    @property
    def flagged(self) -> bool:
        return bool(self.disagreements)

    def role(self, role: RaterRole) -> RoleScore:
        for item in self.roles:
            if item.role == role:
                return item
        raise KeyError(role)


def _round(value: Decimal) -> Decimal:
    return value.quantize(SCORE_QUANTUM, rounding=ROUND_HALF_UP)


def rater_score(form: Form, levels: Mapping[str, str]) -> Decimal | None:
    """Weighted mean of the criteria's points (4 places); unrated criteria are left out, weights re-normalised."""
    total = weight = Decimal(0)
    for criterion in form.criteria:
        level_id = levels.get(criterion.id)
        if level_id is None or level_id not in form.scale.ids:
            continue
        total += criterion.weight * form.scale.points(level_id)
        weight += criterion.weight
    return _round(total / weight) if weight else None


def _mean(values: list[Decimal]) -> Decimal | None:
    return _round(sum(values, Decimal(0)) / len(values)) if values else None


def _criterion_means(form: Form, responses: list[RaterResponse]) -> dict[str, Decimal]:
    means: dict[str, Decimal] = {}
    for criterion in form.criteria:
        points = [
            form.scale.points(r.levels[criterion.id])
            for r in responses
            if r.levels.get(criterion.id) in form.scale.ids
        ]
        mean = _mean(points)
        if mean is not None:
            means[criterion.id] = mean
    return means


def find_disagreements(
    form: Form, self_levels: Mapping[str, str], manager_levels: Mapping[str, str], gap: int = DISAGREEMENT_GAP
) -> tuple[Disagreement, ...]:
    """Criteria where the self assessment and the manager's are ``gap`` or more levels apart."""
    found = []
    for criterion in form.criteria:
        mine, theirs = self_levels.get(criterion.id), manager_levels.get(criterion.id)
        if mine not in form.scale.ids or theirs not in form.scale.ids:
            continue
        distance = abs(form.scale.rank(mine) - form.scale.rank(theirs))
        if distance >= gap:
            found.append(Disagreement(criterion.id, mine, theirs, distance))
    return tuple(found)


def combine_raters(
    form: Form,
    responses: Iterable[RaterResponse],
    weights: Mapping[RaterRole | str, Any] | None = None,
    min_peers: int | None = None,
) -> FormScore:
    """One form's qualitative score for one employee from the submitted responses of every rater.

    Each rater's score is the weighted mean of the criteria; raters of one role are averaged; roles are
    combined by ``weights`` (the form's, else manager 70 / self 30). A role with a weight but no answer — or
    peers fewer than ``min_peers`` — is left out and the other weights re-normalised, never counted as 0.
    """
    chosen = {RaterRole(role): _as_decimal(value) or Decimal(0) for role, value in (weights or {}).items()}
    role_weights = {role: chosen.get(role, form.rater_weights.get(role, Decimal(0))) for role in RaterRole}
    needed_peers = form.min_peers if min_peers is None else min_peers
    by_role: dict[RaterRole, list[RaterResponse]] = {role: [] for role in RaterRole}
    for response in responses:
        by_role[RaterRole(response.role)].append(response)

    roles: list[RoleScore] = []
    for role in RaterRole:
        answered = by_role[role]
        scores = [s for s in (rater_score(form, r.levels) for r in answered) if s is not None]
        score = _mean(scores)
        points = _criterion_means(form, answered)
        reason = None
        if not scores:
            reason = "no_response"
        elif role is RaterRole.PEER and len(scores) < needed_peers:
            reason, score, points = "too_few_peers", None, {}
        elif role_weights[role] <= 0:
            reason = "zero_weight"
        roles.append(RoleScore(role, role_weights[role], len(scores), score, reason is None, reason, points))

    counted = [r for r in roles if r.counted]
    weight = sum((r.weight for r in counted), Decimal(0))
    total = sum((r.weight * r.score for r in counted if r.score is not None), Decimal(0))
    disagreements: tuple[Disagreement, ...] = ()
    if by_role[RaterRole.SELF] and by_role[RaterRole.MANAGER]:
        mine = by_role[RaterRole.SELF][0].levels
        worst: dict[str, Disagreement] = {}
        for manager in by_role[RaterRole.MANAGER]:
            for item in find_disagreements(form, mine, manager.levels):
                if item.criterion_id not in worst or item.gap > worst[item.criterion_id].gap:
                    worst[item.criterion_id] = item
        disagreements = tuple(worst[c] for c in form.criterion_ids if c in worst)
    score = _round(total / weight) if weight else None
    return FormScore(form.id, form.version, score, tuple(roles), disagreements)


# --- pinned copies ------------------------------------------------------------------------------------

DICT_SCHEMA = 1


def _number(value: Decimal) -> int | str:
    return int(value) if value == value.to_integral_value() else str(value.normalize())


def _text(text: Text) -> dict[str, str]:
    return {"zh": text.zh, "en": text.en}


def form_to_dict(form: Form) -> dict[str, Any]:
    """A JSON-ready copy of the whole form, stable for hashing (numbers as int or decimal text)."""
    return {
        "schema": DICT_SCHEMA,
        "id": form.id,
        "version": form.version,
        "title": _text(form.title),
        "instructions": _text(form.instructions),
        "raters": [role.value for role in form.raters],
        "rater_weights": {role.value: _number(w) for role, w in sorted(form.rater_weights.items())},
        "min_peers": form.min_peers,
        "comment_required": None if form.comment_required is None else sorted(form.comment_required),
        "scale": [
            {"id": level.id, "points": _number(level.points), "label": _text(level.label)}
            for level in form.scale.levels
        ],
        "criteria": [
            {
                "id": c.id,
                "title": _text(c.title),
                "description": _text(c.description),
                "weight": _number(c.weight),
                "anchors": {level: _text(text) for level, text in c.anchors.items()},
                "comment_required": None if c.comment_required is None else sorted(c.comment_required),
            }
            for c in form.criteria
        ],
        "sections": [
            {
                "id": s.id,
                "title": _text(s.title),
                "hint": _text(s.hint),
                "raters": [r.value for r in s.raters],
            }
            for s in form.sections
        ],
    }


def _text_from(data: Mapping[str, Any] | None) -> Text:
    data = data or {}
    return Text(data.get("zh") or "", data.get("en") or "")


def _levels_from(data: Iterable[str] | None) -> frozenset[str] | None:
    return None if data is None else frozenset(data)


def form_from_dict(data: Mapping[str, Any]) -> Form:
    """Rebuild a form from ``form_to_dict`` output (a pinned copy read back from the database)."""
    if data.get("schema", DICT_SCHEMA) > DICT_SCHEMA:
        raise ValueError(f"form copy written by a newer version (schema {data['schema']})")
    return Form(
        id=data["id"],
        version=int(data["version"]),
        title=_text_from(data.get("title")),
        instructions=_text_from(data.get("instructions")),
        raters=tuple(RaterRole(r) for r in data.get("raters", ("self", "manager"))),
        rater_weights={RaterRole(r): Decimal(str(w)) for r, w in data.get("rater_weights", {}).items()}
        or dict(DEFAULT_RATER_WEIGHTS),
        min_peers=int(data.get("min_peers", DEFAULT_MIN_PEERS)),
        comment_required=_levels_from(data.get("comment_required")),
        scale=Scale(
            tuple(
                Level(level["id"], Decimal(str(level["points"])), _text_from(level.get("label")))
                for level in data["scale"]
            )
        ),
        criteria=tuple(
            Criterion(
                id=c["id"],
                title=_text_from(c.get("title")),
                weight=Decimal(str(c["weight"])),
                description=_text_from(c.get("description")),
                anchors={level: _text_from(text) for level, text in c.get("anchors", {}).items()},
                comment_required=_levels_from(c.get("comment_required")),
            )
            for c in data["criteria"]
        ),
        sections=tuple(
            Section(
                s["id"],
                _text_from(s.get("title")),
                _text_from(s.get("hint")),
                tuple(RaterRole(r) for r in s.get("raters", ())),
            )
            for s in data.get("sections", ())
        ),
    )


def form_fingerprint(form: Form) -> str:
    """SHA-256 of the canonical JSON copy: equal for equal content, whatever the file's layout."""
    return canonical_hash(form_to_dict(form))
