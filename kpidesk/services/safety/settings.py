"""Organisation-wide settings as one typed value: every setting declared once with its type, default,
stored key and checks. They live in the database (one ``Setting`` row each) so they travel with the file."""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.domain.eligibility import MIN_DAYS
from kpidesk.domain.grades import HANDBOOK_GRADE_CONSEQUENCES, ForcedDistribution, GradeConsequence
from kpidesk.domain.streaks import StreakRule
from kpidesk.errors import ValidationError
from kpidesk.i18n import _
from kpidesk.services.actor import Actor
from kpidesk.services.safety import audit
from kpidesk.store.models import Setting

log = logging.getLogger(__name__)

RATERS = ("manager", "self", "peer", "hr")
MAX_LOGO_BYTES = 512 * 1024


# ------------------------------------------------------------------------------ stored forms


def _as_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise TypeError(f"not a whole number: {value!r}")
    return int(value)


def _encode_logo(logo: bytes | None) -> str | None:
    return base64.b64encode(logo).decode("ascii") if logo else None


def _decode_logo(value: Any) -> bytes | None:
    return base64.b64decode(value, validate=True) if value else None


def _decode_weights(value: Any) -> dict[str, int]:
    stored = value if isinstance(value, Mapping) else {}
    return {role: _as_int(stored.get(role) or 0) for role in RATERS}


def _encode_weights(weights: Mapping[str, int]) -> dict[str, int]:
    return {role: int(weights.get(role, 0)) for role in RATERS}


def _decode_forced(value: Any) -> ForcedDistribution | None:
    if not value:
        return None
    return ForcedDistribution(tuple((str(code), float(share)) for code, share in value["quotas"]),
                              str(value.get("scope", "department")))


def _encode_forced(plan: ForcedDistribution | None) -> dict[str, Any] | None:
    return None if plan is None else {"quotas": [[code, share] for code, share in plan.quotas], "scope": plan.scope}


def _decode_streaks(value: Any) -> tuple[StreakRule, ...] | None:
    if not value:
        return None
    return tuple(StreakRule(str(r["flag"]), str(r["grade"]), _as_int(r.get("length", 3)),
                            None if r.get("max_rank") is None else _as_int(r["max_rank"])) for r in value)


def _encode_streaks(rules: tuple[StreakRule, ...] | None) -> list[dict[str, Any]] | None:
    if not rules:
        return None
    return [{"flag": r.flag, "grade": r.grade, "length": r.length, "max_rank": r.max_rank} for r in rules]


def _decode_consequences(value: Any) -> tuple[GradeConsequence, ...]:
    return tuple(GradeConsequence(str(r["grade"]), str(r.get("training_need") or ""), str(r.get("staff_level") or ""))
                 for r in value)


def _encode_consequences(rows: tuple[GradeConsequence, ...]) -> list[dict[str, str]]:
    """An empty list is stored as such, so an office can turn the mapping off."""
    return [{"grade": r.grade, "training_need": r.training_need, "staff_level": r.staff_level} for r in rows]


def _same(value: Any) -> Any:
    return value


def _stored(key: str, decode: Callable[[Any], Any] = _same, encode: Callable[[Any], Any] = _same) -> dict[str, Any]:
    """Field metadata: the ``Setting`` row that holds the field and how its JSON value converts."""
    return {"key": key, "decode": decode, "encode": encode}


def _decode_language(value: Any) -> str:
    """"" (each computer prints in its own language), "zh_CN" or "en"; anything else reads as ""."""
    text = {"zh": "zh_CN"}.get(str(value or ""), str(value or ""))
    return text if text in DOCUMENT_LANGUAGES else ""


DOCUMENT_LANGUAGES = ("", "zh_CN", "en")


def _default_weights() -> dict[str, int]:
    return {"manager": 70, "self": 30, "peer": 0, "hr": 0}


# ------------------------------------------------------------------------------ the settings


