"""Importing performance data (raw fields and directly entered KPIs) in long or wide form.

Long form has one row per employee × period × field (columns like 工号, 考核周期, 指标, 数值); wide form
one row per employee and one column per field (工号, 姓名, 接待总数, 一次解决数 …). The period comes from a
period column or is chosen for the whole file. Blank cells are not written: they never clear a value.

Each column is worked on whole (numpy/pandas), and each distinct cell of a column is parsed once: a file of
120,000 rows usually holds a few hundred staff numbers, twelve periods and a thousand value spellings.

Writing is one transaction through the measurements service's bulk writer (Core statements, DBAPI
executemany): new values are inserted, changed values updated, equal values left alone — so importing the
same file twice changes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.domain.periods import PeriodParseError, parse_period
from kpidesk.domain.statuses import PeriodStatus
from kpidesk.domain.units import Direction, Unit
from kpidesk.errors import ValidationError
from kpidesk.exchange.aliases import TEMPLATE_FIELDS_SHEET, build_index
from kpidesk.exchange.grids import RawWorkbook, open_workbook
from kpidesk.exchange.readers import SheetTable, read_table
from kpidesk.exchange.values import parse_keys, parse_periods, problem_message
from kpidesk.i18n import _
from kpidesk.services.actor import Actor
from kpidesk.services.appraisal.imported_values import (
    INSERT,
    KEEP,
    UPDATE,
    ImportedValues,
    compare_with_stored,
    write_imported_values,
)
from kpidesk.services.import_preview import ImportPreview, ImportProblem, ImportResult, ensure_importable
from kpidesk.services.imports.column_matching import (
    database_fields,
    match_data_columns,
    scale_problems,
    unconfirmed_guess_problems,
)
from kpidesk.services.imports.kind_check import looks_like_staff_list
from kpidesk.services.imports.period_check import check_period
from kpidesk.services.imports.remembered_profiles import find_profile
from kpidesk.services.imports.value_cells import (
    IDENTITY_FIELDS,
    FieldInfo,
    cell_problem,
    distinct_or_all,
    long_cells,
    parse_value_cells,
    wide_cells,
)
from kpidesk.services.imports.value_changes import list_changes
from kpidesk.services.progress import CancelToken, ProgressCallback
from kpidesk.services.safety import audit
from kpidesk.services.safety.access import Permission, require_for_employees
from kpidesk.store import models as m

VALUE_SCALE = 10**6  # Measurement.value is FixedDecimal(6): stored as value × 10⁶
CHUNK_ROWS = 10_000


def field_catalogue(session: Session) -> tuple[dict[str, FieldInfo], dict[str, str]]:
    """Known raw fields and KPIs (code → info) and a header lookup (name, English name, code, aliases)."""
    infos: dict[str, FieldInfo] = {}
    pairs: list[tuple[str, str]] = []
    for code, zh, en, unit, aliases in session.execute(
        select(m.RawField.code, m.RawField.name_zh, m.RawField.name_en, m.RawField.unit, m.RawField.aliases)
    ):
        infos[code] = FieldInfo(code, _unit(unit), _unit(unit) is Unit.PERCENT)
        pairs += [(code, code), (zh, code), (en, code)]
        pairs += [(alias, code) for alias in (aliases or "").splitlines() if alias.strip()]
    for code, zh, en, unit, direction in session.execute(
        select(m.Kpi.code, m.Kpi.name_zh, m.Kpi.name_en, m.Kpi.unit, m.Kpi.direction)
    ):
        if code in infos:
            continue
        bounded = _unit(unit) is Unit.PERCENT and direction != Direction.BAND.value
        infos[code] = FieldInfo(code, _unit(unit), bounded)
        pairs += [(code, code), (zh, code), (en, code)]
    return infos, build_index(pairs)


def _unit(text: str | None) -> Unit:
    try:
        return Unit(text or "")
    except ValueError:
        return Unit.NUMBER


def template_overrides(book: RawWorkbook) -> dict[str, str]:
    """Header → field code from the hidden description sheet of a KPI Desk import template, if any."""
    if TEMPLATE_FIELDS_SHEET not in book.sheet_names:
        return {}
    rows = book.sheet(TEMPLATE_FIELDS_SHEET).rows
    overrides = {}
    for row in rows[1:]:
        if len(row) >= 2 and isinstance(row[0], str) and isinstance(row[1], str) and row[0] and row[1]:
            overrides[row[0]] = row[1]
    return overrides


# --------------------------------------------------------------------------- preview


def preview_data_import(
    session: Session,
    path: str | Path,
    *,
    period: str | None = None,
    sheet: str | None = None,
    overrides: Mapping[str, str | None] | None = None,
    header_row: int | None = None,
    accept_guesses: bool = False,
    remembered: bool = True,
    period_mismatch_ok: bool = False,
) -> ImportPreview:
    """Read, parse and validate a data file; nothing is written. ``accept_guesses`` confirms every guessed
    column; ``period_mismatch_ok`` lets a chosen period differ from the month the file names; with ``remembered``, the columns of a remembered profile that fits the file are used (``overrides``
    win over them)."""
    path = Path(path)
    infos, index = field_catalogue(session)
    book = open_workbook(path)
    by_hand = {**template_overrides(book), **dict(overrides or {})}
    table_ = read_table(book, kind="data", sheet=sheet, overrides=by_hand, header_row=header_row)
    found = find_profile(session, "data", path.name, [c.label for c in table_.columns]) if remembered else None
    profile_name, profile_columns = found if found else (None, {})
    default_period = None
    if period:
        try:
            default_period = parse_period(period).code
        except PeriodParseError:
            raise ValidationError(_("“{period}” is not a period").format(period=period)) from None
    default_period, problems, period_notes, _hints = check_period(book, table_, default_period, period_mismatch_ok)
    long_form = table_.column_for("field") is not None and table_.column_for("value") is not None
    ignored: list[str] = []
    columns = match_data_columns(session, table_, IDENTITY_FIELDS, by_hand=by_hand,
                                 from_profile=profile_columns, accept_guesses=accept_guesses)

    raw_codes = None
    if long_form:
        cells, raw_codes = long_cells(table_, index, problems)
    else:
        cells = wide_cells(table_, columns, infos, ignored)
        problems += unconfirmed_guess_problems(table_, columns)
        problems += scale_problems(table_, columns, database_fields(session))
    waiting = any(match.field and not match.confirmed for match in columns)
    if not long_form and cells.empty and not table_.frame.empty and not waiting:
        other_kind = looks_like_staff_list(table_)
        if other_kind:
            raise ValidationError(other_kind, table_.place())
        raise ValidationError(
            _("no column matches a known field or KPI; headers: {headers}").format(
                headers=", ".join(c.header for c in table_.columns)
            ),
            table_.place(),
        )

    row_employee = _row_employees(session, table_, problems)
    period_codes, period_at = _row_periods(table_, default_period, problems)
    period_ids = _period_ids(session, table_, period_codes, period_at, problems)

    # Attach employee and period to every value cell, then check the values themselves.
    at = table_.rows.get_indexer(cells.row)
    employee_ids = row_employee[at]
    cell_period_at = period_at[at]
    cell_period_ids = period_ids[cell_period_at]
    values, missing = parse_value_cells(table_, cells, infos, problems, raw_codes)

    keep = ~np.isnan(values) & ~np.isnan(employee_ids) & ~np.isnan(cell_period_ids)
    written = {name: getattr(cells, name)[keep] for name in ("column", "field_code", "raw", "unit_hint")}
    written.update(row=cells.row[keep], employee_id=employee_ids[keep].astype("int64"),
                   period=period_codes[cell_period_at[keep]], period_id=cell_period_ids[keep].astype("int64"),
                   value=values[keep], missing=missing[keep], field_at=cells.field_index()[0][keep])
    duplicated = _duplicates(table_, written, problems)
    if duplicated.any():
        written = {name: column[~duplicated] for name, column in written.items()}
    written["value_scaled"] = _scaled(written["value"])
    frame = _rows_frame(written)
    changes = compare_with_stored(session, _imported(frame))
    counts = {"new": changes.count(INSERT), "changed": changes.count(UPDATE), "unchanged": changes.count(KEEP)}
    counts.update({"rows": len(table_.frame), "values": len(frame), "blank": int(missing.sum()),
                   "problems": len(problems)})
    problems.sort(key=lambda p: (p.place.row or 0, p.place.column or ""))
    notes = period_notes + [_("column {column} is hidden and was not imported").format(column=c)
                            for c in table_.hidden_columns if c not in table_.mapping]
    return ImportPreview(
        kind="data", file=table_.file, sheet=table_.sheet, checksum=table_.checksum, header_row=table_.header_row,
        mapping=dict(table_.mapping), rows=frame, problems=problems, counts=counts,
        notes=notes, ignored_columns=ignored, skipped_lines=list(table_.skipped), path=path,
        extra={"long_form": long_form, "periods": sorted({period_codes[i] for i in pd.unique(cell_period_at[keep])}),
               "columns": columns, "profile": profile_name, "changes": list_changes(session, frame, changes)},
    )


def _rows_frame(written: dict[str, np.ndarray]) -> pd.DataFrame:
    """A data preview's rows: one column per array of ``written``, each kept as its own block (the
    DataFrame constructor would copy every column of a type into one)."""
    return pd.concat([pd.Series(written[name], dtype=dtype, name=name, copy=False)
                      for name, dtype in _ROW_COLUMNS.items()], axis=1)


#: The columns of a data preview's rows, and their types.
_ROW_COLUMNS = {
    "row": "int64", "column": object, "field_code": object, "raw": object, "unit_hint": object,
    "employee_id": "int64", "period": object, "period_id": "int64", "value": "float64", "missing": bool,
    "value_scaled": "int64",
}


def _row_employees(session: Session, table_: SheetTable, problems: list[ImportProblem]) -> np.ndarray:
    """The employee id of every row (NaN where the staff number is missing or unknown)."""
    label = table_.column_for("staff_no")
    assert label is not None  # read_table requires it of a data table
    codes, distinct = distinct_or_all(table_.frame[label], table_.codes.get(label))
    keys = parse_keys(distinct).values
    employees = dict(session.execute(select(m.Employee.staff_no, m.Employee.id)).all())
    ids = keys.map(employees).to_numpy(dtype=float)
    blank = keys.isna().to_numpy()
    rows = table_.rows
    for position in np.flatnonzero(blank[codes]):
        problems.append(cell_problem(table_, int(rows[position]), label, _("no staff number"), "missing_staff"))
    for position in np.flatnonzero((~blank & np.isnan(ids))[codes]):
        problems.append(cell_problem(table_, int(rows[position]), label, _("unknown staff number {staff_no}").format(
            staff_no=keys.iat[codes[position]]), "unknown_staff"))
    return ids[codes]


def _row_periods(table_: SheetTable, default: str | None, problems: list[ImportProblem]
                 ) -> tuple[np.ndarray, np.ndarray]:
    """The distinct period codes (None where there is none) and, per row, which one it has."""
    label = table_.column_for("period")
    if label is None:
        if default is None:
            raise ValidationError(
                _("the file has no period column; choose the period to import into"), table_.place()
            )
        return np.array([default], dtype=object), np.zeros(len(table_.frame), dtype=np.int64)
    cells = table_.frame[label]
    codes, distinct = distinct_or_all(cells, table_.codes.get(label))
    parsed = parse_periods(distinct)
    bad = parsed.problem_mask.to_numpy()
    reasons = parsed.problems.to_numpy(dtype=object)
    values = parsed.values.to_numpy(dtype=object, copy=True)  # parsed values may be shared: filled in below
    rows = table_.rows
    for position in np.flatnonzero(bad[codes]):
        problems.append(cell_problem(table_, int(rows[position]), label,
                                 problem_message(reasons[codes[position]], cells.iat[position]), "bad_period"))
    blank = pd.isna(values) & ~bad
    if default is not None:
        values[blank] = default
    else:
        for position in np.flatnonzero(blank[codes]):
            problems.append(cell_problem(table_, int(rows[position]), label, _("no period"), "missing_period"))
    return values, codes


def _period_ids(session: Session, table_: SheetTable, period_codes: np.ndarray, period_at: np.ndarray,
                problems: list[ImportProblem]) -> np.ndarray:
    """The id of each distinct period (NaN for none, or one not opened); problems name unopened and
    finalized periods."""
    wanted = {code for code in period_codes if code is not None}
    records = {
        code: (pid, status)
        for pid, code, status in session.execute(
            select(m.PeriodRecord.id, m.PeriodRecord.code, m.PeriodRecord.status).where(
                m.PeriodRecord.code.in_(wanted)
            )
        )
    }
    label = table_.column_for("period")
    rows = table_.rows
    unknown = np.array([code is not None and code not in records for code in period_codes], dtype=bool)
    locked = np.array([code in records and records[code][1] == PeriodStatus.FINALIZED for code in period_codes], dtype=bool)
    for position in np.flatnonzero(unknown[period_at]):
        problems.append(cell_problem(table_, int(rows[position]), label, _("period {period} has not been opened").format(
            period=period_codes[period_at[position]]), "unknown_period"))
    for position in np.flatnonzero(locked[period_at]):
        problems.append(cell_problem(table_, int(rows[position]), label, _("period {period} is finalized").format(
            period=period_codes[period_at[position]]), "locked"))
    return np.array([records[code][0] if code in records else np.nan for code in period_codes], dtype=float)


def _duplicates(table_: SheetTable, written: dict[str, np.ndarray], problems: list[ImportProblem]) -> np.ndarray:
    """Which values repeat an earlier one's staff number, period and field (the first one is kept)."""
    keys = pd.DataFrame({"employee_id": written["employee_id"], "period_id": written["period_id"],
                         "field": written["field_at"]})
    duplicated = _repeated(keys)
    if duplicated.any():
        first_rows = pd.Series(written["row"], index=pd.MultiIndex.from_frame(keys))
        first_rows = first_rows[~first_rows.index.duplicated(keep="first")]
        for position in np.flatnonzero(duplicated):
            first = first_rows[tuple(keys.iloc[position])]
            problems.append(cell_problem(table_, int(written["row"][position]), written["column"][position], _(
                "duplicate: the same staff number, period and field as row {row}").format(row=first), "duplicate"))
    return duplicated


