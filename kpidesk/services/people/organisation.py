"""The organisation's own settings as the settings page saves them (name, logo, default shares, rater
weights, backup retention) and the default grade scale; both are stored in the database so they travel with it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kpidesk.domain import grades as domain_grades
from kpidesk.errors import ValidationError
from kpidesk.i18n import _
from kpidesk.services.actor import Actor
from kpidesk.services.safety import audit
from kpidesk.services.safety.access import Permission, require
from kpidesk.services.safety.settings import OrganisationSettings, save_settings
from kpidesk.store import models as m

#: The settings the settings page edits; the scoring options are changed where they are used.
PAGE_FIELDS = ("name", "logo", "quantitative_share", "qualitative_share", "rater_weights", "keep_daily", "keep_monthly",
               "document_language", "grade_consequences")


@dataclass(frozen=True)
class BandRow:
    code: str
    label_zh: str
    label_en: str
    lower_bound: Decimal
    colour: str | None = None


def check_organisation(data: OrganisationSettings) -> None:
    """ValidationError when a setting the page edits breaks a rule."""
    data.check(PAGE_FIELDS)


def save_organisation(session: Session, actor: Actor, data: OrganisationSettings) -> list[str]:
    """Check the page's settings, then store what changed; returns the stored keys written."""
    require(actor, Permission.SETTINGS_WRITE)
    check_organisation(data)
    return save_settings(session, actor, replace(data, name=data.name.strip()), only=PAGE_FIELDS)


# ----------------------------------------------------------------------------------- grade scale


def _default_scale(session: Session) -> m.GradeScale | None:
    return session.execute(
        select(m.GradeScale).where(m.GradeScale.is_default).options(selectinload(m.GradeScale.bands))
    ).scalar()


def grade_bands(session: Session) -> list[BandRow]:
    """The default scale's bands, best first (the built-in 优秀/良好/一般/差 if none is stored)."""
    scale = _default_scale(session)
    if scale is None or not scale.bands:
        from kpidesk.services.library.starter import DEFAULT_GRADES

        return [BandRow(code, zh, en, Decimal(bound), colour) for code, zh, en, bound, colour in DEFAULT_GRADES]
    return [BandRow(b.code, b.label_zh, b.label_en, b.lower_bound, b.colour)
            for b in sorted(scale.bands, key=lambda b: b.lower_bound, reverse=True)]


def check_bands(bands: list[BandRow]) -> list[BandRow]:
    """Sorted best first; ValidationError when codes, labels or bounds do not make a scale."""
    if not bands:
        raise ValidationError(_("A grade scale needs at least one grade."))
    for band in bands:
        if not band.code.strip() or not (band.label_zh.strip() or band.label_en.strip()):
            raise ValidationError(_("Every grade needs a code and a name."))
    ordered = sorted(bands, key=lambda b: b.lower_bound, reverse=True)
    if ordered[-1].lower_bound > 0:
        raise ValidationError(_("The lowest grade must start at 0 so that every total has a grade."))
    domain_grades.GradeScale(tuple(
        domain_grades.GradeBand(b.code.strip(), float(b.lower_bound), b.label_zh, b.label_en) for b in ordered
    ))
    return ordered


def save_grade_bands(session: Session, actor: Actor, bands: list[BandRow]) -> None:
    require(actor, Permission.SETTINGS_WRITE)
    ordered = check_bands(bands)
    scale = _default_scale(session)
    if scale is None:
        scale = m.GradeScale(name="default", is_default=True)
        session.add(scale)
    old = [(b.code, str(b.lower_bound)) for b in scale.bands]
    scale.bands.clear()
    session.flush()
    for band in ordered:
        scale.bands.append(m.GradeBand(code=band.code.strip(), label_zh=band.label_zh.strip() or band.label_en.strip(),
                                       label_en=band.label_en.strip() or band.label_zh.strip(),
                                       lower_bound=Decimal(band.lower_bound), colour=band.colour))
    session.flush()
    audit.record(session, actor, "grades.edit", entity="grade_scale", entity_id=scale.name, old=old,
                 new=[(b.code, str(b.lower_bound)) for b in ordered])
