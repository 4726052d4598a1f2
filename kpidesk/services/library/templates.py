"""Appraisal templates: list, read, create, save as a new version, duplicate.

A template is never edited in place: saving creates the next version under the same key and makes it
current, so a period that was appraised (or finalized) with an older version keeps it. Every save is
checked here, not only in the form: weights sum to 100, shares sum to 100, each KPI's rule works.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from kpidesk.domain.numbers import float_or_none
from kpidesk.domain.rules import RuleSpec, make_rule
from kpidesk.errors import NotFound, ValidationError
from kpidesk.i18n import _, pick
from kpidesk.services.actor import Actor
from kpidesk.services.safety import audit
from kpidesk.services.safety.access import Permission, require
from kpidesk.store import models as m

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class ItemInput:
    kpi_id: int
    weight: Decimal
    baseline: Decimal | None = None
    target: Decimal | None = None
    challenge: Decimal | None = None
    rule: str = "three_level"
    params: dict[str, Any] = field(default_factory=dict)
    note: str | None = None


@dataclass(frozen=True)
class FormInput:
    form_key: str
    share: Decimal
    form_version_id: int | None = None  # keep this pinned version; None pins the current form file


@dataclass(frozen=True)
class TemplateInput:
    name_zh: str
    name_en: str
    position_id: int | None
    items: tuple[ItemInput, ...]
    forms: tuple[FormInput, ...] = ()
    quantitative_share: Decimal = Decimal(70)
    qualitative_share: Decimal = Decimal(30)
    missing_policy: str = "exclude"
    two_thirds_rule: bool = False


@dataclass(frozen=True)
class ItemRow:
    kpi_id: int
    kpi_code: str
    kpi_name_zh: str
    kpi_name_en: str
    unit: str
    direction: str
    weight: Decimal
    baseline: Decimal | None
    target: Decimal | None
    challenge: Decimal | None
    rule: str
    params: dict[str, Any]
    note: str | None

    @property
    def kpi_name(self) -> str:
        return pick(self.kpi_name_zh, self.kpi_name_en)

    def as_input(self) -> ItemInput:
        return ItemInput(self.kpi_id, self.weight, self.baseline, self.target, self.challenge, self.rule,
                         dict(self.params), self.note)


@dataclass(frozen=True)
class FormRow:
    form_version_id: int
    form_key: str
    version: int
    title_zh: str
    title_en: str
    share: Decimal

    @property
    def title(self) -> str:
        return pick(self.title_zh, self.title_en)


@dataclass(frozen=True)
class TemplateSummary:
    id: int
    key: str
    version: int
    name_zh: str
    name_en: str
    position_id: int | None
    position: str | None
    items: int
    weight_total: Decimal
    is_current: bool

    @property
    def name(self) -> str:
        return pick(self.name_zh, self.name_en)


@dataclass(frozen=True)
class TemplateDetail:
    id: int
    key: str
    version: int
    is_current: bool
    name_zh: str
    name_en: str
    position_id: int | None
    position: str | None
    quantitative_share: Decimal
    qualitative_share: Decimal
    missing_policy: str
    two_thirds_rule: bool
    items: tuple[ItemRow, ...]
    forms: tuple[FormRow, ...]
    created_at: datetime | None
    created_by: str | None
    versions: tuple[int, ...]

    @property
    def name(self) -> str:
        return pick(self.name_zh, self.name_en)

    def as_input(self) -> TemplateInput:
        return TemplateInput(
            self.name_zh, self.name_en, self.position_id, tuple(i.as_input() for i in self.items),
            tuple(FormInput(f.form_key, f.share, f.form_version_id) for f in self.forms),
            self.quantitative_share, self.qualitative_share, self.missing_policy, self.two_thirds_rule,
        )


def _number(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}"


# ----------------------------------------------------------------------------------------- reading


def list_templates(session: Session, *, include_old: bool = False) -> list[TemplateSummary]:
    """The current version of each template (every version with ``include_old``)."""
    query = select(m.Template).options(selectinload(m.Template.items), selectinload(m.Template.position))
    if not include_old:
        query = query.where(m.Template.is_current)
    rows = session.execute(query.order_by(m.Template.key, m.Template.version)).scalars()
    return [
        TemplateSummary(t.id, t.key, t.version, t.name_zh, t.name_en, t.position_id,
                        t.position.name if t.position else None, len(t.items),
                        sum((i.weight for i in t.items), Decimal(0)), t.is_current)
        for t in rows
    ]


def template_detail(session: Session, template_id: int) -> TemplateDetail:
    template = session.execute(
        select(m.Template).where(m.Template.id == template_id).options(
            selectinload(m.Template.items).selectinload(m.TemplateItem.kpi),
            selectinload(m.Template.forms).selectinload(m.TemplateForm.form_version),
            selectinload(m.Template.position),
        )
    ).scalar()
    if template is None:
        raise NotFound(_("The template no longer exists."))
    versions = tuple(session.execute(
        select(m.Template.version).where(m.Template.key == template.key).order_by(m.Template.version)).scalars())
    items = tuple(
        ItemRow(i.kpi_id, i.kpi.code, i.kpi.name_zh, i.kpi.name_en, i.kpi.unit, i.kpi.direction, i.weight,
                i.baseline, i.target, i.challenge, i.rule or "three_level", dict(i.params or {}), i.note)
        for i in template.items
    )
    forms = tuple(
        FormRow(f.form_version_id, f.form_version.form_key, f.form_version.version, f.form_version.title_zh,
                f.form_version.title_en, f.share)
        for f in template.forms
    )
    return TemplateDetail(
        template.id, template.key, template.version, template.is_current, template.name_zh, template.name_en,
        template.position_id, template.position.name if template.position else None,
        template.quantitative_share, template.qualitative_share, template.missing_policy or "exclude",
        bool(template.two_thirds_rule), items, forms, template.created_at, template.created_by, versions,
    )


def current_version_id(session: Session, key: str) -> int | None:
    return session.execute(select(m.Template.id).where(m.Template.key == key, m.Template.is_current)).scalar()


# -------------------------------------------------------------------------------------- validation


def weight_total(items: tuple[ItemInput, ...] | list[ItemInput]) -> Decimal:
    return sum((Decimal(str(item.weight)) for item in items), Decimal(0))


def weight_problem(items) -> str | None:
    """The message to show while weights do not sum to 100 (None when they do)."""
    total = weight_total(items)
    if total == HUNDRED:
        return None
    return _("The weights sum to {total}%; they must sum to 100% before the template can be saved.").format(
        total=_number(total))


def validate_template(session: Session, data: TemplateInput) -> None:
    """Raise ValidationError with the first problem that stops ``data`` from being saved."""
    if not data.name_zh.strip() and not data.name_en.strip():
        raise ValidationError(_("A template needs a name."))
    if not data.items:
        raise ValidationError(_("A template needs at least one KPI."))
    ids = [item.kpi_id for item in data.items]
    if len(set(ids)) != len(ids):
        raise ValidationError(_("A KPI is listed twice on the template."))
    if any(Decimal(str(item.weight)) <= 0 for item in data.items):
        raise ValidationError(_("Every KPI on a template needs a weight above 0."))
    problem = weight_problem(data.items)
    if problem:
        raise ValidationError(problem)
    quantitative, qualitative = Decimal(str(data.quantitative_share)), Decimal(str(data.qualitative_share))
    if quantitative < 0 or qualitative < 0 or quantitative + qualitative != HUNDRED:
        raise ValidationError(_("The quantitative and qualitative shares sum to {total}%; they must sum to 100%.")
                              .format(total=_number(quantitative + qualitative)))
    if data.forms:
        form_total = sum((Decimal(str(f.share)) for f in data.forms), Decimal(0))
        if form_total != HUNDRED:
            raise ValidationError(_("The forms' shares sum to {total}%; they must sum to 100%.").format(
                total=_number(form_total)))
        keys = [f.form_key for f in data.forms]
        if len(set(keys)) != len(keys):
            raise ValidationError(_("A form is attached twice."))
    elif qualitative > 0:
        raise ValidationError(_("The qualitative share is {share}% but no form is attached; attach a form or set "
                                "the qualitative share to 0.").format(share=_number(qualitative)))
    if data.missing_policy not in ("exclude", "zero"):
        raise ValidationError(_("Unknown missing-data policy: {policy}").format(policy=data.missing_policy))
    kpis = {k.id: k for k in session.execute(select(m.Kpi).where(m.Kpi.id.in_(ids))).scalars()}
    for item in data.items:
        kpi = kpis.get(item.kpi_id)
        if kpi is None:
            raise NotFound(_("A KPI on the template no longer exists."))
        check_rule(item, kpi.code, kpi.direction, kpi.unit)


def check_rule(item: ItemInput, code: str, direction: str, unit: str):
    """Build the item's scoring rule (RuleError says what is wrong) and return it."""
    spec = RuleSpec(item.rule, direction, float_or_none(item.baseline), float_or_none(item.target), float_or_none(item.challenge),
                    dict(item.params or {}))
    return make_rule(spec, code, unit)


