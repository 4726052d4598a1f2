"""Opening a database: engine, sessions, the unit of work, and the schema check on open."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError, StatementError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.pool import StaticPool

from kpidesk.errors import ConflictError, CorruptDatabase, KpiDeskError, SchemaTooNew
from kpidesk.i18n import _
from kpidesk.store import backups, sqlite, text_guard
from kpidesk.store.locations import backup_folder_for, resolve_url

if TYPE_CHECKING:  # SQLCipher and the key code load only for an encrypted file
    from kpidesk.store.encryption import FileKey

log = logging.getLogger(__name__)

text_guard.install()


class DatabaseBusy(KpiDeskError):
    """Another program holds the write lock longer than the busy timeout."""


@dataclass
class Database:
    url: URL
    engine: Engine
    schema_too_new: bool = False
    warnings: list[str] = field(default_factory=list)
    key: FileKey | None = None  # set for an encrypted file; backups are written with it

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    def __post_init__(self) -> None:
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(
            self.engine.execution_options(**{sqlite.WRITE_OPTION: True}), expire_on_commit=False
        )

    @property
    def path(self) -> Path | None:
        if self.url.get_backend_name() == "sqlite" and self.url.database not in (None, "", ":memory:"):
            return Path(self.url.database)
        return None

    @property
    def display_name(self) -> str:
        return str(self.path) if self.path else self.url.render_as_string(hide_password=True)

    @property
    def backup_dir(self) -> Path | None:
        return backup_folder_for(self.path) if self.path else None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A read session; nothing it does is committed."""
        with self._reader() as session:  # close() ends the transaction without expiring loaded rows
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One unit of work: takes the write lock first, commits at the end, or leaves no trace."""
        if self.schema_too_new:
            raise SchemaTooNew(
                _("This database was written by a newer version of KPI Desk; it is open read-only.")
            )
        try:
            with self._writer() as session, session.begin():
                yield session
        except StaleDataError as exc:  # an optimistic version check failed: someone saved first
            raise ConflictError(
                _("Someone else changed the same data at the same time; nothing was overwritten. Reload and try again.")
            ) from exc
        except IntegrityError as exc:
            if _is_unique_violation(exc):  # two people created the same row at the same moment
                raise ConflictError(
                    _("Someone else changed the same data at the same time; nothing was overwritten. Reload and try again.")
                ) from exc
            raise
        except OperationalError as exc:
            if "locked" in str(exc.orig).lower() or "busy" in str(exc.orig).lower():
                raise DatabaseBusy(
                    _("The database is being changed by another program; please try again in a moment.")
                ) from exc
            raise
        except StatementError as exc:
            if isinstance(exc.orig, KpiDeskError):  # a column type refused a value, e.g. too large to store
                raise exc.orig from None
            raise

    def dispose(self) -> None:
        self.engine.dispose()


def _is_unique_violation(exc: IntegrityError) -> bool:
    text = str(exc.orig).lower()
    return "unique" in text or "duplicate key" in text


def make_engine(url: URL, key: FileKey | None = None) -> tuple[Engine, list[str]]:
    """The engine for a URL; ``key`` opens an encrypted SQLite file through SQLCipher."""
    warnings: list[str] = []
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True), warnings
    memory = url.database in (None, "", ":memory:")
    wal = True
    if memory:
        engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
        wal = False
    else:
        path = Path(url.database or "")
        if sqlite.looks_like_network_share(path):
            wal = False
            warnings.append(
                _(
                    "The database file is on a network share. SQLite can be damaged there; "
                    "use a server database to share data in an office."
                )
            )
        if key is None:
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 5})
        else:
            engine = _encrypted_engine(url, path, key)
    sqlite.configure(engine, wal=wal)
    return engine, warnings


def _encrypted_engine(url: URL, path: Path, key: FileKey) -> Engine:
    from kpidesk.store import encryption

    def connect():
        return encryption.connect(path, key, check_same_thread=False, timeout=5)

    return create_engine(url, module=encryption.dbapi(), creator=connect)


class SchemaOutOfDate(KpiDeskError):
    """A server database whose schema this program may not change on its own."""


def open_database(target: str | Path | URL | None = None, *, migrate: bool | None = None,
                  passphrase: str | None = None, key: FileKey | None = None) -> Database:
    """Open and check the schema. A SQLite file is created and upgraded automatically (after a backup);
    a server database is only ever upgraded by ``kpidesk db upgrade`` (``migrate=True``).

    An encrypted file opens with ``key``, else the key derived from ``passphrase``, else the key this
    computer keeps in its keyring; without either it raises :class:`~kpidesk.store.encryption.KeyNeeded`."""
    from kpidesk.store import schema_versions

    url = target if isinstance(target, URL) else resolve_url(target)
    server = url.get_backend_name() != "sqlite"
    auto = (not server) if migrate is None else migrate
    path = None if server or url.database in (None, "", ":memory:") else Path(url.database)
    file_key = None  # a plain file ignores any key given
    if path is not None and path.exists() and path.stat().st_size > 0 and not sqlite.is_sqlite_file(path):
        from kpidesk.store import encryption

        if not encryption.looks_encrypted(path):
            raise CorruptDatabase(_("{path} is not a KPI Desk database file.").format(path=path))
        file_key = key or encryption.key_for(path, passphrase)
        encryption.check_key(path, file_key)
    if server:
        from kpidesk.store.credentials import with_stored_password

        url = with_stored_password(url)
    engine, warnings = make_engine(url, file_key)
    db = Database(url=url, engine=engine, warnings=warnings, key=file_key)
    try:
        state = schema_versions.schema_state(engine)
        if state.too_new:
            db.schema_too_new = True
            db.warnings.append(
                _("This database was written by a newer version of KPI Desk; it is open read-only.")
            )
        elif not state.current or state.behind:
            if not auto:
                engine.dispose()
                raise SchemaOutOfDate(
                    _(
                        "The server database has schema {current}, this program needs {head}. "
                        "An administrator runs: kpidesk --db URL db upgrade"
                    ).format(current=state.current or "-", head=state.head)
                )
            if state.current and path is not None:
                backup_now(db, reason="pre-migration")
            from kpidesk.store import migrations_runner

            migrations_runner.upgrade(engine)
    except OperationalError as exc:
        engine.dispose()
        raise CorruptDatabase(
            _("Cannot open {path}: {error}").format(path=db.display_name, error=exc.orig)
        ) from exc
    except DatabaseError as exc:
        engine.dispose()
        raise CorruptDatabase(
            _("{path} cannot be read as a database: {error}").format(path=db.display_name, error=exc.orig)
        ) from exc
    return db


def backup_now(db: Database, reason: str = "manual", folder: Path | None = None) -> Path | None:
    """Write ``<name>-<timestamp>-<reason>.db`` into the database's backup folder; None for non-file
    databases."""
    target = folder or db.backup_dir
    if db.path is None or target is None or not db.path.exists():
        return None
    return backups.backup_file(db.path, target, reason, key=db.key)
