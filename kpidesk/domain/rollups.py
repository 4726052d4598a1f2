"""Rolling monthly data up into a quarter, a half-year or a year.

Per KPI aggregation: ``mean``, ``sum``, ``last`` (the latest month with a value) or ``recompute`` — sum
the raw fields over the months and apply the formula again, the right default for rates (a quarter's
first-contact resolution is Σ resolved ÷ Σ contacts, not the mean of three monthly rates).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

import numpy as np


class Aggregation(StrEnum):
    MEAN = "mean"
    SUM = "sum"
    LAST = "last"
    RECOMPUTE = "recompute"


def default_aggregation(has_formula: bool) -> Aggregation:
    return Aggregation.RECOMPUTE if has_formula else Aggregation.MEAN


def aggregate(stack: np.ndarray, how: Aggregation | str) -> np.ndarray:
    """Aggregate a months × people stack (NaN = no value); people with no value in any month stay NaN."""
    stack = np.atleast_2d(np.asarray(stack, dtype=float))
    how = Aggregation(how)
    present = ~np.isnan(stack)
    any_value = present.any(axis=0)
    if how is Aggregation.LAST:
        last_row = stack.shape[0] - 1 - np.argmax(present[::-1], axis=0)
        picked = stack[last_row, np.arange(stack.shape[1])]
        return np.where(any_value, picked, np.nan)
    total = np.where(present, stack, 0.0).sum(axis=0)
    if how is Aggregation.MEAN:
        count = present.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(any_value, total / np.maximum(count, 1), np.nan)
    # SUM, and RECOMPUTE when applied to a KPI without raw fields, add the months up.
    return np.where(any_value, total, np.nan)


def sum_fields(months: Sequence[Mapping[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Raw fields summed over months, per field (a month without the field adds nothing)."""
    names = list(dict.fromkeys(name for month in months for name in month))
    summed = {}
    for name in names:
        stack = np.vstack([np.asarray(month[name], dtype=float) for month in months if name in month])
        summed[name] = aggregate(stack, Aggregation.SUM)
    return summed


def roll_up(
    items: Sequence[Any],  # template items: code, and optionally formula and aggregation
    months_values: Sequence[Mapping[str, np.ndarray]],
    months_fields: Sequence[Mapping[str, np.ndarray]],
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Values and raw fields for a longer period from its months, per item's aggregation.

    ``items`` are template items (``code``, ``formula``, ``aggregation``). Returns ``(values, fields)``
    ready for the scoring engine: items that recompute get summed raw fields (so the engine evaluates
    the formula and reports a zero denominator as such); the others get their monthly values aggregated,
    each month's value being the one entered or, failing that, the formula over that month's fields.
    """
    from kpidesk.domain.formulas import parse_formula

    fields = sum_fields(months_fields)
    values: dict[str, np.ndarray] = {}
    for item in items:
        formula = parse_formula(item.formula) if getattr(item, "formula", None) else None
        how = Aggregation(item.aggregation) if getattr(item, "aggregation", None) else default_aggregation(
            formula is not None)
        has_fields = formula is not None and any(all(f in m for f in formula.fields) for m in months_fields)
        if how is Aggregation.RECOMPUTE and has_fields:
            continue
        monthly: list[np.ndarray] = []
        for month_values, month_fields in zip(months_values, months_fields, strict=True):
            entered = month_values.get(item.code)
            computed = None
            if formula is not None and month_fields:
                computed = formula.evaluate(month_fields).values
            if computed is None:
                if entered is not None:
                    monthly.append(np.asarray(entered, dtype=float))
            elif entered is None:
                monthly.append(computed)
            else:
                entered = np.asarray(entered, dtype=float)
                monthly.append(np.where(np.isnan(entered), computed, entered))
        if monthly:
            fallback = Aggregation.MEAN if how is Aggregation.RECOMPUTE else how
            values[item.code] = aggregate(np.vstack(monthly), fallback)
    return values, fields
