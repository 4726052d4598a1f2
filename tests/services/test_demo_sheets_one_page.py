"""Every person of the demo prints on exactly one page: a batch of N sheets is N pages."""

from pypdf import PdfReader

from kpidesk.services.printing import use_cases as printing
from kpidesk.services.printing.sheets import PrintRequest


def test_each_demo_person_prints_on_one_page(demo_db, actor, tmp_path):
    for lang in ("zh_CN", "en"):
        out = tmp_path / f"all-{lang}.pdf"
        outcome = printing.print_sheets(demo_db, actor, PrintRequest("2025-11", lang=lang), out, processes=1)
        assert outcome.documents > 10
        assert len(PdfReader(out).pages) == outcome.pages == outcome.documents


def test_a_finalized_period_prints_with_its_finalization_time(demo_db, actor, tmp_path):
    from datetime import UTC

    from sqlalchemy import select

    from kpidesk.store import models as m

    with demo_db.session() as session:
        finalized_at = session.execute(select(m.PeriodRecord.finalized_at)
                                       .where(m.PeriodRecord.code == "2025-11")).scalar_one()
    assert finalized_at is not None
    moment = (finalized_at if finalized_at.tzinfo else finalized_at.replace(tzinfo=UTC)).astimezone(UTC)
    out = tmp_path / "cs003.pdf"
    printing.print_sheets(demo_db, actor, PrintRequest("2025-11", ("CS003",), charts=False), out, processes=1)
    first = out.read_bytes()
    assert PdfReader(out).metadata["/CreationDate"] == moment.strftime("D:%Y%m%d%H%M%S+00'00'")
    printing.print_sheets(demo_db, actor, PrintRequest("2025-11", ("CS003",), charts=False), out, processes=1)
    assert out.read_bytes() == first  # printed again later: the same bytes
