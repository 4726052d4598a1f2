"""What the window and the command line ask of the safety package, one call per user action.

Each function takes the ``Database`` handle (or a database address) and opens its own unit of work, so
neither the UI nor the CLI needs to know about sessions, the store or SQLAlchemy.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from kpidesk.services.actor import Actor
from kpidesk.services.safety.access import Permission
from kpidesk.services.safety.gates import any_login, holds_somewhere, requires, touches_no_appraisal_data
from kpidesk.store.db import Database, open_database


@touches_no_appraisal_data
def default_database_path() -> Path:
    """The file used when nothing else is named: the user data folder's database."""
    from kpidesk.store.locations import default_database_path as located

    return located()


@touches_no_appraisal_data
def database_file(target: str | Path | None) -> Path | None:
    """The file behind a ``--db`` value (or ``KPIDESK_DB`` or the default); None for a server or memory."""
    from kpidesk.store.locations import resolve_url

    url = resolve_url(target)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


@touches_no_appraisal_data
def open_without_upgrade(url: URL | str) -> Database:
    """Open a database another process already opened and checked (no migration, no daily backup)."""
    return open_database(url, migrate=False)


@requires(Permission.DATABASE_ADMIN)
def upgrade_schema(actor: Actor, target: str | Path | None) -> str | None:
    """Bring a database's schema to this version (the only way a server database is upgraded);
    returns the schema version it has afterwards. ``actor`` is the login read from the database as it
    was (single-user mode: the local owner)."""
    from kpidesk.store.schema_versions import schema_state

    db = open_database(target, migrate=True)
    try:
        return schema_state(db.engine).current
    finally:
        db.dispose()


@requires(Permission.DATABASE_ADMIN)
def copy_database_between(actor: Actor, source: str, target: str):
    """Copy a whole database into an empty one (the target is created or upgraded first); ``actor`` is
    the login of the source, as the copy carries everything in it, pay included."""
    from kpidesk.services.safety.db_copy import copy_database

    source_db = open_database(source)
    target_db = open_database(target, migrate=True)
    try:
        return copy_database(source_db, target_db)
    finally:
        source_db.dispose()
        target_db.dispose()


@touches_no_appraisal_data
def login_of(target: str | Path | None, username: str | None) -> Actor:
    """Who ``username`` is in the database at ``target`` as the file is now, read without upgrading or
    refusing an old schema (``db upgrade`` and ``db copy`` must know who asks before they touch it). A
    database with no schema yet has no logins: the local owner acts."""
    from kpidesk.services.safety.auth import actor_for_cli
    from kpidesk.store.credentials import with_stored_password
    from kpidesk.store.db import make_engine
    from kpidesk.store.locations import resolve_url
    from kpidesk.store.schema_versions import schema_state

    url = resolve_url(target)
    if url.get_backend_name() != "sqlite":
        url = with_stored_password(url)
    engine, warnings = make_engine(url)
    try:
        if not schema_state(engine).current:
            return Actor.system_user()
        return actor_for_cli(Database(url=url, engine=engine, warnings=warnings), username)
    finally:
        engine.dispose()


@any_login
def database_info(db: Database, actor: Actor) -> dict:
    """Counts, schema version, path and periods (``kpidesk info``): for anyone logged in."""
    from kpidesk.services.safety.database import info

    return info(db)


@requires(Permission.DATABASE_ADMIN)
def check_database(db: Database, actor: Actor) -> list[str]:
    """Integrity, schema version and audit chain problems; [] when the database is sound."""
    from kpidesk.services.safety.maintenance import check_database as check

    return check(db)


@touches_no_appraisal_data
def problems_when_logins_unreadable(db: Database) -> list[str] | None:
    """None when the logins can be read (then only an administrator may check the file); otherwise the
    problems of the file, the unreadable logins among them, so a damaged file is still diagnosed. The
    answer names problems only, no appraisal data."""
    from sqlalchemy import func, select
    from sqlalchemy.exc import SQLAlchemyError

    from kpidesk.i18n import _
    from kpidesk.services.safety import auth
    from kpidesk.services.safety.maintenance import check_database as check
    from kpidesk.store import models as m

    try:
        with db.session() as session:
            auth.access_enabled(session)
            session.execute(select(func.count()).select_from(m.User)).scalar()
        return None
    except SQLAlchemyError as exc:
        unreadable = _("The logins cannot be read: {error}").format(error=getattr(exc, "orig", None) or exc)
    try:
        return [unreadable, *check(db)]
    except SQLAlchemyError as exc:
        return [unreadable, _("The check stopped: {error}").format(error=getattr(exc, "orig", None) or exc)]


