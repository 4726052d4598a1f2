"""The snapshot a finalized period keeps: everything its sheets are printed from, hashed.

Content: the template versions (weights, rule parameters), the form versions, the grade scale and options,
the values each score was computed from, every result row and every KPI explanation. It is stored as
canonical JSON (sorted keys, no spaces, UTF-8) and its SHA-256 is kept beside it, so a printed sheet can be
reproduced exactly and any later change to the stored content is detectable.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import Text, inspect, select, type_coerce
from sqlalchemy.orm import Session, defer
from sqlalchemy.orm.attributes import set_committed_value

from kpidesk.domain.canonical import canonical_hash
from kpidesk.domain.numbers import float_or_none, int_or_none, is_missing
from kpidesk.errors import CorruptDatabase
from kpidesk.i18n import _
from kpidesk.store import models as m

if TYPE_CHECKING:  # pandas builds a snapshot and turns one into a frame; its rows are read without it
    import pandas as pd

SNAPSHOT_SCHEMA = 1


def content_hash(content: Any) -> str:
    return canonical_hash(content)


def _kind(series: pd.Series) -> str:
    import pandas as pd

    if series.name == "flags":
        return "flags"
    if isinstance(series.dtype, pd.CategoricalDtype):
        return "status"
    if isinstance(series.dtype, pd.Int64Dtype):
        return "int"
    if pd.api.types.is_float_dtype(series.dtype):
        return "float"
    return "text"


def _cell(value: Any, kind: str) -> Any:
    if kind == "flags":
        return list(value or ())
    if kind == "float":
        return float_or_none(value)
    if kind == "int":
        return int_or_none(value)
    if is_missing(value):
        return None
    return str(value) if kind == "status" else value


def build_snapshot(session: Session, scores) -> dict[str, Any]:
    """The snapshot content of freshly computed ``PeriodScores`` (from ``compute_scores``)."""
    import numpy as np

    from kpidesk.domain.scoring import AutoExemption

    loaded, result = scores.loaded, scores.result
    frame = scores.frame.drop(columns=["grade"])
    columns = [[name, _kind(frame[name])] for name in frame.columns]
    rows = []
    for employee_id, row in frame.iterrows():
        cells = {name: _cell(row[name], kind) for name, kind in columns}
        cells["employee_id"] = int(employee_id)
        rows.append(cells)
    kpis = {
        k.code: {"name_zh": k.name_zh, "name_en": k.name_en, "unit": k.unit, "direction": k.direction,
                 "formula": k.formula, "period_kind": k.period_kind}
        for k in session.execute(select(m.Kpi).where(m.Kpi.code.in_(scores.kpi_codes))).scalars()
    }
    templates = {}
    for key, bundle in loaded.templates.items():
        templates[key] = {
            **bundle.domain.to_dict(), "id": bundle.row.id, "name_zh": bundle.row.name_zh, "name_en": bundle.row.name_en,
            "rater_weights": bundle.row.rater_weights,
            "forms": [{"form": form_key, "version": version.version, "form_version_id": version.id,
                       "content_hash": version.content_hash, "share": str(share)}
                      for form_key, share, version in bundle.forms],
        }
    explanations = {}
    for employee_id in frame.index:
        explanations[str(employee_id)] = {code: e.to_dict() for code, e in result.explanations(employee_id).items()}
    exemptions: dict[str, list] = {}
    for exemption in loaded.scoring_input.exemptions:
        exemptions.setdefault(str(exemption.employee), []).append(
            {"kpi": exemption.kpi, "reason": exemption.reason, "automatic": False})
    rows_of_auto, columns_of_auto = np.nonzero(result.auto)
    for row, column in zip(rows_of_auto.tolist(), columns_of_auto.tolist(), strict=True):
        exemptions.setdefault(str(result.input.employees[row]), []).append(
            {"kpi": result.codes[column], "reason": AutoExemption(int(result.auto[row, column])).name.lower(),
             "automatic": True})
    adjustments: dict[str, list] = {}
    if loaded.record is not None:
        for a in session.execute(select(m.Adjustment).where(m.Adjustment.period_id == loaded.record.id)
                                 .order_by(m.Adjustment.id)).scalars():
            adjustments.setdefault(str(a.employee_id), []).append(
                {"points": str(a.points), "reason": a.reason, "author": a.author})
    options = loaded.scoring_input.options
    forced = options.forced_distribution
    return {
        "schema": SNAPSHOT_SCHEMA,
        "period": scores.period.code,
        "computed_from": loaded.computed_from,
        "months_used": loaded.months_used,
        "grade_scale": scores.grade_scale.to_dict(),
        "options": {
            "forced_distribution": None if forced is None else {"quotas": [list(q) for q in forced.quotas],
                                                                 "scope": forced.scope},
            "rank_sum_ratio": options.rsr,
        },
        "templates": templates,
        "kpis": kpis,
        "kpi_codes": list(scores.kpi_codes),
        "columns": columns,
        "rows": rows,
        "inputs": {str(k): v for k, v in loaded.inputs.items()},
        "qualitative": {str(k): v for k, v in loaded.qualitative.items()},
        "explanations": explanations,
        "exemptions": exemptions,
        "adjustments": adjustments,
    }


def _current(record: m.PeriodRecord, *columns: Any):
    return (select(*(columns or (m.Snapshot,))).where(m.Snapshot.period_id == record.id, m.Snapshot.superseded.is_(False))
            .order_by(m.Snapshot.id.desc()).limit(1))


def current_snapshot(session: Session, record: m.PeriodRecord) -> m.Snapshot | None:
    """The period's snapshot in force, its content left unread: most callers need its id or hash only, and a
    5,000-person month's content is 32 MB of JSON. :func:`verify` reads it once; reading ``content`` loads it."""
    return session.execute(_current(record).options(defer(m.Snapshot.content))).scalar()


