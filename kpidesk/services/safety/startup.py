"""What the window and the command line need before a database is open and someone has logged in:
where the database is, a server's password, upgrading or copying a database, whether it asks for a login.
No acting user exists yet, so these functions take none.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

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


def writable_folder(folder: Path) -> Path:
    """``folder``, created if needed and checked writable; a ``ValidationError`` naming it otherwise (so the
    window can ask for another place)."""
    from kpidesk.store.locations import prepare_folder

    return prepare_folder(folder)
