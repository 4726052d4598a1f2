"""Organisation-wide settings as one checked unit (name, logo, default shares, rater weights, backup
retention) and the default grade scale. They are stored in the database so they travel with it."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kpidesk.domain import grades as domain_grades
from kpidesk.errors import ValidationError
from kpidesk.i18n import _
from kpidesk.services.actor import Actor
from kpidesk.services.safety import audit
from kpidesk.services.safety.access import Permission, require
from kpidesk.services.safety.settings import all_settings, set_setting
from kpidesk.store import models as m

RATERS = ("manager", "self", "peer", "hr")
LOGO_KEY = "organisation_logo"  # base64 of a PNG or JPEG
MAX_LOGO_BYTES = 512 * 1024


@dataclass(frozen=True)
class OrganisationSettings:
    name: str = ""
    logo: bytes | None = None
    quantitative_share: int = 70
    qualitative_share: int = 30
    rater_weights: dict[str, int] = field(default_factory=lambda: {"manager": 70, "self": 30, "peer": 0, "hr": 0})
    keep_daily: int = 14
    keep_monthly: int = 12


@dataclass(frozen=True)
class BandRow:
    code: str
    label_zh: str
    label_en: str
    lower_bound: Decimal
    colour: str | None = None


def load_organisation(session: Session) -> OrganisationSettings:
    values = all_settings(session)
    logo = values.get(LOGO_KEY)
    weights = {role: int(values.get("rater_weights", {}).get(role, 0) or 0) for role in RATERS}
    return OrganisationSettings(
        name=str(values.get("organisation_name") or ""),
        logo=base64.b64decode(logo) if logo else None,
        quantitative_share=int(values.get("quantitative_share") or 0),
        qualitative_share=int(values.get("qualitative_share") or 0),
        rater_weights=weights,
        keep_daily=int(values.get("backup_keep_daily") or 0),
        keep_monthly=int(values.get("backup_keep_monthly") or 0),
    )


def check_organisation(data: OrganisationSettings) -> None:
    if data.quantitative_share < 0 or data.qualitative_share < 0 or data.quantitative_share + data.qualitative_share != 100:
        raise ValidationError(_("The default quantitative and qualitative shares sum to {total}%; they must sum to 100%.")
                              .format(total=data.quantitative_share + data.qualitative_share))
    weights = [int(data.rater_weights.get(role, 0)) for role in RATERS]
    if any(w < 0 for w in weights) or sum(weights) != 100:
        raise ValidationError(_("The rater weights sum to {total}%; they must sum to 100%.").format(total=sum(weights)))
    if data.keep_daily < 1 or data.keep_monthly < 0:
        raise ValidationError(_("Keep at least one daily backup."))
    if data.logo is not None and len(data.logo) > MAX_LOGO_BYTES:
        raise ValidationError(_("The logo is larger than {size} KB; choose a smaller image.").format(
            size=MAX_LOGO_BYTES // 1024))
    if data.logo is not None and not (data.logo.startswith(b"\x89PNG") or data.logo.startswith(b"\xff\xd8")):
        raise ValidationError(_("The logo must be a PNG or JPEG image."))


def save_organisation(session: Session, actor: Actor, data: OrganisationSettings) -> list[str]:
    """Check everything, then store what changed; returns the keys written."""
    require(actor, Permission.SETTINGS_WRITE)
    check_organisation(data)
    current = all_settings(session)
    wanted = {
        "organisation_name": data.name.strip(),
        LOGO_KEY: base64.b64encode(data.logo).decode("ascii") if data.logo else None,
        "quantitative_share": data.quantitative_share,
        "qualitative_share": data.qualitative_share,
        "rater_weights": {role: int(data.rater_weights.get(role, 0)) for role in RATERS},
        "backup_keep_daily": data.keep_daily,
        "backup_keep_monthly": data.keep_monthly,
    }
    written = []
    for key, value in wanted.items():
        if current.get(key) != value:
            set_setting(session, actor, key, value)
            written.append(key)
    return written


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
