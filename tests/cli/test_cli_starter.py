"""``kpidesk starter update NAME``: the differences shown, applied once, and in-use templates guarded."""

from __future__ import annotations

import pytest
from tests_support.cli import run
from tests_support.older_starter import install_older


@pytest.fixture
def older(db, actor, tmp_path):
    install_older(db, actor, tmp_path)
    path = str(db.path)
    db.dispose()
    return path


def test_dry_run_shows_the_differences_and_changes_nothing(older, capsys):
    code, out, _err = run(capsys, "--db", older, "--lang", "en", "starter", "update", "customer-service", "--dry-run")
    assert code == 0
    assert "changed KPI csat" in out and "formula: — → first(csat, survey_score / 5 * 100)" in out
    assert "changed template csr" in out and "csat weight: 25 → 20" in out
    assert "new template specialist" in out and "new template senior_manager" in out
    code, again, _err = run(capsys, "--db", older, "--lang", "en", "starter", "update", "customer-service",
                            "--dry-run")
    assert again == out  # nothing was applied


def test_update_applies_once(older, capsys):
    code, out, _err = run(capsys, "--db", older, "--lang", "en", "starter", "update", "customer-service")
    assert code == 0 and "Updated to version" in out and "4 changes" in out
    code, out, _err = run(capsys, "--db", older, "--lang", "en", "starter", "update", "customer-service")
    assert code == 0 and "Nothing to change." in out and "Updated" not in out


def test_a_template_in_use_needs_yes(db, actor, tmp_path, capsys):
    from datetime import date

    from sqlalchemy import select

    from kpidesk.services.appraisal import periods
    from kpidesk.services.people import staff
    from kpidesk.store import models as m

    install_older(db, actor, tmp_path)
    with db.write() as session:
        position = session.execute(select(m.Position).where(m.Position.name == "客服代表")).scalar_one()
        department = staff.get_or_create_department(session, "客服部")
        staff.add_employee(session, actor, staff_no="E1", name="王芳", department_id=department.id,
                           position_id=position.id, hire_date=date(2020, 1, 1))
        periods.open_period(session, actor, "2026-03")
    path = str(db.path)
    db.dispose()
    code, out, _err = run(capsys, "--db", path, "--lang", "en", "starter", "update", "customer-service")
    assert code == 1 and "in use in the open periods 2026-03" in out and "Nothing was changed" in out
    code, out, _err = run(capsys, "--db", path, "--lang", "en", "starter", "update", "customer-service", "--yes")
    assert code == 0 and "Updated to version" in out
