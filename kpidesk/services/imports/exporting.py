"""Exports: a period's results and raw data as a formatted workbook (or CSV), and the blank import
template of a position for a period, which re-imports filled without any mapping."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.domain.statuses import PeriodStatus
from kpidesk.domain.units import Unit
from kpidesk.errors import NotFound, ValidationError
from kpidesk.exchange.aliases import TEMPLATE_FIELDS_SHEET
from kpidesk.exchange.writers import SheetSpec, write_csv, write_xlsx
from kpidesk.i18n import _, current_language, pick
from kpidesk.services.actor import Actor
from kpidesk.services.safety.access import Permission, employee_scope, require
from kpidesk.services.safety.period_lock import period_record
from kpidesk.store import models as m

_UNIT_LABELS = {
    Unit.PERCENT: "%", Unit.PERMILLE: "‰", Unit.DURATION: "秒", Unit.SCORE: "分", Unit.COUNT: "次",
    Unit.HOURS: "小时", Unit.CURRENCY: "元", Unit.NUMBER: "",
}
_UNIT_LABELS_EN = {
    Unit.PERCENT: "%", Unit.PERMILLE: "‰", Unit.DURATION: "s", Unit.SCORE: "pts", Unit.COUNT: "count",
    Unit.HOURS: "h", Unit.CURRENCY: "CNY", Unit.NUMBER: "",
}
_FORMAT_FOR_UNIT = {Unit.PERCENT: "percent", Unit.DURATION: "duration", Unit.COUNT: "number"}


def _unit(text: str | None) -> Unit:
    try:
        return Unit(text or "")
    except ValueError:
        return Unit.NUMBER


def header_with_unit(name: str, unit: Unit, chinese: bool = True) -> str:
    """``接待总数（次）`` or ``Contacts (count)``: the unit in the header, as the readers expect it."""
    label = (_UNIT_LABELS if chinese else _UNIT_LABELS_EN).get(unit, "")
    if not label:
        return name
    return f"{name}（{label}）" if chinese else f"{name} ({label})"


# --------------------------------------------------------------------------- reading what to export


def _staff_frame(session: Session) -> pd.DataFrame:
    departments: dict[int | None, m.Department] = {d.id: d for d in session.execute(select(m.Department)).scalars()}
    rows = []
    for e in session.execute(select(m.Employee).order_by(m.Employee.staff_no)).scalars():
        dep = departments.get(e.department_id)
        top = dep.top_level() if dep else None
        rows.append({"employee_id": e.id, "staff_no": e.staff_no, "name": e.name,
                     "department": top.name if top else "", "team": dep.name if dep and dep is not top else "",
                     "position": e.position.name if e.position else "", "position_id": e.position_id,
                     "active": e.active})
    return pd.DataFrame(rows, columns=["employee_id", "staff_no", "name", "department", "team", "position",
                                       "position_id", "active"])


def _field_catalogue(session: Session) -> dict[str, tuple[str, Unit]]:
    catalogue = {code: (pick(zh, en), _unit(unit)) for code, zh, en, unit in session.execute(
        select(m.RawField.code, m.RawField.name_zh, m.RawField.name_en, m.RawField.unit))}
    for code, zh, en, unit in session.execute(select(m.Kpi.code, m.Kpi.name_zh, m.Kpi.name_en, m.Kpi.unit)):
        catalogue.setdefault(code, (pick(zh, en), _unit(unit)))
    return catalogue


def raw_data_frame(
    session: Session, period: str, *, actor: Actor
) -> tuple[pd.DataFrame, dict[str, str]]:
    """One row per employee with values, one column per field (header with unit); and column → format."""
    require(actor, Permission.DATA_READ)
    record = period_record(session, period)
    values = pd.DataFrame(
        session.execute(select(m.Measurement.employee_id, m.Measurement.field_code, m.Measurement.value).where(
            m.Measurement.period_id == record.id)).all(),
        columns=["employee_id", "field_code", "value"],
    )
    staff = _staff_frame(session)
    catalogue = _field_catalogue(session)
    identity = [_("Staff no"), _("Name"), _("Department"), _("Team")]
    if values.empty:
        return pd.DataFrame(columns=identity), {}
    values["value"] = values["value"].map(lambda v: None if v is None else float(v))
    wide = values.pivot_table(index="employee_id", columns="field_code", values="value", aggfunc="first")
    codes = [c for c in catalogue if c in wide.columns] + sorted(c for c in wide.columns if c not in catalogue)
    frame = staff.set_index("employee_id").join(wide[codes], how="inner").reset_index()
    headers, formats = {}, {}
    for code in codes:
        name, unit = catalogue.get(code, (code, Unit.NUMBER))
        headers[code] = header_with_unit(name, unit, current_language() == "zh_CN")
        if unit in _FORMAT_FOR_UNIT:
            formats[headers[code]] = _FORMAT_FOR_UNIT[unit]
        elif unit in (Unit.SCORE, Unit.CURRENCY, Unit.HOURS):
            formats[headers[code]] = "decimal"
    frame = frame[["staff_no", "name", "department", "team", *codes]].rename(
        columns={"staff_no": identity[0], "name": identity[1], "department": identity[2], "team": identity[3],
                 **headers})
    return frame.sort_values(identity[0]).reset_index(drop=True), formats


def results_frame(session: Session, period: str, *, actor: Actor) -> pd.DataFrame | None:
    """The period's results: a finalized period's as finalized (names, departments and scores from its
    checked snapshot, whatever changed since), another's computed by the scoring service."""
    from kpidesk.services.appraisal.scoring import period_scores
    from kpidesk.services.appraisal.snapshots import current_snapshot

    require(actor, Permission.RESULTS_READ)
    record = period_record(session, period)
    if record.status == PeriodStatus.FINALIZED and current_snapshot(session, record) is None:
        return _stored_results(session, record)  # no snapshot to read (db check reports it)
    try:
        frame = period_scores(session, record.code, actor=actor).frame
    except (ValidationError, NotFound):
        return None
    if frame.empty:
        return None
    keep = [c for c in ("staff_no", "name", "department", "team", "quantitative", "qualitative", "adjustments",
                        "total", "grade", "rank_department", "rank_organisation") if c in frame.columns]
    frame = frame[keep].copy()
    if "team" in frame.columns:
        frame["team"] = frame["team"].fillna("")
    return frame.sort_values("staff_no").reset_index(drop=True)