def _position_clash(session: Session, position_id: int | None, key: str | None) -> None:
    if position_id is None:
        return
    query = select(m.Template).where(m.Template.position_id == position_id, m.Template.is_current)
    if key is not None:
        query = query.where(m.Template.key != key)
    other = session.execute(query).scalars().first()
    if other is not None:
        raise ValidationError(_("The position already has the template {name}; a position has one template.")
                              .format(name=pick(other.name_zh, other.name_en)))


# ----------------------------------------------------------------------------------------- writing


def _fill(session: Session, template: m.Template, data: TemplateInput, actor: Actor) -> None:
    for order, item in enumerate(data.items):
        template.items.append(m.TemplateItem(
            kpi_id=item.kpi_id, sort_order=order, weight=Decimal(str(item.weight)), baseline=item.baseline,
            target=item.target, challenge=item.challenge, rule=item.rule, params=dict(item.params or {}) or None,
            note=item.note,
        ))
    session.add(template)
    session.flush()
    for form in data.forms:
        version_id = form.form_version_id
        if version_id is None:
            from kpidesk.services.forms.catalogue import pin_form

            version_id = pin_form(session, form.form_key, actor=actor).id
        template.forms.append(m.TemplateForm(form_version_id=version_id, share=Decimal(str(form.share))))
    session.flush()


