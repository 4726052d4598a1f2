"""Hand-made appraisal documents with Chinese names, and helpers to read PDFs back."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from kpidesk.reports.sheet_data import (
    AdjustmentRow,
    DepartmentSummaryData,
    GradeCount,
    ImprovementPlan,
    KpiRow,
    QualitativeRow,
    RankingRow,
    Rating,
    SheetData,
    YearMonthRow,
    YearSheetData,
)

SNAPSHOT = "3f9a0c5d" * 8
FINALIZED_AT = datetime(2025, 11, 3, 9, 30, tzinfo=UTC)


def make_sheet(**changes) -> SheetData:
    base = SheetData(
        organisation="华东星辰电子商务有限公司",
        title="员工绩效考核表",
        period="2025-10",
        employee="张伟",
        staff_no="CS0007",
        department="客户服务部",
        position="客服代表",
        manager="周建国",
        kpi_rows=[
            KpiRow("客户满意度", 40, "60", "70", "75", "72", 108.0, 43.2, "实际 72，目标 70，达到目标：得分 108.00"),
            KpiRow("一次解决率", 30, "80%", "87%", "92%", "85.5%", 91.43, 27.43, "未达目标，按插值计分"),
            KpiRow("平均处理时间", 30, "6分钟", "5分钟", "4分钟", "4.6分钟", 104.0, 31.2),
        ],
        qualitative_rows=[
            QualitativeRow("团队协作与知识分享", [Rating("自评", "优秀", "主动分享经验。"),
                                                Rating("上级评", "良好", "乐于帮助新同事。")], 50, 75.0),
            QualitativeRow("服务态度", [Rating("自评", "良好"), Rating("上级评", "优秀", "多次收到客户表扬。")], 50, 100.0),
        ],
        adjustments=[AdjustmentRow("收到客户书面表扬信", 2.0, "加分"), AdjustmentRow("回访引发投诉一次", -3.0, "扣分")],
        quantitative_score=101.83,
        qualitative_score=87.5,
        quantitative_share=70,
        qualitative_share=30,
        adjustment_total=-1.0,
        total_score=96.53,
        grade="优秀",
        grade_key="excellent",
        department_rank=2,
        department_size=15,
        improvement=ImprovementPlan(("服务态度好",), ("复杂投诉跟进",), ("一次解决率达到 90%",)),
        snapshot_hash=None,
        finalized=False,
    )
    import dataclasses

    return dataclasses.replace(base, **changes)


@pytest.fixture
def sheet() -> SheetData:
    return make_sheet()


@pytest.fixture
def final_sheet() -> SheetData:
    return make_sheet(employee="李娜", staff_no="CS0008", finalized=True, snapshot_hash=SNAPSHOT,
                      finalized_at=FINALIZED_AT)


@pytest.fixture
def summary() -> DepartmentSummaryData:
    return DepartmentSummaryData(
        organisation="华东星辰电子商务有限公司", title="部门绩效考核汇总表", period="2025-10",
        department="客户服务部", manager="周建国",
        ranking=[RankingRow(1, "CS0008", "李娜", "客服代表", 99.0, 90.0, 0.0, 96.3, "优秀", "excellent"),
                 RankingRow(2, "CS0007", "张伟", "客服代表", 101.83, 87.5, -1.0, 96.03, "优秀", "excellent"),
                 RankingRow(3, "CS0009", "王芳", "投诉专员", 80.0, 75.0, None, 78.5, "一般", "fair")],
        grade_counts=[GradeCount("优秀", 2, "excellent", 0.2), GradeCount("良好", 0, "good", 0.4),
                      GradeCount("一般", 1, "fair", 0.3), GradeCount("差", 0, "poor", 0.1)],
        average_score=90.28, median_score=96.03, notes=["二组系统故障两天，响应时间不予扣分。"],
        finalized=True, snapshot_hash=SNAPSHOT,
    )


@pytest.fixture
def year_sheet() -> YearSheetData:
    return YearSheetData(
        organisation="华东星辰电子商务有限公司", title="年度绩效考核表", year="2025", employee="张伟",
        staff_no="CS0007", department="客户服务部", position="客服代表", manager="周建国",
        periods=[YearMonthRow(f"2025-{m:02d}", 90.0 + m / 2, "良好" if m < 10 else "优秀",
                              "good" if m < 10 else "excellent", 1 if m >= 10 else 3, 15,
                              ("连续三个月第一且优秀",) if m == 12 else ()) for m in range(1, 13)],
        year_score=93.25, year_grade="良好", year_grade_key="good", year_rank=2, year_rank_size=15,
        streak_flags=["2025-10 至 2025-12 连续三个月排名第一且优秀"], finalized=True, snapshot_hash=SNAPSHOT,
    )


def read_pdf(data: bytes):
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(data))


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in read_pdf(data).pages]


def font_dicts(data: bytes) -> list:
    """Every font dictionary used on any page (descendants of composite fonts included)."""
    fonts = []
    for page in read_pdf(data).pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            fonts.append(font)
            for child in font.get("/DescendantFonts") or []:
                fonts.append(child.get_object())
    return fonts


@pytest.fixture
def png_bytes() -> bytes:
    from kpidesk.charts.history import employee_history_chart
    from kpidesk.charts.render import figure_to_png
    from kpidesk.reports.samples import sample_history

    return figure_to_png(employee_history_chart(sample_history(1), size=(3.5, 2.6)), dpi=72)
