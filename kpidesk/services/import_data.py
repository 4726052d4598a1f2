"""Importing performance data (raw fields and directly entered KPIs) in long or wide form.

Long form has one row per employee × period × field (columns like 工号, 考核周期, 指标, 数值); wide form
one row per employee and one column per field (工号, 姓名, 接待总数, 一次解决数 …). The period comes from a
period column or is chosen for the whole file. Blank cells are not written: they never clear a value.

Writing is one transaction through SQLAlchemy Core executemany: new values are inserted, changed values
updated, equal values left alone — so importing the same file twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import BigInteger, DateTime, Integer, String, bindparam, column, insert, select, table, update
from sqlalchemy.orm import Session

from kpidesk.domain.periods import PeriodParseError, parse_period
from kpidesk.domain.units import Direction, Unit
from kpidesk.errors import LockedPeriodError, Place, ValidationError
from kpidesk.exchange.aliases import TEMPLATE_FIELDS_SHEET, build_index, match_header, normalise_header
from kpidesk.exchange.grids import RawWorkbook, open_workbook
from kpidesk.exchange.readers import SheetTable, read_table
from kpidesk.exchange.values import parse_keys, parse_periods, parse_values, problem_message
from kpidesk.i18n import _
from kpidesk.services import audit
from kpidesk.services.context import Actor, CancelToken, ProgressCallback, report
from kpidesk.services.importing import ImportPreview, ImportProblem, ImportResult, ensure_importable
from kpidesk.store import models as m
from kpidesk.store.models.base import utcnow

IDENTITY_FIELDS = {"staff_no", "name", "department", "period", "field", "value", "unit"}
VALUE_SCALE = 10**6  # Measurement.value is FixedDecimal(6): stored as value × 10⁶
CHUNK_ROWS = 10_000

# The measurements table as Core sees it: plain integer columns, so bulk rows skip per-value conversion.
_MEASUREMENTS = table(
    "measurements",
    column("id", Integer),
    column("employee_id", Integer),
    column("period_id", Integer),
    column("field_code", String),
    column("value", BigInteger),
    column("source_file", String),
    column("source_sheet", String),
    column("source_row", Integer),
    column("source_checksum", String),
    column("updated_at", DateTime),
    column("updated_by", String),
    column("version", Integer),
)


@dataclass(frozen=True)
class FieldInfo:
    code: str
    unit: Unit
    bounded_rate: bool  # a rate that cannot leave 0–100 %


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
        return Unit(text)
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
) -> ImportPreview:
    """Read, parse and validate a data file; nothing is written."""
    path = Path(path)
    infos, index = field_catalogue(session)
    book = open_workbook(path)
    merged = {**template_overrides(book), **dict(overrides or {})}
    table_ = read_table(book, kind="data", sheet=sheet, overrides=merged, header_row=header_row)
    default_period = None
    if period:
        try:
            default_period = parse_period(period).code
        except PeriodParseError:
            raise ValidationError(_("“{period}” is not a period").format(period=period)) from None
    long_form = table_.column_for("field") is not None and table_.column_for("value") is not None
    problems: list[ImportProblem] = []
    ignored: list[str] = []

    if long_form:
        cells = _long_cells(table_, index, problems)
    else:
        cells = _wide_cells(table_, index, infos, ignored)
    if not long_form and cells.empty and not table_.frame.empty:
        raise ValidationError(
            _("no column matches a known field or KPI; headers: {headers}").format(
                headers=", ".join(c.header for c in table_.columns)
            ),
            table_.place(),
        )

    employees = dict(session.execute(select(m.Employee.staff_no, m.Employee.id)).all())
    staff = parse_keys(table_.field_cells("staff_no"))
    row_staff = staff.values
    row_employee = row_staff.map(employees)
    period_codes = _row_periods(table_, default_period, problems)
    records = {
        code: (pid, status)
        for pid, code, status in session.execute(
            select(m.PeriodRecord.id, m.PeriodRecord.code, m.PeriodRecord.status).where(
                m.PeriodRecord.code.in_(set(period_codes.dropna()))
            )
        )
    }
    staff_label = table_.column_for("staff_no")
    period_label = table_.column_for("period")
    for row in row_staff.index[row_staff.isna()]:
        problems.append(_problem(table_, int(row), staff_label, _("no staff number"), "missing_staff"))
    for row in row_staff.index[row_staff.notna() & row_employee.isna()]:
        problems.append(_problem(table_, int(row), staff_label, _("unknown staff number {staff_no}").format(
            staff_no=row_staff[row]), "unknown_staff"))
    status = period_codes.map(lambda c: records[c][1] if c in records else ("unknown" if c else None))
    for row in status.index[status.eq("unknown")]:
        problems.append(_problem(table_, int(row), period_label, _("period {period} has not been opened").format(
            period=period_codes[row]), "unknown_period"))
    for row in status.index[status.eq("finalized")]:
        problems.append(_problem(table_, int(row), period_label, _("period {period} is finalized").format(
            period=period_codes[row]), "locked"))

    # Attach employee and period to every value cell, then check the values themselves.
    cells["employee_id"] = cells["row"].map(row_employee)
    cells["period"] = cells["row"].map(period_codes)
    cells["period_id"] = cells["period"].map(lambda c: records[c][0] if c in records else np.nan)
    cells = _value_problems(table_, cells, infos, problems)

    written = cells[cells["value"].notna() & cells["employee_id"].notna() & cells["period_id"].notna()].copy()
    written["employee_id"] = written["employee_id"].astype("int64")
    written["period_id"] = written["period_id"].astype("int64")
    duplicated = written.duplicated(["employee_id", "period_id", "field_code"], keep="first")
    if duplicated.any():
        first_rows = written.drop_duplicates(["employee_id", "period_id", "field_code"]).set_index(
            ["employee_id", "period_id", "field_code"])["row"]
        for _i, dup in written[duplicated].iterrows():
            first = first_rows[(dup["employee_id"], dup["period_id"], dup["field_code"])]
            problems.append(_problem(table_, int(dup["row"]), dup["column"], _(
                "duplicate: the same staff number, period and field as row {row}").format(row=first), "duplicate"))
        written = written[~duplicated]
    written["value_scaled"] = _scaled(written["value"].to_numpy())
    counts = _compare_existing(session, written)
    counts.update({"rows": len(table_.frame), "values": len(written),
                   "blank": int(cells["missing"].sum()), "problems": len(problems)})
    problems.sort(key=lambda p: (p.place.row or 0, p.place.column or ""))
    notes = [_("column {column} is hidden and was not imported").format(column=c) for c in table_.hidden_columns
             if c not in table_.mapping]
    return ImportPreview(
        kind="data", file=table_.file, sheet=table_.sheet, checksum=table_.checksum, header_row=table_.header_row,
        mapping=dict(table_.mapping), rows=written.reset_index(drop=True), problems=problems, counts=counts,
        notes=notes, ignored_columns=ignored, skipped_lines=list(table_.skipped), path=path,
        extra={"long_form": long_form, "periods": sorted(set(written["period"]))},
    )


def _problem(table_: SheetTable, row: int | None, label: str | None, message: str, code: str,
             blocking: bool = True) -> ImportProblem:
    return ImportProblem(table_.place(row=row, column=label), message, code, blocking)


def _row_periods(table_: SheetTable, default: str | None, problems: list[ImportProblem]) -> pd.Series:
    label = table_.column_for("period")
    if label is None:
        if default is None:
            raise ValidationError(
                _("the file has no period column; choose the period to import into"), table_.place()
            )
        return pd.Series(default, index=table_.rows, dtype=object)
    parsed = parse_periods(table_.frame[label])
    for row in parsed.problems.index[parsed.problem_mask]:
        problems.append(_problem(table_, int(row), label, problem_message(parsed.problems[row], table_.frame.at[row, label]),
                                 "bad_period"))
    values = parsed.values.copy()
    blank = values.isna() & ~parsed.problem_mask
    if default is not None:
        values[blank] = default
    elif blank.any():
        for row in values.index[blank]:
            problems.append(_problem(table_, int(row), label, _("no period"), "missing_period"))
    return values


def _wide_cells(table_: SheetTable, index: dict[str, str], infos: dict[str, FieldInfo],
                ignored: list[str]) -> pd.DataFrame:
    parts = []
    for info in table_.columns:
        target = table_.mapping.get(info.label)
        if target in IDENTITY_FIELDS:
            continue
        if target is None:
            if info.hidden:
                continue
            target = match_header(info.label, index) or match_header(info.header.split("/")[-1], index)
        if target is None or target not in infos:
            if info.label not in table_.mapping:
                ignored.append(info.label)
            continue
        parts.append(pd.DataFrame({
            "row": table_.rows, "column": info.label, "field_code": target,
            "raw": table_.frame[info.label].to_numpy(), "unit_hint": info.unit_hint,
        }))
    if not parts:
        return pd.DataFrame(columns=["row", "column", "field_code", "raw", "unit_hint"])
    return pd.concat(parts, ignore_index=True)


def _long_cells(table_: SheetTable, index: dict[str, str], problems: list[ImportProblem]) -> pd.DataFrame:
    field_label = table_.column_for("field")
    value_label = table_.column_for("value")
    names = table_.frame[field_label]
    codes, uniques = pd.factorize(names.map(lambda v: None if v is None else str(v)), use_na_sentinel=True)
    resolved = np.array([match_header(u, index) for u in uniques] + [None], dtype=object)
    field_codes = pd.Series(resolved[codes], index=table_.rows)
    unit_label = table_.column_for("unit")
    hints = table_.frame[unit_label] if unit_label else pd.Series(None, index=table_.rows, dtype=object)
    for row in field_codes.index[field_codes.isna()]:
        name = names[row]
        message = _("no field or KPI named") if name is None else _(
            "unknown field or KPI “{name}”").format(name=name)
        problems.append(_problem(table_, int(row), field_label, message, "unknown_field"))
    return pd.DataFrame({
        "row": table_.rows, "column": value_label, "field_code": field_codes.to_numpy(),
        "raw": table_.frame[value_label].to_numpy(),
        "unit_hint": hints.map(lambda h: normalise_header(h) if isinstance(h, str) else None).to_numpy(),
    })[field_codes.notna().to_numpy()].reset_index(drop=True)


def _value_problems(table_: SheetTable, cells: pd.DataFrame, infos: dict[str, FieldInfo],
                    problems: list[ImportProblem]) -> pd.DataFrame:
    """Parse every value cell by its field's unit (one vectorised pass per unit) and collect problems."""
    cells = cells.copy()
    cells["value"] = np.nan
    cells["missing"] = False
    units = cells["field_code"].map({code: info.unit.value for code, info in infos.items()})
    bounded = cells["field_code"].map({code: info.bounded_rate for code, info in infos.items()}).astype(bool)
    for (unit, hint), group in cells.groupby([units, cells["unit_hint"].fillna("")], sort=False):
        parsed = parse_values(group["raw"].reset_index(drop=True), unit, unit_hint=hint or None)
        values = parsed.values.to_numpy()
        bad = parsed.problem_mask.to_numpy()
        cells.loc[group.index, "value"] = values
        cells.loc[group.index, "missing"] = parsed.missing_mask.to_numpy()
        for position in np.flatnonzero(bad):
            original = group.iloc[position]
            problems.append(_problem(table_, int(original["row"]), original["column"],
                                     problem_message(parsed.problems.iloc[position], original["raw"]), "bad_value"))
        outside = bounded[group.index].to_numpy() & ((values < 0) | (values > 100))
        for position in np.flatnonzero(outside & ~bad):
            original = group.iloc[position]
            problems.append(_problem(table_, int(original["row"]), original["column"], _(
                "{value}% is impossible for a rate (0–100%)").format(value=round(float(values[position]), 4)),
                "impossible"))
        cells.loc[group.index[outside], "value"] = np.nan
    return cells