@dataclass(frozen=True)
class OrganisationSettings:
    """Every organisation setting with its default; ``check()`` says in the user's words what is wrong."""

    name: str = field(default="", metadata=_stored("organisation_name", lambda v: str(v or "")))
    logo: bytes | None = field(default=None, metadata=_stored("organisation_logo", _decode_logo, _encode_logo))
    quantitative_share: int = field(default=70, metadata=_stored("quantitative_share", _as_int))
    qualitative_share: int = field(default=30, metadata=_stored("qualitative_share", _as_int))
    rater_weights: dict[str, int] = field(default_factory=_default_weights,
                                          metadata=_stored("rater_weights", _decode_weights, _encode_weights))
    keep_daily: int = field(default=14, metadata=_stored("backup_keep_daily", _as_int))
    keep_monthly: int = field(default=12, metadata=_stored("backup_keep_monthly", _as_int))
    min_days_active: int = field(default=MIN_DAYS, metadata=_stored("min_days_active", _as_int))
    # None: grades follow the totals
    forced_distribution: ForcedDistribution | None = field(
        default=None, metadata=_stored("forced_distribution", _decode_forced, _encode_forced))
    rank_sum_ratio: bool = field(default=False, metadata=_stored("rank_sum_ratio", bool))
    # percent of the template's composition a result must rest on to be graded and ranked (0: off);
    # databases upgraded with periods in them store 0 (migration 0007), so raising this default later
    # only changes new databases
    min_coverage_to_grade: int = field(default=0, metadata=_stored("min_coverage_to_grade", _as_int))
    # the language of printed sheets when the print does not name one ("": the computer's language),
    # so an office set to Chinese prints Chinese from any computer and from the command line
    document_language: str = field(default="", metadata=_stored("document_language", _decode_language))
    # None: the scoring engine's default rules
    streak_rules: tuple[StreakRule, ...] | None = field(
        default=None, metadata=_stored("streak_rules", _decode_streaks, _encode_streaks))
    # The starter library and its version the KPI library was first made from ("" when made by hand)
    starter_library: str = field(default="", metadata=_stored("starter_library", lambda v: str(v or "")))
    starter_version: int = field(default=0, metadata=_stored("starter_version", lambda v: _as_int(v or 0)))
    # per grade: the training need and staff level printed beside it (the handbooks' table by default)
    grade_consequences: tuple[GradeConsequence, ...] = field(
        default=HANDBOOK_GRADE_CONSEQUENCES,
        metadata=_stored("grade_consequences", _decode_consequences, _encode_consequences))

    def problems(self) -> list[tuple[frozenset[str], str]]:
        """Each broken rule as (the fields it involves, a message for the user)."""
        found: list[tuple[frozenset[str], str]] = []
        quantitative, qualitative = self.quantitative_share, self.qualitative_share
        if quantitative < 0 or qualitative < 0 or quantitative + qualitative != 100:
            found.append((frozenset({"quantitative_share", "qualitative_share"}), _(
                "The default quantitative and qualitative shares sum to {total}%; they must sum to 100%."
            ).format(total=quantitative + qualitative)))
        weights = [int(self.rater_weights.get(role, 0)) for role in RATERS]
        if any(w < 0 for w in weights) or sum(weights) != 100:
            found.append((frozenset({"rater_weights"}),
                          _("The rater weights sum to {total}%; they must sum to 100%.").format(total=sum(weights))))
        if self.keep_daily < 1 or self.keep_monthly < 0:
            found.append((frozenset({"keep_daily", "keep_monthly"}), _("Keep at least one daily backup.")))
        if self.logo is not None and len(self.logo) > MAX_LOGO_BYTES:
            found.append((frozenset({"logo"}), _("The logo is larger than {size} KB; choose a smaller image.").format(
                size=MAX_LOGO_BYTES // 1024)))
        elif self.logo is not None and not (self.logo.startswith(b"\x89PNG") or self.logo.startswith(b"\xff\xd8")):
            found.append((frozenset({"logo"}), _("The logo must be a PNG or JPEG image.")))
        if not 0 <= self.min_coverage_to_grade <= 100:
            found.append((frozenset({"min_coverage_to_grade"}), _(
                "The minimum coverage to grade is a percentage between 0 and 100.")))
        if not 1 <= self.min_days_active <= 366:
            found.append((frozenset({"min_days_active"}), _(
                "People who join or leave are appraised after at least {days} days; choose between 1 and 366."
            ).format(days=self.min_days_active)))
        for rule in self.streak_rules or ():
            if not rule.flag.strip() or not rule.grade.strip() or rule.length < 1 or (
                    rule.max_rank is not None and rule.max_rank < 1):
                found.append((frozenset({"streak_rules"}), _(
                    "The streak rule {flag} needs a flag, a grade, a run of at least one period and a rank limit "
                    "of at least 1.").format(flag=rule.flag or "?")))
        grades = [row.grade.strip() for row in self.grade_consequences]
        if any(not grade for grade in grades) or len(set(grades)) != len(grades):
            found.append((frozenset({"grade_consequences"}), _(
                "Each row of the grade consequences names a grade, and each grade only once.")))
        return found

    def check(self, only: Iterable[str] | None = None) -> None:
        """Raise ValidationError for the first broken rule (among those involving ``only``, when given)."""
        wanted = None if only is None else frozenset(only)
        for involved, message in self.problems():
            if wanted is None or involved & wanted:
                raise ValidationError(message)


SETTING_FIELDS = {f.name: f for f in fields(OrganisationSettings)}
STORED_KEYS = {f.metadata["key"]: f.name for f in SETTING_FIELDS.values()}


def stored_values(settings: OrganisationSettings) -> dict[str, Any]:
    """Stored key → JSON value, as the ``Setting`` rows hold them."""
    return {f.metadata["key"]: f.metadata["encode"](getattr(settings, f.name)) for f in SETTING_FIELDS.values()}


def load_settings(session: Session) -> OrganisationSettings:
    """The stored settings; a missing or empty row (or one that cannot be read) keeps the field's default."""
    rows: dict[str, Any] = dict(
        session.execute(select(Setting.key, Setting.value).where(Setting.key.in_(STORED_KEYS))).all())
    values: dict[str, Any] = {}
    for key, name in STORED_KEYS.items():
        if rows.get(key) is None:
            continue
        try:
            values[name] = SETTING_FIELDS[name].metadata["decode"](rows[key])
        except (TypeError, ValueError, KeyError, binascii.Error, ValidationError) as exc:
            log.warning("setting %s unreadable (%r), using the default: %s", key, rows[key], exc)
    return OrganisationSettings(**values)


def save_settings(session: Session, actor: Actor, settings: OrganisationSettings,
                  only: Iterable[str] | None = None) -> list[str]:
    """Check ``settings`` (the rules involving ``only`` when given), then write the rows that differ from
    what is stored, each audited; returns the stored keys written."""
    names = list(SETTING_FIELDS) if only is None else list(only)
    unknown = [name for name in names if name not in SETTING_FIELDS]
    if unknown:
        raise ValueError(f"no such organisation setting: {', '.join(unknown)}")
    settings.check(names)
    wanted, defaults = stored_values(settings), stored_values(OrganisationSettings())
    rows = {row.key: row for row in session.execute(
        select(Setting).where(Setting.key.in_(STORED_KEYS))).scalars()}
    written = []
    for name in names:
        key = SETTING_FIELDS[name].metadata["key"]
        row = rows.get(key)
        old = row.value if row is not None else None
        if (old if row is not None else defaults[key]) == wanted[key]:
            continue
        if row is None:
            session.add(Setting(key=key, value=wanted[key]))
        else:
            row.value = wanted[key]
        audit.record(session, actor, "setting.change", entity="setting", entity_id=key, old=old, new=wanted[key])
        written.append(key)
    return written


def update_settings(session: Session, actor: Actor, **changes: Any) -> list[str]:
    """Change some settings by field name, e.g. ``update_settings(s, actor, min_days_active=10)``."""
    unknown = [name for name in changes if name not in SETTING_FIELDS]
    if unknown:
        raise ValueError(f"no such organisation setting: {', '.join(unknown)}")
    return save_settings(session, actor, replace(load_settings(session), **changes), only=changes)
