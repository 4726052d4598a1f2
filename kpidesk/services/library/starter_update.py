"""Bringing a database's library up to a newer version of the starter library it was made from.

``plan_update`` compares the starter file with the database and lists what differs; ``apply_update`` adds
the new raw fields, KPIs and templates, corrects changed KPIs and saves each changed template as a new
version (its forms pinned at the file's version). Finalized periods keep their snapshots, so nothing they
show changes; open periods score with the new template versions, which is why the plan names the open
periods that use each changed template before anyone applies it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.domain.statuses import PeriodStatus
from kpidesk.errors import ValidationError
from kpidesk.i18n import _
from kpidesk.services.actor import Actor
from kpidesk.services.library.starter import install_starter, load_starter
from kpidesk.services.library.templates import FormInput, ItemInput, TemplateInput, save_template_version
from kpidesk.services.safety import audit
from kpidesk.services.safety.access import Permission, require
from kpidesk.services.safety.settings import load_settings, update_settings
from kpidesk.store import models as m

#: KPI attributes the starter file sets, compared one by one.
KPI_ATTRIBUTES = ("name_zh", "name_en", "definition", "unit", "direction", "formula", "baseline", "target",
                  "challenge", "perspective", "category", "data_source", "period_kind", "aggregation")


@dataclass(frozen=True)
class Change:
    """One difference: ``kind`` field | kpi | template, ``action`` add | change, with what differs."""

    kind: str
    code: str
    action: str
    details: tuple[str, ...] = ()
    open_periods: tuple[str, ...] = ()  # a changed template: the open periods that score with it


@dataclass(frozen=True)
class StarterUpdate:
    name: str
    from_version: int
    to_version: int
    changes: tuple[Change, ...]

    @property
    def empty(self) -> bool:
        return not self.changes

    @property
    def up_to_date(self) -> bool:
        """Nothing differs and the database already records the file's version."""
        return self.empty and self.from_version == self.to_version


def describe_update(plan: StarterUpdate) -> list[str]:
    """The plan as lines of text: the versions, then each change with its details."""
    lines = [_("Starter library {name}: version {old} in this database, version {new} available").format(
        name=plan.name, old=plan.from_version or "?", new=plan.to_version)]
    if plan.empty:
        lines.append(_("Nothing to change."))
    actions = {"add": _("new"), "change": _("changed")}
    kinds = {"field": _("raw field"), "kpi": _("KPI"), "template": _("template")}
    for change in plan.changes:
        lines.append(f"  {actions[change.action]} {kinds[change.kind]} {change.code}")
        lines += [f"      {detail}" for detail in change.details]
        if change.open_periods:
            lines.append("      " + _("in use in the open periods {periods}: they will score with the new version")
                         .format(periods=", ".join(change.open_periods)))
    return lines