@touches_no_appraisal_data
def server_url_needing_password(text: str) -> URL | None:
    """The URL typed for a server database, or None when it is not one."""
    try:
        url = make_url(text.strip())
    except ArgumentError:
        return None
    return url if url.get_backend_name() != "sqlite" and url.host else None


@touches_no_appraisal_data
def keep_server_password(url: URL, password: str) -> bool:
    """Save a server password in the system keyring; False when there is no usable keyring."""
    from kpidesk.store.credentials import store_password

    return store_password(url.set(password=None), password)


@touches_no_appraisal_data
def server_password_known(url: URL) -> bool:
    """Whether the keyring already holds a password for this server login."""
    from kpidesk.store.credentials import with_stored_password

    return bool(with_stored_password(url).password)


@touches_no_appraisal_data
def access_enabled(db: Database) -> bool:
    """Whether the database asks for a login."""
    from kpidesk.services.safety import auth

    with db.session() as session:
        return auth.access_enabled(session)


@requires(Permission.USERS_MANAGE)
def enable_access(db: Database, actor: Actor, admin: str, password: str):
    from kpidesk.services.safety import auth

    with db.write() as session:
        return auth.enable_access(session, actor, admin, password)


@requires(Permission.USERS_MANAGE)
def disable_access(db: Database, actor: Actor) -> None:
    from kpidesk.services.safety import auth

    with db.write() as session:
        auth.disable_access(session, actor)


@requires(Permission.USERS_MANAGE)
def add_user(db: Database, actor: Actor, name: str, password: str, role: str, *,
             employee_id: int | None = None, department_id: int | None = None) -> str:
    """Create a login; returns its user name."""
    from kpidesk.services.safety import auth

    with db.write() as session:
        return auth.add_user(session, actor, name, password, role, employee_id=employee_id,
                             department_id=department_id).username


@any_login
def set_password(db: Database, actor: Actor, name: str, password: str, *,
                 old_password: str | None = None) -> None:
    from kpidesk.services.safety import auth

    with db.write() as session:
        auth.set_password(session, actor, name, password, old_password=old_password)


@any_login
def list_users(db: Database, actor: Actor) -> tuple[bool, list]:
    """Whether access control is on, and the logins the actor may see."""
    from kpidesk.services.safety import auth

    with db.session() as session:
        return auth.access_enabled(session), auth.list_users(session, actor)


@requires(Permission.AUDIT_READ)
def audit_entries(db: Database, actor: Actor, filters) -> list:
    from kpidesk.services.safety import audit

    with db.session() as session:
        return audit.list_entries(session, actor, filters)


@requires(Permission.AUDIT_READ)
def verify_audit(db: Database, actor: Actor):
    from kpidesk.services.safety import audit

    with db.session() as session:
        return audit.verify(session, actor)


@requires(Permission.AUDIT_READ)
def export_audit(db: Database, actor: Actor, out: Path, filters) -> Path:
    from kpidesk.services.safety import audit

    with db.session() as session:
        return audit.export_entries(session, actor, out, filters)


@touches_no_appraisal_data
def may_somewhere(actor: Actor, permission) -> bool:
    """Whether the actor may use ``permission`` on at least part of the organisation: a department head
    on their own departments counts (``can`` without a department asks about the whole organisation)."""
    return holds_somewhere(actor, permission)


@touches_no_appraisal_data
def writable_folder(folder: Path) -> Path:
    """``folder``, created if needed and checked writable; a ``ValidationError`` naming it otherwise (so the
    window can ask for another place)."""
    from kpidesk.store.locations import prepare_folder

    return prepare_folder(folder)
