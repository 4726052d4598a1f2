"""The one detector of rows that hold no person: totals, subtotals, averages, head counts, notes."""

from pathlib import Path

import numpy as np
import pytest

from kpidesk.exchange.form_sheets import read_form_sheet
from kpidesk.exchange.non_data_rows import SkippedRow, set_aside_non_data_rows, total_reason
from kpidesk.exchange.readers import read_table

REAL = Path(__file__).resolve().parent.parent / "data" / "real"


@pytest.mark.parametrize(("text", "reason"), [
    ("合计", "totals"), ("合计：5人", "totals"), ("合 计", "totals"), ("合计/平均", "totals"),
    ("总计(5)", "totals"), ("小计", "subtotals"), ("平均", "averages"), ("平均值：", "averages"),
    ("Total", "totals"), ("Total: 4", "totals"), ("Grand Total", "totals"), ("AVERAGE", "averages"),
    ("共5人", "counts"), ("人数：12", "counts"),
])
def test_summary_cells_are_recognised(text, reason):
    assert total_reason(text) == reason


@pytest.mark.parametrize("text", ["平均处理时长", "合计金额说明很长很长很长很长很长很长很长很长很长很长", "Totally", "周敏", "RF101", None, 5])
def test_ordinary_cells_are_not_summaries(text):
    assert total_reason(text) is None


def test_a_row_with_no_staff_number_whose_numbers_are_the_sums_is_a_totals_row():
    columns = [np.array(["A1", "A2", None], dtype=object), np.array([3, 4, 7], dtype=object),
               np.array(["１", "2", "3"], dtype=object)]
    (kept, rows), skipped = set_aside_non_data_rows(columns, np.array([2, 3, 4]), [], 3, key_columns=[0])
    assert [(s.row, s.reason) for s in skipped] == [(4, "totals")]
    assert rows.tolist() == [2, 3]


def test_a_row_with_no_staff_number_and_other_numbers_stays_for_the_importer_to_report():
    columns = [np.array(["A1", "A2", None], dtype=object), np.array([3, 4, 9], dtype=object)]
    (kept, rows), skipped = set_aside_non_data_rows(columns, np.array([2, 3, 4]), [], 2, key_columns=[0])
    assert skipped == [] and rows.tolist() == [2, 3, 4]


@pytest.mark.parametrize(("name", "kind", "expected"), [
    ("roster_2025-11.xlsx", "staff", [(9, "totals")]),
    ("roster_gb18030.csv", "staff", [(7, "totals")]),
    ("agent_report_2025-11.xlsx", "data", [(10, "totals")]),
    ("agent_report_sums_only.xlsx", "data", [(10, "totals")]),
    ("survey_2025-11_gbk.csv", "data", [(6, "averages")]),
    ("survey_2025-11_utf8.csv", "data", [(5, "totals")]),
])
def test_every_export_sets_its_summary_line_aside(name, kind, expected):
    table = read_table(REAL / name, kind=kind)
    assert [(s.row, s.reason) for s in table.skipped] == expected
    assert all(isinstance(v, str) and v.startswith("RF") for v in table.field_cells("staff_no"))


def test_the_preview_line_names_what_and_where():
    line = SkippedRow(9, "totals", "合计：5人").describe()
    assert line == "not imported: totals row (row 9): 合计：5人"


def test_filled_form_sheets_set_totals_lines_aside(tmp_path):
    path = tmp_path / "forms.csv"
    path.write_text("工号,姓名,评价角色,服务态度\nRF101,周敏,上级,优秀\n合计：1人,,,\n", encoding="utf-8")
    sheet = read_form_sheet(path)
    assert [row.row for row in sheet.rows] == [2]
    assert [(s.row, s.reason) for s in sheet.skipped] == [(3, "totals")]
