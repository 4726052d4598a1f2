"""The safety use cases the window and the command line call: logins, the audit log, database files and
server passwords, each one unit of work acting as the actor given."""

from pathlib import Path

import pytest

from kpidesk.errors import PermissionDenied
from kpidesk.services.actor import Actor, Role
from kpidesk.services.safety import audit, startup
from kpidesk.services.safety import use_cases as safety
from kpidesk.services.safety.access import may_somewhere


def test_access_control_round_trip_acts_as_the_actor(db, actor):
    assert not startup.access_enabled(db)
    with pytest.raises(PermissionDenied):
        safety.enable_access(db, Actor(name="hr", role=Role.HR), "admin", "a long password 1")
    enabled = safety.enable_access(db, actor, "admin", "a long password 1")
    assert enabled.admin == "admin" and enabled.recovery_code
    assert startup.access_enabled(db)
    admin = Actor(name="admin", role=Role.ADMIN)
    assert safety.add_user(db, admin, "zhang", "another password 2", "hr") == "zhang"
    safety.set_password(db, admin, "zhang", "a third password 3")
    enabled_now, users = safety.list_users(db, admin)
    assert enabled_now and [u.username for u in users] == ["admin", "zhang"]
    with pytest.raises(PermissionDenied):
        safety.list_users(db, Actor(name="zhang", role=Role.HR))
    safety.disable_access(db, admin)
    assert not startup.access_enabled(db)


def test_the_audit_log_is_read_verified_and_exported_as_the_actor(db, actor, tmp_path):
    safety.enable_access(db, actor, "admin", "a long password 1")
    entries = safety.audit_entries(db, actor, audit.AuditFilter())
    assert entries and entries[0].actor == actor.name
    assert safety.verify_audit(db, actor).ok
    out = safety.export_audit(db, actor, tmp_path / "audit.csv", audit.AuditFilter(newest_first=False))
    assert Path(out).exists()
    with pytest.raises(PermissionDenied):
        safety.audit_entries(db, Actor(name="wang", role=Role.EMPLOYEE), audit.AuditFilter())


def test_database_file_names_files_only(tmp_path):
    assert startup.database_file(tmp_path / "x.db") == (tmp_path / "x.db").resolve()
    assert startup.database_file("postgresql+psycopg://zhang@server/kpidesk") is None
    assert startup.database_file("sqlite://") is None


def test_server_addresses_are_told_from_files():
    url = startup.server_url_needing_password(" postgresql+psycopg://zhang@server/kpidesk ")
    assert url is not None and url.host == "server" and url.username == "zhang"
    assert startup.server_url_needing_password("sqlite:///kpidesk.db") is None
    assert startup.server_url_needing_password("not a url") is None


def test_schema_upgrade_and_copy_work_on_addresses(tmp_path, demo_db):
    from kpidesk.store.schema_versions import schema_state

    target = tmp_path / "fresh.db"
    owner = Actor.local_owner()
    assert startup.upgrade_schema(owner, str(target)) == schema_state(demo_db.engine).head
    copied = startup.copy_database_between(owner, str(demo_db.path), str(tmp_path / "copy.db"))
    assert sum(copied.counts.values()) > 0
    reopened = startup.open_without_upgrade(str(tmp_path / "copy.db"))
    try:
        assert not reopened.schema_too_new
    finally:
        reopened.dispose()


def test_may_somewhere_counts_a_heads_own_departments():
    from kpidesk.services.safety.access import Permission

    assert may_somewhere(Actor(name="hr", role=Role.HR), Permission.ADJUST)
    assert may_somewhere(Actor(name="head", role=Role.HEAD, department_ids=frozenset({3})), Permission.ADJUST)
    assert not may_somewhere(Actor(name="head", role=Role.HEAD), Permission.ADJUST)
    assert not may_somewhere(Actor(name="auditor", role=Role.AUDITOR), Permission.ADJUST)
    assert not may_somewhere(Actor(name="wang", role=Role.EMPLOYEE, employee_id=1), Permission.ADJUST)
    assert may_somewhere(Actor(name="wang", role=Role.EMPLOYEE, employee_id=1), Permission.FORMS_SELF)


def test_writable_folder_creates_the_folder_or_names_it(tmp_path):
    from kpidesk.errors import ValidationError

    assert startup.writable_folder(tmp_path / "a" / "b") == tmp_path / "a" / "b"
    assert (tmp_path / "a" / "b").is_dir()
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValidationError, match="file"):
        startup.writable_folder(tmp_path / "file")
