"""Combining qualitative form ratings into one qualitative score.

Points per criterion are already looked up from the form's own rating scale (the forms module is the one
source of a level's points). Per form: each rater's weighted mean over the criteria they answered; raters
are combined by role weights (manager 70 / self 30 by default; peer and HR 0 unless configured, peers
only when at least three answered). A role that should count but is absent is left out and the others
re-normalised — never averaged in as 0 — and the result says which one and why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class RaterRole(StrEnum):
    SELF = "self"
    MANAGER = "manager"
    PEER = "peer"
    HR = "hr"


DEFAULT_RATER_WEIGHTS: Mapping[str, float] = {"manager": 70.0, "self": 30.0, "peer": 0.0, "hr": 0.0}
MIN_PEERS = 3


@dataclass(frozen=True)
class RaterWeights:
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_RATER_WEIGHTS))
    min_peers: int = MIN_PEERS

    def weight(self, role: str) -> float:
        return float(self.weights.get(role, 0.0))


@dataclass(frozen=True)
class Rating:
    """One rater's answers on one form: criterion id → points."""

    role: str
    points: Mapping[str, float]


@dataclass(frozen=True)
class Absence:
    role: str
    reason: str  # "no_response" | "too_few_peers"
    count: int = 0


@dataclass(frozen=True)
class FormScore:
    form: str
    score: float | None
    components: Mapping[str, float]  # role → that role's score (peers averaged)
    weights_used: Mapping[str, float]  # role → weight actually applied, re-normalised to 100
    absent: tuple[Absence, ...] = ()

    def to_dict(self) -> dict:
        return {
            "form": self.form, "score": self.score, "components": dict(self.components),
            "weights_used": dict(self.weights_used),
            "absent": [{"role": a.role, "reason": a.reason, "count": a.count} for a in self.absent],
        }


@dataclass(frozen=True)
class QualitativeResult:
    score: float | None
    forms: tuple[FormScore, ...] = ()
    missing_forms: tuple[str, ...] = ()

    @property
    def partial(self) -> bool:
        return bool(self.missing_forms) or any(f.absent for f in self.forms)

    def to_dict(self) -> dict:
        return {"score": self.score, "forms": [f.to_dict() for f in self.forms],
                "missing_forms": list(self.missing_forms)}


def score_response(criteria_weights: Mapping[str, float], points: Mapping[str, float]) -> float | None:
    """Weighted mean of the answered criteria (weights of unanswered ones re-normalised away)."""
    total = 0.0
    weight = 0.0
    for criterion, w in criteria_weights.items():
        value = points.get(criterion)
        if value is None:
            continue
        total += float(w) * float(value)
        weight += float(w)
    return total / weight if weight > 0 else None


def combine_raters(
    criteria_weights: Mapping[str, float],
    ratings: Sequence[Rating],
    rater_weights: RaterWeights | None = None,
    form: str = "",
) -> FormScore:
    """One form's score for one employee from every rater's answers."""
    rater_weights = rater_weights or RaterWeights()
    per_role: dict[str, list[float]] = {}
    for rating in ratings:
        value = score_response(criteria_weights, rating.points)
        if value is not None:
            per_role.setdefault(str(rating.role), []).append(value)
    components: dict[str, float] = {}
    absent: list[Absence] = []
    roles = [r for r in dict.fromkeys([*rater_weights.weights, *per_role]) if rater_weights.weight(r) > 0]
    for role in roles:
        answers = per_role.get(role, [])
        if not answers:
            absent.append(Absence(role, "no_response"))
        elif role == RaterRole.PEER and len(answers) < rater_weights.min_peers:
            absent.append(Absence(role, "too_few_peers", len(answers)))
        else:
            components[role] = sum(answers) / len(answers)
    weight_sum = sum(rater_weights.weight(r) for r in components)
    if weight_sum <= 0:
        return FormScore(form, None, components, {}, tuple(absent))
    used = {r: rater_weights.weight(r) / weight_sum * 100.0 for r in components}
    score = sum(components[r] * used[r] for r in components) / 100.0
    return FormScore(form, score, components, used, tuple(absent))


def combine_forms(form_scores: Sequence[FormScore], shares: Mapping[str, float] | None = None) -> QualitativeResult:
    """The qualitative score over several forms by their share (equal shares by default)."""
    counted = [f for f in form_scores if f.score is not None]
    missing = tuple(f.form for f in form_scores if f.score is None)
    if not counted:
        return QualitativeResult(None, tuple(form_scores), missing)
    weights = [float(shares.get(f.form, 0.0)) if shares else 1.0 for f in counted]
    total = sum(weights)
    if total <= 0:
        return QualitativeResult(None, tuple(form_scores), missing)
    score = sum(f.score * w for f, w in zip(counted, weights, strict=True)) / total
    return QualitativeResult(score, tuple(form_scores), missing)