def verify(snapshot: m.Snapshot) -> bool:
    """Whether the snapshot's content still has its hash.

    Content not read yet is read here as its stored text, which is hashed as it is: the canonical text
    written at finalization. Only a text stored in another form (by an older version) is encoded again to
    be hashed, which costs a 5,000-person month 0.4 s more."""
    state = inspect(snapshot)
    if "content" not in state.unloaded or state.session is None:
        return content_hash(snapshot.content) == snapshot.content_hash
    text = state.session.scalar(select(type_coerce(m.Snapshot.content, Text)).where(m.Snapshot.id == snapshot.id))
    content = None if text is None else json.loads(text)
    set_committed_value(snapshot, "content", content)
    if text is not None and hashlib.sha256(text.encode("utf-8")).hexdigest() == snapshot.content_hash:
        return True
    return content_hash(content) == snapshot.content_hash


def audited_hash(session: Session, period_code: str) -> str | None:
    """The snapshot hash the audit log recorded at the period's latest finalization (None when it was
    reopened since, or the log holds no finalization of it)."""
    entry = session.execute(
        select(m.AuditEntry.action, m.AuditEntry.new)
        .where(m.AuditEntry.entity == "period", m.AuditEntry.entity_id == period_code,
               m.AuditEntry.action.in_(("period.finalize", "period.reopen")))
        .order_by(m.AuditEntry.id.desc()).limit(1)
    ).first()
    if entry is None or entry.action != "period.finalize" or not isinstance(entry.new, dict):
        return None
    return entry.new.get("content_hash")


def checked_snapshot(session: Session, record: m.PeriodRecord) -> m.Snapshot | None:
    """The period's current snapshot, refused (CorruptDatabase) when its content no longer has its hash or
    its hash is not the one the audit log recorded when the period was finalized: every finalized output
    is read through here, so a snapshot rewritten in the file is never shown as genuine.

    Within a session the snapshot is read and checked once and kept: a sheet asks for it through its scores,
    then its template lines, then its history, and each read of a 5,000-person month costs half a second."""
    snapshot = current_snapshot(session, record)
    if snapshot is None:
        return None
    checked = session.info.setdefault("checked_snapshots", {})
    if checked.get(snapshot.id) is snapshot and "content" not in inspect(snapshot).unloaded:
        return snapshot  # read and checked in this session, not expired by a commit since
    if not verify(snapshot):
        raise CorruptDatabase(
            _("The stored results of {period} do not match their checksum; they were changed after finalizing.")
            .format(period=record.code))
    recorded = audited_hash(session, record.code)
    if recorded is not None and recorded != snapshot.content_hash:
        raise CorruptDatabase(_(
            "The stored results of {period} are not the ones the audit log recorded at finalization; they were "
            "replaced outside KPI Desk (run kpidesk db check).").format(period=record.code))
    checked[snapshot.id] = snapshot
    return snapshot


def finalized_rows(session: Session, record: m.PeriodRecord) -> dict[int, dict[str, Any]]:
    """The finalized result rows of a period by employee id, from its checked snapshot; read once per
    session, as year sheets and histories ask for many people. A finalized period without any snapshot
    (which ``db check`` reports) falls back to its result rows."""
    cache = session.info.setdefault("finalized_rows", {})
    current = session.scalar(_current(record, m.Snapshot.id))
    if current in cache:
        return cache[current]
    snapshot = checked_snapshot(session, record)
    if snapshot is None:
        return {r.employee_id: _result_row(r) for r in session.execute(
            select(m.Result).where(m.Result.period_id == record.id)).scalars()}
    cache[snapshot.id] = {int(row["employee_id"]): row for row in (snapshot.content or {}).get("rows", [])}
    return cache[snapshot.id]


def _result_row(result: m.Result) -> dict[str, Any]:
    def number(value):
        return None if value is None else float(value)

    return {"employee_id": result.employee_id, "department_id": result.department_id,
            "quantitative": number(result.quantitative), "qualitative": number(result.qualitative),
            "adjustments": number(result.adjustments), "total": number(result.total),
            "grade_code": result.grade_code, "grade_computed": result.grade_computed,
            "rank_department": result.rank_department, "rank_organisation": result.rank_organisation,
            "flags": list(result.flags or ())}


def frame_from_content(content: dict[str, Any]) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    from kpidesk.domain.scoring import STATUS_NAMES, Status

    columns = content["columns"]
    rows = content["rows"]
    index = pd.Index([r["employee_id"] for r in rows], name="employee")
    data: dict[str, Any] = {}
    categories = pd.Index(STATUS_NAMES, dtype=object)
    for name, kind in columns:
        raw = [r.get(name) for r in rows]
        if kind == "float":
            data[name] = pd.Series(np.array([np.nan if v is None else v for v in raw], dtype=float), index=index)
        elif kind == "int":
            data[name] = pd.Series(pd.array(raw, dtype="Int64"), index=index)
        elif kind == "status":
            codes = [Status.ABSENT if v is None else STATUS_NAMES.index(v) for v in raw]
            data[name] = pd.Series(pd.Categorical.from_codes(np.array(codes, dtype=np.int8), categories=categories),
                                   index=index)
        elif kind == "flags":
            values = np.empty(len(raw), dtype=object)
            values[:] = [tuple(v or ()) for v in raw]
            data[name] = pd.Series(values, index=index, dtype=object)
        else:
            data[name] = pd.Series(raw, index=index, dtype=object)
    return pd.DataFrame(data, index=index)