def _repeated(keys: pd.DataFrame) -> np.ndarray:
    """``keys.duplicated()`` of whole numbers at least 0, from one number per row when they fit in one."""
    if not len(keys):
        return np.zeros(0, dtype=bool)
    tops = [int(keys[name].max()) + 1 for name in keys.columns]
    if min(int(keys[name].min()) for name in keys.columns) < 0 or math.prod(tops) >= 2**62:
        return keys.duplicated(keep="first").to_numpy()
    combined = np.zeros(len(keys), dtype=np.int64)
    for name, top in zip(keys.columns, tops, strict=True):
        combined = combined * top + keys[name].to_numpy(dtype=np.int64)
    return pd.Index(combined).duplicated(keep="first")


def _scaled(values: np.ndarray) -> np.ndarray:
    """Values as FixedDecimal(6) stores them (× 10⁶, rounded half away from zero)."""
    scaled = np.asarray(values, dtype=float) * VALUE_SCALE
    return (np.sign(scaled) * np.floor(np.abs(scaled) + 0.5)).astype("int64")


def _imported(rows: pd.DataFrame) -> ImportedValues:
    """Preview rows as the parallel lists the bulk writer takes."""
    return ImportedValues(
        employee_ids=rows["employee_id"].astype("int64").tolist(), period_ids=rows["period_id"].astype("int64").tolist(),
        field_codes=rows["field_code"].tolist(), scaled_values=rows["value_scaled"].astype("int64").tolist(),
        source_rows=rows["row"].astype("int64").tolist(),
    )


