"""What the window and the command line ask of the library (KPIs, templates, starter libraries), one
call per user action; each function takes the ``Database`` handle and the acting user and opens its own
unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass

from kpidesk.errors import NotFound
from kpidesk.i18n import _
from kpidesk.services.actor import Actor
from kpidesk.services.library.kpis import KpiLabel, labels_of_kpis
from kpidesk.services.safety.access import Permission
from kpidesk.services.safety.gates import requires
from kpidesk.store.db import Database


@requires(Permission.LIBRARY_READ)
def kpi_labels(db: Database, actor: Actor) -> dict[str, KpiLabel]:
    with db.session() as session:
        return labels_of_kpis(session)


@requires(Permission.LIBRARY_WRITE)
def install_starter(db: Database, actor: Actor, starter: str) -> dict:
    """Install a starter library (KPIs, forms, templates); what the file already has is kept."""
    from kpidesk.services.library.starter import install_starter as install

    with db.write() as session:
        return install(session, actor, starter)


@dataclass(frozen=True)
class TemplateLibrary:
    """What the Templates page lists and offers from the library: templates, KPIs, raw fields and the
    organisation's quantitative / qualitative shares (positions come from people, a floor above)."""

    templates: list
    kpis: list
    fields: list
    shares: tuple[int, int]


@requires(Permission.LIBRARY_READ)
def template_library(db: Database, actor: Actor, *, include_old: bool = False) -> TemplateLibrary:
    from kpidesk.services.library import kpis, templates
    from kpidesk.services.safety import settings

    with db.session() as session:
        organisation = settings.load_settings(session)
        return TemplateLibrary(
            templates.list_templates(session, include_old=include_old), kpis.list_kpis(session),
            kpis.list_raw_fields(session), (organisation.quantitative_share, organisation.qualitative_share))


@requires(Permission.LIBRARY_READ)
def template_detail(db: Database, actor: Actor, template_id: int):
    from kpidesk.services.library import templates

    with db.session() as session:
        return templates.template_detail(session, template_id)


@requires(Permission.LIBRARY_WRITE)
def save_template(db: Database, actor: Actor, template_id: int | None, data) -> int:
    """A new template (``template_id`` None) or the next version of one; returns the version's id."""
    from kpidesk.services.library import templates

    with db.write() as session:
        if template_id is None:
            return templates.create_template(session, actor, data)
        return templates.save_template_version(session, actor, template_id, data)


@requires(Permission.LIBRARY_WRITE)
def save_current_template_version(db: Database, actor: Actor, key: str, data) -> int:
    """The next version of whichever version of template ``key`` is current now (undo and redo)."""
    from kpidesk.services.library import templates

    with db.write() as session:
        current = templates.current_version_id(session, key)
        if current is None:
            raise NotFound(_("The template no longer exists."))
        return templates.save_template_version(session, actor, current, data)


@requires(Permission.LIBRARY_WRITE)
def duplicate_template(db: Database, actor: Actor, template_id: int) -> int:
    from kpidesk.services.library import templates

    with db.write() as session:
        return templates.duplicate_template(session, actor, template_id)


@requires(Permission.LIBRARY_WRITE)
def save_kpi(db: Database, actor: Actor, data, kpi_id: int | None = None) -> int:
    from kpidesk.services.library import kpis

    with db.write() as session:
        return kpis.save_kpi(session, actor, data, kpi_id)


@requires(Permission.LIBRARY_READ)
def plan_starter_update(db: Database, actor: Actor, starter: str):
    """What updating to the starter library's current version would change (``StarterUpdate``)."""
    from kpidesk.services.library.starter_update import plan_update

    with db.session() as session:
        return plan_update(session, starter)


@requires(Permission.LIBRARY_WRITE)
def apply_starter_update(db: Database, actor: Actor, starter: str):
    """Apply the starter library's differences in one unit of work; returns the plan applied."""
    from kpidesk.services.library.starter_update import apply_update

    with db.write() as session:
        return apply_update(session, actor, starter)
