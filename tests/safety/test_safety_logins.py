"""Logins: single-user by default, turning access control on, passwords, rate limiting, recovery."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest

from kpidesk.errors import NotFound, PermissionDenied, ValidationError
from kpidesk.services.actor import Actor, Role
from kpidesk.services.safety import auth
from kpidesk.store import models as m
from kpidesk.store.models.base import utcnow

SYSTEM = Actor("owner")


@pytest.fixture
def office(db):
    """Access control on, with a head of 客服部 (which has a sub-department), an employee and an auditor."""
    from kpidesk.services.people import staff

    with db.write() as session:
        service = staff.get_or_create_department(session, "客服部")
        hotline = staff.get_or_create_department(session, "热线组", parent=service)
        sales = staff.get_or_create_department(session, "销售部")
        boss = staff.add_employee(session, SYSTEM, staff_no="M001", name="张经理", department_id=service.id)
        clerk = staff.add_employee(session, SYSTEM, staff_no="E001", name="李四", department_id=hotline.id)
        staff.add_employee(session, SYSTEM, staff_no="E002", name="王五", department_id=sales.id)
        enabled = auth.enable_access(session, SYSTEM, "admin", "correct horse")
        auth.add_user(session, SYSTEM, "zhang", "zhang-secret", "head", employee_id=boss.id)
        auth.add_user(session, SYSTEM, "li", "li-secret-1", "employee", employee_id=clerk.id)
        auth.add_user(session, SYSTEM, "audit", "audit-secret", "auditor")
        ids = {"service": service.id, "hotline": hotline.id, "sales": sales.id, "clerk": clerk.id}
    db.recovery_code = enabled.recovery_code
    db.ids = ids
    return db


def test_single_user_mode_by_default(db):
    with db.session() as session:
        assert not auth.access_enabled(session)
    actor = auth.actor_for_cli(db, None)
    assert actor.role == Role.ADMIN and actor == Actor.local_owner()


def test_opening_a_database_without_logins_never_loads_argon2(tmp_path):
    """Every start opens the database and asks whether logins are on; argon2 loads with the first password."""
    code = (
        "import sys\n"
        "from kpidesk.services.safety.database import open_checked\n"
        "from kpidesk.services.safety.startup import access_enabled\n"
        f"db = open_checked({str(tmp_path / 'k.db')!r})\n"
        "print(access_enabled(db), 'argon2' in sys.modules)\n"
        "from kpidesk.services.safety import auth\n"
        "auth.hasher().hash('a long password')\n"
        "print('argon2' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "True"]


def test_enable_access_creates_an_administrator_and_a_recovery_code(office):
    with office.session() as session:
        assert auth.access_enabled(session)
        users = {u.username: u for u in auth.list_users(session, SYSTEM)}
        stored = session.get(m.Setting, auth.RECOVERY_KEY).value
    assert users["admin"].role == "admin"
    assert len(office.recovery_code.replace("-", "")) == 20
    assert office.recovery_code not in str(stored)  # only its hash is stored
    admin = auth.log_in(office, "admin", "correct horse")
    assert admin.role == Role.ADMIN


def test_passwords_are_hashed_with_argon2(office):
    with office.session() as session:
        hashes = [u.password_hash for u in session.query(m.User)]
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert not any("correct horse" in h for h in hashes)


def test_minimum_password_length(db):
    with pytest.raises(ValidationError, match="at least 8"), db.write() as session:
        auth.enable_access(session, SYSTEM, "admin", "short")
    with db.session() as session:
        assert not auth.access_enabled(session)


def test_head_scope_covers_sub_departments(office):
    zhang = auth.log_in(office, "zhang", "zhang-secret")
    assert zhang.role == Role.HEAD
    assert zhang.department_ids == {office.ids["service"], office.ids["hotline"]}


def test_wrong_passwords_are_rate_limited(office):
    for _attempt in range(auth.FREE_ATTEMPTS):
        with pytest.raises(PermissionDenied, match="wrong password"):
            auth.log_in(office, "li", "guess")
    with pytest.raises(PermissionDenied, match="Too many failed logins"):
        auth.log_in(office, "li", "li-secret-1")  # even the right password waits
    later = utcnow() + auth.FIRST_LOCK + timedelta(seconds=1)
    assert auth.log_in(office, "li", "li-secret-1", now=later).employee_id == office.ids["clerk"]
    with office.session() as session:
        user = session.query(m.User).filter_by(username="li").one()
        assert user.failed_attempts == 0


def test_each_further_failure_doubles_the_wait(office):
    now = utcnow()
    for _attempt in range(auth.FREE_ATTEMPTS + 1):
        with pytest.raises(PermissionDenied):
            auth.log_in(office, "li", "guess", now=now)
        now = now + timedelta(hours=1)  # past any lock, so the password is checked each time
    with office.session() as session:
        user = session.query(m.User).filter_by(username="li").one()
    assert user.locked_until - (now - timedelta(hours=1)) == auth.FIRST_LOCK * 2


def test_unknown_users_get_the_same_answer(office):
    with pytest.raises(PermissionDenied) as unknown:
        auth.log_in(office, "nobody", "whatever1")
    with pytest.raises(PermissionDenied) as wrong:
        auth.log_in(office, "li", "whatever1")
    assert str(unknown.value) == str(wrong.value)


def test_recovery_code_resets_the_admin_password_once(office):
    code = office.recovery_code
    next_code = auth.recover_admin(office, "admin", code.lower(), "brand new pass")
    assert next_code != code
    assert auth.log_in(office, "admin", "brand new pass").role == Role.ADMIN
    with pytest.raises(PermissionDenied):
        auth.recover_admin(office, "admin", code, "another pass 1")


def test_wrong_recovery_codes_are_rate_limited(office):
    for _attempt in range(auth.FREE_ATTEMPTS):
        with pytest.raises(PermissionDenied, match="not right"):
            auth.recover_admin(office, "admin", "AAAAA-AAAAA", "brand new pass")
    with pytest.raises(PermissionDenied, match="Too many"):
        auth.recover_admin(office, "admin", office.recovery_code, "brand new pass")


def test_only_an_administrator_manages_users(office):
    zhang = auth.log_in(office, "zhang", "zhang-secret")
    with office.write() as session, pytest.raises(PermissionDenied):
        auth.add_user(session, zhang, "x", "long enough", "admin")
    with office.session() as session, pytest.raises(PermissionDenied):
        auth.list_users(session, zhang)


def test_users_change_their_own_password_with_the_old_one(office):
    li = auth.log_in(office, "li", "li-secret-1")
    with office.write() as session, pytest.raises(PermissionDenied):
        auth.set_password(session, li, "li", "new-secret-2", old_password="wrong")
    with office.write() as session:
        auth.set_password(session, li, "li", "new-secret-2", old_password="li-secret-1")
    assert auth.log_in(office, "li", "new-secret-2").name == "li"
    with office.write() as session, pytest.raises(PermissionDenied):
        auth.set_password(session, li, "zhang", "new-secret-3")


def test_role_links_are_checked(office):
    with office.write() as session, pytest.raises(ValidationError):
        auth.add_user(session, SYSTEM, "h2", "long enough", "head")
    with office.write() as session, pytest.raises(ValidationError):
        auth.add_user(session, SYSTEM, "e2", "long enough", "employee")
    with office.write() as session, pytest.raises(NotFound):
        auth.add_user(session, SYSTEM, "h3", "long enough", "head", department_id=999)
    with office.write() as session, pytest.raises(ValidationError, match="taken"):
        auth.add_user(session, SYSTEM, "li", "long enough", "auditor")


def test_the_last_administrator_stays(office):
    with office.write() as session, pytest.raises(ValidationError):
        auth.set_active(session, SYSTEM, "admin", False)


def test_switched_off_users_cannot_log_in(office):
    with office.write() as session:
        auth.set_active(session, SYSTEM, "li", False)
    with pytest.raises(PermissionDenied):
        auth.log_in(office, "li", "li-secret-1")


def test_cli_actor_needs_a_user_and_password_when_access_is_on(office, monkeypatch):
    monkeypatch.delenv("KPIDESK_USER", raising=False)
    monkeypatch.delenv("KPIDESK_PASSWORD", raising=False)
    with pytest.raises(PermissionDenied, match="--user"):
        auth.actor_for_cli(office, None)
    monkeypatch.setenv("KPIDESK_PASSWORD", "zhang-secret")
    assert auth.actor_for_cli(office, "zhang").role == Role.HEAD
    monkeypatch.delenv("KPIDESK_PASSWORD")
    asked = []
    actor = auth.actor_for_cli(office, "li", prompt=lambda text: asked.append(text) or "li-secret-1")
    assert actor.name == "li" and asked


def test_user_management_is_audited(office):
    from kpidesk.services.safety import audit

    with office.session() as session:
        actions = [r.action for r in audit.list_entries(session, SYSTEM, audit.AuditFilter(newest_first=False))]
    assert actions[-4:] == ["access.enable", "user.add", "user.add", "user.add"]
