"""Regenerate the office exports the "real files" tests import with no column mapping by hand.

Run ``python tests/data/make_real_files.py`` from the repository root. The files are shaped like what a
call-centre agent report, a satisfaction/NPS survey tool and an HR staff list write: title rows, two-level
merged headers, units inside headers, GBK/GB18030 and UTF-8 text, full-width digits, missing-value marks
and a totals line at the bottom. People and numbers are invented.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

HERE = Path(__file__).resolve().parent / "real"

ROSTER = [
    # 序号, 工号, 姓名, 部门, 班组, 岗位, 入职日期
    ("１", "RF101", "周敏", "客服中心", "一组", "客服专员", "2023-03-01"),
    ("２", "RF102", "吴昊", "客服中心", "一组", "客服专员", "2023-07-15"),
    ("３", "RF103", "郑爽", "客服中心", "二组", "高级客服", "2022-11-20"),
    ("４", "RF104", "孙琪", "客服中心", "二组", "客服专员", "2024-01-08"),
    ("５", "RF105", "冯雷", "客服中心", "二组", "组长", "2021-05-30"),
]

#: 坐席工号, 坐席姓名, 接通量(次), 一次解决量, 平均处理时长, 质检得分, 满意度, 投诉(次), 内部编码 (hidden)
AGENT_REPORT = [
    ("RF101", "周敏", "４１２", 350, "4分12秒", 92.5, "88.5%", 1, "Z1"),
    ("RF102", "吴昊", 380, 301, "1.2分钟", "90分", 0.91, 0, "Z2"),
    ("RF103", "郑爽", 455, 402, "38秒", 95, "—", "无", "Z3"),
    ("RF104", "孙琪", 298, 240, "N/A", 87, "93%", 2, "Z4"),
]

#: 工号, 姓名, 满意度(5分制), 应回访数, 已回访数, 推荐者, 中立者, 贬损者
SURVEY = [
    ("RF101", "周敏", "4.8分", 40, 38, 30, 6, 2),
    ("RF102", "吴昊", "4.6", 35, 35, 25, 8, 2),
    ("RF103", "郑爽", "4.9分", 42, 40, 36, 4, 0),
]


def make_roster_xlsx() -> None:
    """A staff list under a merged title, ending with ``合计：5人``."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "花名册"
    sheet["A1"] = "员工花名册（截至2025年11月30日）"
    sheet.merge_cells("A1:G1")
    for j, text in enumerate(("序号", "工号", "姓名", "部门", "班组", "岗位", "入职日期"), start=1):
        sheet.cell(row=3, column=j, value=text)
    for i, row in enumerate(ROSTER, start=4):
        for j, value in enumerate(row, start=1):
            sheet.cell(row=i, column=j, value=value)
    sheet.cell(row=4 + len(ROSTER), column=1, value="合计：5人")
    book.save(HERE / "roster_2025-11.xlsx")


def make_roster_csv() -> None:
    """The same list as GB18030 text with English totals words and a blank line before them."""
    lines = ["Staff No,Name,Department,Team,Position"]
    lines += [",".join(row[1:6]) for row in ROSTER[:4]]
    lines += ["", "Total: 4,,,,"]
    (HERE / "roster_gb18030.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("gb18030"))


def make_agent_report(path: Path, title: str, totals_label: str | None) -> None:
    """A CTI agent report: title and export-time rows, a two-level merged header with units, a hidden
    column and a totals line (``totals_label`` None: the line names itself nowhere, only its sums say it)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "坐席报表"
    sheet["A1"] = title
    sheet.merge_cells("A1:I1")
    sheet["A2"] = "导出时间：2025-12-01 09:12"
    top = ["坐席工号", "坐席姓名", "话务", None, "时长", "质检", "满意度(%)", "投诉(次)", "内部编码"]
    sub = [None, None, "接通量(次)", "一次解决量", "平均处理时长", "质检得分", None, None, None]
    for j, (upper, lower) in enumerate(zip(top, sub, strict=True), start=1):
        if upper:
            sheet.cell(row=4, column=j, value=upper)
        if lower:
            sheet.cell(row=5, column=j, value=lower)
    for cells in ("A4:A5", "B4:B5", "C4:D4", "G4:G5", "H4:H5", "I4:I5"):
        sheet.merge_cells(cells)
    for i, row in enumerate(AGENT_REPORT, start=6):
        for j, value in enumerate(row, start=1):
            sheet.cell(row=i, column=j, value=value)
    last = 6 + len(AGENT_REPORT)
    if totals_label:
        sheet.cell(row=last, column=1, value=totals_label)
    sheet.cell(row=last, column=3, value=412 + 380 + 455 + 298)
    sheet.cell(row=last, column=4, value=350 + 301 + 402 + 240)
    sheet.cell(row=last, column=8, value=3)
    sheet.column_dimensions["I"].hidden = True
    book.save(path)


def make_survey_gbk() -> None:
    """A survey tool's GBK export: Chinese headers with scale and unit notes, an averages line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["满意度回访统计 2025年11月"])
    writer.writerow(["工号", "姓名", "满意度(5分制)", "应回访数(个)", "已回访数(个)", "推荐者(9-10分)",
                     "中立者(7-8分)", "贬损者(0-6分)"])
    writer.writerows(SURVEY)
    writer.writerow(["平均", "", "4.77", "", "", "", "", ""])
    (HERE / "survey_2025-11_gbk.csv").write_bytes(out.getvalue().encode("gbk"))


def make_survey_utf8() -> None:
    """The same survey as an English-speaking tool writes it, UTF-8 with a byte-order mark."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Agent ID", "Agent Name", "CSAT (1-5)", "Callbacks Planned", "Callbacks Completed",
                     "Promoters", "Passives", "Detractors"])
    writer.writerows(SURVEY)
    writer.writerow(["Grand Total", "", "", 117, 113, 91, 18, 4])
    (HERE / "survey_2025-11_utf8.csv").write_bytes(out.getvalue().encode("utf-8-sig"))


def main() -> None:
    HERE.mkdir(exist_ok=True)
    make_roster_xlsx()
    make_roster_csv()
    make_agent_report(HERE / "agent_report_2025-11.xlsx", "客服中心坐席绩效月报（2025年11月）", "合计/平均")
    make_agent_report(HERE / "agent_report_sums_only.xlsx", "坐席绩效月报 2025年11月", None)
    make_survey_gbk()
    make_survey_utf8()
    for path in sorted(HERE.iterdir()):
        print(os.path.relpath(path))


if __name__ == "__main__":
    main()
