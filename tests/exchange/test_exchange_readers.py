import datetime as dt

import pytest

from kpidesk.domain.units import Unit
from kpidesk.errors import ValidationError
from kpidesk.exchange.grids import open_workbook
from kpidesk.exchange.readers import column_letter, read_table, read_tables
from kpidesk.exchange.values import parse_dates, parse_keys, parse_periods, parse_values


def test_ticket_export_header_below_title_rows_and_totals_set_aside(data_dir):
    table = read_table(data_dir / "ticket_export_2025-10.xlsx")
    assert table.header_row == 4
    assert table.rows.tolist() == [5, 6, 7, 8, 9, 10]
    assert [(s.row, s.reason) for s in table.skipped] == [(11, "totals")]
    assert table.mapping == {"工号": "staff_no", "姓名": "name"}
    assert table.unmapped[:2] == ["接待总数", "一次解决数"]
    response = parse_values(table.frame["平均响应时长"], Unit.DURATION)
    assert response.values.tolist() == [112, 123, 28, 65, 65, 120]
    csat = parse_values(table.frame["满意度"], Unit.PERCENT)
    assert csat.values.tolist() == pytest.approx([96.8, 92.5, 86.3, 91.1, 94.5, 92.4])


def test_kpi_table_totals_and_rules_line(data_dir):
    table = read_table(data_dir / "hr_kpi_table.xlsx", kind="kpis")
    assert table.header_row == 2
    assert table.rows.tolist() == list(range(3, 10))
    assert [(s.row, s.reason) for s in table.skipped] == [(10, "totals"), (11, "notes")]
    assert table.skipped[1].text.startswith("说明：")
    assert table.column_for("formula") == "计算公式"
    weights = parse_values(table.field_cells("weight"), Unit.PERCENT)
    assert weights.values.sum() == pytest.approx(100)


def test_staff_list_dates(data_dir):
    table = read_table(data_dir / "staff_list.xlsx", kind="staff")
    assert table.header_row == 1 and len(table.frame) == 8
    hired = parse_dates(table.field_cells("hire_date"))
    assert hired.values.iloc[0] == dt.date(2021, 3, 1)


def test_gbk_csv(data_dir):
    table = read_table(data_dir / "survey_2025-10_gbk.csv")
    assert table.encoding == "gb18030"
    assert table.frame["姓名"].tolist()[:2] == ["王芳", "张伟"]
    scores = parse_values(table.frame["满意度评分(5分制)"], Unit.SCORE)
    assert scores.values.tolist()[0] == 4.2 and scores.values.tolist()[2] == 4.59
    assert scores.missing_mask.tolist() == [False, True, False, False, False, True]
    assert table.place(row=3, column="姓名").sheet is None


@pytest.mark.parametrize("name, encoding", [("wide_gb18030.csv", "gb18030"), ("wide_utf8.csv", "utf-8"),
                                            ("long_utf8_bom.csv", "utf-8-sig"), ("unicode_text.txt", "utf-16")])
def test_text_encodings(data_dir, name, encoding):
    table = read_table(data_dir / name)
    assert table.encoding == encoding
    assert table.frame.iloc[0, 0] == "CS001"


def test_gb18030_only_character_and_quoted_note(data_dir):
    table = read_table(data_dir / "wide_gb18030.csv")
    assert table.frame["姓名"].tolist() == ["王芳", "张伟", "䶮"]
    assert [(s.row, s.reason) for s in table.skipped] == [(6, "notes")]
    rates = parse_values(table.frame["一次解决率"], Unit.PERCENT).values.tolist()
    assert rates == pytest.approx([87, 91.2, 91])


def test_oddities_wide_sheet(data_dir):
    table = read_table(data_dir / "oddities.xlsx")
    assert table.sheet == "十月数据"
    assert table.header_rows == (6, 7)
    assert [c.label for c in table.columns] == [
        "工号", "姓名", "满意度/得分", "满意度/样本数", "平均处理时长(分钟)", "内部编码", "培训费用", "考核周期"]
    assert [c.letter for c in table.columns][:3] == ["B", "C", "D"]
    assert table.hidden_columns == ["内部编码"]
    assert table.rows.tolist() == [8, 9, 10, 11, 12, 13]
    assert [(s.row, s.reason) for s in table.skipped] == [(14, "totals"), (16, "notes")]
    csat = parse_values(table.frame["满意度/得分"], Unit.PERCENT)
    assert csat.values.tolist()[:4] == [93, 93, 93, 93]
    assert csat.problems[13] == "not_a_number"
    aht_column = table.column_info("平均处理时长(分钟)")
    aht = parse_values(table.frame[aht_column.label], Unit.DURATION, unit_hint=aht_column.unit_hint)
    assert aht.values.tolist()[:4] == [240, 252, 5400, 7200]
    assert aht.problems[13] == "negative"
    cost = parse_values(table.frame["培训费用"], Unit.CURRENCY)
    assert cost.values.tolist()[:2] == [1200, 1200.5]
    assert cost.missing_mask[[10, 11, 12]].all()
    samples = parse_values(table.frame["满意度/样本数"], Unit.COUNT)
    assert samples.values[10] == 120 and samples.missing_mask[[11, 12]].all()
    assert set(parse_periods(table.field_cells("period")).values) == {"2025-10"}
    place = table.place(row=13, column="满意度/得分")
    assert str(place) == "oddities.xlsx, 十月数据, row 13, column D (满意度/得分)"