def _scaled(values: np.ndarray) -> np.ndarray:
    """Values as FixedDecimal(6) stores them (× 10⁶, rounded half away from zero)."""
    scaled = np.asarray(values, dtype=float) * VALUE_SCALE
    return (np.sign(scaled) * np.floor(np.abs(scaled) + 0.5)).astype("int64")


def _existing(session: Session, period_ids: list[int]) -> pd.DataFrame:
    t = _MEASUREMENTS
    rows = session.execute(
        select(t.c.id, t.c.employee_id, t.c.period_id, t.c.field_code, t.c.value, t.c.source_checksum).where(
            t.c.period_id.in_(period_ids)
        )
    ).all()
    names = ["id", "employee_id", "period_id", "field_code", "old_value", "old_checksum"]
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(names)
    return pd.DataFrame({name: pd.Series(values, dtype=object) for name, values in zip(names, columns, strict=True)}
                        ).astype({"id": "int64", "employee_id": "int64", "period_id": "int64"})


def _split_changes(written: pd.DataFrame, existing: pd.DataFrame, checksum: str | None) -> pd.DataFrame:
    merged = written.merge(existing, on=["employee_id", "period_id", "field_code"], how="left")
    is_new = merged["id"].isna()
    same_value = merged["old_value"].astype("Float64").eq(merged["value_scaled"].astype("Float64")).fillna(False)
    same_source = merged["old_checksum"].eq(checksum) if checksum else pd.Series(True, index=merged.index)
    merged["action"] = np.where(is_new, "insert", np.where(same_value & same_source.fillna(False), "keep", "update"))
    merged.loc[~is_new & same_value & ~same_source.fillna(False), "action"] = "retag"
    return merged


