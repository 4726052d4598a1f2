"""The organisation's pay rules: coefficient, commission, bonuses and allowances — versioned by period.

Pay = base pay × performance coefficient + commission + bonus + allowances (底薪×KPI百分比+业绩提成+奖金+餐补).
Rules belong to the organisation and may be overridden per position (a partial set of the same keys);
each version is in force from its period's first day until the next version starts, so a finalized
period's pay is always recomputed with the rules it was paid under.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from kpidesk.domain.commission import CommissionTable
from kpidesk.domain.money import CENT, COEFFICIENT_PLACES, ZERO, money, to_decimal
from kpidesk.domain.periods import Period, PeriodKind, PeriodParseError, parse_period
from kpidesk.errors import ValidationError
from kpidesk.i18n import _, pick


class CoefficientSource(StrEnum):
    GRADE = "grade"  # a fixed coefficient per grade
    SCORE = "score"  # total ÷ divisor, within floor and cap


DEFAULT_GRADE_COEFFICIENTS: Mapping[str, Decimal] = {
    "excellent": Decimal("1.2"), "good": Decimal("1.0"), "fair": Decimal("0.8"), "poor": Decimal("0.6"),
}


@dataclass(frozen=True)
class Coefficient:
    """A performance coefficient and how it was reached (the data behind its explanation)."""

    value: Decimal
    source: str  # grade | score | fallback
    grade: str | None = None
    total: Decimal | None = None
    divisor: Decimal | None = None
    limited: str | None = None  # "cap" or "floor" when the score-based value was clipped
    limit: Decimal | None = None
    reason: str | None = None  # fallback: no_result | unknown_grade


@dataclass(frozen=True)
class CoefficientRule:
    source: CoefficientSource = CoefficientSource.GRADE
    by_grade: Mapping[str, Decimal] = field(default_factory=lambda: dict(DEFAULT_GRADE_COEFFICIENTS))
    divisor: Decimal = Decimal(100)
    cap: Decimal | None = Decimal("1.2")
    floor: Decimal = ZERO
    fallback: Decimal = Decimal(1)  # for someone without a grade or total (e.g. joined too late)

    def __post_init__(self) -> None:
        object.__setattr__(self, "source", CoefficientSource(self.source))
        if any(v < 0 for v in self.by_grade.values()) or self.fallback < 0 or self.floor < 0:
            raise ValidationError(_("a performance coefficient cannot be negative"))
        if self.divisor <= 0:
            raise ValidationError(_("the score divisor must be above zero"))
        if self.cap is not None and self.cap < self.floor:
            raise ValidationError(_("the coefficient cap must not be below its floor"))

    def coefficient(self, grade: str | None, total: Decimal | float | None) -> Coefficient:
        if self.source is CoefficientSource.GRADE:
            if grade is None:
                return Coefficient(self.fallback, "fallback", reason="no_result")
            if grade not in self.by_grade:
                return Coefficient(self.fallback, "fallback", grade=grade, reason="unknown_grade")
            return Coefficient(self.by_grade[grade], "grade", grade=grade)
        score = to_decimal(total)
        if score is None:
            return Coefficient(self.fallback, "fallback", grade=grade, reason="no_result")
        score = score.quantize(CENT, rounding=ROUND_HALF_UP)
        raw = (score / self.divisor).quantize(COEFFICIENT_PLACES, rounding=ROUND_HALF_UP)
        value, limited, limit = raw, None, None
        if self.cap is not None and raw > self.cap:
            value, limited, limit = self.cap, "cap", self.cap
        elif raw < self.floor:
            value, limited, limit = self.floor, "floor", self.floor
        return Coefficient(value, "score", grade=grade, total=score, divisor=self.divisor, limited=limited,
                           limit=limit)

    def to_dict(self) -> dict[str, Any]:
        return {"source": str(self.source), "by_grade": {k: str(v) for k, v in self.by_grade.items()},
                "divisor": str(self.divisor), "cap": None if self.cap is None else str(self.cap),
                "floor": str(self.floor), "fallback": str(self.fallback)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CoefficientRule:
        default = cls()
        by_grade = data.get("by_grade")
        return cls(
            CoefficientSource(data.get("source", "grade")),
            {str(k): to_decimal(v) for k, v in by_grade.items()} if by_grade is not None else default.by_grade,
            to_decimal(data.get("divisor", default.divisor)),
            to_decimal(data["cap"]) if "cap" in data else default.cap,
            to_decimal(data.get("floor", default.floor)),
            to_decimal(data.get("fallback", default.fallback)),
        )


@dataclass(frozen=True)
class Allowance:
    """A fixed monthly amount such as the meal allowance (餐补)."""

    code: str
    amount: Decimal
    label_zh: str = ""
    label_en: str = ""

    def label(self) -> str:
        return pick(self.label_zh, self.label_en) or self.code

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "amount": str(self.amount), "zh": self.label_zh, "en": self.label_en}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Allowance:
        return cls(str(data["code"]), money(data.get("amount", 0)), str(data.get("zh", "")), str(data.get("en", "")))


@dataclass(frozen=True)
class StreakBonus:
    """A one-off bonus for a streak flag from the scoring engine (e.g. three months first and Excellent).

    "One-off" means once per completed run: with the run's length known, the bonus is paid when the run
    reaches ``length``, 2 × ``length`` … periods — not again every period the run goes on."""

    flag: str = "reward_streak"
    amount: Decimal = Decimal("200.00")
    length: int = 3

    def due(self, flags: frozenset[str], run: int | None) -> bool:
        if self.flag not in flags:
            return False
        return run is None or (run >= self.length and run % self.length == 0)

    def to_dict(self) -> dict[str, Any]:
        return {"flag": self.flag, "amount": str(self.amount), "length": self.length}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StreakBonus:
        return cls(str(data.get("flag", "reward_streak")), money(data.get("amount", "200")), int(data.get("length", 3)))


_RULE_KEYS = ("coefficient", "commission", "allowances", "streak_bonus", "withhold_flag")


@dataclass(frozen=True)
class PayRules:
    coefficient: CoefficientRule = field(default_factory=CoefficientRule)
    commission: CommissionTable | None = None
    allowances: tuple[Allowance, ...] = ()
    streak_bonus: StreakBonus | None = field(default_factory=StreakBonus)
    withhold_flag: str | None = "improvement_plan"  # this flag zeroes the bonus and marks the payroll line
    positions: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # partial overrides by position

    def __post_init__(self) -> None:
        for position in self.positions:
            self.for_position(position)  # an override that does not parse is refused when saved

    def for_position(self, position: str | None) -> PayRules:
        """The rules for one position: the organisation's, with that position's keys replaced."""
        override = self.positions.get(position or "") if position else None
        if not override:
            return self if not self.positions else replace(self, positions={})
        unknown = set(override) - set(_RULE_KEYS)
        if unknown:
            raise ValidationError(_("unknown pay rule keys for position {position}: {keys}").format(
                position=position, keys=", ".join(sorted(unknown))))
        merged = {**self.to_dict(), **override, "positions": {}}
        return PayRules.from_dict(merged)

    def with_grade_coefficients(self, by_grade: Mapping[str, Decimal | str | float]) -> PayRules:
        """A what-if copy with other per-grade coefficients (the organisation's and every position's)."""
        values = {k: str(to_decimal(v)) for k, v in by_grade.items()}
        coefficient = replace(self.coefficient, by_grade={k: Decimal(v) for k, v in values.items()})
        positions = {}
        for name, override in self.positions.items():
            changed = dict(override)
            if "coefficient" in changed:
                changed["coefficient"] = {**changed["coefficient"], "by_grade": values}
            positions[name] = changed
        return replace(self, coefficient=coefficient, positions=positions)

    def with_coefficient_rule(self, rule: CoefficientRule) -> PayRules:
        """A what-if copy with another coefficient rule everywhere (position overrides of it dropped)."""
        positions = {n: {k: v for k, v in o.items() if k != "coefficient"} for n, o in self.positions.items()}
        return replace(self, coefficient=rule, positions=positions)

    def to_dict(self) -> dict[str, Any]:
        return {
            "coefficient": self.coefficient.to_dict(),
            "commission": None if self.commission is None else self.commission.to_dict(),
            "allowances": [a.to_dict() for a in self.allowances],
            "streak_bonus": None if self.streak_bonus is None else self.streak_bonus.to_dict(),
            "withhold_flag": self.withhold_flag,
            "positions": {k: dict(v) for k, v in self.positions.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PayRules:
        commission = data.get("commission")
        streak = data.get("streak_bonus", StreakBonus().to_dict())
        return cls(
            CoefficientRule.from_dict(data.get("coefficient") or {}),
            CommissionTable.from_dict(commission) if commission else None,
            tuple(Allowance.from_dict(a) for a in data.get("allowances") or ()),
            StreakBonus.from_dict(streak) if streak else None,
            data.get("withhold_flag", "improvement_plan"),
            {str(k): dict(v) for k, v in (data.get("positions") or {}).items()},
        )


@dataclass(frozen=True)
class PayRuleVersion:
    effective_from: Period
    rules: PayRules
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"effective_from": self.effective_from.code, "note": self.note, "rules": self.rules.to_dict()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PayRuleVersion:
        try:
            start = parse_period(str(data["effective_from"]))
        except (KeyError, PeriodParseError):
            raise ValidationError(_("a pay rule version needs the period it takes effect from")) from None
        return cls(start, PayRules.from_dict(data.get("rules") or {}), str(data.get("note", "")))


@dataclass(frozen=True)
class PayRuleBook:
    """Every version of the pay rules, oldest first; a period is paid under the latest version that
    started on or before the period's first day."""

    versions: tuple[PayRuleVersion, ...]

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.versions, key=lambda v: v.effective_from.start))
        starts = [v.effective_from.start for v in ordered]
        if len(set(starts)) != len(starts):
            raise ValidationError(_("two pay rule versions take effect on the same day"))
        object.__setattr__(self, "versions", ordered)

    def version_for(self, period: Period) -> PayRuleVersion:
        chosen = None
        for version in self.versions:
            if version.effective_from.start <= period.start:
                chosen = version
        if chosen is None:
            raise ValidationError(_("no pay rules are in force for {period}").format(period=period.code))
        return chosen

    def in_force(self, period: Period) -> PayRules:
        return self.version_for(period).rules

    def with_version(self, version: PayRuleVersion) -> PayRuleBook:
        """A new book with ``version`` added, replacing one that starts the same day."""
        kept = tuple(v for v in self.versions if v.effective_from.start != version.effective_from.start)
        return PayRuleBook((*kept, version))

    def to_dict(self) -> dict[str, Any]:
        return {"versions": [v.to_dict() for v in self.versions]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> PayRuleBook:
        items = data.get("versions", ()) if isinstance(data, Mapping) else data
        return cls(tuple(PayRuleVersion.from_dict(v) for v in items))


DEFAULT_RULE_BOOK = PayRuleBook((PayRuleVersion(Period(1900, PeriodKind.YEAR), PayRules()),))
