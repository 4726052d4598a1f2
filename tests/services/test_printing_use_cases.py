"""The chart and printed-sheet use cases the window and the command line call, as the actor given."""

import pytest
from sqlalchemy import select

from kpidesk.errors import NotFound, ValidationError
from kpidesk.services.actor import Actor, Role
from kpidesk.services.printing import use_cases as printing
from kpidesk.store import models as m


def _employee_login(db, staff_no: str) -> Actor:
    with db.session() as session:
        employee_id = session.execute(select(m.Employee.id).where(m.Employee.staff_no == staff_no)).scalar_one()
    return Actor(name=staff_no, role=Role.EMPLOYEE, employee_id=employee_id)


def test_a_trend_chart_is_read_for_whom_the_actor_may_see(demo_db, actor):
    trend = printing.chart(demo_db, actor, "trend", "2025-11", employee="CS001", length=6)
    assert 1 < len(trend.points) <= 6
    own = _employee_login(demo_db, "CS001")
    assert printing.chart(demo_db, own, "trend", "2025-11", employee="CS001", length=6).points == trend.points
    with pytest.raises(NotFound, match="you may see"):
        printing.chart(demo_db, own, "trend", "2025-11", employee="CS002", length=6)


def test_without_a_length_the_chart_has_its_default_span(demo_db, actor):
    everyone = printing.chart(demo_db, actor, "distribution", "2025-11")
    own = printing.chart(demo_db, _employee_login(demo_db, "CS001"), "distribution", "2025-11")
    assert sum(everyone.counts.values()) > sum(own.counts.values()) == 1


def test_a_printed_sheet_is_verified(demo_db, actor):
    with pytest.raises(ValidationError):
        printing.verify_printed_sheet(demo_db, actor, "2025-11", "CS001", "not a hash")
    check = printing.verify_printed_sheet(demo_db, actor, "2025-11", "CS001", "0" * 16)
    assert not check.ok


def test_sheets_are_printed_as_the_actor(demo_db, actor, tmp_path):
    from kpidesk.errors import KpiDeskError
    from kpidesk.services.printing.sheets import PrintRequest

    request = PrintRequest("2025-11", ("CS003",), charts=False, lang="en")
    outcome = printing.print_sheets(demo_db, actor, request, tmp_path / "cs003.pdf", processes=1)
    assert outcome.documents == 1 and (tmp_path / "cs003.pdf").read_bytes()[:5] == b"%PDF-"
    with pytest.raises(KpiDeskError):  # an employee prints only their own sheet
        printing.print_sheets(demo_db, _employee_login(demo_db, "CS001"), request, tmp_path / "x.pdf", processes=1)
    assert not (tmp_path / "x.pdf").exists()


def test_the_report_font_is_read_with_the_collector_paused(demo_db, actor, tmp_path, monkeypatch):
    """Its per-glyph tables are a hundred thousand new containers; collecting among them tripled the read."""
    import gc

    from kpidesk.reports import fonts
    from kpidesk.services.printing.sheets import PrintRequest

    collecting: list[bool] = []
    register = fonts.register_pdf_font

    def watched() -> str:
        collecting.append(gc.isenabled())
        return register()

    monkeypatch.setattr(fonts, "register_pdf_font", watched)
    assert gc.isenabled()
    request = PrintRequest("2025-11", ("CS003",), charts=False, lang="en")
    printing.print_sheets(demo_db, actor, request, tmp_path / "cs003.pdf", processes=1)
    assert collecting == [False]
    assert gc.isenabled()  # and running again afterwards
