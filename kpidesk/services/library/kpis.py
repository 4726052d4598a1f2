"""The KPI library: list, add and edit KPIs; check a formula against the raw fields it reads."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.domain.periods import PeriodKind
from kpidesk.domain.units import Direction, Perspective, Unit
from kpidesk.errors import NotFound, ValidationError
from kpidesk.i18n import _, pick
from kpidesk.services.actor import Actor
from kpidesk.services.safety import audit
from kpidesk.services.safety.access import Permission, require
from kpidesk.store import models as m

CODE_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,59}$")
AGGREGATIONS = ("recompute", "mean", "sum", "last")


@dataclass(frozen=True)
class KpiRow:
    id: int
    code: str
    name_zh: str
    name_en: str
    definition: str | None
    unit: str
    direction: str
    formula: str | None
    baseline: Decimal | None
    target: Decimal | None
    challenge: Decimal | None
    perspective: str | None
    category: str | None
    data_source: str | None
    period_kind: str
    aggregation: str
    active: bool

    @property
    def name(self) -> str:
        return pick(self.name_zh, self.name_en)


@dataclass(frozen=True)
class KpiInput:
    """What the KPI form submits (plain values)."""

    code: str
    name_zh: str
    name_en: str
    unit: str = Unit.PERCENT.value
    direction: str = Direction.HIGHER.value
    formula: str | None = None
    definition: str | None = None
    baseline: Decimal | None = None
    target: Decimal | None = None
    challenge: Decimal | None = None
    perspective: str | None = None
    category: str | None = None
    data_source: str | None = None
    period_kind: str = PeriodKind.MONTH.value
    aggregation: str | None = None
    active: bool = True


@dataclass(frozen=True)
class FieldRow:
    code: str
    name_zh: str
    name_en: str
    unit: str

    @property
    def name(self) -> str:
        return pick(self.name_zh, self.name_en)


def _row(kpi: m.Kpi) -> KpiRow:
    return KpiRow(**{f.name: getattr(kpi, f.name) for f in fields(KpiRow)})


def list_kpis(session: Session, *, include_inactive: bool = True) -> list[KpiRow]:
    query = select(m.Kpi).order_by(m.Kpi.perspective, m.Kpi.code)
    if not include_inactive:
        query = query.where(m.Kpi.active)
    return [_row(k) for k in session.execute(query).scalars()]


def list_raw_fields(session: Session) -> list[FieldRow]:
    return [FieldRow(f.code, f.name_zh, f.name_en, f.unit)
            for f in session.execute(select(m.RawField).order_by(m.RawField.code)).scalars()]


def formula_fields_unknown(formula_text: str, known: set[str]) -> list[str]:
    """Parse the formula (FormulaError points at the position) and list the names it reads that
    are neither raw fields nor KPIs."""
    from kpidesk.domain.formulas import parse_formula

    formula = parse_formula(formula_text)
    return [name for name in formula.fields if name not in known]


def known_names(session: Session) -> set[str]:
    return set(session.execute(select(m.RawField.code)).scalars()) | set(session.execute(select(m.Kpi.code)).scalars())


def _check(session: Session, data: KpiInput, kpi_id: int | None) -> KpiInput:
    code = data.code.strip()
    if not CODE_PATTERN.match(code):
        raise ValidationError(_("A KPI code starts with a letter and uses only letters, digits and _ (e.g. fcr_rate)."))
    if not data.name_zh.strip() and not data.name_en.strip():
        raise ValidationError(_("A KPI needs a name."))
    for value, enum, label in ((data.unit, Unit, _("unit")), (data.direction, Direction, _("direction")),
                               (data.period_kind, PeriodKind, _("period"))):
        try:
            enum(value)
        except ValueError:
            raise ValidationError(_("Unknown {what}: {value}").format(what=label, value=value)) from None
    if data.perspective:
        try:
            Perspective(data.perspective)
        except ValueError:
            raise ValidationError(_("Unknown {what}: {value}").format(what=_("perspective"), value=data.perspective)) from None
    aggregation = data.aggregation or ("recompute" if data.formula else "mean")
    if aggregation not in AGGREGATIONS:
        raise ValidationError(_("Unknown {what}: {value}").format(what=_("aggregation"), value=aggregation))
    clash = session.execute(select(m.Kpi.id).where(m.Kpi.code == code)).scalar()
    if clash is not None and clash != kpi_id:
        raise ValidationError(_("The KPI code {code} is already used.").format(code=code))
    formula = (data.formula or "").strip() or None
    if formula:
        # The KPI's own code stands for the value typed in, e.g. first(csat, survey_score / 5 * 100).
        unknown = formula_fields_unknown(formula, known_names(session) | {code})
        if unknown:
            raise ValidationError(_("The formula reads fields that do not exist: {names}").format(names=", ".join(unknown)))
    return KpiInput(**{**{f.name: getattr(data, f.name) for f in fields(KpiInput)},
                       "code": code, "name_zh": data.name_zh.strip(), "name_en": data.name_en.strip(),
                       "formula": formula, "aggregation": aggregation})


def save_kpi(session: Session, actor: Actor, data: KpiInput, kpi_id: int | None = None) -> int:
    """Add a KPI (``kpi_id`` None) or change one. Templates keep their own levels and weights."""
    require(actor, Permission.LIBRARY_WRITE)
    data = _check(session, data, kpi_id)
    values = {f.name: getattr(data, f.name) for f in fields(KpiInput)}
    values["name_zh"] = values["name_zh"] or values["name_en"]
    values["name_en"] = values["name_en"] or values["name_zh"]
    if kpi_id is None:
        kpi = m.Kpi(**values)
        session.add(kpi)
        session.flush()
        audit.record(session, actor, "kpi.add", entity="kpi", entity_id=kpi.code, new=values)
        return kpi.id
    stored = session.get(m.Kpi, kpi_id)
    if stored is None:
        raise NotFound(_("The KPI no longer exists."))
    old = {key: getattr(stored, key) for key in values if getattr(stored, key) != values[key]}
    for key, value in values.items():
        setattr(stored, key, value)
    session.flush()
    if old:
        audit.record(session, actor, "kpi.edit", entity="kpi", entity_id=stored.code, old=old,
                     new={key: values[key] for key in old})
    return stored.id


@dataclass(frozen=True)
class KpiLabel:
    """A KPI as tables and charts label it, in the current language."""

    code: str
    name: str
    unit: str


def labels_of_kpis(session: Session) -> dict[str, KpiLabel]:
    """Every KPI's label by code, for services that already hold a session."""
    rows = session.execute(select(m.Kpi.code, m.Kpi.name_zh, m.Kpi.name_en, m.Kpi.unit))
    return {code: KpiLabel(code, pick(zh, en), unit) for code, zh, en, unit in rows}
