"""A finalized period is immutable in the service layer: every write path refuses, nothing of the
period changes, editing its template makes a new version, and reopening needs a reason and is logged."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import text

from kpidesk.errors import KpiDeskError, LockedPeriodError, ValidationError
from kpidesk.services.actor import Actor

PERIOD = "2025-10"  # finalized in the demo
ADMIN = Actor("hr")

PERIOD_TABLES = ("measurements", "form_responses", "adjustments", "exemptions", "results", "snapshots",
                 "appraisals", "appeals")


def period_state(db) -> dict[str, list[tuple]]:
    with db.engine.connect() as con:
        period_id = con.execute(text("SELECT id FROM periods WHERE code = :code"), {"code": PERIOD}).scalar_one()
        state = {t: [tuple(r) for r in con.execute(text(f"SELECT * FROM {t} WHERE period_id = :p ORDER BY id"),
                                                    {"p": period_id})]
                 for t in PERIOD_TABLES}
        state["form_ratings"] = [tuple(r) for r in con.execute(text(
            "SELECT r.* FROM form_ratings r JOIN form_responses f ON f.id = r.response_id "
            "WHERE f.period_id = :p ORDER BY r.id"), {"p": period_id})]
        state["period"] = [tuple(r) for r in con.execute(text("SELECT * FROM periods WHERE id = :p"), {"p": period_id})]
        return state


def _ids(session):
    from kpidesk.services.people.staff import employee_by_staff_no
    from kpidesk.store import models as m

    employee = employee_by_staff_no(session, "CS001")
    record = session.query(m.PeriodRecord).filter_by(code=PERIOD).one()
    response = session.query(m.FormResponse).filter_by(period_id=record.id).first()
    adjustment = session.query(m.Adjustment).filter_by(period_id=record.id).first()
    exemption = session.query(m.Exemption).filter_by(period_id=record.id).first()
    return employee, record, response, adjustment, exemption


def _write_paths(db, tmp_path):
    """(label, callable) for every way appraisal data of a period can be written."""
    from kpidesk.services.appraisal import adjustments, measurements, periods
    from kpidesk.services.forms import responses as forms
    from kpidesk.services.imports import registry as importing

    with db.session() as session:
        employee, record, response, adjustment, exemption = _ids(session)
        response_id = response.id if response else None
        form_version_id = response.form_version_id if response else None
        adjustment_id = adjustment.id if adjustment else None
        exemption_id = exemption.id if exemption else None
    data_file = tmp_path / "data.csv"
    data_file.write_text(f"工号,考核周期,指标,数值\nCS001,{PERIOD},csat,88\n", encoding="utf-8")

    def in_unit(fn):
        def run():
            with db.write() as session:
                fn(session)
        return run

    change = measurements.ValueChange(employee.id, "csat", Decimal("88"))
    paths = [
        ("value typed in", in_unit(lambda s: measurements.set_values(s, ADMIN, PERIOD, [change]))),
        ("data-entry grid", lambda: measurements.save_values(db, ADMIN, PERIOD, [change])),
        ("value cleared", in_unit(lambda s: measurements.set_values(
            s, ADMIN, PERIOD, [measurements.ValueChange(employee.id, "csat", None)]))),
        ("data import", lambda: _import(db, importing, data_file)),
        ("adjustment added", in_unit(lambda s: adjustments.add_adjustment(s, ADMIN, PERIOD, employee.id, 2, "加分"))),
        ("exemption added", in_unit(lambda s: adjustments.add_exemption(
            s, ADMIN, PERIOD, employee.id, "csat", "工作量异常"))),
        ("appeal answered", in_unit(lambda s: periods.answer_appeal(s, ADMIN, _any_appeal(s), "答复"))),
        ("response recorded", in_unit(lambda s: periods.record_response(s, ADMIN, PERIOD, "CS001", "acknowledge"))),
        ("finalized again", in_unit(lambda s: periods.finalize_period(s, ADMIN, PERIOD))),
    ]
    if adjustment_id is not None:
        paths.append(("adjustment removed", in_unit(lambda s: adjustments.remove_adjustment(
            s, ADMIN, adjustment_id, "错误")))),
    if exemption_id is not None:
        paths.append(("exemption removed", in_unit(lambda s: adjustments.remove_exemption(
            s, ADMIN, exemption_id, "错误"))))
    if response_id is not None:
        with db.session() as session:
            from kpidesk.store import models as m

            form_key = session.get(m.FormVersion, form_version_id).form_key
        paths.append(("filled form sheet imported", lambda: _import_form_sheet(db, form_key, tmp_path)))
        paths += [
            ("form response saved", in_unit(lambda s: forms.save_response(s, ADMIN, forms.ResponseInput(
                PERIOD, employee.id, form_version_id, "manager", {}), response_id=response_id))),
            ("form response reopened", in_unit(lambda s: forms.reopen_response(s, ADMIN, response_id, "重评"))),
            ("form response submitted", in_unit(lambda s: forms.submit_response(s, ADMIN, response_id))),
        ]
    return paths


def _import_form_sheet(db, form_key, folder):
    """A paper form sheet of the period, exported (it lists the people) and imported back."""
    from kpidesk.services.forms import sheet_import
    from kpidesk.services.forms import sheets as form_sheets

    path = folder / "sheet.xlsx"
    with db.session() as session:
        form_sheets.export_blank_form_sheet(session, PERIOD, form_key, path, actor=ADMIN)
        preview = sheet_import.preview_forms_import(session, path, period=PERIOD, form_key=form_key)
    sheet_import.apply_forms_import(db, ADMIN, preview, skip_problem_rows=True)


def _any_appeal(session) -> int:
    from kpidesk.store import models as m

    record = session.query(m.PeriodRecord).filter_by(code=PERIOD).one()
    appeal = m.Appeal(period_id=record.id, employee_id=session.query(m.Employee).first().id, kind="appeal",
                      text="x")
    session.add(appeal)
    session.flush()
    return appeal.id


def _import(db, importing, path):
    with db.session() as session:
        preview = importing.preview_import(session, path, kind="data", actor=ADMIN)
    if preview.blocked:
        raise ValidationError(str(preview.blocking_problems[0]))
    importing.apply_import(db, ADMIN, preview)


def test_every_write_path_refuses_a_finalized_period(demo_db, tmp_path):
    before = period_state(demo_db)
    assert before["results"] and before["snapshots"] and before["measurements"]
    accepted = []
    for label, attempt in _write_paths(demo_db, tmp_path):
        try:
            attempt()
        except LockedPeriodError:
            continue
        except KpiDeskError as refused:  # e.g. "not in review": refused all the same
            if "finalized" not in str(refused).lower() and "review" not in str(refused).lower():
                accepted.append(f"{label}: refused for another reason: {refused}")
            continue
        accepted.append(label)
    assert not accepted, accepted
    assert period_state(demo_db) == before


def test_the_write_paths_cover_data_forms_adjustments_and_imports(demo_db, tmp_path):
    labels = {label for label, _attempt in _write_paths(demo_db, tmp_path)}
    assert {"value typed in", "data import", "adjustment added", "adjustment removed", "exemption added",
            "form response saved", "filled form sheet imported"} <= labels


def test_an_exemption_cannot_be_removed_once_finalized(demo_db):
    from kpidesk.services.appraisal import adjustments, periods
    from kpidesk.services.people.staff import employee_by_staff_no

    with demo_db.write() as session:
        employee = employee_by_staff_no(session, "CS001")
        row = adjustments.add_exemption(session, ADMIN, "2025-12", employee.id, "first_response_time", "系统故障")
        exemption_id = row.id
        periods.finalize_period(session, ADMIN, "2025-12")
    with pytest.raises(LockedPeriodError), demo_db.write() as session:
        adjustments.remove_exemption(session, ADMIN, exemption_id, "不需要了")


def test_the_import_message_names_the_lock(demo_db, tmp_path):
    from kpidesk.services.imports import registry as importing

    path = tmp_path / "data.csv"
    path.write_text(f"工号,考核周期,指标,数值\nCS001,{PERIOD},csat,88\n", encoding="utf-8")
    with pytest.raises(KpiDeskError, match="finalized"):
        _import(demo_db, importing, path)


def test_editing_the_template_makes_a_new_version_and_leaves_the_period_alone(demo_db):
    from kpidesk.services.appraisal import scoring
    from kpidesk.services.library import templates
    from kpidesk.store import models as m

    with demo_db.session() as session:
        record = session.query(m.PeriodRecord).filter_by(code=PERIOD).one()
        appraisal = session.query(m.Appraisal).filter(m.Appraisal.period_id == record.id,
                                                      m.Appraisal.template_id.isnot(None)).first()
        used = appraisal.template_id
        detail = templates.template_detail(session, used)
        before = scoring.period_scores(session, PERIOD, actor=ADMIN).frame.copy()
    changed = detail.as_input()
    changed = type(changed)(**{**changed.__dict__, "name_en": changed.name_en + " (edited)"})
    with demo_db.write() as session:
        new_id = templates.save_template_version(session, ADMIN, used, changed)
    assert new_id != used
    with demo_db.session() as session:
        assert session.get(m.Appraisal, appraisal.id).template_id == used
        old = session.get(m.Template, used)
        assert old.name_en == detail.name_en and not old.is_current
        after = scoring.period_scores(session, PERIOD, actor=ADMIN).frame
    assert after.equals(before)


def test_reopening_needs_a_reason_and_is_logged(demo_db):
    from kpidesk.services.appraisal import periods
    from kpidesk.services.safety import audit

    with pytest.raises(ValidationError), demo_db.write() as session:
        periods.reopen_period(session, ADMIN, PERIOD, "  ")
    with demo_db.write() as session:
        periods.reopen_period(session, ADMIN, PERIOD, "数据源更正")
    with demo_db.session() as session:
        entry = audit.list_entries(session, ADMIN, audit.AuditFilter(action="period.reopen", limit=1))[0]
        assert audit.verify_chain(session).ok
    assert entry.reason == "数据源更正" and entry.entity_id == PERIOD


def test_only_an_administrator_reopens(demo_db):
    from kpidesk.errors import PermissionDenied
    from kpidesk.services.actor import Role
    from kpidesk.services.appraisal import periods

    head = Actor("lq", role=Role.HEAD, department_ids=frozenset({1, 2, 3}))
    with pytest.raises(PermissionDenied), demo_db.write() as session:
        periods.reopen_period(session, head, PERIOD, "想改")
