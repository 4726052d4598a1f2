"""Every chart draws Chinese with the bundled font, uses the shared grade colours and says when
there is nothing to show."""

from __future__ import annotations

import statistics
import warnings
from pathlib import Path

import pytest
from matplotlib import font_manager
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.text import Text

from kpidesk.charts.attainment import kpi_bullet_chart
from kpidesk.charts.data import (
    EmployeeHistory,
    GradeDistribution,
    KpiAttainment,
    KpiSystem,
    RadarData,
    Ranking,
)
from kpidesk.charts.department import grade_distribution_chart, ranking_chart, score_distribution_chart
from kpidesk.charts.fishbone import kpi_fishbone_chart
from kpidesk.charts.history import employee_history_chart
from kpidesk.charts.radar import qualitative_radar_chart
from kpidesk.charts.render import figure_to_png
from kpidesk.charts.style import GRADE_COLOURS, cjk_font_family, grade_colour, wrap_label
from kpidesk.charts.team_trend import team_kpi_trend_chart
from kpidesk.resources import CJK_FONT_FILE

CHARTS = [
    (employee_history_chart, "history"),
    (kpi_bullet_chart, "attainment"),
    (qualitative_radar_chart, "radar"),
    (grade_distribution_chart, "distribution"),
    (score_distribution_chart, "team_scores"),
    (ranking_chart, "ranking"),
    (team_kpi_trend_chart, "team_trend"),
    (kpi_fishbone_chart, "kpi_system"),
]


def _texts(fig: Figure) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize(("draw", "fixture"), CHARTS, ids=[f for _d, f in CHARTS])
def test_chart_renders_chinese_with_the_bundled_font(draw, fixture, request):
    data = request.getfixturevalue(fixture)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = draw(data, lang="zh")
        png = figure_to_png(fig)
    glyph_warnings = [str(w.message) for w in caught if "missing from" in str(w.message) or "Glyph" in str(w.message)]
    assert glyph_warnings == []
    assert isinstance(fig, Figure)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5_000
    chinese = [t for t in _texts(fig) if _has_cjk(t.get_text())]
    assert chinese, "the chart should carry Chinese labels"
    for text in chinese:
        used = Path(font_manager.findfont(text.get_fontproperties(), fallback_to_default=False))
        assert used.resolve() == CJK_FONT_FILE.resolve(), text.get_text()


def test_bundled_family_is_registered():
    assert cjk_font_family() == "WenQuanYi Micro Hei"


@pytest.mark.parametrize(("draw", "fixture"), CHARTS, ids=[f for _d, f in CHARTS])
def test_empty_data_says_so(draw, fixture, request):
    import dataclasses

    data = request.getfixturevalue(fixture)
    empty_values = {
        EmployeeHistory: {"points": []},
        KpiAttainment: {"rows": []},
        RadarData: {"criteria": []},
        GradeDistribution: {"counts": {}},
        Ranking: {"entries": []},
        KpiSystem: {"bones": []},
    }
    if type(data) in empty_values:
        empty = dataclasses.replace(data, **empty_values[type(data)])
    else:  # frame-based data
        field = "scores" if hasattr(data, "scores") else "values"
        empty = dataclasses.replace(data, **{field: getattr(data, field).iloc[0:0]})
    fig = draw(empty, lang="zh")
    assert fig.axes == []
    assert "本期暂无数据" in [t.get_text() for t in _texts(fig)]
    english = draw(empty, lang="en")
    assert "No data for this period" in [t.get_text() for t in _texts(english)]


def test_grade_palette_is_shared_by_the_charts(history, distribution):
    assert set(GRADE_COLOURS) == {"excellent", "good", "fair", "poor"}
    fig = grade_distribution_chart(distribution)
    bars = [to_hex(p.get_facecolor()) for p in fig.axes[0].patches if p.get_height() > 0 and p.get_width() < 1]
    assert bars == [GRADE_COLOURS[k] for k in ("excellent", "good", "fair", "poor")]
    fig = employee_history_chart(history)
    (points,) = [c for c in fig.axes[0].collections if len(c.get_offsets())]
    point_colours = [to_hex(colour) for colour in points.get_facecolor()]
    expected = [GRADE_COLOURS[p.grade_key] for p in history.points if p.total is not None]
    assert point_colours == expected


