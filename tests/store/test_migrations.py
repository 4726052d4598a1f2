"""The schema is built by migrations only, upgrades keep every row, and newer schemas are refused."""

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

from kpidesk.errors import SchemaTooNew
from kpidesk.store import migrations_runner, schema_versions
from kpidesk.store import sqlite as sqlite_helpers
from kpidesk.store.db import open_database
from kpidesk.store.models import Base


def _fill_at_first_revision(path):
    """Rows in a database at revision 0001, written with plain SQL as that version's program would."""
    con = sqlite3.connect(path)
    con.executescript(
        """
        INSERT INTO departments (id, name) VALUES (1, '客户关怀部');
        INSERT INTO positions (id, name) VALUES (1, '客服代表');
        INSERT INTO employees (id, staff_no, name, department_id, position_id, active, created_at)
            VALUES (1, 'CS001', '王芳', 1, 1, 1, '2025-01-01 00:00:00'),
                   (2, 'CS002', '张伟', 1, 1, 1, '2025-01-01 00:00:00');
        UPDATE employees SET manager_id = 1 WHERE id = 2;
        UPDATE departments SET head_id = 1 WHERE id = 1;
        INSERT INTO periods (id, code, kind, starts_on, ends_on, status, opened_at)
            VALUES (1, '2025-01', 'month', '2025-01-01', '2025-01-31', 'open', '2025-01-01 00:00:00');
        INSERT INTO measurements (employee_id, period_id, field_code, value, updated_at, version)
            VALUES (1, 1, 'contacts', 462000000, '2025-02-01 00:00:00', 1),
                   (2, 1, 'contacts', 491000000, '2025-02-01 00:00:00', 1);
        INSERT INTO form_versions (id, form_key, version, title_zh, title_en, content, content_hash, created_at)
            VALUES (1, 'teamwork', 1, '团队协作', 'Teamwork', '{}', 'x', '2025-01-01 00:00:00');
        INSERT INTO form_responses (id, period_id, employee_id, form_version_id, rater_role, anonymous, status, updated_at)
            VALUES (1, 1, 2, 1, 'manager', 0, 'submitted', '2025-01-01 00:00:00');
        INSERT INTO form_ratings (response_id, criterion_key, level_key, comment)
            VALUES (1, 'sharing', 'good', '乐于分享');
        INSERT INTO adjustments (period_id, employee_id, points, reason, author, created_at)
            VALUES (1, 2, 20000, '表扬', 'hr', '2025-01-01 00:00:00');
        """
    )
    con.commit()
    con.close()


def _counts(path):
    con = sqlite3.connect(path)
    tables = ["employees", "measurements", "form_responses", "form_ratings", "adjustments", "departments"]
    result = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    result["manager"] = con.execute("SELECT manager_id FROM employees WHERE id = 2").fetchone()[0]
    result["head"] = con.execute("SELECT head_id FROM departments WHERE id = 1").fetchone()[0]
    con.close()
    return result


def test_upgrade_from_the_first_revision_keeps_every_row(tmp_path):
    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    sqlite_helpers.configure(engine)
    migrations_runner.upgrade(engine, "0001")
    engine.dispose()
    _fill_at_first_revision(path)
    before = _counts(path)

    db = open_database(path)  # upgrades automatically
    state = schema_versions.schema_state(db.engine)
    db.dispose()

    assert state.current == state.head != "0001"
    assert _counts(path) == before
    assert before["manager"] == 1 and before["head"] == 1
    backups = list((tmp_path / "backups").glob("*pre-migration*.db"))
    assert len(backups) == 1, "a backup is taken before the upgrade"
    con = sqlite3.connect(backups[0])
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    con.close()


def test_migrations_build_exactly_the_models(db):
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_a_database_from_a_newer_version_is_opened_read_only(tmp_path):
    path = tmp_path / "newer.db"
    db = open_database(path)
    db.dispose()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.close()

    db = open_database(path)
    try:
        assert db.schema_too_new
        with pytest.raises(SchemaTooNew):
            with db.write():
                pass
    finally:
        db.dispose()
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "9999_future"
    con.close()


def test_opening_a_file_that_is_not_a_database_never_overwrites_it(tmp_path):
    from kpidesk.errors import CorruptDatabase

    path = tmp_path / "notes.db"
    path.write_bytes(b"this is a spreadsheet, not a database" * 10)
    with pytest.raises(CorruptDatabase):
        open_database(path)
    assert path.read_bytes().startswith(b"this is a spreadsheet")


def test_exact_decimals_round_trip_in_raw_sql(db):
    from decimal import Decimal

    from kpidesk.store import models as m

    with db.write() as session:
        session.add(m.GradeScale(name="s", bands=[m.GradeBand(code="a", label_zh="甲", label_en="A", lower_bound=Decimal("84.9999"))]))
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT lower_bound FROM grade_bands").scalar() == 849999


def test_light_revision_chain_agrees_with_alembic():
    from kpidesk.store import schema_versions

    alembic_order = [r.revision for r in migrations_runner.script_directory().walk_revisions()][::-1]
    assert list(schema_versions.revision_chain()) == alembic_order
    assert schema_versions.head_revision() == migrations_runner.script_directory().get_current_head()
    assert not schema_versions.is_known("9999") and not schema_versions.is_known(None)


