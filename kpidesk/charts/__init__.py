"""Charts as matplotlib Figures (Agg, no Qt), shared by the GUI and the printed sheets.

Every chart function takes plain data from :mod:`kpidesk.charts.data` and returns a
``matplotlib.figure.Figure`` drawn with the bundled CJK font and the shared grade colours.
Names are resolved lazily so ``import kpidesk.charts.data`` does not pull in matplotlib.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "GRADE_COLOURS": "kpidesk.charts.palette",
    "grade_colour": "kpidesk.charts.palette",
    "employee_history_chart": "kpidesk.charts.history",
    "kpi_bullet_chart": "kpidesk.charts.attainment",
    "qualitative_radar_chart": "kpidesk.charts.radar",
    "grade_distribution_chart": "kpidesk.charts.department",
    "score_distribution_chart": "kpidesk.charts.department",
    "ranking_chart": "kpidesk.charts.department",
    "team_kpi_trend_chart": "kpidesk.charts.team_trend",
    "kpi_fishbone_chart": "kpidesk.charts.fishbone",
    "figure_to_png": "kpidesk.charts.render",
    "figure_to_svg": "kpidesk.charts.render",
    "save_figure": "kpidesk.charts.render",
    "FigureCache": "kpidesk.charts.render",
    "ChartJob": "kpidesk.charts.pool",
    "CHART_KINDS": "kpidesk.charts.pool",
    "draw_chart": "kpidesk.charts.pool",
    "render_charts": "kpidesk.charts.pool",
    "ChartStream": "kpidesk.charts.pool",
    "PendingImage": "kpidesk.charts.pool",
    "FrameCache": "kpidesk.charts.frame_cache",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'kpidesk.charts' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