def test_unknown_grade_keys_get_distinct_fallback_colours():
    colours = {grade_colour(key, i) for i, key in enumerate("ABCD")}
    assert len(colours) == 4


def test_history_marks_median_and_grade_labels(history):
    fig = employee_history_chart(history, lang="zh")
    labels = [t.get_text() for t in _texts(fig)]
    assert "部门中位数" in labels
    assert {"一般", "良好", "优秀", "差"} <= set(labels)


def test_bullet_reverses_lower_is_better_rows(attainment):
    fig = kpi_bullet_chart(attainment)
    higher, lower, band, missing = fig.axes
    assert higher.get_xlim()[0] < higher.get_xlim()[1]
    assert lower.get_xlim()[0] > lower.get_xlim()[1]
    assert band.get_xlim()[0] > band.get_xlim()[1]
    assert "4.5 分钟" in [t.get_text() for t in _texts(fig)]
    assert "–" in [t.get_text() for t in missing.texts]


def test_radar_has_one_polygon_per_rater_and_falls_back_to_bars(radar):
    fig = qualitative_radar_chart(radar)
    assert fig.axes[0].name == "polar"
    assert len(fig.axes[0].lines) == 2
    import dataclasses

    two = dataclasses.replace(radar, criteria=radar.criteria[:2],
                              series=[dataclasses.replace(s, values=s.values[:2]) for s in radar.series])
    bars = qualitative_radar_chart(two)
    assert bars.axes[0].name == "rectilinear"
    assert len(bars.axes[0].patches) == 4


def test_ranking_puts_rank_one_on_top(ranking):
    fig = ranking_chart(ranking)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["1. 王芳", "2. 李娜", "3. 杨磊"]
    assert ax.yaxis_inverted()


def test_team_trend_median_is_bold_and_correct(team_trend):
    fig = team_kpi_trend_chart(team_trend)
    ax = fig.axes[0]
    median_line = max(ax.lines, key=lambda line: line.get_linewidth())
    expected = [statistics.median(v) for v in [(85, 90, 88), (87, 91, 80), (89, 86, 92)]]
    assert list(median_line.get_ydata()) == expected
    thin = [line for line in ax.lines if line.get_linewidth() < 1.5 and line.get_linestyle() == "-"]
    assert len(thin) == 3


def test_score_distribution_has_a_box_per_team(team_scores):
    fig = score_distribution_chart(team_scores)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["一组", "投诉组"]
    points = sum(len(c.get_offsets()) for c in ax.collections)
    assert points == 5


def test_fishbone_draws_goal_bones_and_weighted_ribs(kpi_system):
    fig = kpi_fishbone_chart(kpi_system)
    texts = " ".join(t.get_text() for t in _texts(fig)).replace("\n", "")
    assert "提升客户满意度与服务效率" in texts
    for bone in kpi_system.bones:
        assert f"{bone.name}  {bone.weight:g}%" in texts
        for rib in bone.ribs:
            assert f"{rib.name} {rib.weight:g}%" in texts


def test_wrap_label_counts_chinese_double_and_keeps_words():
    assert wrap_label("客户投诉处理关闭率", 8) == "客户投诉\n处理关闭\n率"
    assert wrap_label("First contact resolution", 12) == "First\ncontact\nresolution"


def test_missing_columns_are_named(team_scores):
    import dataclasses

    broken = dataclasses.replace(team_scores, scores=team_scores.scores.drop(columns=["team"]))
    with pytest.raises(ValueError, match="team"):
        score_distribution_chart(broken)