def _compare_existing(session: Session, written: pd.DataFrame) -> dict[str, int]:
    if written.empty:
        return {"new": 0, "changed": 0, "unchanged": 0}
    existing = _existing(session, sorted(set(written["period_id"].tolist())))
    merged = _split_changes(written, existing, None)
    return {
        "new": int((merged["action"] == "insert").sum()),
        "changed": int((merged["action"] == "update").sum()),
        "unchanged": int((merged["action"] == "keep").sum()),
    }


# --------------------------------------------------------------------------- writing


class _BulkWriter:
    """Runs a Core statement for many parameter sets straight through the DBAPI ``executemany`` of the
    session's own connection (same transaction). The SQL and its parameter style come from SQLAlchemy's
    compiler for the connected dialect, so nothing here is specific to one database."""

    def __init__(self, session: Session):
        self.connection = session.connection()
        self.dialect = self.connection.dialect
        self._datetime = DateTime().bind_processor(self.dialect)

    def datetime_value(self, value):
        return self._datetime(value) if self._datetime else value

    def executemany(self, statement, columns: dict[str, list]) -> None:
        """``columns`` maps each bound parameter name to its list of values (one per row)."""
        size = len(next(iter(columns.values()), []))
        if not size:
            return
        compiled = statement.compile(dialect=self.dialect)
        for name, value in compiled.params.items():  # literals such as the 1 of "version + 1"
            columns.setdefault(name, [value] * size)
        if compiled.positional:
            rows = list(zip(*(columns[name] for name in compiled.positiontup), strict=True))
        else:
            names = list(columns)
            rows = [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]
        cursor = self.connection.connection.dbapi_connection.cursor()
        try:
            cursor.executemany(str(compiled), rows)
        finally:
            cursor.close()



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
    """Write a data preview in one transaction; cancelling or any failure leaves the database unchanged."""
    ensure_importable(preview, skip_problem_rows)
    rows: pd.DataFrame = preview.rows
    if skip_problem_rows and preview.problem_rows:
        rows = rows[~rows["row"].isin(preview.problem_rows)]
    if backup:
        from kpidesk.store.backups import backup_now

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
    period_ids = sorted(set(rows["period_id"].tolist()))
    locked = session.execute(
        select(m.PeriodRecord.code).where(m.PeriodRecord.id.in_(period_ids), m.PeriodRecord.status == "finalized")
    ).scalars().all()
    if locked:
        raise LockedPeriodError(
            _("Period {period} is finalized; reopen it (with a reason) to change anything.").format(period=locked[0]),
            Place(file=file),
        )
    merged = _split_changes(rows, _existing(session, period_ids), checksum)
    now = utcnow()
    source_sheet = None if sheet is None else sheet[:120]
    inserts = merged[merged["action"] == "insert"]
    updates = merged[merged["action"].isin(["update", "retag"])]
    total = len(inserts) + len(updates)
    done = 0
    report(progress, 0, total, _("Writing values"))
    t = _MEASUREMENTS
    bulk = _BulkWriter(session)
    stamp = bulk.datetime_value(now)
    insert_statement = insert(t).values(
        employee_id=bindparam("employee_id"), period_id=bindparam("period_id"), field_code=bindparam("field_code"),
        value=bindparam("value"), source_file=bindparam("source_file"), source_sheet=bindparam("source_sheet"),
        source_row=bindparam("source_row"), source_checksum=bindparam("source_checksum"),
        updated_at=bindparam("updated_at"), updated_by=bindparam("updated_by"), version=bindparam("version"),
    )
    for start in range(0, len(inserts), chunk_rows):
        if cancel is not None:
            cancel.raise_if_cancelled()
        chunk = inserts.iloc[start:start + chunk_rows]
        n = len(chunk)
        params = {
            "employee_id": chunk["employee_id"].tolist(), "period_id": chunk["period_id"].tolist(),
            "field_code": chunk["field_code"].tolist(), "value": chunk["value_scaled"].tolist(),
            "source_file": [file[:260]] * n, "source_sheet": [source_sheet] * n, "source_row": chunk["row"].tolist(),
            "source_checksum": [checksum] * n, "updated_at": [stamp] * n, "updated_by": [actor.name] * n,
            "version": [1] * n,
        }
        bulk.executemany(insert_statement, params)
        done += len(chunk)
        report(progress, done, total, _("Writing values"))
    update_statement = (
        update(t).where(t.c.id == bindparam("b_id")).values(
            value=bindparam("b_value"), source_file=bindparam("b_file"), source_sheet=bindparam("b_sheet"),
            source_row=bindparam("b_row"), source_checksum=bindparam("b_checksum"), updated_at=bindparam("b_at"),
            updated_by=bindparam("b_by"), version=t.c.version + 1,
        )
    )
    for start in range(0, len(updates), chunk_rows):
        if cancel is not None:
            cancel.raise_if_cancelled()
        chunk = updates.iloc[start:start + chunk_rows]
        n = len(chunk)
        params = {
            "b_id": chunk["id"].astype("int64").tolist(), "b_value": chunk["value_scaled"].tolist(),
            "b_file": [file[:260]] * n, "b_sheet": [source_sheet] * n, "b_row": chunk["row"].tolist(),
            "b_checksum": [checksum] * n, "b_at": [stamp] * n, "b_by": [actor.name] * n,
        }
        bulk.executemany(update_statement, params)
        done += len(chunk)
        report(progress, done, total, _("Writing values"))
    if cancel is not None:
        cancel.raise_if_cancelled()
    return {
        "inserted": len(inserts),
        "updated": int((merged["action"] == "update").sum()),
        "source_updated": int((merged["action"] == "retag").sum()),
        "unchanged": int((merged["action"] == "keep").sum()),
    }
