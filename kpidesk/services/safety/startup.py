"""What the window and the command line need before a database is open and someone has logged in:
where the database is, a server's password, upgrading or copying a database, whether it asks for a login.
No acting user exists yet, so these functions take none, except upgrading and copying a database: they
take the login read from the file as it is (:func:`login_of`) and need an administrator.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from kpidesk.services.actor import Actor
from kpidesk.services.safety.access import Permission
from kpidesk.services.safety.gates import requires, touches_no_appraisal_data
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


@requires(Permission.DATABASE_ADMIN)
def upgrade_schema(actor: Actor, target: str | Path | None) -> str | None:
    """Bring a database's schema to this version (the only way a server database is upgraded);
    returns the schema version it has afterwards. ``actor`` is the login read from the database as it
    was (logins off: the local owner)."""
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
    from kpidesk.store.db import SchemaOutOfDate, make_engine
    from kpidesk.store.locations import resolve_url
    from kpidesk.store.schema_versions import schema_state

    try:  # the usual way, with an encrypted file's key
        current = open_database(target, migrate=False)
    except SchemaOutOfDate:  # an older schema: its logins are read as they are below
        pass
    else:
        try:
            return actor_for_cli(current, username)
        finally:
            current.dispose()
    url = resolve_url(target)
    if url.get_backend_name() != "sqlite":
        url = with_stored_password(url)
    engine, warnings = make_engine(url)
    try:
        if not schema_state(engine).current:
            return Actor.local_owner()
        return actor_for_cli(Database(url=url, engine=engine, warnings=warnings), username)
    finally:
        engine.dispose()


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


@touches_no_appraisal_data
def access_enabled(db: Database) -> bool:
    """Whether the database asks for a login."""
    from kpidesk.services.safety import auth

    with db.session() as session:
        return auth.access_enabled(session)


def writable_folder(folder: Path) -> Path:
    """``folder``, created if needed and checked writable; a ``ValidationError`` naming it otherwise (so the
    window can ask for another place)."""
    from kpidesk.store.locations import prepare_folder

    return prepare_folder(folder)


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
