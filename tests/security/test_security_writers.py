"""Every CSV and spreadsheet the program writes is safe to open: text that a spreadsheet would run as a
formula is neutralised, and control characters stored before they were refused are shown as marks
instead of breaking the export or reaching the terminal."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kpidesk.cli import main
from kpidesk.exchange.neutralise import FORMULA_START, neutralise, neutralise_row, unneutralise
from kpidesk.exchange.writers import SheetSpec, write_csv, write_xlsx

HOSTILE_NAME = '=HYPERLINK("http://evil.example","点我")\x07\x1b[31m'
HOSTILE_DEPARTMENT = "+cmd|' /C calc'!A0"
HOSTILE_STAFF_NO = "@SUM(1+1)"
CONTROL = {chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32), *range(0x7F, 0xA0))}


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _unsafe(text: str) -> bool:
    """A formula a spreadsheet would run (a CSV number such as -0.5 is a number, not a formula) or a
    control character."""
    return (text.startswith(FORMULA_START) and not _number(text)) or any(ch in CONTROL for ch in text)


def _cells(path: Path) -> list[str]:
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as stream:
            return [cell for row in csv.reader(stream) for cell in row]
    book = load_workbook(path)
    return [cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
            if isinstance(cell.value, str)]


@pytest.fixture
def hostile_db(_demo_template, tmp_path) -> str:
    """The demo with one person's name, staff number and department holding formulas and control
    characters, written straight into the tables as older data could hold them."""
    import sqlite3

    path = tmp_path / "hostile.db"
    shutil.copyfile(_demo_template, path)
    with sqlite3.connect(path) as connection:
        staff_no, department_id = connection.execute(
            "SELECT staff_no, department_id FROM employees WHERE staff_no = 'CS001'").fetchone()
        connection.execute("UPDATE employees SET name = ?, staff_no = ? WHERE staff_no = ?",
                           (HOSTILE_NAME, HOSTILE_STAFF_NO, staff_no))
        connection.execute("UPDATE departments SET name = ? WHERE id = ?", (HOSTILE_DEPARTMENT, department_id))
    return str(path)


WRITERS = {
    "export xlsx": lambda out: ["export", "--period", "2025-11", "--out", str(out / "results.xlsx")],
    "export csv": lambda out: ["export", "--period", "2025-11", "--out", str(out / "results.csv")],
    "score csv": lambda out: ["score", "--period", "2025-12", "--format", "csv", "--out", str(out / "score.csv")],
    "pay xlsx": lambda out: ["pay", "--period", "2025-11", "--out", str(out / "pay.xlsx")],
    "pay csv": lambda out: ["pay", "--period", "2025-11", "--out", str(out / "pay.csv")],
    "audit csv": lambda out: ["audit", "export", str(out / "audit.csv")],
    "audit xlsx": lambda out: ["audit", "export", str(out / "audit.xlsx")],
    "forms export": lambda out: ["forms", "export", "--period", "2025-12", "--form", "customer_service_staff",
                                 "--out", str(out / "forms")],
}


@pytest.mark.parametrize("writer", WRITERS)
def test_every_writer_neutralises_hostile_stored_text(writer, hostile_db, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    code = main(["--db", hostile_db, *WRITERS[writer](out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "\x1b" not in captured.out + captured.err and "\x07" not in captured.out + captured.err
    files = [p for p in out.rglob("*") if p.suffix in (".csv", ".xlsx")]
    assert files
    cells = [cell for path in files for cell in _cells(path)]
    assert not [cell for cell in cells if _unsafe(cell)]
    # the audit log, frozen pay and a finalized period's results keep the names of their time (the xlsx
    # export's raw data sheet shows today's)
    if not writer.startswith(("audit", "pay", "export csv")):
        assert any("HYPERLINK" in cell and cell.startswith("'=") and "␇␛" in cell for cell in cells), writer


def test_the_score_table_on_the_terminal_shows_control_characters_as_marks(hostile_db, capsys):
    assert main(["--db", hostile_db, "score", "--period", "2025-12"]) == 0
    shown = capsys.readouterr().out
    assert "\x1b" not in shown and "␛[31m" in shown


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", "=\x07"])
def test_the_neutraliser_and_its_inverse(text):
    safe = neutralise(text)
    assert safe.startswith("'") and not any(ch in CONTROL for ch in safe)
    if "\x07" not in text:
        assert unneutralise(safe) == text
    assert neutralise(5) == 5 and neutralise_row(["=x", 1]) == ["'=x", 1]


def test_the_library_writers_take_hostile_headers_sheet_names_and_cells(tmp_path):
    import pandas as pd

    frame = pd.DataFrame({"=cmd": [HOSTILE_NAME, "ok"], "n": [1, 2]})
    write_xlsx(tmp_path / "x.xlsx", [SheetSpec(title="a\x07b", frame=frame, heading="=title")])
    write_csv(tmp_path / "x.csv", frame)
    for path in (tmp_path / "x.xlsx", tmp_path / "x.csv"):
        assert not [cell for cell in _cells(path) if _unsafe(cell)]
    assert load_workbook(tmp_path / "x.xlsx").sheetnames == ["a␇b"]
