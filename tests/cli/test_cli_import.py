"""``kpidesk import``, ``export`` and ``import-template`` from the command line."""

from pathlib import Path

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from kpidesk.cli import main
from kpidesk.store import models as m
from kpidesk.store.db import open_database

DATA = Path(__file__).resolve().parent.parent / "data"


def measurement_count(path) -> int:
    db = open_database(path)
    try:
        with db.session() as session:
            return session.execute(select(func.count()).select_from(m.Measurement)).scalar()
    finally:
        db.dispose()


def test_dry_run_shows_the_preview_and_writes_nothing(cli_db, capsys):
    code = main(["--db", cli_db, "import", str(DATA / "ticket_export_2025-10.xlsx"), "--period", "2025-10",
                 "--dry-run"])
    out = capsys.readouterr().out
    assert code == 0
    assert "File: ticket_export_2025-10.xlsx [坐席绩效], header row 4" in out
    assert "not imported: totals row (row 11)" in out
    assert "values 42" in out and "Dry run: nothing was written." in out  # 7 value columns × 6 people: response time, handle time and satisfaction are known spellings
    assert measurement_count(cli_db) == 0


def test_import_writes_and_reimport_changes_nothing(cli_db, capsys):
    args = ["--db", cli_db, "import", str(DATA / "ticket_export_2025-10.xlsx"), "--period", "2025-10"]
    assert main(args) == 0
    assert "inserted 42" in capsys.readouterr().out
    assert main(args) == 0
    assert "inserted 0, updated 0, source_updated 0, unchanged 42" in capsys.readouterr().out
    assert measurement_count(cli_db) == 42


def test_problems_block_with_exit_code_3(cli_db, tmp_path, capsys):
    book = Workbook()
    for row in (["工号", "接待总数"], ["CS001", 10], ["CS999", 11]):
        book.active.append(row)
    book.save(tmp_path / "bad.xlsx")
    code = main(["--db", cli_db, "import", str(tmp_path / "bad.xlsx"), "--period", "2025-10"])
    captured = capsys.readouterr()
    assert code == 3
    assert "problem: bad.xlsx, Sheet, row 3, column A (工号): unknown staff number CS999" in captured.out
    assert captured.err.strip() == "Nothing was imported: 1 problem(s) block the import."
    assert measurement_count(cli_db) == 0
    assert main(["--db", cli_db, "import", str(tmp_path / "bad.xlsx"), "--period", "2025-10",
                 "--skip-problem-rows"]) == 0
    assert measurement_count(cli_db) == 1


def test_unreadable_file_is_one_line_exit_3(cli_db, capsys):
    code = main(["--db", cli_db, "import", str(DATA / "webpage.xls")])
    err = capsys.readouterr().err
    assert code == 3 and err.count("\n") == 1 and "web page" in err


def test_profile_is_saved_and_reused(cli_db, tmp_path, capsys):
    book = Workbook()
    for row in (["坐席", "接待量"], ["CS001", 10]):
        book.active.append(row)
    book.save(tmp_path / "cc.xlsx")
    assert main(["--db", cli_db, "import", str(tmp_path / "cc.xlsx"), "--period", "2025-10", "--profile", "cc",
                 "--map", "坐席=staff_no"]) == 0
    book.active["B2"] = 12
    book.save(tmp_path / "cc.xlsx")
    assert main(["--db", cli_db, "import", str(tmp_path / "cc.xlsx"), "--period", "2025-10", "--profile", "cc"]) == 0
    assert "updated 1" in capsys.readouterr().out


def test_export_and_import_template(cli_db, tmp_path, capsys):
    assert main(["--db", cli_db, "import", str(DATA / "ticket_export_2025-10.xlsx"), "--period", "2025-10"]) == 0
    out = tmp_path / "p.xlsx"
    assert main(["--db", cli_db, "export", "--period", "2025-10", "--out", str(out)]) == 0
    assert "Raw data" in load_workbook(out).sheetnames
    template = tmp_path / "t.xlsx"
    assert main(["--db", cli_db, "import-template", "--period", "2025-10", "--position", "客服代表",
                 "--out", str(template)]) == 0
    book = load_workbook(template)
    assert book.worksheets[1].sheet_state == "hidden"
    assert [c.value for c in book.worksheets[0]["A"]][1:] == ["CS001", "CS002", "CS004", "CS005"]
    assert main(["--db", cli_db, "import-template", "--period", "2025-10", "--position", "厨师",
                 "--out", str(template)]) == 3
    assert "No position named 厨师" in capsys.readouterr().err


def test_forms_kind_goes_to_the_forms_service(cli_db, monkeypatch, capsys):
    import kpidesk.services.forms.sheet_import as form_sheets
    from kpidesk.errors import Place
    from kpidesk.services.import_preview import ImportPreview, ImportProblem, ImportResult

    calls = []

    def fake_preview(session, path, *, period=None, **kw):
        calls.append(("preview", path.name, period))
        problem = ImportProblem(Place("filled.xlsx", "表", 3, "C (团队协作)"), "unknown level", "bad_level", False)
        return ImportPreview("forms", "filled.xlsx", "表", "0" * 64, 2, {}, None, [problem], {"rows": 2})

    def fake_apply(db, actor, preview, *, skip_problem_rows=False):
        calls.append(("apply", preview.file, skip_problem_rows))
        return ImportResult("forms", preview.file, preview.checksum, {"saved": 2})

    monkeypatch.setattr(form_sheets, "preview_forms_import", fake_preview)
    monkeypatch.setattr(form_sheets, "apply_forms_import", fake_apply)
    assert main(["--db", cli_db, "import", "filled.xlsx", "--kind", "forms", "--period", "2025-10"]) == 0
    out = capsys.readouterr().out
    assert calls == [("preview", "filled.xlsx", "2025-10"), ("apply", "filled.xlsx", False)]
    assert "warning: filled.xlsx, 表, row 3, column C (团队协作): unknown level" in out
    assert "Imported: saved 2" in out


def test_accepted_columns_are_listed(capsys):
    assert main(["import-columns", "--kind", "kpis"]) == 0
    out = capsys.readouterr().out
    assert "formula (formula): 计算公式, 公式" in out
    assert "name * (KPI name): 指标名称" in out
