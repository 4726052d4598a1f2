"""Realistic sample documents for the previews and the benchmark (a customer-service department).

Deterministic: the same index always gives the same employee, numbers and comments.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence

from kpidesk.charts.data import (
    EmployeeHistory,
    GradeBand,
    HistoryPoint,
    RadarData,
    RadarSeries,
    band_for,
    default_grade_bands,
)
from kpidesk.reports.sheet_data import (
    AdjustmentRow,
    ChartImage,
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

ORGANISATION = "华东星辰电子商务有限公司"
DEPARTMENT = "客户服务部"
MANAGER = "周建国"
PERIOD = "2025-10"
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
_GIVEN = ("伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
          "秀兰", "霞", "平", "刚", "桂英", "晓东", "雨涵", "子轩", "思远", "欣怡", "浩然", "梓萱")
_POSITIONS = ("客服代表", "客服代表", "客服代表", "投诉专员", "客户关系主管")
_TEAMS = ("一组", "二组", "投诉组")

# indicator, weight, baseline, target, challenge, unit, direction, typical actual range
_KPIS = (
    ("客户满意度（CSAT）", 10, 60, 70, 75, "", "higher", (58, 78)),
    ("一次解决率", 10, 80, 87, 92, "%", "higher", (78, 94)),
    ("平均处理时间", 10, 6, 5, 4, "分钟", "lower", (3.6, 6.8)),
    ("服务水平协议达成率", 10, 90, 93, 95, "%", "higher", (86, 97)),
    ("客户投诉处理关闭率", 8, 85, 90, 95, "%", "higher", (80, 98)),
    ("客户回访率", 8, 85, 90, 95, "%", "higher", (82, 97)),
    ("质检评分", 8, 80, 85, 90, "", "higher", (76, 95)),
    ("部门预算费用控制", 8, 5, 4, 3, "%", "band", (-6, 6)),
    ("培训计划完成率", 7, 90, 95, 100, "%", "higher", (85, 100)),
    ("工单按时响应率", 7, 92, 95, 98, "%", "higher", (88, 99)),
    ("知识库文章贡献数", 7, 2, 4, 6, "篇", "higher", (1, 7)),
    ("出勤与排班遵守率", 7, 95, 98, 100, "%", "higher", (93, 100)),
)
_CRITERIA = ("团队协作与知识分享", "专业知识与技能", "创新与改进", "客户投诉处理", "服务态度", "沟通能力",
             "责任心与执行力", "学习与成长")
_LEVELS = ("差", "一般", "良好", "优秀")
_COMMENTS = (
    "积极参与团队活动，主动分享处理疑难工单的经验，帮助新同事尽快熟悉系统。",
    "产品知识扎实，沟通清晰，能够准确理解客户诉求并给出解决方案。",
    "本月提出了两条优化回访话术的建议，其中一条已在组内推广。",
    "投诉处理及时，但个别复杂投诉跟进不够，客户满意度有波动。",
    "服务态度热情耐心，多次收到客户表扬。",
    "跨部门沟通还需加强，与物流部门协调问题时反馈不够及时。",
    "交办事项按时完成，遇到问题主动上报并跟进到底。",
    "主动学习新产品知识，参加了两次内部分享会。",
)


def _name(index: int) -> str:
    rng = random.Random(index * 7919)
    return _SURNAMES[index % len(_SURNAMES)] + rng.choice(_GIVEN)


def _score_from(actual: float, baseline: float, target: float, challenge: float, direction: str) -> float:
    if direction == "band":
        actual, baseline, target, challenge = abs(actual), baseline, target, challenge
        direction = "lower"
    sign = -1 if direction == "lower" else 1
    a, b, t, c = (sign * v for v in (actual, baseline, target, challenge))
    if a >= c:
        return 120.0
    if a >= t:
        return 100 + 20 * (a - t) / (c - t)
    if a >= b:
        return 60 + 40 * (a - b) / (t - b)
    return max(0.0, 60 - 60 * (b - a) / max(abs(b), 1e-9) * 5)


def _fmt(value: float, unit: str) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    if unit == "%":
        return f"{text}%"
    return f"{text}{unit}"


def sample_history(index: int, bands: Sequence[GradeBand] | None = None, months: int = 10) -> EmployeeHistory:
    rng = random.Random(index)
    bands = bands or default_grade_bands("zh")
    level = rng.uniform(72, 96)
    points = []
    for month in range(1, months + 1):
        total = max(50.0, min(103.0, level + rng.uniform(-6, 6)))
        band = band_for(total, bands)
        points.append(HistoryPoint(f"2025-{month:02d}", round(total, 2), band.key if band else None,
                                   band.label if band else None,
                                   round(86 + rng.uniform(-2, 2), 2)))
    return EmployeeHistory(_name(index), points, bands)


def sample_radar(index: int) -> RadarData:
    rng = random.Random(index + 1000)
    manager = [rng.randint(2, 4) for _ in _CRITERIA]
    self_view = [min(4, m + rng.choice((0, 0, 1))) for m in manager]
    return RadarData(_CRITERIA, [RadarSeries("自评", self_view, "self"), RadarSeries("上级评", manager, "manager")],
                     4.0, _LEVELS)


def sample_sheet(index: int = 0, *, finalized: bool = False, history_png: bytes | None = None,
                 radar_png: bytes | None = None, long_comments: bool = False) -> SheetData:
    rng = random.Random(index)
    bands = default_grade_bands("zh")
    kpi_rows = []
    for name, weight, baseline, target, challenge, unit, direction, (lo, hi) in _KPIS:
        actual = round(rng.uniform(lo, hi), 1)
        score = round(min(120.0, _score_from(actual, baseline, target, challenge, direction)), 2)
        weighted = round(score * weight / 100, 2)
        band_prefix = "±" if direction == "band" else ""
        explanation = (f"实际 {_fmt(actual, unit)}，目标 {band_prefix}{_fmt(target, unit)}，"
                       f"{'达到目标' if score >= 100 else '未达目标，按基准值与目标值之间插值'}：得分 {score:.2f}")
        kpi_rows.append(KpiRow(name, weight, band_prefix + _fmt(baseline, unit), band_prefix + _fmt(target, unit),
                               band_prefix + _fmt(challenge, unit), _fmt(actual, unit), score, weighted, explanation))
    quantitative = round(sum(r.weighted_score or 0 for r in kpi_rows), 2)
    radar = sample_radar(index)
    qualitative_rows = []
    for position, criterion in enumerate(_CRITERIA):
        self_level = int(radar.series[0].values[position] or 0)
        manager_level = int(radar.series[1].values[position] or 0)
        comment = _COMMENTS[(position + index) % len(_COMMENTS)]
        if long_comments and position == 1:
            comment = comment * 12
        qualitative_rows.append(QualitativeRow(
            criterion,
            [Rating("自评", _LEVELS[self_level - 1], "能够按要求完成本项工作。" if position % 2 else ""),
             Rating("上级评", _LEVELS[manager_level - 1], comment)],
            weight=round(100 / len(_CRITERIA), 1),
            score=manager_level * 25.0,
        ))
    qualitative = round(sum(r.score or 0 for r in qualitative_rows) / len(qualitative_rows), 2)
    adjustments = []
    if index % 3 == 0:
        adjustments.append(AdjustmentRow("收到客户书面表扬信 1 封", 2.0, "加分"))
    if index % 4 == 1:
        adjustments.append(AdjustmentRow("回访引发客户投诉 1 次（工单 TK-20251012-088）", -3.0, "扣分"))
    adjustment_total = sum(a.points for a in adjustments)
    total = round(min(120.0, quantitative * 0.7 + qualitative * 0.3 + adjustment_total), 2)
    band = band_for(total, bands)
    name = _name(index)
    snapshot = hashlib.sha256(f"{PERIOD}/{index}".encode()).hexdigest() if finalized else None
    return SheetData(
        organisation=ORGANISATION,
        title="员工绩效考核表",
        period=PERIOD,
        employee=name,
        staff_no=f"CS{index + 1:04d}",
        department=DEPARTMENT,
        position=_POSITIONS[index % len(_POSITIONS)],
        manager=MANAGER,
        kpi_rows=kpi_rows,
        qualitative_rows=qualitative_rows,
        adjustments=adjustments,
        quantitative_score=quantitative,
        qualitative_score=qualitative,
        quantitative_share=70,
        qualitative_share=30,
        adjustment_total=adjustment_total,
        total_score=total,
        grade=band.label if band else "",
        grade_key=band.key if band else None,
        department_rank=index % 24 + 1,
        department_size=24,
        history_chart=history_png,
        radar_chart=radar_png,
        improvement=ImprovementPlan(
            strengths=("服务态度好，客户表扬多", "产品知识扎实"),
            areas_to_improve=("复杂投诉的跟进节奏", "平均处理时间仍高于目标"),
            goals=("下月一次解决率达到 90%", "完成《投诉处理进阶》培训并通过考试"),
        ),
        snapshot_hash=snapshot,
        finalized=finalized,
    )


def sample_summary(size: int = 24, *, finalized: bool = True, charts: Sequence[ChartImage] = ()) -> DepartmentSummaryData:
    sheets = [sample_sheet(i, finalized=finalized) for i in range(size)]
    ordered = sorted(sheets, key=lambda s: -(s.total_score or 0))
    ranking = [RankingRow(rank, s.staff_no, s.employee, s.position, s.quantitative_score, s.qualitative_score,
                          s.adjustment_total, s.total_score, s.grade, s.grade_key)
               for rank, s in enumerate(ordered, start=1)]
    bands = default_grade_bands("zh")
    shares = {"excellent": 0.2, "good": 0.4, "fair": 0.3, "poor": 0.1}
    counts = [GradeCount(b.label, sum(1 for s in sheets if s.grade_key == b.key), b.key, shares[b.key]) for b in bands]
    totals = sorted(s.total_score or 0 for s in sheets)
    middle = len(totals) // 2
    median = totals[middle] if len(totals) % 2 else (totals[middle - 1] + totals[middle]) / 2
    return DepartmentSummaryData(
        organisation=ORGANISATION,
        title="部门绩效考核汇总表",
        period=PERIOD,
        department=DEPARTMENT,
        manager=MANAGER,
        ranking=ranking,
        grade_counts=counts,
        charts=tuple(charts),
        average_score=round(sum(totals) / len(totals), 2),
        median_score=round(median, 2),
        notes=("二组本月系统故障两天，平均响应时间不予扣分（经人事部确认）。",),
        snapshot_hash=hashlib.sha256(f"{PERIOD}/summary".encode()).hexdigest() if finalized else None,
        finalized=finalized,
    )


def sample_year_sheet(index: int = 0, *, trend_png: bytes | None = None) -> YearSheetData:
    history = sample_history(index, months=12)
    periods = [YearMonthRow(p.period, p.total, p.grade_label or "", p.grade_key, (index + m) % 24 + 1, 24)
               for m, p in enumerate(history.points)]
    totals = [p.total for p in history.points if p.total is not None]
    year_score = round(sum(totals) / len(totals), 2)
    band = band_for(year_score, default_grade_bands("zh"))
    return YearSheetData(
        organisation=ORGANISATION, title="年度绩效考核表", year="2025", employee=_name(index),
        staff_no=f"CS{index + 1:04d}", department=DEPARTMENT, position=_POSITIONS[index % len(_POSITIONS)],
        manager=MANAGER, periods=periods, year_score=year_score, year_grade=band.label if band else "",
        year_grade_key=band.key if band else None, year_rank=index % 24 + 1, year_rank_size=24,
        streak_flags=("2025-03 至 2025-05 连续三个月排名第一且优秀：一次性奖励 200 元",), trend_chart=trend_png,
        finalized=True, snapshot_hash=hashlib.sha256(f"2025/{index}".encode()).hexdigest(),
    )