def test_opening_an_up_to_date_file_does_not_load_alembic(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "kpi.db"
    open_database(path).dispose()  # created and upgraded in this process
    code = (
        "import sys; from kpidesk.store.db import open_database; "
        f"db = open_database({str(path)!r}); db.dispose(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def _fill_at_revision_0004(path):
    """A period in each state and a response in each, as the program before the status checks wrote them."""
    con = sqlite3.connect(path)
    con.executescript(
        """
        INSERT INTO employees (id, staff_no, name, active, created_at) VALUES (1, 'CS001', '王芳', 1, '2025-01-01 00:00:00');
        INSERT INTO periods (id, code, kind, starts_on, ends_on, status, opened_at) VALUES
            (1, '2025-01', 'month', '2025-01-01', '2025-01-31', 'finalized', '2025-01-01 00:00:00'),
            (2, '2025-02', 'month', '2025-02-01', '2025-02-28', 'review', '2025-02-01 00:00:00'),
            (3, '2025-03', 'month', '2025-03-01', '2025-03-31', 'open', '2025-03-01 00:00:00');
        INSERT INTO form_versions (id, form_key, version, title_zh, title_en, content, content_hash, created_at)
            VALUES (1, 'teamwork', 1, '团队协作', 'Teamwork', '{}', 'x', '2025-01-01 00:00:00');
        INSERT INTO form_responses (id, period_id, employee_id, form_version_id, rater_role, anonymous, status, updated_at)
            VALUES (1, 1, 1, 1, 'self', 0, 'submitted', '2025-01-01 00:00:00'),
                   (2, 3, 1, 1, 'self', 0, 'draft', '2025-03-01 00:00:00');
        """
    )
    con.commit()
    con.close()


def test_status_checks_keep_existing_rows_and_refuse_an_unknown_state(tmp_path):
    import sqlalchemy as sa

    from kpidesk.domain.statuses import PeriodStatus, ResponseStatus
    from kpidesk.store import models as m

    path = tmp_path / "0004.db"
    engine = create_engine(f"sqlite:///{path}")
    sqlite_helpers.configure(engine)
    migrations_runner.upgrade(engine, "0004")
    engine.dispose()
    _fill_at_revision_0004(path)

    db = open_database(path)
    try:
        with db.session() as session:
            periods = dict(session.execute(sa.select(m.PeriodRecord.code, m.PeriodRecord.status)).all())
            responses = dict(session.execute(sa.select(m.FormResponse.id, m.FormResponse.status)).all())
        assert periods == {"2025-01": PeriodStatus.FINALIZED, "2025-02": PeriodStatus.REVIEW,
                           "2025-03": PeriodStatus.OPEN}
        assert all(type(s) is PeriodStatus for s in periods.values()), "rows read back as the enum"
        assert responses == {1: ResponseStatus.SUBMITTED, 2: ResponseStatus.DRAFT}
        with db.engine.connect() as connection:
            with pytest.raises(sa.exc.IntegrityError):
                connection.exec_driver_sql("UPDATE periods SET status = 'closed' WHERE id = 3")
            with pytest.raises(sa.exc.IntegrityError):
                connection.exec_driver_sql("UPDATE form_responses SET status = 'Submitted' WHERE id = 2")
            with pytest.raises(sa.exc.IntegrityError):
                connection.exec_driver_sql("UPDATE periods SET status = 'not_opened' WHERE id = 3")
    finally:
        db.dispose()
    con = sqlite3.connect(path)
    assert con.execute("SELECT status FROM periods WHERE id = 3").fetchone()[0] == "open"
    con.close()


def test_an_upgraded_database_with_periods_keeps_grading_everyone(tmp_path, db):
    from kpidesk.services.safety.settings import load_settings
    from kpidesk.store import models as m

    path = tmp_path / "0006.db"
    engine = create_engine(f"sqlite:///{path}")
    sqlite_helpers.configure(engine)
    migrations_runner.upgrade(engine, "0006")
    engine.dispose()
    _fill_at_revision_0004(path)
    upgraded = open_database(path)
    try:
        with upgraded.session() as session:
            assert session.get(m.Setting, "min_coverage_to_grade").value == 0
            assert load_settings(session).min_coverage_to_grade == 0
    finally:
        upgraded.dispose()
    with db.session() as session:  # a new database stores nothing: the setting's default applies
        assert session.get(m.Setting, "min_coverage_to_grade") is None
        assert load_settings(session).min_coverage_to_grade == 80


def test_an_upgraded_database_without_periods_counts_as_new(tmp_path):
    from kpidesk.services.safety.settings import load_settings
    from kpidesk.store import models as m

    path = tmp_path / "0006-empty.db"
    engine = create_engine(f"sqlite:///{path}")
    sqlite_helpers.configure(engine)
    migrations_runner.upgrade(engine, "0006")
    engine.dispose()
    upgraded = open_database(path)
    try:
        with upgraded.session() as session:
            assert session.get(m.Setting, "min_coverage_to_grade") is None
            assert load_settings(session).min_coverage_to_grade == 80
    finally:
        upgraded.dispose()