def _plain(value: Any) -> Any:
    """Numbers compared as numbers (20 == 20.0 == Decimal("20.0000")), text as text."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float, Decimal)):
        return float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _shown(value: Any) -> str:
    value = _plain(value)
    if isinstance(value, float):
        return f"{value:g}"
    return "—" if value in (None, "", {}) else str(value)


def _kpi_wanted(spec: dict[str, Any]) -> dict[str, Any]:
    wanted = {key: spec.get(key) for key in KPI_ATTRIBUTES}
    wanted["period_kind"] = spec.get("period_kind", "month")
    wanted["aggregation"] = spec.get("aggregation", "recompute" if spec.get("formula") else "mean")
    return wanted


def _template_wanted(spec: dict[str, Any], kpi_specs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    from kpidesk.services.forms.catalogue import find_form

    items = []
    for item in spec["items"]:
        levels = kpi_specs.get(item["kpi"], {})
        items.append(_plain([item["kpi"], item["weight"], item.get("baseline", levels.get("baseline")),
                             item.get("target", levels.get("target")), item.get("challenge", levels.get("challenge")),
                             item.get("rule", "three_level"), item.get("params") or {}]))
    return {"name_zh": spec["name_zh"], "name_en": spec["name_en"], "items": items,
            "shares": _plain([spec.get("quantitative_share", 70), spec.get("qualitative_share", 30)]),
            "forms": [[key, find_form(key).version] for key in spec.get("forms", [])]}


def _template_stored(template: m.Template) -> dict[str, Any]:
    items = [_plain([i.kpi.code, i.weight, i.baseline, i.target, i.challenge, i.rule or "three_level", i.params or {}])
             for i in sorted(template.items, key=lambda i: i.sort_order)]
    return {"name_zh": template.name_zh, "name_en": template.name_en, "items": items,
            "shares": _plain([template.quantitative_share, template.qualitative_share]),
            "forms": [[f.form_version.form_key, f.form_version.version] for f in template.forms]}


def _template_details(stored: dict[str, Any], wanted: dict[str, Any]) -> tuple[str, ...]:
    details = []
    for key in ("name_zh", "name_en", "shares", "forms"):
        if stored[key] != wanted[key]:
            details.append(f"{key}: {_shown(stored[key])} → {_shown(wanted[key])}")
    before = {row[0]: row for row in stored["items"]}
    after = {row[0]: row for row in wanted["items"]}
    labels = ("weight", "baseline", "target", "challenge", "rule", "params")
    for code in after:
        if code not in before:
            details.append(_("KPI {code} added (weight {weight})").format(code=code, weight=_shown(after[code][1])))
            continue
        for label, old, new in zip(labels, before[code][1:], after[code][1:], strict=True):
            if old != new:
                details.append(f"{code} {label}: {_shown(old)} → {_shown(new)}")
    details += [_("KPI {code} removed").format(code=code) for code in before if code not in after]
    if not details and stored != wanted:
        details.append(_("KPI order"))
    return tuple(details)


def _open_periods_using(session: Session, key: str) -> tuple[str, ...]:
    rows = session.execute(
        select(m.PeriodRecord.code).distinct().join(m.Appraisal, m.Appraisal.period_id == m.PeriodRecord.id)
        .join(m.Template, m.Template.id == m.Appraisal.template_id)
        .where(m.Template.key == key, m.PeriodRecord.status != PeriodStatus.FINALIZED)
    ).scalars()
    return tuple(sorted(rows))


def plan_update(session: Session, name: str) -> StarterUpdate:
    """What applying starter library ``name`` would change in this database."""
    data = load_starter(name)
    settings = load_settings(session)
    if settings.starter_library and settings.starter_library != name:
        raise ValidationError(_("This database was made from the starter library {made}, not {name}.").format(
            made=settings.starter_library, name=name))
    changes: list[Change] = []
    fields = set(session.execute(select(m.RawField.code)).scalars())
    changes += [Change("field", spec["code"], "add", (spec["name_zh"],))
                for spec in data.get("fields", []) if spec["code"] not in fields]
    kpis = {k.code: k for k in session.execute(select(m.Kpi)).scalars()}
    kpi_specs = {spec["code"]: spec for spec in data.get("kpis", [])}
    for code, spec in kpi_specs.items():
        kpi = kpis.get(code)
        if kpi is None:
            changes.append(Change("kpi", code, "add", (spec["name_zh"],)))
            continue
        wanted = _kpi_wanted(spec)
        details = tuple(f"{key}: {_shown(getattr(kpi, key))} → {_shown(value)}" for key, value in wanted.items()
                        if _plain(getattr(kpi, key)) != _plain(value))
        if details:
            changes.append(Change("kpi", code, "change", details))
    current = {t.key: t for t in session.execute(select(m.Template).where(m.Template.is_current)).scalars()}
    for spec in data.get("templates", []):
        template = current.get(spec["key"])
        if template is None:
            changes.append(Change("template", spec["key"], "add", (spec["name_zh"],)))
            continue
        stored, wanted = _template_stored(template), _template_wanted(spec, kpi_specs)
        if stored != wanted:
            changes.append(Change("template", spec["key"], "change", _template_details(stored, wanted),
                                  _open_periods_using(session, spec["key"])))
    return StarterUpdate(name, settings.starter_version, int(data.get("version", 1)), tuple(changes))


def apply_update(session: Session, actor: Actor, name: str) -> StarterUpdate:
    """Apply what ``plan_update`` lists and record the starter version; returns the plan it applied."""
    require(actor, Permission.LIBRARY_WRITE)
    plan = plan_update(session, name)
    if plan.up_to_date:
        return plan
    data = load_starter(name)
    install_starter(session, actor, name)  # what is new: fields, KPIs, templates (with their forms)
    kpi_specs = {spec["code"]: spec for spec in data.get("kpis", [])}
    kpis = {k.code: k for k in session.execute(select(m.Kpi)).scalars()}
    for change in plan.changes:
        if change.kind == "kpi" and change.action == "change":
            kpi = kpis[change.code]
            for key, value in _kpi_wanted(kpi_specs[change.code]).items():
                setattr(kpi, key, Decimal(str(value)) if key in ("baseline", "target", "challenge") and value is not None
                        else value)
            audit.record(session, actor, "kpi.change", entity="kpi", entity_id=change.code,
                         new={"starter": name, "changes": list(change.details)})
    session.flush()
    specs = {spec["key"]: spec for spec in data.get("templates", [])}
    for change in plan.changes:
        if change.kind == "template" and change.action == "change":
            _new_template_version(session, actor, specs[change.code], kpis, kpi_specs)
    update_settings(session, actor, starter_version=plan.to_version, starter_library=name)
    audit.record(session, actor, "starter.update", entity="starter", entity_id=name,
                 old={"version": plan.from_version},
                 new={"version": plan.to_version, "changes": [f"{c.kind} {c.code} {c.action}" for c in plan.changes]})
    return plan


def _new_template_version(session: Session, actor: Actor, spec: dict[str, Any], kpis: dict[str, m.Kpi],
                          kpi_specs: dict[str, dict[str, Any]]) -> None:
    template = session.execute(
        select(m.Template).where(m.Template.key == spec["key"], m.Template.is_current)).scalar_one()

    def level(item: dict[str, Any], key: str) -> Decimal | None:
        value = item.get(key, kpi_specs.get(item["kpi"], {}).get(key))
        return None if value is None else Decimal(str(value))

    items = tuple(ItemInput(kpis[item["kpi"]].id, Decimal(str(item["weight"])), level(item, "baseline"),
                            level(item, "target"), level(item, "challenge"), item.get("rule", "three_level"),
                            dict(item.get("params") or {})) for item in spec["items"])
    keys = spec.get("forms", [])
    forms = tuple(FormInput(key, Decimal(100) / len(keys)) for key in keys)
    save_template_version(session, actor, template.id, TemplateInput(
        name_zh=spec["name_zh"], name_en=spec["name_en"], position_id=template.position_id, items=items, forms=forms,
        quantitative_share=Decimal(str(spec.get("quantitative_share", 70))),
        qualitative_share=Decimal(str(spec.get("qualitative_share", 30))),
        missing_policy=template.missing_policy, two_thirds_rule=template.two_thirds_rule,
    ))
