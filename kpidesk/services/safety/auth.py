"""Logins: turning access control on, users and passwords (argon2), rate-limited login, recovery code.

Access control is off by default: a one-person office has no login and acts as the operating-system
user. Turning it on creates the first administrator and shows a recovery code once. Logins protect
against other users of the app, not against someone who copies the database file.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.domain.text_rules import check_text
from kpidesk.errors import NotFound, PermissionDenied, ValidationError
from kpidesk.i18n import _
from kpidesk.services.actor import Actor, Role
from kpidesk.services.safety import audit
from kpidesk.services.safety.access import Permission, department_and_descendants, require
from kpidesk.services.safety.gates import touches_no_appraisal_data
from kpidesk.store import models as m
from kpidesk.store.models.base import utcnow

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MIN_PASSWORD_LENGTH = 8
FREE_ATTEMPTS = 5  # failures allowed before the account waits
FIRST_LOCK = timedelta(seconds=30)  # doubled after each further failure
LONGEST_LOCK = timedelta(minutes=15)

ACCESS_KEY = "access_control"
RECOVERY_KEY = "access_recovery"
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I

_DUMMY_HASH: str | None = None


@cache
def hasher() -> PasswordHasher:
    """Loaded at the first password: opening a database without logins, as every start does, never needs
    argon2 (its bindings take a couple of milliseconds to load)."""
    from argon2 import PasswordHasher

    return PasswordHasher()


@dataclass(frozen=True)
class UserRow:
    username: str
    role: str
    employee_id: int | None
    department_id: int | None
    active: bool
    locked_until: datetime | None


@dataclass(frozen=True)
class AccessEnabled:
    admin: str
    recovery_code: str  # shown once, never stored in clear


# --------------------------------------------------------------------------- state


def access_enabled(session: Session) -> bool:
    row = session.get(m.Setting, ACCESS_KEY)
    return bool(row and isinstance(row.value, dict) and row.value.get("enabled"))


def enable_access(session: Session, actor: Actor, admin_username: str, password: str) -> AccessEnabled:
    """Turn access control on: create the first administrator and a recovery code (returned once)."""
    require(actor, Permission.USERS_MANAGE)
    if access_enabled(session):
        raise ValidationError(_("Access control is already on."))
    user = _create_user(session, admin_username, password, Role.ADMIN)
    code = _new_recovery_code(session)
    _put_setting(session, ACCESS_KEY, {"enabled": True, "since": utcnow().isoformat(timespec="seconds")})
    audit.record(session, actor, "access.enable", entity="user", entity_id=user.username, new={"role": "admin"})
    return AccessEnabled(admin=user.username, recovery_code=code)


def disable_access(session: Session, actor: Actor, reason: str | None = None) -> None:
    """Back to single-user mode; user accounts stay so access control can be turned on again."""
    require(actor, Permission.USERS_MANAGE)
    _put_setting(session, ACCESS_KEY, {"enabled": False})
    audit.record(session, actor, "access.disable", reason=reason)


# --------------------------------------------------------------------------- users


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            _("A password needs at least {count} characters.").format(count=MIN_PASSWORD_LENGTH)
        )
    if not password.strip():
        raise ValidationError(_("A password cannot be only spaces."))


def add_user(
    session: Session,
    actor: Actor,
    username: str,
    password: str,
    role: Role | str,
    *,
    employee_id: int | None = None,
    department_id: int | None = None,
) -> UserRow:
    """Add a login. A department head needs a department; an employee login needs its employee."""
    check_text(username.strip(), _("user name"))
    require(actor, Permission.USERS_MANAGE)
    try:
        role = Role(role)
    except ValueError:
        raise ValidationError(
            _("Unknown role {role}; use one of {roles}.").format(
                role=role, roles=", ".join(r.value for r in Role))
        ) from None
    if role == Role.HEAD and department_id is None:
        if employee_id is not None and (employee := session.get(m.Employee, employee_id)) is not None:
            department_id = employee.department_id
        if department_id is None:
            raise ValidationError(_("A department head login needs a department."))
    if role == Role.EMPLOYEE and employee_id is None:
        raise ValidationError(_("An employee login needs the employee it belongs to."))
    if department_id is not None and session.get(m.Department, department_id) is None:
        raise NotFound(_("No department with id {id}").format(id=department_id))
    if employee_id is not None and session.get(m.Employee, employee_id) is None:
        raise NotFound(_("The employee no longer exists."))
    user = _create_user(session, username, password, role, employee_id=employee_id, department_id=department_id)
    audit.record(
        session, actor, "user.add", entity="user", entity_id=user.username,
        new={"role": role.value, "employee_id": employee_id, "department_id": department_id},
    )
    return _row(user)


def set_password(session: Session, actor: Actor, username: str, new_password: str,
                 *, old_password: str | None = None) -> None:
    """An administrator sets anyone's password; a user changes their own with the old one."""
    user = _user(session, username)
    if actor.name != user.username or old_password is None:
        require(actor, Permission.USERS_MANAGE)
    elif not _verify(user.password_hash, old_password):
        raise PermissionDenied(_("The old password is not right."))
    check_password_rules(new_password)
    user.password_hash = hasher().hash(new_password)
    user.failed_attempts, user.locked_until = 0, None
    audit.record(session, actor, "user.password", entity="user", entity_id=user.username)


