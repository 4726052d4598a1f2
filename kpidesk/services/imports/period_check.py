"""The month a data file names against the period chosen for it: a mismatch stops the import until someone
confirms it, and with no period chosen the file's own month is proposed."""

from __future__ import annotations

import re

import pandas as pd

from kpidesk.exchange.grids import RawWorkbook
from kpidesk.exchange.period_hints import PERIOD_COLUMN, PeriodHint, period_hints
from kpidesk.exchange.readers import SheetTable
from kpidesk.exchange.values import parse_periods
from kpidesk.i18n import _
from kpidesk.services.import_preview import ImportProblem

_MONTH_CODE = re.compile(r"^\d{4}-\d{2}$")


def _where(hint: PeriodHint) -> str:
    return _("title row {row}").format(row=hint.row) if hint.row else _(hint.where)


def check_period(book: RawWorkbook, table: SheetTable, chosen: str | None, mismatch_ok: bool
                 ) -> tuple[str | None, list[ImportProblem], list[str], list[PeriodHint]]:
    """``(period to use, problems, notes, hints)``. With no period chosen, the single month the file names
    is used (and said so); a chosen month the file contradicts (in its name, sheet, title rows or period
    column) is a blocking problem unless ``mismatch_ok``."""
    label = table.column_for("period")
    if label is not None:
        if chosen is None:
            return chosen, [], [], []
        distinct = pd.Series(pd.unique(table.frame[label].dropna().to_numpy(dtype=object)), dtype=object)
        hints = [PeriodHint(str(code), PERIOD_COLUMN) for code in pd.unique(parse_periods(distinct).values.dropna())]
    else:
        hints = period_hints(book, table)
    named = list(dict.fromkeys(hint.code for hint in hints))
    if chosen is None:
        if len(named) == 1:
            return named[0], [], [_("period {period} taken from the file's {where}").format(
                period=named[0], where=_where(hints[0]))], hints
        return None, [], [], hints
    if not _MONTH_CODE.match(chosen) or not named or chosen in named:
        return chosen, [], [], hints
    hint = hints[0]
    message = _("the file says {named} ({where}); you chose {chosen}").format(
        named=hint.code, where=_where(hint), chosen=chosen)
    if mismatch_ok:
        return chosen, [ImportProblem(table.place(), message, "period_mismatch", blocking=False)], [], hints
    return chosen, [ImportProblem(table.place(), message, "period_mismatch")], [], hints
