import pandas as pd
import pytest
from openpyxl import load_workbook

from kpidesk.domain.units import Unit
from kpidesk.errors import ValidationError
from kpidesk.exchange.readers import read_table
from kpidesk.exchange.values import parse_values
from kpidesk.exchange.writers import (
    SheetSpec,
    display_width,
    neutralise,
    neutralise_frame,
    safe_sheet_name,
    write_csv,
    write_xlsx,
)


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=cmd", "\r=x", "=HYPERLINK(\"x\")"])
def test_dangerous_text_is_neutralised(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["王芳", "1+1", "", -5, 3.2, None, "a=b"])
def test_other_values_untouched(value):
    assert neutralise(value) == value


def test_neutralise_frame_keeps_numbers():
    frame = pd.DataFrame({"=name": ["=cmd|' /C calc'!A0", "ok"], "n": [-1.0, 2.0]})
    safe = neutralise_frame(frame)
    assert list(safe.columns) == ["'=name", "n"]
    assert safe["'=name"].tolist() == ["'=cmd|' /C calc'!A0", "ok"]
    assert safe["n"].tolist() == [-1.0, 2.0]


def test_csv_has_bom_crlf_and_is_neutralised(tmp_path):
    path = write_csv(tmp_path / "out.csv", pd.DataFrame({"姓名": ["王芳", "@evil"], "得分": [95.5, 80.0]}))
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").split("\r\n")[:3] == ["姓名,得分", "王芳,95.5", "'@evil,80.0"]
    table = read_table(path, strict=False)
    assert table.encoding == "utf-8-sig"


def test_xlsx_formats_widths_frozen_header_grades_and_hidden_sheet(tmp_path):
    frame = pd.DataFrame(
        {
            "工号": ["CS001", "CS002"],
            "姓名": ["王芳", "=HYPERLINK(\"http://x\")"],
            "一次解决率": [87.0, 0.8],
            "平均处理时长": [252.0, None],
            "总分": [96.123, 71.0],
            "等级": ["优秀", "一般"],
        }
    )
    spec = SheetSpec("客户关怀部", frame, formats={"一次解决率": "percent", "平均处理时长": "duration", "总分": "decimal"},
                     grade_columns=("等级",), freeze_columns=2)
    hidden = SheetSpec("fields", pd.DataFrame({"a": [1]}), hidden=True)
    path = write_xlsx(tmp_path / "out.xlsx", [spec, hidden])
    book = load_workbook(path)
    sheet = book["客户关怀部"]
    assert sheet.freeze_panes == "C2"
    assert sheet["B3"].value == "'=HYPERLINK(\"http://x\")"
    assert sheet["C2"].value == pytest.approx(0.87) and sheet["C2"].number_format == "0.00%"
    assert sheet["C3"].value == pytest.approx(0.008)
    assert sheet["D2"].number_format == "[h]:mm:ss"
    assert sheet["E2"].number_format == "0.00"
    assert sheet["F2"].fill.fgColor.rgb.endswith("C6EFCE")
    assert sheet["F3"].fill.fgColor.rgb.endswith("FFEB9C")
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["B"].width >= display_width("=HYPERLINK(\"http://x\")")
    assert sheet.column_dimensions["F"].width >= display_width("等级") + 2
    assert book["fields"].sheet_state == "hidden"

    back = read_table(path)
    rates = parse_values(back.frame["一次解决率"], Unit.PERCENT).values.tolist()
    assert rates == pytest.approx([87.0, 0.8])
    seconds = parse_values(back.frame["平均处理时长"], Unit.DURATION)
    assert seconds.values.iloc[0] == pytest.approx(252.0)
    assert seconds.missing_mask.iloc[1]


def test_sheet_names_are_made_valid_and_unique():
    taken: set[str] = set()
    assert safe_sheet_name("客户关怀部/一组", taken) == "客户关怀部_一组"
    assert safe_sheet_name("客户关怀部/一组", taken) == "客户关怀部_一组 (2)"
    long = safe_sheet_name("x" * 40, taken)
    assert len(long) == 31


def test_cjk_width_counts_double():
    assert display_width("王芳") == 4
    assert display_width("ab") == 2


def test_write_failure_is_a_validation_error(tmp_path):
    with pytest.raises(ValidationError):
        write_csv(tmp_path / "missing-dir" / "out.csv", pd.DataFrame({"a": [1]}))
    assert not list(tmp_path.iterdir())