def set_active(session: Session, actor: Actor, username: str, active: bool) -> None:
    require(actor, Permission.USERS_MANAGE)
    user = _user(session, username)
    if not active and user.role == Role.ADMIN and _active_admins(session) <= {user.username}:
        raise ValidationError(_("The last administrator cannot be switched off."))
    old, user.active = user.active, active
    audit.record(session, actor, "user.active", entity="user", entity_id=username, old=old, new=active)


def list_users(session: Session, actor: Actor) -> list[UserRow]:
    require(actor, Permission.USERS_MANAGE)
    return [_row(u) for u in session.execute(select(m.User).order_by(m.User.username)).scalars()]


# --------------------------------------------------------------------------- logging in


@touches_no_appraisal_data
def log_in(db, username: str, password: str, *, now: datetime | None = None) -> Actor:
    """Check a password and return the user's :class:`Actor`.

    Failures are counted on the account (committed even though the login fails); after
    ``FREE_ATTEMPTS`` the account waits, twice as long after each further failure.
    """
    now = now or utcnow()
    failure: str | None = None
    with db.write() as session:
        user = session.execute(select(m.User).where(m.User.username == username.strip())).scalar()
        if user is None or not user.active:
            _verify(_dummy_hash(), password)  # same time as a real check: names cannot be probed
            failure = _("Unknown user or wrong password.")
        elif user.locked_until is not None and user.locked_until > now:
            wait = int((user.locked_until - now).total_seconds()) + 1
            failure = _("Too many failed logins; try again in {seconds} seconds.").format(seconds=wait)
        elif not _verify(user.password_hash, password):
            user.failed_attempts += 1
            if user.failed_attempts >= FREE_ATTEMPTS:
                extra = user.failed_attempts - FREE_ATTEMPTS
                user.locked_until = now + min(FIRST_LOCK * (2 ** min(extra, 16)), LONGEST_LOCK)
                audit.record(session, username, "user.locked", entity="user", entity_id=username,
                             new={"failed_attempts": user.failed_attempts})
            failure = _("Unknown user or wrong password.")
        else:
            user.failed_attempts, user.locked_until = 0, None
            if hasher().check_needs_rehash(user.password_hash):
                user.password_hash = hasher().hash(password)
            actor = actor_for_user(session, user)
    if failure is not None:
        raise PermissionDenied(failure)
    return actor


def actor_for_user(session: Session, user: m.User) -> Actor:
    """The acting user for a login; a head's scope is their department and every sub-department."""
    role = Role(user.role)
    departments: frozenset[int] = frozenset()
    if role == Role.HEAD and user.department_id is not None:
        departments = frozenset(department_and_descendants(session, user.department_id))
    return Actor(name=user.username, role=role, employee_id=user.employee_id, department_ids=departments)


@touches_no_appraisal_data
def actor_for_cli(db, username: str | None, password: str | None = None, *, prompt=None) -> Actor:
    """The command line's actor. With access control off every command runs as ``Actor.local_owner()``;
    with it on, ``--user NAME`` (or ``KPIDESK_USER``) is required and the password comes from
    ``KPIDESK_PASSWORD`` or a prompt."""
    with db.session() as session:
        enabled = access_enabled(session)
    if not enabled:
        return Actor.local_owner()
    username = username or os.environ.get("KPIDESK_USER")
    if not username:
        raise PermissionDenied(_("Access control is on: log in with --user NAME."))
    if password is None:
        password = os.environ.get("KPIDESK_PASSWORD")
    if password is None:
        if prompt is None:
            import getpass

            prompt = getpass.getpass
        password = prompt(_("Password for {user}: ").format(user=username))
    return log_in(db, username, password)


