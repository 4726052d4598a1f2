"""Tiered commission (业绩提成) on a sales-like figure, in the two styles the handbooks use.

A table is a list of brackets, each "up to" an inclusive upper limit (the last one has none), with a rate
in percent and an optional fixed add-on. The handbook's table reads

    up to 40,000: 1% · up to 60,000: 2% + 200 · up to 80,000: 3% + 300 · above: 4%

* **marginal** — each slice of the sales is paid at its own bracket's rate (1% on the first 40,000, 2% on the
  part between 40,000 and 60,000 …); a bracket's add-on is earned on entering that bracket and kept above
  it. Commission never falls when sales rise (with non-negative rates and add-ons).
* **whole** — the bracket reached sets the rate for the whole amount, plus that bracket's add-on only.

Sales exactly on a limit belong to the lower bracket ("up to 40,000" includes 40,000). The amount is
computed exactly and rounded once, to the cent half-up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from kpidesk.domain.money import ZERO, format_money, percent_of, round_cents, to_decimal
from kpidesk.errors import ValidationError
from kpidesk.i18n import _


class CommissionStyle(StrEnum):
    MARGINAL = "marginal"
    WHOLE = "whole"


@dataclass(frozen=True)
class Bracket:
    upto: Decimal | None  # inclusive upper limit; None for the open last bracket
    rate_percent: Decimal
    add_on: Decimal = ZERO

    def to_dict(self) -> dict[str, str | None]:
        return {"upto": None if self.upto is None else str(self.upto), "rate_percent": str(self.rate_percent),
                "add_on": str(self.add_on)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Bracket:
        return cls(to_decimal(data.get("upto")), to_decimal(data.get("rate_percent", 0)),
                   to_decimal(data.get("add_on", 0)) or ZERO)


@dataclass(frozen=True)
class CommissionSlice:
    """One line of the working: ``on × rate %`` (marginal: the part in the bracket; whole: all sales)."""

    lower: Decimal
    upper: Decimal | None
    on: Decimal
    rate_percent: Decimal
    amount: Decimal  # exact, not yet rounded

    def to_dict(self) -> dict[str, str | None]:
        return {"lower": str(self.lower), "upper": None if self.upper is None else str(self.upper),
                "on": str(self.on), "rate_percent": str(self.rate_percent), "amount": str(self.amount)}


@dataclass(frozen=True)
class CommissionResult:
    sales: Decimal
    style: CommissionStyle
    bracket: int  # index of the bracket reached
    slices: tuple[CommissionSlice, ...]
    add_ons: tuple[Decimal, ...]  # the add-ons earned, in bracket order
    amount: Decimal  # rounded to the cent


@dataclass(frozen=True)
class CommissionTable:
    brackets: tuple[Bracket, ...]
    style: CommissionStyle = CommissionStyle.MARGINAL
    basis: str = "sales"  # the raw field or KPI whose value is the sales figure

    def __post_init__(self) -> None:
        if not self.brackets:
            raise ValidationError(_("a commission table needs at least one bracket"))
        limits = [b.upto for b in self.brackets[:-1] if b.upto is not None]
        if len(limits) != len(self.brackets) - 1:
            raise ValidationError(_("only the last commission bracket may be open-ended"))
        if self.brackets[-1].upto is not None:
            raise ValidationError(_("the last commission bracket must have no upper limit"))
        if any(limit <= 0 for limit in limits):
            raise ValidationError(_("commission bracket limits must be above zero"))
        if any(a >= b for a, b in zip(limits, limits[1:], strict=False)):
            raise ValidationError(_("commission bracket limits must rise from one bracket to the next"))
        for bracket in self.brackets:
            if not Decimal(0) <= bracket.rate_percent <= Decimal(100):
                raise ValidationError(_("a commission rate must be between 0% and 100%, not {rate}%").format(
                    rate=bracket.rate_percent))
        object.__setattr__(self, "style", CommissionStyle(self.style))

    def lower_limit(self, index: int) -> Decimal:
        return ZERO if index == 0 else self.brackets[index - 1].upto  # type: ignore[return-value]

    def bracket_index(self, sales: Decimal) -> int:
        for index, bracket in enumerate(self.brackets):
            if bracket.upto is None or sales <= bracket.upto:
                return index
        return len(self.brackets) - 1

    def compute(self, sales: Decimal | int | str) -> CommissionResult:
        """Commission on ``sales``; sales at or below zero earn nothing."""
        figure = to_decimal(sales) or ZERO
        counted = max(figure, ZERO)
        reached = self.bracket_index(counted)
        slices: tuple[CommissionSlice, ...]
        add_ons: tuple[Decimal, ...]
        if self.style is CommissionStyle.WHOLE:
            bracket = self.brackets[reached]
            slices = (CommissionSlice(self.lower_limit(reached), bracket.upto, counted, bracket.rate_percent,
                                      percent_of(counted, bracket.rate_percent)),)
            add_ons = (bracket.add_on,) if bracket.add_on else ()
        else:
            parts = []
            for index in range(reached + 1):
                bracket = self.brackets[index]
                lower = self.lower_limit(index)
                top = counted if bracket.upto is None else min(counted, bracket.upto)
                on = max(top - lower, ZERO)
                parts.append(CommissionSlice(lower, bracket.upto, on, bracket.rate_percent,
                                             percent_of(on, bracket.rate_percent)))
            slices = tuple(parts)
            add_ons = tuple(b.add_on for b in self.brackets[: reached + 1] if b.add_on)
        exact = sum((s.amount for s in slices), ZERO) + sum(add_ons, ZERO)
        if counted == 0:
            exact = ZERO
        return CommissionResult(figure, self.style, reached, slices, add_ons, round_cents(max(exact, ZERO)))

    def curve(self, up_to: Decimal | int | None = None, steps: int = 40) -> list[tuple[Decimal, Decimal]]:
        """Points of commission against sales for a chart: an even grid plus both sides of every limit,
        so the jumps of the add-ons and of the whole-amount style show as jumps."""
        limits = [b.upto for b in self.brackets if b.upto is not None]
        top = to_decimal(up_to) if up_to is not None else (limits[-1] * Decimal("1.25") if limits else Decimal(100000))
        xs = {top * Decimal(i) / Decimal(steps) for i in range(steps + 1)}
        for limit in limits:
            if limit <= top:
                xs.update({limit, min(limit + Decimal("0.01"), top)})
        return [(x, self.compute(x).amount) for x in sorted(xs)]

    def describe(self) -> list[str]:
        """One line per bracket for an editor or a printout, in the reader's language."""
        lines = []
        for index, bracket in enumerate(self.brackets):
            lower, rate = self.lower_limit(index), f"{bracket.rate_percent.normalize():f}%"
            if bracket.upto is None:
                text = _("above {lower}: {rate}").format(lower=format_money(lower), rate=rate)
            else:
                text = _("{lower} – {upper}: {rate}").format(lower=format_money(lower),
                                                            upper=format_money(bracket.upto), rate=rate)
            if bracket.add_on:
                text += " " + _("plus {amount}").format(amount=format_money(bracket.add_on))
            lines.append(text)
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {"style": str(self.style), "basis": self.basis, "brackets": [b.to_dict() for b in self.brackets]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CommissionTable:
        return cls(tuple(Bracket.from_dict(b) for b in data.get("brackets", ())),
                   CommissionStyle(data.get("style", "marginal")), str(data.get("basis", "sales")))


def commission_table(rows: Sequence[tuple[Any, Any, Any]], style: CommissionStyle | str = CommissionStyle.MARGINAL,
                     basis: str = "sales") -> CommissionTable:
    """A table from ``(upto, rate_percent, add_on)`` rows as people write them (``upto`` None for "above")."""
    brackets = tuple(Bracket(to_decimal(upto), to_decimal(rate) or ZERO, to_decimal(add_on) or ZERO)
                     for upto, rate, add_on in rows)
    return CommissionTable(brackets, CommissionStyle(style), basis)


HANDBOOK_TABLE_ROWS: tuple[tuple[Any, Any, Any], ...] = (
    (40000, 1, 0), (60000, 2, 200), (80000, 3, 300), (None, 4, 0),
)