def _new_key(session: Session, name: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "template"
    taken = set(session.execute(select(m.Template.key)).scalars())
    key, n = base[:70], 2
    while key in taken:
        key, n = f"{base[:66]}-{n}", n + 1
    return key


def _snapshot(data: TemplateInput) -> dict[str, Any]:
    return {
        "name": data.name_zh or data.name_en, "position_id": data.position_id,
        "weights": {str(i.kpi_id): _number(i.weight) for i in data.items},
        "shares": [_number(data.quantitative_share), _number(data.qualitative_share)],
        "forms": {f.form_key: _number(f.share) for f in data.forms},
    }


def create_template(session: Session, actor: Actor, data: TemplateInput, *, key: str | None = None) -> int:
    """A new template (version 1); returns its id."""
    require(actor, Permission.LIBRARY_WRITE)
    validate_template(session, data)
    key = key or _new_key(session, data.name_en or data.name_zh)
    _position_clash(session, data.position_id, None)
    template = _template_row(data, key, 1, actor)
    _fill(session, template, data, actor)
    audit.record(session, actor, "template.add", entity="template", entity_id=key, new=_snapshot(data))
    return template.id


def _template_row(data: TemplateInput, key: str, version: int, actor: Actor, scale_id: int | None = None) -> m.Template:
    return m.Template(
        key=key, version=version, is_current=True, name_zh=data.name_zh.strip() or data.name_en.strip(),
        name_en=data.name_en.strip() or data.name_zh.strip(), position_id=data.position_id,
        quantitative_share=Decimal(str(data.quantitative_share)), qualitative_share=Decimal(str(data.qualitative_share)),
        missing_policy=data.missing_policy, two_thirds_rule=data.two_thirds_rule, grade_scale_id=scale_id,
        created_by=actor.name,
    )


def save_template_version(session: Session, actor: Actor, template_id: int, data: TemplateInput) -> int:
    """Save changes as the next version of the template; returns the new version's id.

    The old version stays (appraisals that used it keep it) and is no longer current.
    """
    require(actor, Permission.LIBRARY_WRITE)
    old = session.get(m.Template, template_id)
    if old is None:
        raise NotFound(_("The template no longer exists."))
    validate_template(session, data)
    _position_clash(session, data.position_id, old.key)
    latest = session.execute(select(func.max(m.Template.version)).where(m.Template.key == old.key)).scalar() or 0
    for row in session.execute(select(m.Template).where(m.Template.key == old.key, m.Template.is_current)).scalars():
        row.is_current = False
    session.flush()
    template = _template_row(data, old.key, latest + 1, actor, old.grade_scale_id)
    template.score_min, template.score_max, template.rater_weights = old.score_min, old.score_max, old.rater_weights
    _fill(session, template, data, actor)
    audit.record(session, actor, "template.version", entity="template", entity_id=old.key,
                 old={"version": old.version}, new={"version": template.version, **_snapshot(data)})
    return template.id


def duplicate_template(session: Session, actor: Actor, template_id: int, *, name_zh: str | None = None,
                       name_en: str | None = None) -> int:
    """A copy under a new key (version 1) without a position, ready to be adapted for another one."""
    detail = template_detail(session, template_id)
    source = detail.as_input()
    copy = TemplateInput(
        name_zh=name_zh or _("{name} (copy)").format(name=detail.name_zh),
        name_en=name_en or f"{detail.name_en} (copy)",
        position_id=None, items=source.items, forms=source.forms, quantitative_share=source.quantitative_share,
        qualitative_share=source.qualitative_share, missing_policy=source.missing_policy,
        two_thirds_rule=source.two_thirds_rule,
    )
    new_id = create_template(session, actor, copy)
    scale = session.get_one(m.Template, template_id).grade_scale_id
    session.get_one(m.Template, new_id).grade_scale_id = scale
    return new_id
