"""Hand-made chart data with Chinese labels."""

from __future__ import annotations

import pandas as pd
import pytest

from kpidesk.charts.data import (
    EmployeeHistory,
    GradeDistribution,
    HistoryPoint,
    KpiAttainment,
    KpiAttainmentRow,
    KpiBone,
    KpiRib,
    KpiSystem,
    RadarData,
    RadarSeries,
    Ranking,
    RankingEntry,
    TeamKpiTrend,
    TeamScores,
    default_grade_bands,
)


@pytest.fixture
def bands():
    return default_grade_bands("zh")


@pytest.fixture
def history(bands):
    totals = [(78.5, "fair", "一般"), (88.0, "good", "良好"), (96.5, "excellent", "优秀"), (None, None, None),
              (91.0, "good", "良好"), (67.0, "poor", "差")]
    points = [HistoryPoint(f"2025-{m:02d}", t, k, label, 86.0) for m, (t, k, label) in enumerate(totals, start=1)]
    return EmployeeHistory("张伟", points, bands)


@pytest.fixture
def attainment():
    return KpiAttainment("张伟", "2025-10", [
        KpiAttainmentRow("客户满意度", 72, 60, 70, 75),
        KpiAttainmentRow("平均处理时间", 4.5, 6, 5, 4, "分钟", "lower"),
        KpiAttainmentRow("部门预算费用控制", -3.5, 5, 4, 3, "%", "band"),
        KpiAttainmentRow("培训计划完成率", None, 90, 95, 100, "%"),
    ])


@pytest.fixture
def radar():
    criteria = ["团队协作与知识分享", "专业知识与技能", "创新与改进", "服务态度"]
    return RadarData(criteria, [RadarSeries("自评", [4, 3, 3, 4], "self"), RadarSeries("上级评", [3, 3, None, 4])],
                     4.0, ("差", "一般", "良好", "优秀"))


@pytest.fixture
def distribution(bands):
    return GradeDistribution("客户服务部", "2025-10", {"excellent": 2, "good": 5, "fair": 3, "poor": 1}, bands,
                             {"excellent": 0.2, "good": 0.4, "fair": 0.3, "poor": 0.1})


@pytest.fixture
def team_scores(bands):
    rows = [("一组", "王芳", 96.0, "excellent"), ("一组", "李娜", 84.0, "fair"), ("一组", "刘洋", 88.0, "good"),
            ("投诉组", "陈静", 72.0, "fair"), ("投诉组", "杨磊", 65.0, "poor")]
    return TeamScores("客户服务部", "2025-10", pd.DataFrame(rows, columns=["team", "employee", "score", "grade_key"]),
                      bands)


@pytest.fixture
def ranking():
    return Ranking("客户服务部", "2025-10", [
        RankingEntry(2, "李娜", 91.0, "good", "良好"),
        RankingEntry(1, "王芳", 96.0, "excellent", "优秀"),
        RankingEntry(3, "杨磊", 65.0, "poor", "差"),
    ])


@pytest.fixture
def team_trend():
    values = pd.DataFrame([
        {"period": f"2025-{m:02d}", "employee": name, "value": value}
        for m, per_month in enumerate([(85, 90, 88), (87, 91, 80), (89, 86, 92)], start=1)
        for name, value in zip(("王芳", "李娜", "杨磊"), per_month, strict=True)
    ])
    return TeamKpiTrend("一次解决率", values, "%", "higher", 87.0)


@pytest.fixture
def kpi_system():
    return KpiSystem("提升客户满意度与服务效率", [
        KpiBone("财务", [KpiRib("部门预算费用控制", 10), KpiRib("收取完成率", 10)], 20, "financial"),
        KpiBone("客户", [KpiRib("客户满意度", 15), KpiRib("净推荐值", 5)], 20, "customer"),
        KpiBone("内部运营", [KpiRib("平均处理时间", 20), KpiRib("一次解决率", 20)], 40, "process"),
        KpiBone("学习与成长", [KpiRib("培训计划完成率", 20)], 20, "growth"),
    ])
