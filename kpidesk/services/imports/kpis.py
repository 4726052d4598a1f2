"""Importing the KPI table HR keeps (指标名称, 指标定义, 计算公式, 单位, 基准值, 目标值, 挑战值, 权重, 数据来源,
考核周期 …) into the KPI library, and optionally as the template of a position.

计算公式 becomes the KPI's formula when, after normalising ``÷ × − %``, it parses and every name in it is a
known raw field (names are rewritten to field codes); otherwise the text is kept in the definition and
the KPI is entered directly. The accepted columns are the ``kpis`` aliases in
:mod:`kpidesk.exchange.aliases`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kpidesk.domain.units import Direction, Perspective, Unit
from kpidesk.errors import ValidationError
from kpidesk.exchange.aliases import build_index, match_header
from kpidesk.exchange.readers import read_table
from kpidesk.exchange.values import parse_text, parse_values, problem_message
from kpidesk.i18n import _
from kpidesk.services.actor import Actor
from kpidesk.services.import_preview import ImportPreview, ImportProblem, ImportResult, ensure_importable
from kpidesk.services.people import staff
from kpidesk.services.safety import audit
from kpidesk.store import models as m

_UNITS = {
    "%": (Unit.PERCENT, 1), "百分比": (Unit.PERCENT, 1), "percent": (Unit.PERCENT, 1), "‰": (Unit.PERMILLE, 1),
    "秒": (Unit.DURATION, 1), "s": (Unit.DURATION, 1), "分钟": (Unit.DURATION, 60), "min": (Unit.DURATION, 60),
    "天": (Unit.DURATION, 86400), "小时": (Unit.HOURS, 1), "h": (Unit.HOURS, 1), "hours": (Unit.HOURS, 1),
    "分": (Unit.SCORE, 1), "分值": (Unit.SCORE, 1), "score": (Unit.SCORE, 1), "points": (Unit.SCORE, 1),
    "次": (Unit.COUNT, 1), "个": (Unit.COUNT, 1), "件": (Unit.COUNT, 1), "人": (Unit.COUNT, 1),
    "count": (Unit.COUNT, 1), "元": (Unit.CURRENCY, 1), "万元": (Unit.CURRENCY, 10000), "yuan": (Unit.CURRENCY, 1),
}
_PERSPECTIVES = {
    "财务": Perspective.FINANCIAL, "financial": Perspective.FINANCIAL, "客户": Perspective.CUSTOMER,
    "customer": Perspective.CUSTOMER, "内部运营": Perspective.PROCESS, "内部流程": Perspective.PROCESS,
    "流程": Perspective.PROCESS, "运营": Perspective.PROCESS, "process": Perspective.PROCESS,
    "学习与成长": Perspective.GROWTH, "学习成长": Perspective.GROWTH, "成长": Perspective.GROWTH,
    "growth": Perspective.GROWTH, "learning": Perspective.GROWTH,
}
_PERIODS = {"月度": "month", "月": "month", "每月": "month", "季度": "quarter", "季": "quarter", "半年度": "half",
            "半年": "half", "年度": "year", "年": "year", "month": "month", "quarter": "quarter", "half": "half",
            "year": "year", "monthly": "month", "quarterly": "quarter", "yearly": "year", "annual": "year"}
_DIRECTIONS = {"越高越好": Direction.HIGHER, "正向": Direction.HIGHER, "higher": Direction.HIGHER,
               "越低越好": Direction.LOWER, "越短越好": Direction.LOWER, "反向": Direction.LOWER,
               "lower": Direction.LOWER, "区间": Direction.BAND, "band": Direction.BAND}


def normalise_formula_text(text: str) -> str:
    """``一次解决数÷接待总数×100%`` → ``一次解决数÷接待总数×100``: a trailing ``×100%`` means "as percent",
    which is how percentages are stored; any other ``N%`` is N/100."""
    cleaned = text.strip().replace("％", "%")
    cleaned = re.sub(r"[×*]\s*100\s*%\s*$", "×100", cleaned)
    cleaned = re.sub(r"(\d+(?:\.\d+)?)\s*%", r"(\1/100)", cleaned)
    return cleaned


def formula_from_text(text: str | None, field_index: Mapping[str, str]) -> str | None:
    """The formula over field codes, or None when the text is not a computable formula."""
    if not text:
        return None
    from kpidesk.domain.formulas import FormulaError, parse_formula, tokenize

    normalised = normalise_formula_text(text)
    try:
        parse_formula(normalised)
        tokens = tokenize(normalised)
    except (FormulaError, ValidationError):
        return None
    pieces, last = [], 0
    for token in tokens:
        if token.kind != "name" or token.text in ("min", "max", "abs", "round", "if", "first", "and", "or", "not"):
            continue
        code = match_header(token.text, field_index)
        if code is None:
            return None
        pieces.append(normalised[last:token.position])
        pieces.append(code)
        last = token.position + len(token.text)
    pieces.append(normalised[last:])
    rewritten = "".join(pieces)
    for old, new in (("÷", " / "), ("×", " * "), ("−", " - ")):
        rewritten = rewritten.replace(old, new)
    rewritten = re.sub(r"\s+", " ", rewritten).strip()
    try:
        parse_formula(rewritten)
    except (FormulaError, ValidationError):
        return None
    return rewritten


def _code_for(name_zh: str, name_en: str | None, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", (name_en or "").lower()).strip("_")[:40]
    if not base:
        base = "kpi_" + hashlib.sha1(name_zh.encode("utf-8")).hexdigest()[:8]
    code, n = base, 2
    while code in taken:
        code, n = f"{base}_{n}", n + 1
    taken.add(code)
    return code


def preview_kpi_import(
    session: Session,
    path: str | Path,
    *,
    sheet: str | None = None,
    overrides: Mapping[str, str | None] | None = None,
    header_row: int | None = None,
) -> ImportPreview:
    table_ = read_table(path, kind="kpis", sheet=sheet, overrides=overrides, header_row=header_row)
    problems: list[ImportProblem] = []

    cells, place = table_.field_cells_or_blank, table_.place_of

    field_pairs = []
    for code, zh, en, aliases in session.execute(
        select(m.RawField.code, m.RawField.name_zh, m.RawField.name_en, m.RawField.aliases)
    ):
        field_pairs += [(code, code), (zh, code), (en, code)]
        field_pairs += [(a, code) for a in (aliases or "").splitlines() if a.strip()]
    field_index = build_index(field_pairs)
    existing = {k.name_zh: k for k in session.execute(select(m.Kpi)).scalars()}
    existing_codes = {k.code: k for k in existing.values()}
    taken = set(existing_codes)

    frame = pd.DataFrame({
        "row": table_.rows,
        "name": parse_text(cells("name")),
        "name_en": parse_text(cells("name_en")),
        "code": parse_text(cells("code")),
        "definition": parse_text(cells("definition")),
        "formula_text": parse_text(cells("formula")),
        "unit_text": parse_text(cells("unit")),
        "perspective_text": parse_text(cells("perspective")),
        "category": parse_text(cells("category")),
        "data_source": parse_text(cells("data_source")),
        "period_text": parse_text(cells("period")),
        "direction_text": parse_text(cells("direction")),
    }, index=table_.rows)
    frame = frame[frame["name"].notna()]
    units = frame["unit_text"].map(lambda u: _UNITS.get((u or "").strip().lower(), (Unit.NUMBER, 1)))
    frame["unit"] = units.map(lambda pair: pair[0].value)
    for level in ("baseline", "target", "challenge"):
        values = pd.Series(float("nan"), index=frame.index)
        for unit_name, group in frame.groupby("unit"):
            raw = cells(level)[group.index]
            parsed = parse_values(raw, Unit.NUMBER if unit_name == Unit.PERCENT.value else unit_name)
            factor = units[group.index].map(lambda pair: pair[1])
            values[group.index] = parsed.values * factor
            for row in parsed.problems.index[parsed.problem_mask]:
                problems.append(ImportProblem(place(row, level), problem_message(parsed.problems[row], raw[row]),
                                              "bad_value"))
        frame[level] = values
    weights = parse_values(cells("weight")[frame.index], Unit.PERCENT)
    frame["weight"] = weights.values
    for row in weights.problems.index[weights.problem_mask]:
        problems.append(ImportProblem(place(row, "weight"), problem_message(weights.problems[row],
                                                                            cells("weight")[row]), "bad_value"))
    frame["perspective"] = frame["perspective_text"].map(
        lambda t: _PERSPECTIVES.get((t or "").strip().lower(), None))
    frame["perspective"] = frame["perspective"].map(lambda p: p.value if p else None)
    frame["period_kind"] = frame["period_text"].map(lambda t: _PERIODS.get((t or "").strip().lower(), "month"))
    frame["direction"] = [
        _direction(d, b, t, c, text)
        for d, b, t, c, text in zip(frame["direction_text"], frame["baseline"], frame["target"], frame["challenge"],
                                    frame["definition"].fillna(""), strict=True)
    ]
    frame["formula"] = frame["formula_text"].map(lambda t: formula_from_text(t, field_index))
    codes = []
    for name, name_en, code in zip(frame["name"], frame["name_en"], frame["code"], strict=True):
        if code:
            codes.append(code)
        elif name in existing:
            codes.append(existing[name].code)
        else:
            codes.append(_code_for(name, name_en, taken))
    frame["code"] = codes
    for row in frame.index[frame.duplicated("code", keep="first")]:
        problems.append(ImportProblem(place(row, "name"), _("duplicate KPI {name}").format(
            name=frame.at[row, "name"]), "duplicate"))
    direct = frame.index[frame["formula_text"].notna() & frame["formula"].isna()]
    notes = [_("row {row}: formula “{text}” is kept as text; the KPI is entered directly").format(
        row=row, text=frame.at[row, "formula_text"]) for row in direct]
    weights_given = frame["weight"].notna().any()
    total = float(frame["weight"].sum()) if weights_given else 0.0
    if weights_given and abs(total - 100) > 1e-6:
        problems.append(ImportProblem(table_.place(column=table_.column_for("weight")), _(
            "weights sum to {total}%, not 100%").format(total=round(total, 4)), "weights", blocking=False))
    counts = {"rows": len(frame), "new": int((~frame["code"].isin(existing_codes)).sum()),
              "updated": int(frame["code"].isin(existing_codes).sum()), "formulas": int(frame["formula"].notna().sum()),
              "entered_directly": int(frame["formula"].isna().sum()), "problems": len(problems)}
    problems.sort(key=lambda p: p.place.row or 0)
    return ImportPreview(
        kind="kpis", file=table_.file, sheet=table_.sheet, checksum=table_.checksum, header_row=table_.header_row,
        mapping=dict(table_.mapping), rows=frame.reset_index(drop=True), problems=problems, counts=counts,
        notes=notes, ignored_columns=table_.unmapped, skipped_lines=list(table_.skipped), path=Path(path),
        extra={"weights_total": total},
    )


def _direction(text, baseline, target, challenge, definition: str) -> str:
    if text and text.strip().lower() in _DIRECTIONS:
        return _DIRECTIONS[text.strip().lower()].value
    if any(word in definition for word in ("越短越好", "越低越好", "越少越好")):
        return Direction.LOWER.value
    if pd.notna(baseline) and pd.notna(target) and target < baseline:
        return Direction.LOWER.value
    return Direction.HIGHER.value


def _dec(value) -> Decimal | None:
    return None if value is None or pd.isna(value) else Decimal(repr(float(value)))


def apply_kpi_import(
    db, actor: Actor, preview: ImportPreview, *, position: str | None = None, skip_problem_rows: bool = False,
    backup: bool = True, **_ignored,
) -> ImportResult:
    """Create or update the KPIs; with ``position``, also create a new template version for that position
    with the table's weights and targets (weights must then sum to 100)."""
    ensure_importable(preview, skip_problem_rows)
    rows = preview.rows
    if skip_problem_rows and preview.problem_rows:
        rows = rows[~rows["row"].isin(preview.problem_rows)]
    if position and abs(float(rows["weight"].fillna(0).sum()) - 100) > 1e-6:
        raise ValidationError(_("weights sum to {total}%, not 100%").format(total=round(float(rows["weight"].sum()), 4)))
    if backup:
        from kpidesk.store.db import backup_now

        backup_now(db, reason="pre-import")
    counts = {"added": 0, "updated": 0, "template_items": 0}
    with db.write() as session:
        kpis = {k.code: k for k in session.execute(select(m.Kpi)).scalars()}
        for record in rows.to_dict("records"):
            kpi = kpis.get(record["code"])
            definition = record["definition"]
            if pd.isna(record["formula"]):
                record["formula"] = None
            if record["formula_text"] and not record["formula"]:
                definition = "\n".join(filter(None, [definition, _("Formula: {text}").format(
                    text=record["formula_text"])]))
            values = dict(
                name_zh=record["name"], name_en=record["name_en"] or (kpi.name_en if kpi else record["name"]),
                definition=definition, unit=record["unit"], direction=record["direction"], formula=record["formula"],
                baseline=_dec(record["baseline"]), target=_dec(record["target"]),
                challenge=_dec(record["challenge"]), perspective=record["perspective"],
                category=record["category"], data_source=record["data_source"], period_kind=record["period_kind"],
                aggregation="recompute" if record["formula"] else "mean",
            )
            if kpi is None:
                kpi = m.Kpi(code=record["code"], **values)
                session.add(kpi)
                kpis[kpi.code] = kpi
                counts["added"] += 1
            else:
                for key, value in values.items():
                    setattr(kpi, key, value)
                counts["updated"] += 1
        session.flush()
        if position:
            counts["template_items"] = _template_for_position(session, actor, position, rows, kpis)
        entry = audit.record(session, actor, "import.kpis", entity="file", entity_id=preview.file,
                             new={"file": preview.file, "checksum": preview.checksum, "counts": counts,
                                  "position": position})
        audit_id = entry.id
    return ImportResult("kpis", preview.file, preview.checksum, counts, audit_id)


def _template_for_position(session: Session, actor: Actor, position_name: str, rows: pd.DataFrame,
                           kpis: dict[str, m.Kpi]) -> int:
    position = staff.get_or_create_position(session, position_name)
    current = session.execute(
        select(m.Template).where(m.Template.position_id == position.id, m.Template.is_current)
    ).scalars().first()
    key = current.key if current else f"position-{position.id}"
    version = (session.execute(select(func.max(m.Template.version)).where(m.Template.key == key)).scalar() or 0) + 1
    if current is not None:
        current.is_current = False
    template = m.Template(key=key, version=version, is_current=True, name_zh=f"{position_name}考核表",
                          name_en=position.name_en or position_name, position_id=position.id,
                          grade_scale_id=current.grade_scale_id if current else None, created_by=actor.name)
    for order, record in enumerate(rows.to_dict("records")):
        template.items.append(m.TemplateItem(
            kpi_id=kpis[record["code"]].id, sort_order=order, weight=_dec(record["weight"]) or Decimal(0),
            baseline=_dec(record["baseline"]), target=_dec(record["target"]), challenge=_dec(record["challenge"]),
        ))
    session.add(template)
    session.flush()
    return len(template.items)
