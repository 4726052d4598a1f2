"""What the window and the command line ask of the safety package, one call per user action.

Each function takes the ``Database`` handle and the acting user and opens its own unit of work, so
neither the UI nor the CLI needs to know about sessions, the store or SQLAlchemy. What comes before a
database is open and someone has logged in is in ``startup``.
"""

from __future__ import annotations

from pathlib import Path

from kpidesk.services.actor import Actor
from kpidesk.services.safety.access import Permission
from kpidesk.services.safety.gates import any_login, requires
from kpidesk.store.db import Database


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
