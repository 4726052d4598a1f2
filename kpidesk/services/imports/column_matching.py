"""The columns of a performance-data file matched to the database's fields, for the preview and the import.

The matching itself (exact, alias, header dictionary, guess with confidence) is
:mod:`kpidesk.exchange.header_dictionary`; this module feeds it the database's raw fields and KPIs and
turns guesses nobody confirmed into problems that stop the import.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.exchange.aliases import FIELD_ALIASES, normalise_header
from kpidesk.exchange.header_dictionary import (
    ALIAS,
    BY_HAND,
    EXACT,
    PROFILE,
    ColumnMatch,
    FieldSpellings,
    field_spellings,
    match_columns,
)
from kpidesk.exchange.readers import SheetTable
from kpidesk.i18n import _
from kpidesk.services.import_preview import ImportProblem
from kpidesk.store import models as m


def database_fields(session: Session) -> dict[str, FieldSpellings]:
    """Every raw field and KPI with its names, own aliases and the header dictionary's spellings."""
    known: dict[str, FieldSpellings] = {}
    for code, zh, en, unit, aliases in session.execute(
        select(m.RawField.code, m.RawField.name_zh, m.RawField.name_en, m.RawField.unit, m.RawField.aliases)
    ):
        own = tuple(a.strip() for a in (aliases or "").splitlines() if a.strip())
        known[code] = FieldSpellings(code, unit, None, tuple(t for t in (zh, en) if t), own)
    for code, zh, en, unit in session.execute(select(m.Kpi.code, m.Kpi.name_zh, m.Kpi.name_en, m.Kpi.unit)):
        known.setdefault(code, FieldSpellings(code, unit, None, tuple(t for t in (zh, en) if t)))
    return field_spellings(known.values())


_SCALE_IN_NAME = re.compile(r"(\d+)\s*(?:分制|-point|point)", re.IGNORECASE)


def field_scale(spelling: FieldSpellings) -> int | None:
    """The top of a score field's scale: from the header dictionary, else from its name (``(5分制)``)."""
    if spelling.scale:
        return int(spelling.scale)
    for name in spelling.exact:
        found = _SCALE_IN_NAME.search(unicodedata.normalize("NFKC", name))
        if found:
            return int(found.group(1))
    return None


def _score_numbers(cells: pd.Series) -> tuple[pd.Series, bool]:
    """The cells read as plain scores (``4.8分`` → 4.8; NaN where not a number) and whether any is written
    as a percentage."""
    distinct = pd.Series(pd.unique(cells.dropna().to_numpy(dtype=object)), dtype=object)
    text = distinct.map(lambda v: unicodedata.normalize("NFKC", str(v)).strip())
    percent = bool(text.str.endswith("%").any())
    numbers = pd.to_numeric(text.str.replace(r"分$", "", regex=True).str.replace(",", ""), errors="coerce")
    return pd.Series(numbers.to_numpy(), index=text.to_numpy()), percent


def scale_problems(table: SheetTable, matches: list[ColumnMatch],
                   fields: Mapping[str, FieldSpellings]) -> list[ImportProblem]:
    """Values on another scale than their field's, never stored as they are: a 5-point score going to a
    percent field (4.6 would become 4.6 %), or a value above a score field's top (92 to a 5-point field)."""
    problems = []
    for match in matches:
        spelling = fields.get(match.field) if match.field and match.confirmed else None
        if spelling is None:
            continue
        scale = field_scale(spelling)
        if spelling.unit != "percent" and not scale:
            continue
        cells = table.frame[match.column]
        numbers, percent = _score_numbers(cells)
        if spelling.unit == "percent":
            written = numbers.dropna()
            points = bool(numbers.index.str.endswith("分").any())
            five_point = not percent and len(written) and written.max() <= 5 and (
                points or ((written > 1) & (written % 1 != 0)).any())
            if five_point:
                message = _("column {column} holds scores out of 5 ({samples}), but {field} is a percentage; import it into a 5-point field")  # noqa: E501
                problems.append(ImportProblem(table.place(column=match.column), message.format(
                    column=match.column, samples=", ".join(match.samples), field=match.field), "wrong_scale"))
        elif scale:
            texts = cells.map(lambda v: None if v is None else unicodedata.normalize("NFKC", str(v)).strip())
            above = texts.map(numbers).astype(float) > scale
            for row in cells.index[above.to_numpy()]:
                problems.append(ImportProblem(table.place(row=int(row), column=match.column), _(
                    "“{value}” is above the {scale}-point scale of {field}").format(
                        value=cells[row], scale=scale, field=match.field), "wrong_scale"))
    return problems


def match_data_columns(
    session: Session,
    table: SheetTable,
    identity: set[str],
    *,
    by_hand: Mapping[str, str | None],
    from_profile: Mapping[str, str | None],
    accept_guesses: bool,
) -> list[ColumnMatch]:
    """A match for every column of ``table``: identity columns (staff number, name, period …) as the reader
    found them, value columns through the header dictionary. Hidden columns are matched only by hand."""
    matches: dict[str, ColumnMatch] = {}
    values: list[str] = []
    for info in table.columns:
        target = table.mapping.get(info.label)
        if target in identity:
            how = BY_HAND if info.label in by_hand else PROFILE if info.label in from_profile else (
                _identity_how(info.label, target))
            matches[info.label] = ColumnMatch(info.label, target, how)
        elif info.hidden and info.label not in by_hand and info.label not in from_profile:
            matches[info.label] = ColumnMatch(info.label, None, None)
        else:
            values.append(info.label)
    cells = {label: table.frame[label].head(50).tolist() for label in values}
    for match in match_columns(values, cells, database_fields(session), by_hand=by_hand, from_profile=from_profile,
                               accept_guesses=accept_guesses):
        matches[match.column] = match
    return [matches[info.label] for info in table.columns]


def _identity_how(header: str, field: str) -> str:
    key = normalise_header(header)
    first = FIELD_ALIASES["data"].get(field, ())[:1]
    return EXACT if key in {normalise_header(field), *(normalise_header(a) for a in first)} else ALIAS


def unconfirmed_guess_problems(table: SheetTable, matches: list[ColumnMatch]) -> list[ImportProblem]:
    """A warning per guess below the sure-enough line that nobody confirmed: the column is left out (as an
    unknown column always was) until someone confirms it."""
    return [
        ImportProblem(table.place(column=match.column), _(
            "column {column} looks like {field} ({how}); it is not imported until the guess is confirmed").format(
                column=match.column, field=match.field, how=match.how_text), "unconfirmed_guess", blocking=False)
        for match in matches if match.field and not match.confirmed
    ]