# --------------------------------------------------------------------------- recovery


@touches_no_appraisal_data
def recover_admin(db, username: str, code: str, new_password: str, *, now: datetime | None = None) -> str:
    """Reset an administrator's password with the recovery code; returns the next recovery code
    (each code works once). Wrong codes are rate-limited like logins."""
    now = now or utcnow()
    failure: str | None = None
    with db.write() as session:
        row = session.get(m.Setting, RECOVERY_KEY)
        state = dict(row.value) if row is not None and isinstance(row.value, dict) else {}
        locked_until = state.get("locked_until")
        if locked_until and datetime.fromisoformat(locked_until) > now:
            failure = _("Too many wrong recovery codes; try again later.")
        elif not state.get("hash") or not _verify(state["hash"], _normalise_code(code)):
            failures = int(state.get("failures", 0)) + 1
            state["failures"] = failures
            if failures >= FREE_ATTEMPTS:
                lock = min(FIRST_LOCK * (2 ** min(failures - FREE_ATTEMPTS, 16)), LONGEST_LOCK)
                state["locked_until"] = (now + lock).isoformat()
            _put_setting(session, RECOVERY_KEY, state)
            failure = _("The recovery code is not right.")
        else:
            user = _user(session, username)
            if user.role != Role.ADMIN:
                raise ValidationError(_("The recovery code resets an administrator's password only."))
            check_password_rules(new_password)
            user.password_hash = hasher().hash(new_password)
            user.failed_attempts, user.locked_until, user.active = 0, None, True
            next_code = _new_recovery_code(session)
            audit.record(session, username, "access.recover", entity="user", entity_id=username)
    if failure is not None:
        raise PermissionDenied(failure)
    return next_code


def new_recovery_code(session: Session, actor: Actor) -> str:
    """Replace the recovery code (the old one stops working); shown once."""
    require(actor, Permission.USERS_MANAGE)
    code = _new_recovery_code(session)
    audit.record(session, actor, "access.recovery_code")
    return code


# --------------------------------------------------------------------------- helpers


def _create_user(session: Session, username: str, password: str, role: Role, **links) -> m.User:
    username = username.strip()
    if not username or len(username) > 80 or any(ch.isspace() for ch in username):
        raise ValidationError(_("A user name needs 1–80 characters without spaces."))
    check_password_rules(password)
    if session.execute(select(m.User.id).where(m.User.username == username)).scalar() is not None:
        raise ValidationError(_("The user name {name} is taken.").format(name=username))
    user = m.User(username=username, password_hash=hasher().hash(password), role=role.value, active=True,
                  failed_attempts=0, **links)
    session.add(user)
    session.flush()
    return user


def _user(session: Session, username: str) -> m.User:
    user = session.execute(select(m.User).where(m.User.username == username.strip())).scalar()
    if user is None:
        raise NotFound(_("No user named {name}").format(name=username))
    return user


def _active_admins(session: Session) -> set[str]:
    return set(session.execute(
        select(m.User.username).where(m.User.role == Role.ADMIN.value, m.User.active)
    ).scalars())


def _row(user: m.User) -> UserRow:
    return UserRow(user.username, user.role, user.employee_id, user.department_id, user.active, user.locked_until)


def _verify(password_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    try:
        return hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hasher().hash(secrets.token_hex(16))
    return _DUMMY_HASH


def _new_recovery_code(session: Session) -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _i in range(20))
    code = "-".join(raw[i:i + 5] for i in range(0, 20, 5))
    _put_setting(session, RECOVERY_KEY, {"hash": hasher().hash(_normalise_code(code)), "failures": 0})
    return code


def _normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _put_setting(session: Session, key: str, value) -> None:
    row = session.get(m.Setting, key)
    if row is None:
        session.add(m.Setting(key=key, value=value))
    else:
        row.value = value
    session.flush()


__all__ = [
    "AccessEnabled", "UserRow", "access_enabled", "actor_for_user", "add_user", "check_password_rules",
    "disable_access", "enable_access", "list_users", "log_in", "new_recovery_code", "recover_admin",
    "set_active", "set_password",
]
