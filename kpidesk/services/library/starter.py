"""Starter content: a starter library's raw fields, KPIs, positions and templates (customer-service or
ecommerce-service). A new library also takes the handbooks' streak and pay rules and records its version."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.domain.pay_rules import (
    DEFAULT_RULE_BOOK,
    Allowance,
    CoefficientRule,
    CoefficientSource,
    PayRules,
)
from kpidesk.errors import NotFound, ValidationError
from kpidesk.i18n import _
from kpidesk.resources import STARTER_DIR
from kpidesk.services.actor import Actor
from kpidesk.services.safety import audit
from kpidesk.store import models as m

DEFAULT_GRADES = [
    ("excellent", "优秀", "Excellent", 95, "#2e7d32"),
    ("good", "良好", "Good", 85, "#1565c0"),
    ("fair", "一般", "Fair", 70, "#ef6c00"),
    ("poor", "差", "Poor", 0, "#c62828"),
]


def available_starters() -> list[str]:
    return sorted(p.stem for p in STARTER_DIR.glob("*.toml"))


def load_starter(name: str) -> dict[str, Any]:
    path = STARTER_DIR / f"{name}.toml"
    if not path.is_file():
        raise NotFound(
            _("No starter library named {name}; available: {names}").format(
                name=name, names=", ".join(available_starters())
            )
        )
    with path.open("rb") as fh:
        return tomllib.load(fh)


def ensure_default_grade_scale(session: Session) -> m.GradeScale:
    scale = session.execute(select(m.GradeScale).where(m.GradeScale.is_default)).scalar()
    if scale is None:
        scale = m.GradeScale(name="default", is_default=True)
        scale.bands = [
            m.GradeBand(code=c, label_zh=zh, label_en=en, lower_bound=Decimal(lb), colour=colour)
            for c, zh, en, lb, colour in DEFAULT_GRADES
        ]
        session.add(scale)
        session.flush()
    return scale


def _position(session: Session, name_zh: str, name_en: str | None) -> m.Position:
    position = session.execute(select(m.Position).where(m.Position.name == name_zh)).scalar()
    if position is None:
        position = m.Position(name=name_zh, name_en=name_en)
        session.add(position)
        session.flush()
    return position


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def install_starter(session: Session, actor: Actor, name: str = "customer-service", *, path: Path | None = None) -> dict[str, int]:
    """Create what the starter file defines; existing KPIs/fields/templates with the same code are kept."""
    data = load_starter(name) if path is None else tomllib.loads(path.read_text(encoding="utf-8"))
    scale = ensure_default_grade_scale(session)
    fresh_library = session.execute(select(m.Kpi.id).limit(1)).first() is None
    existing_fields = set(session.execute(select(m.RawField.code)).scalars())
    for spec in data.get("fields", []):
        if spec["code"] in existing_fields:
            continue
        session.add(
            m.RawField(
                code=spec["code"],
                name_zh=spec["name_zh"],
                name_en=spec["name_en"],
                unit=spec["unit"],
                aggregation=spec.get("aggregation", "sum"),
                aliases="\n".join(spec.get("aliases", [])) or None,
            )
        )
    kpis = {k.code: k for k in session.execute(select(m.Kpi)).scalars()}
    for spec in data.get("kpis", []):
        if spec["code"] in kpis:
            continue
        kpi = m.Kpi(
            code=spec["code"],
            name_zh=spec["name_zh"],
            name_en=spec["name_en"],
            definition=spec.get("definition"),
            unit=spec["unit"],
            direction=spec["direction"],
            formula=spec.get("formula"),
            baseline=_dec(spec.get("baseline")),
            target=_dec(spec.get("target")),
            challenge=_dec(spec.get("challenge")),
            perspective=spec.get("perspective"),
            category=spec.get("category"),
            data_source=spec.get("data_source"),
            period_kind=spec.get("period_kind", "month"),
            aggregation=spec.get("aggregation", "recompute" if spec.get("formula") else "mean"),
        )
        session.add(kpi)
        kpis[kpi.code] = kpi
    session.flush()
    templates = 0
    existing_templates = set(session.execute(select(m.Template.key)).scalars())
    for spec in data.get("templates", []):
        if spec["key"] in existing_templates:
            continue
        total = sum(Decimal(str(item["weight"])) for item in spec["items"])
        if total != 100:
            raise ValidationError(_("Template {name}: weights sum to {total}, not 100").format(name=spec["key"], total=total))
        position = _position(session, spec["position_zh"], spec.get("position_en"))
        template = m.Template(
            key=spec["key"],
            version=1,
            name_zh=spec["name_zh"],
            name_en=spec["name_en"],
            position_id=position.id,
            quantitative_share=_dec(spec.get("quantitative_share", 70)),
            qualitative_share=_dec(spec.get("qualitative_share", 30)),
            grade_scale_id=scale.id,
            created_by=actor.name,
        )
        for order, item in enumerate(spec["items"]):
            kpi = kpis[item["kpi"]]
            template.items.append(
                m.TemplateItem(
                    kpi_id=kpi.id,
                    sort_order=order,
                    weight=_dec(item["weight"]),
                    baseline=_dec(item.get("baseline", kpi.baseline)),
                    target=_dec(item.get("target", kpi.target)),
                    challenge=_dec(item.get("challenge", kpi.challenge)),
                    rule=item.get("rule", "three_level"),
                    params=item.get("params"),
                )
            )
        session.add(template)
        session.flush()
        _attach_forms(session, actor, template, spec.get("forms", []))
        templates += 1
    if fresh_library:
        _adopt_handbook_streaks(session, actor)
        _adopt_handbook_pay(session, actor)
        _record_starter(session, actor, name, int(data.get("version", 1)))
    counts = {"fields": len(data.get("fields", [])), "kpis": len(data.get("kpis", [])), "templates": templates}
    audit.record(session, actor, "starter.install", entity="starter", entity_id=name, new=counts)
    return counts


def _record_starter(session: Session, actor: Actor, name: str, version: int) -> None:
    """Remember which starter library, and which version of it, the database's library was made from, so
    later versions can be compared with it."""
    from kpidesk.services.safety.settings import update_settings

    update_settings(session, actor, starter_library=name, starter_version=version)


def _adopt_handbook_streaks(session: Session, actor: Actor) -> None:
    """A new library follows the handbooks: three Poor periods raise a dismissal review. An office that
    already had a library keeps the rules it chose (by default the improvement plan)."""
    from kpidesk.domain.streaks import HANDBOOK_STREAK_RULES
    from kpidesk.services.safety.settings import load_settings, update_settings

    if load_settings(session).streak_rules is None:
        update_settings(session, actor, streak_rules=HANDBOOK_STREAK_RULES)


#: The handbooks' meal allowance has no amount; this one is a starting figure for HR to set.
HANDBOOK_MEAL_ALLOWANCE = Decimal("300.00")


def handbook_pay_rules() -> PayRules:
    """Pay as the handbooks compute it: base pay × the KPI total as a percentage, the tiered commission on
    sales without freight, the 200 streak bonus and a meal allowance; the bonus is withheld under a
    dismissal review."""
    from kpidesk.domain.commission import HANDBOOK_TABLE_ROWS, commission_table

    return PayRules(
        coefficient=CoefficientRule(source=CoefficientSource.SCORE),
        commission=commission_table(HANDBOOK_TABLE_ROWS, basis="sales"),
        allowances=(Allowance("meal", HANDBOOK_MEAL_ALLOWANCE, "餐补", "Meal allowance"),),
        withhold_flag="dismissal_review",
    )


def _adopt_handbook_pay(session: Session, actor: Actor) -> None:
    """A new library starts with the handbooks' pay rules in force from the earliest period; an office
    that already stored pay rules keeps them."""
    if session.execute(select(m.PayRuleVersion.id).limit(1)).first() is not None:
        return
    start = DEFAULT_RULE_BOOK.versions[0].effective_from
    rules = handbook_pay_rules().to_dict()
    note = "客服考核手册薪酬规则"
    session.add(m.PayRuleVersion(effective_from=start.code, starts_on=start.start, rules=rules, note=note,
                                 created_by=actor.name))
    session.flush()
    audit.record(session, actor, "pay.rules", entity="pay_rules", entity_id=start.code, new=rules, reason=note)


def _attach_forms(session: Session, actor: Actor, template: m.Template, form_keys: list[str]) -> None:
    """Pin the named forms into the database and attach them in equal shares."""
    if not form_keys:
        return
    try:
        from kpidesk.services.forms.catalogue import pin_form
    except ImportError:
        return
    share = Decimal(100) / len(form_keys)
    for key in form_keys:
        version = pin_form(session, key, actor=actor)
        template.forms.append(m.TemplateForm(form_version_id=version.id, share=share))
    session.flush()
