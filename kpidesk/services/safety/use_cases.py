"""What the window and the command line ask of the safety package, one call per user action.

Each function takes the ``Database`` handle (or a database address) and opens its own unit of work, so
neither the UI nor the CLI needs to know about sessions, the store or SQLAlchemy.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from kpidesk.services.actor import Actor
from kpidesk.store.db import Database, open_database


def default_database_path() -> Path:
    """The file used when nothing else is named: the user data folder's database."""
    from kpidesk.store.locations import default_database_path as located

    return located()


def database_file(target: str | Path | None) -> Path | None:
    """The file behind a ``--db`` value (or ``KPIDESK_DB`` or the default); None for a server or memory."""
    from kpidesk.store.locations import resolve_url

    url = resolve_url(target)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def open_without_upgrade(url: URL | str) -> Database:
    """Open a database another process already opened and checked (no migration, no daily backup)."""
    return open_database(url, migrate=False)


def upgrade_schema(target: str | Path | None) -> str | None:
    """Bring a database's schema to this version (the only way a server database is upgraded);
    returns the schema version it has afterwards."""
    from kpidesk.store.schema_versions import schema_state

    db = open_database(target, migrate=True)
    try:
        return schema_state(db.engine).current
    finally:
        db.dispose()


def copy_database_between(source: str, target: str):
    """Copy a whole database into an empty one (the target is created or upgraded first)."""
    from kpidesk.services.safety.db_copy import copy_database

    source_db = open_database(source)
    target_db = open_database(target, migrate=True)
    try:
        return copy_database(source_db, target_db)
    finally:
        source_db.dispose()
        target_db.dispose()


def server_url_needing_password(text: str) -> URL | None:
    """The URL typed for a server database, or None when it is not one."""
    try:
        url = make_url(text.strip())
    except ArgumentError:
        return None
    return url if url.get_backend_name() != "sqlite" and url.host else None


def keep_server_password(url: URL, password: str) -> bool:
    """Save a server password in the system keyring; False when there is no usable keyring."""
    from kpidesk.store.credentials import store_password

    return store_password(url.set(password=None), password)


def server_password_known(url: URL) -> bool:
    """Whether the keyring already holds a password for this server login."""
    from kpidesk.store.credentials import with_stored_password

    return bool(with_stored_password(url).password)


def access_enabled(db: Database) -> bool:
    """Whether the database asks for a login."""
    from kpidesk.services.safety import auth

    with db.session() as session:
        return auth.access_enabled(session)


def enable_access(db: Database, actor: Actor, admin: str, password: str):
    from kpidesk.services.safety import auth

    with db.write() as session:
        return auth.enable_access(session, actor, admin, password)


def disable_access(db: Database, actor: Actor) -> None:
    from kpidesk.services.safety import auth

    with db.write() as session:
        auth.disable_access(session, actor)


def add_user(db: Database, actor: Actor, name: str, password: str, role: str, *,
             employee_id: int | None = None, department_id: int | None = None) -> str:
    """Create a login; returns its user name."""
    from kpidesk.services.safety import auth

    with db.write() as session:
        return auth.add_user(session, actor, name, password, role, employee_id=employee_id,
                             department_id=department_id).username


def set_password(db: Database, actor: Actor, name: str, password: str, *,
                 old_password: str | None = None) -> None:
    from kpidesk.services.safety import auth

    with db.write() as session:
        auth.set_password(session, actor, name, password, old_password=old_password)


def list_users(db: Database, actor: Actor) -> tuple[bool, list]:
    """Whether access control is on, and the logins the actor may see."""
    from kpidesk.services.safety import auth

    with db.session() as session:
        return auth.access_enabled(session), auth.list_users(session, actor)


def audit_entries(db: Database, actor: Actor, filters) -> list:
    from kpidesk.services.safety import audit

    with db.session() as session:
        return audit.list_entries(session, actor, filters)


def verify_audit(db: Database, actor: Actor):
    from kpidesk.services.safety import audit

    with db.session() as session:
        return audit.verify(session, actor)


def export_audit(db: Database, actor: Actor, out: Path, filters) -> Path:
    from kpidesk.services.safety import audit

    with db.session() as session:
        return audit.export_entries(session, actor, out, filters)


def may_somewhere(actor: Actor, permission) -> bool:
    """Whether the actor may use ``permission`` on at least part of the organisation: a department head
    on their own departments counts (``can`` without a department asks about the whole organisation)."""
    from kpidesk.services.safety.access import can

    if can(actor, permission):
        return True
    if actor.department_ids:
        return any(can(actor, permission, department) for department in actor.department_ids)
    return actor.employee_id is not None and can(actor, permission, employee_id=actor.employee_id)


def writable_folder(folder: Path) -> Path:
    """``folder``, created if needed and checked writable; a ``ValidationError`` naming it otherwise (so the
    window can ask for another place)."""
    from kpidesk.store.locations import prepare_folder

    return prepare_folder(folder)