def _stored_results(session: Session, record: m.PeriodRecord) -> pd.DataFrame | None:
    """The result rows of a finalized period that has no snapshot, with the names of today."""
    staff = _staff_frame(session).set_index("employee_id")
    bands = {b.code: pick(b.label_zh, b.label_en) for b in session.execute(select(m.GradeBand)).scalars()}
    stored = session.execute(select(m.Result).where(m.Result.period_id == record.id)).scalars().all()
    if not stored:
        return None
    rows = []
    for r in stored:
        person = staff.loc[r.employee_id] if r.employee_id in staff.index else None
        rows.append({
            "staff_no": person["staff_no"] if person is not None else "",
            "name": person["name"] if person is not None else "",
            "department": person["department"] if person is not None else "",
            "team": person["team"] if person is not None else "",
            "quantitative": _number(r.quantitative), "qualitative": _number(r.qualitative),
            "adjustments": _number(r.adjustments), "total": _number(r.total),
            "grade": bands.get(r.grade_code or "", r.grade_code), "rank_department": r.rank_department,
            "rank_organisation": r.rank_organisation,
        })
    return pd.DataFrame(rows).sort_values("staff_no").reset_index(drop=True)


def _number(value) -> float | None:
    return None if value is None else float(value)


_RESULT_HEADERS = {
    "staff_no": "Staff no", "name": "Name", "department": "Department", "team": "Team",
    "quantitative": "Quantitative", "qualitative": "Qualitative", "adjustments": "Adjustments", "total": "Total",
    "grade": "Grade", "rank_department": "Rank in department", "rank_organisation": "Rank in organisation",
}


