"""What the window and the command line ask of the library (KPIs, templates, starter libraries), one
call per user action; each function takes the ``Database`` handle and the acting user and opens its own
unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.i18n import pick
from kpidesk.services.actor import Actor
from kpidesk.services.safety.access import Permission, require
from kpidesk.store import models as m
from kpidesk.store.db import Database


@dataclass(frozen=True)
class KpiLabel:
    """A KPI as tables and charts label it, in the current language."""

    code: str
    name: str
    unit: str


def labels_of_kpis(session: Session) -> dict[str, KpiLabel]:
    """Every KPI's label by code, for use cases that already hold a session."""
    rows = session.execute(select(m.Kpi.code, m.Kpi.name_zh, m.Kpi.name_en, m.Kpi.unit))
    return {code: KpiLabel(code, pick(zh, en), unit) for code, zh, en, unit in rows}


def kpi_labels(db: Database, actor: Actor) -> dict[str, KpiLabel]:
    require(actor, Permission.LIBRARY_READ)
    with db.session() as session:
        return labels_of_kpis(session)


def install_starter(db: Database, actor: Actor, starter: str) -> dict:
    """Install a starter library (KPIs, forms, templates); what the file already has is kept."""
    from kpidesk.services.library.starter import install_starter as install

    with db.write() as session:
        return install(session, actor, starter)