def test_oddities_long_sheet(data_dir):
    table = read_table(data_dir / "oddities.xlsx", sheet="长表")
    assert table.mapping == {"工号": "staff_no", "考核周期": "period", "指标": "field", "数值": "value"}
    periods = parse_periods(table.field_cells("period"))
    assert periods.values.tolist() == ["2025-03", "2025-03", "2025-Q1"] + ["2025-03"] * 10
    assert [(s.row, s.reason) for s in table.skipped] == [(15, "totals")]


def test_several_sheets_and_hidden_sheet(data_dir):
    book = open_workbook(data_dir / "oddities.xlsx")
    assert book.sheet_names == ["十月数据", "长表", "说明", "hidden"]
    assert book.visible["hidden"] is False
    assert [t.sheet for t in read_tables(book)] == ["十月数据", "长表"]


def test_leading_empty_rows_keep_excel_numbers(data_dir, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet["D5"], sheet["E5"] = "工号", "满意度"
    sheet["D6"], sheet["E6"] = "CS001", "93%"
    sheet["D8"], sheet["E8"] = "CS002", "x"
    path = tmp_path / "gap.xlsx"
    book.save(path)
    table = read_table(path)
    assert table.header_row == 5
    assert table.rows.tolist() == [6, 8]
    assert table.column_info("满意度").letter == "E"


def test_legacy_xls(data_dir):
    table = read_table(data_dir / "staff_oddities.xls", kind="staff")
    assert table.header_row == 4
    assert table.hidden_columns == ["身份证号"]
    assert parse_keys(table.field_cells("staff_no")).values.tolist() == ["CS001", "1002", "CS007"]
    assert parse_dates(table.field_cells("hire_date")).values.tolist() == [
        dt.date(2021, 3, 1), dt.date(2022, 7, 15), dt.date(2018, 9, 10)]
    assert [(s.row, s.reason) for s in table.skipped] == [(9, "totals")]


def test_ods(data_dir):
    table = read_table(data_dir / "survey_oddities.ods")
    assert table.header_row == 4
    assert table.rows.tolist() == [5, 6]
    assert table.hidden_columns == ["Internal"]
    assert [(s.row, s.reason) for s in table.skipped] == [(7, "totals")]
    assert parse_values(table.frame["CSAT"], Unit.SCORE).values.tolist()[0] == 4.6


def test_overrides_and_remapping(data_dir):
    table = read_table(data_dir / "oddities.xlsx", overrides={"内部编码": "staff_no", "工号": None})
    assert table.column_for("staff_no") == "内部编码"
    back = table.remapped({})
    assert back.column_for("staff_no") == "工号"


def test_forced_header_row(data_dir):
    table = read_table(data_dir / "ticket_export_2025-10.xlsx", header_row=4)
    assert table.header_row == 4
    with pytest.raises(ValidationError):
        read_table(data_dir / "ticket_export_2025-10.xlsx", header_row=400)


@pytest.mark.parametrize(
    "name, words",
    [("webpage.xls", "web page"), ("broken.xlsx", "damaged"), ("nothing.pdf", "unsupported")],
)
def test_bad_files_are_validation_errors(data_dir, tmp_path, name, words):
    path = data_dir / name if (data_dir / name).exists() else tmp_path / name
    if not path.exists():
        path.write_bytes(b"%PDF-1.4")
    with pytest.raises(ValidationError) as info:
        read_table(path)
    assert words in info.value.message
    assert info.value.place.file == name


def test_missing_required_column_and_unknown_sheet(data_dir):
    with pytest.raises(ValidationError) as info:
        read_table(data_dir / "hr_kpi_table.xlsx", kind="staff")
    assert "staff number" in info.value.message
    with pytest.raises(ValidationError) as info:
        read_table(data_dir / "oddities.xlsx", sheet="nope")
    assert "长表" in info.value.message


def test_empty_and_missing_files(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(ValidationError, match="empty"):
        read_table(tmp_path / "empty.csv")
    with pytest.raises(ValidationError, match="cannot read"):
        read_table(tmp_path / "absent.xlsx")


def test_undecodable_bytes(tmp_path):
    (tmp_path / "junk.csv").write_bytes(bytes(range(128, 256)) * 4)
    with pytest.raises(ValidationError):
        read_table(tmp_path / "junk.csv")


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


def test_column_letters_agree_with_openpyxl_over_all_of_excels_columns():
    from openpyxl.utils import get_column_letter

    assert all(column_letter(i) == get_column_letter(i + 1) for i in range(16384))


def test_reading_a_workbook_does_not_load_openpyxl(data_dir):
    """Why the reader keeps its own column letters: openpyxl would add a quarter second to every import."""
    import subprocess
    import sys

    code = (
        "import sys; from kpidesk.exchange.readers import read_tables; "
        f"read_tables({str(data_dir / 'staff_list.xlsx')!r}, kind='staff'); "
        "print('openpyxl' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
