"""Regenerate the small checked-in files with every oddity the importers must handle.

Run ``python tests/data/make_fixtures.py`` from the repository root. The .xls needs the ``xlwt`` package,
which only this script uses (the tests read the checked-in file).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

HERE = Path(__file__).resolve().parent

WIDE_ROWS = [
    # 工号, 姓名, 满意度/得分, 满意度/样本数, 平均处理时长(分钟), 内部编码 (hidden), 培训费用, 考核周期
    ("CS001", "王芳", "93%", 120, 4, "X1", "1,200", "2025年10月"),
    ("CS002", "张伟", 0.93, 98, "4分12秒", "X2", "¥1,200.50", "2025-10"),
    ("CS003", "刘洋", 93, "１２０", "1.5小时", "X3", "—", "2025-10"),
    ("CS004", "陈静", "９３", "-", "2h", "X4", "N/A", "2025-10"),
    ("CS005", "杨磊", "—", "无", None, "X5", "", "2025-10"),
    ("CS006", "黄丽", "abc", 50, "-3分钟", "X6", 800, "2025-10"),
]

LONG_ROWS = [
    # 工号, 考核周期, 指标, 数值
    ("CS001", "2025年3月", "满意度", "93%"),
    ("CS001", "2025-03", "平均处理时长", "1.5小时"),
    ("CS001", "2025Q1", "净推荐值", 45),
    ("CS002", dt.date(2025, 3, 1), "满意度", 0.912),
    ("CS002", 45717, "平均处理时长", "2h"),
    ("CS002", "2025-03", "培训费用", "¥1,200.50"),
    ("CS003", "2025-03", "满意度", "９３"),
    ("CS003", "2025-03", "培训费用", "1,200"),
    ("CS003", "2025-03", "投诉数", "-"),
    ("CS004", "2025-03", "满意度", "N/A"),
    ("CS004", "2025-03", "投诉数", "无"),
    ("CS004", "2025-03", "平均处理时长", None),
    ("CS005", "2025-03", "满意度", "—"),
]


def make_xlsx() -> None:
    from openpyxl import Workbook

    book = Workbook()
    wide = book.active
    wide.title = "十月数据"
    # Rows 1-2 and column A stay empty: Excel still numbers them.
    wide["B3"] = "坐席绩效导出（2025年10月）"
    wide.merge_cells("B3:I3")
    wide["B4"] = "导出时间：2025-11-01 08:30"
    top = ["工号", "姓名", "满意度", None, "平均处理时长(分钟)", "内部编码", "培训费用", "考核周期"]
    for j, text in enumerate(top, start=2):
        if text:
            wide.cell(row=6, column=j, value=text)
    wide["D7"], wide["E7"] = "得分", "样本数"
    for cols in ("B6:B7", "C6:C7", "D6:E6", "F6:F7", "G6:G7", "H6:H7", "I6:I7"):
        wide.merge_cells(cols)
    for i, row in enumerate(WIDE_ROWS, start=8):
        for j, value in enumerate(row, start=2):
            if value is not None:
                wide.cell(row=i, column=j, value=value)
    wide["D9"].number_format = "0%"
    wide["B14"] = "合计"
    wide["E14"] = 268
    wide["B16"] = "备注：满意度按回访调查计算，样本数不足30的不计分。"
    wide.merge_cells("B16:I16")
    wide.column_dimensions["G"].hidden = True

    long = book.create_sheet("长表")
    long.append(["工号", "考核周期", "指标", "数值"])
    for row in LONG_ROWS:
        long.append(list(row))
    long["B6"].number_format = "General"  # a bare Excel day number, as some exports leave it
    long.append(["总计", None, None, None])

    notes = book.create_sheet("说明")
    notes["A1"] = "本表由系统导出，请勿修改表头。"
    hidden = book.create_sheet("hidden")
    hidden["A1"] = "工号"
    hidden.sheet_state = "hidden"
    book.save(HERE / "oddities.xlsx")


def make_xls() -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("员工名单")
    sheet.write_merge(1, 1, 0, 5, "客户关怀部员工名单")
    header = ["工号", "姓名", "部门", "岗位", "直属上级", "入职日期"]
    for j, text in enumerate(header):
        sheet.write(3, j, text)
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    rows = [
        ("CS001", "王芳", "客户关怀部", "客服代表", "李强", dt.date(2021, 3, 1)),
        (1002, "张伟", "客户关怀部", "客服代表", "李强", "2022/7/15"),
        ("CS007", "李强", "客户关怀部", "客户关系主管", "", 43353),
    ]
    for i, row in enumerate(rows, start=4):
        for j, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write(i, j, value, date_style)
            else:
                sheet.write(i, j, value)
    sheet.write(8, 0, "合计：3人")
    sheet.write(8, 1, "Total")
    sheet.col(6).hidden = True
    sheet.write(3, 6, "身份证号")
    book.save(str(HERE / "staff_oddities.xls"))


def make_ods() -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableColumnProperties
    from odf.table import CoveredTableCell, Table, TableCell, TableColumn, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    column_style = Style(name="co1", family="table-column")
    column_style.addElement(TableColumnProperties(columnwidth="2.5cm"))
    doc.automaticstyles.addElement(column_style)
    table = Table(name="Survey")
    table.addElement(TableColumn(stylename=column_style, numbercolumnsrepeated=3))
    table.addElement(TableColumn(stylename=column_style, visibility="collapse"))
    table.addElement(TableColumn(stylename=column_style))

    def text_cell(text: str, **kw) -> TableCell:
        cell = TableCell(valuetype="string", **kw)
        cell.addElement(P(text=text))
        return cell

    def number_cell(value: float) -> TableCell:
        cell = TableCell(valuetype="float", value=value)
        cell.addElement(P(text=str(value)))
        return cell

    table.addElement(TableRow())  # Excel row 1 empty
    title = TableRow()
    title.addElement(text_cell("Survey results October 2025", numbercolumnsspanned=5))
    for _ in range(4):
        title.addElement(CoveredTableCell())
    table.addElement(title)
    table.addElement(TableRow())  # row 3 empty
    header = TableRow()
    for text in ("Staff No", "Name", "CSAT", "Internal", "NPS"):
        header.addElement(text_cell(text))
    table.addElement(header)
    for staff, name, csat, nps in (("CS001", "Wang Fang", "4.6分", 45), ("CS002", "Zhang Wei", "N/A", -10)):
        row = TableRow()
        row.addElement(text_cell(staff))
        row.addElement(text_cell(name))
        row.addElement(text_cell(csat))
        row.addElement(text_cell("secret"))
        row.addElement(number_cell(nps))
        table.addElement(row)
    total = TableRow()
    total.addElement(text_cell("Total"))
    table.addElement(total)
    doc.spreadsheet.addElement(table)
    doc.save(str(HERE / "survey_oddities.ods"))


def make_texts() -> None:
    header = "工号,考核周期,指标,数值\r\n"
    body = "".join(f"{r[0]},{r[1] if isinstance(r[1], str) else '2025-03'},{r[2]},{_csv(r[3])}\r\n"
                   for r in LONG_ROWS)
    (HERE / "long_utf8_bom.csv").write_bytes(("\ufeff" + header + body).encode("utf-8"))
    wide = (
        "员工编号,姓名,一次解决率,平均响应时长\n"
        "CS001,王芳,87%,45秒\n"
        'CS002,"张伟",0.912,"2分10秒"\n'
        "CS003,䶮,91,1:52\n"
        "\n"
        '"说明：数据来自工单系统,\n含周末"\n'
    )
    (HERE / "wide_gb18030.csv").write_bytes(wide.encode("gb18030"))
    (HERE / "wide_utf8.csv").write_bytes(wide.encode("utf-8"))
    tsv = "Staff No\tName\tFCR\r\nCS001\tWang Fang\t0.87\r\nCS002\tZhang Wei\t=1+1\r\n"
    (HERE / "unicode_text.txt").write_bytes(tsv.encode("utf-16"))
    (HERE / "webpage.xls").write_text("<html><body><table><tr><td>工号</td></tr></table></body></html>")
    (HERE / "broken.xlsx").write_bytes(b"PK\x03\x04 this is not really a zip archive")


def _csv(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    return f'"{text}"' if "," in text else text


if __name__ == "__main__":
    make_xlsx()
    make_xls()
    make_ods()
    make_texts()
