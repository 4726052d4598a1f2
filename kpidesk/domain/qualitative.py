"""The qualitative part as the scoring engine receives it.

The combining itself (criteria by weight, raters by role weight, peers only from three answers, absent
raters re-normalised) is done by ``kpidesk.domain.forms.combine_raters``, from each form's own rating scale;
these types carry its outcome into the engine and the snapshot.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


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

    def to_dict(self) -> dict[str, Any]:
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

    def to_dict(self) -> dict[str, Any]:
        return {"score": self.score, "forms": [f.to_dict() for f in self.forms],
                "missing_forms": list(self.missing_forms)}