def _translated_results(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(columns={k: _(v) for k, v in _RESULT_HEADERS.items()})


# --------------------------------------------------------------------------- period export


def export_period(session: Session, period: str, out: str | Path, *, actor: Actor) -> dict[str, int]:
    """Write the period's results and raw data to ``out`` (.xlsx: a summary, one sheet per department,
    raw data; .csv: the results, or the raw data when there are no results yet)."""
    require(actor, Permission.RESULTS_READ)
    require(actor, Permission.DATA_READ)
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ValidationError(_("Export to .xlsx or .csv, not {suffix}").format(suffix=out.suffix or "—"))
    code = period_record(session, period).code
    raw, raw_formats = raw_data_frame(session, code, actor=actor)
    results = results_frame(session, code, actor=actor)
    if suffix == ".csv":
        frame = _translated_results(results) if results is not None else raw
        write_csv(out, frame)
        return {"rows": len(frame), "sheets": 1}
    sheets: list[SheetSpec] = []
    score_formats = {_(h): "decimal" for h in ("Quantitative", "Qualitative", "Adjustments", "Total")}
    if results is not None and not results.empty:
        summary = _summary(results)
        sheets.append(SheetSpec(_("Summary"), summary, formats={_("Mean total"): "decimal"},
                                heading=_("Results {period}").format(period=code)))
        for department, group in results.groupby("department", sort=True):
            ranked = group.sort_values(["total", "staff_no"], ascending=[False, True])
            sheets.append(SheetSpec(str(department) or _("No department"), _translated_results(ranked),
                                    formats=score_formats, grade_columns=(_("Grade"),), freeze_columns=2))
    else:
        sheets.append(SheetSpec(_("Summary"), pd.DataFrame({_("Period"): [code], _("Employees with data"): [len(raw)],
                                                           _("Note"): [_("no results computed yet")]})))
    sheets.append(SheetSpec(_("Raw data"), raw, formats=raw_formats, freeze_columns=2))
    write_xlsx(out, sheets)
    return {"rows": len(raw) if results is None else len(results), "sheets": len(sheets)}


def _summary(results: pd.DataFrame) -> pd.DataFrame:
    grades = sorted(g for g in results["grade"].dropna().unique()) if "grade" in results else []
    rows = []
    for department, group in results.groupby("department", sort=True):
        row = {_("Department"): department, _("Employees"): len(group),
               _("Mean total"): float(group["total"].mean()) if group["total"].notna().any() else None}
        for grade in grades:
            row[str(grade)] = int((group["grade"] == grade).sum())
        rows.append(row)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- import template


def template_fields(session: Session, position: m.Position) -> list[tuple[str, str, str, Unit, str]]:
    """(code, zh, en, unit, description) of every raw field or directly entered KPI the position's current
    template needs."""
    template = session.execute(
        select(m.Template).where(m.Template.position_id == position.id, m.Template.is_current)
        .order_by(m.Template.version.desc())
    ).scalars().first()
    if template is None:
        raise NotFound(_("Position {name} has no template").format(name=position.name))
    raw = {f.code: f for f in session.execute(select(m.RawField)).scalars()}
    fields: dict[str, tuple[str, str, str, Unit, str]] = {}
    from kpidesk.domain.formulas import parse_formula

    for item in template.items:
        kpi = item.kpi
        if kpi.formula:
            try:
                names = parse_formula(kpi.formula).fields
            except ValidationError:
                names = ()
            for name in names:
                f = raw.get(name)
                if f is not None:
                    fields.setdefault(f.code, (f.code, f.name_zh, f.name_en, _unit(f.unit),
                                               _("used by {kpi}").format(kpi=pick(kpi.name_zh, kpi.name_en))))
        else:
            fields.setdefault(kpi.code, (kpi.code, kpi.name_zh, kpi.name_en, _unit(kpi.unit),
                                         kpi.definition or ""))
    return list(fields.values())


def export_import_template(
    session: Session, period: str, position_name: str, out: str | Path, *, actor: Actor
) -> dict[str, int]:
    """A blank data sheet: staff of the position pre-filled, one column per field with its unit, and a hidden
    sheet describing the fields (so the filled sheet re-imports without mapping)."""
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise ValidationError(_("The import template is an .xlsx file"))
    code = period_record(session, period).code
    position = session.execute(select(m.Position).where(m.Position.name == position_name)).scalar()
    if position is None:
        names = ", ".join(session.execute(select(m.Position.name).order_by(m.Position.name)).scalars())
        raise NotFound(_("No position named {name}; positions: {names}").format(name=position_name, names=names))
    fields = template_fields(session, position)
    staff = _staff_frame(session)
    staff = staff[(staff["position_id"] == position.id) & staff["active"]]
    scope = employee_scope(session, actor, Permission.DATA_WRITE)
    if scope is not None:  # only the people whose data ``actor`` may enter
        staff = staff[staff["employee_id"].isin(list(scope))]
    data = pd.DataFrame({"工号": staff["staff_no"].tolist(), "姓名": staff["name"].tolist(),
                         "部门": [t or d for d, t in zip(staff["department"], staff["team"], strict=True)],
                         "考核周期": [code] * len(staff)})
    formats = {"工号": "text", "考核周期": "text"}
    description_rows = []
    for field_code, zh, en, unit, description in fields:
        header = header_with_unit(zh, unit)
        data[header] = None
        description_rows.append({"header": header, "code": field_code, "name_zh": zh, "name_en": en,
                                 "unit": unit.value, "description": description})
    description = pd.DataFrame(description_rows, columns=["header", "code", "name_zh", "name_en", "unit",
                                                          "description"])
    write_xlsx(out, [
        SheetSpec(f"{position.name} {code}", data, formats=formats, freeze_columns=2),
        SheetSpec(TEMPLATE_FIELDS_SHEET, description, hidden=True),
    ])
    return {"staff": len(data), "fields": len(fields)}
