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