# --------------------------------------------------------------------------- writing


def preview_employee_ids(preview: ImportPreview) -> set[int]:
    """The people whose values a data preview would write."""
    return {int(e) for e in pd.unique(preview.rows["employee_id"])} if len(preview.rows) else set()


def apply_data_import(
    db,
    actor: Actor,
    preview: ImportPreview,
    *,
    skip_problem_rows: bool = False,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    chunk_rows: int = CHUNK_ROWS,
    backup: bool = True,
) -> ImportResult:
    """Write a data preview in one transaction; cancelling or any failure leaves the database unchanged,
    as does a file holding anyone outside the actor's departments."""
    ensure_importable(preview, skip_problem_rows)
    rows: pd.DataFrame = preview.rows
    if skip_problem_rows and preview.problem_rows:
        rows = rows[~rows["row"].isin(preview.problem_rows)]
    with db.session() as session:
        require_for_employees(session, actor, Permission.DATA_WRITE, preview_employee_ids(preview))
    if backup:
        from kpidesk.store.db import backup_now

        backup_now(db, reason="pre-import")
    with db.write() as session:
        counts = write_values(session, actor, rows, file=preview.file, sheet=preview.sheet,
                              checksum=preview.checksum, progress=progress, cancel=cancel, chunk_rows=chunk_rows)
        counts["skipped_rows"] = len(preview.problem_rows) if skip_problem_rows else 0
        entry = audit.record(
            session, actor, "import.data", entity="file", entity_id=preview.file,
            new={"file": preview.file, "sheet": preview.sheet, "checksum": preview.checksum, "counts": counts,
                 "periods": preview.extra.get("periods", [])},
        )
        audit_id = entry.id
    return ImportResult("data", preview.file, preview.checksum, counts, audit_id)


def write_values(
    session: Session,
    actor: Actor,
    rows: pd.DataFrame,
    *,
    file: str,
    sheet: str | None,
    checksum: str,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> dict[str, int]:
    """Upsert value rows (employee_id, period_id, field_code, value_scaled, row) inside the caller's
    transaction; returns counts of inserted, updated and unchanged values."""
    return write_imported_values(session, actor, _imported(rows), file=file, sheet=sheet, checksum=checksum,
                                 progress=progress, cancel=cancel, chunk_rows=chunk_rows)
