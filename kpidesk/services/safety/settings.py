"""Organisation-wide settings stored in the database (they travel with the file)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from kpidesk.services.actor import Actor
from kpidesk.services.safety import audit
from kpidesk.store.models import Setting

DEFAULTS: dict[str, Any] = {
    "organisation_name": "",
    "quantitative_share": 70,
    "qualitative_share": 30,
    "rater_weights": {"manager": 70, "self": 30, "peer": 0, "hr": 0},
    "min_days_active": 15,
    "backup_keep_daily": 14,
    "backup_keep_monthly": 12,
}


def get_setting(session: Session, key: str) -> Any:
    row = session.get(Setting, key)
    return row.value if row is not None else DEFAULTS.get(key)


def all_settings(session: Session) -> dict[str, Any]:
    values = dict(DEFAULTS)
    values.update({row.key: row.value for row in session.query(Setting)})
    return values


def set_setting(session: Session, actor: Actor, key: str, value: Any) -> None:
    row = session.get(Setting, key)
    old = row.value if row is not None else None
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
    audit.record(session, actor, "setting.change", entity="setting", entity_id=key, old=old, new=value)
