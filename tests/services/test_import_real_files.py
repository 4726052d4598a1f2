"""Office exports as real systems write them import with no mapping by hand and no skipped problem rows."""

from pathlib import Path

from kpidesk.cli import main
from kpidesk.services.imports.registry import apply_import, preview_import

REAL = Path(__file__).resolve().parent.parent / "data" / "real"


def preview(db, path, **kw):
    with db.session() as session:
        return preview_import(session, path, **kw)


def test_staff_list_totals_line_is_set_aside_not_a_person_nor_a_problem(db, actor):
    p = preview(db, REAL / "roster_2025-11.xlsx", kind="staff")
    assert p.problems == []
    assert p.counts["new"] == 5 and p.counts["rows"] == 5
    assert [line.describe() for line in p.skipped_lines] == ["not imported: totals row (row 9): 合计：5人"]
    result = apply_import(db, actor, p)
    assert result.counts["added"] == 5


def test_gb18030_staff_list_with_english_total_line(db, actor):
    p = preview(db, REAL / "roster_gb18030.csv", kind="staff")
    assert p.problems == [] and p.counts["new"] == 4
    assert [(s.row, s.reason) for s in p.skipped_lines] == [(7, "totals")]


def test_cli_preview_lists_the_set_aside_line(tmp_path, capsys):
    path = str(tmp_path / "k.db")
    assert main(["--db", path, "init"]) == 0
    assert main(["--db", path, "import", str(REAL / "roster_2025-11.xlsx"), "--kind", "staff", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "not imported: totals row (row 9): 合计：5人" in out
    assert "problem:" not in out and "warning:" not in out
