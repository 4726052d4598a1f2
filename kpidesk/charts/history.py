"""One employee's total score over periods, on the grade bands."""

from __future__ import annotations

import math

from matplotlib.figure import Figure

from kpidesk.charts.data import EmployeeHistory
from kpidesk.charts.style import INK, MUTED, chart_style, grade_colour, new_figure, show_empty
from kpidesk.charts.translate import translator

DEFAULT_SIZE = (5.2, 2.8)


def employee_history_chart(
    data: EmployeeHistory,
    *,
    fig: Figure | None = None,
    size: tuple[float, float] | None = None,
    lang: str | None = None,
) -> Figure:
    """Total per period as a line; grade bands shaded behind it; each point coloured by its grade and
    labelled where the grade changes (and at the end); the department median dashed when known."""
    _ = translator(lang)
    title = data.title or f"{data.employee} · {_('Score history')}"
    with chart_style():
        fig = new_figure(size or DEFAULT_SIZE, fig)
        points = list(data.points)
        totals = [p.total for p in points]
        if not any(t is not None for t in totals):
            return show_empty(fig, _("No data for this period"), title)

        ax = fig.add_subplot()
        fig.subplots_adjust(left=0.1, right=0.88, top=0.88, bottom=0.2 if len(points) > 6 else 0.14)
        xs = list(range(len(points)))
        known = [t for t in totals if t is not None]
        medians = [p.department_median for p in points if p.department_median is not None]
        low = min(known + medians) if data.show_median else min(known)
        high = max(known + medians) if data.show_median else max(known)
        y_min = max(0.0, math.floor((low - 8) / 10) * 10)
        y_max = 100.0 if high <= 96 else max(100.0, math.ceil((high + 4) / 5) * 5)

        positions = {band.key: i for i, band in enumerate(data.bands)}
        for band in data.bands:
            top = y_max if band.upper is None else min(band.upper, y_max)
            bottom = max(band.lower, y_min)
            if top <= bottom:
                continue
            colour = grade_colour(band.key, positions[band.key])
            ax.axhspan(bottom, top, color=colour, alpha=0.10, lw=0, zorder=0)
            ax.text(1.01, (bottom + top) / 2, band.label, transform=ax.get_yaxis_transform(),
                    ha="left", va="center", fontsize=7, color=colour, zorder=1)

        series = [math.nan if t is None else t for t in totals]
        ax.plot(xs, series, color=INK, lw=1.6, zorder=3, label=_("Total score"))
        drawn = [(x, p) for x, p in zip(xs, points, strict=True) if p.total is not None]
        colours = [grade_colour(p.grade_key, positions.get(p.grade_key or "")) for _x, p in drawn]
        ax.scatter([x for x, _p in drawn], [p.total for _x, p in drawn], s=30, c=colours, edgecolor="white",
                   linewidth=0.8, zorder=4)
        previous_grade = None
        for (x, point), colour in zip(drawn, colours, strict=True):
            changed, previous_grade = point.grade_label != previous_grade, point.grade_label
            if point.grade_label and (changed or x == drawn[-1][0]):
                ax.annotate(point.grade_label, (x, point.total), xytext=(0, 6), textcoords="offset points",
                            ha="center", fontsize=6.5, color=colour, zorder=5)

        if data.show_median and medians:
            median_series = [math.nan if p.department_median is None else p.department_median for p in points]
            ax.plot(xs, median_series, color=MUTED, lw=1.1, ls="--", zorder=2, label=_("Department median"))
            ax.legend(loc="lower left", ncols=2, fontsize=7)

        ax.set_xlim(-0.5, len(points) - 0.5)
        ax.set_ylim(y_min, y_max)
        ax.set_xticks(xs, [p.period for p in points], rotation=35 if len(points) > 6 else 0,
                      ha="right" if len(points) > 6 else "center")
        ax.set_ylabel(_("Total score"))
        ax.set_title(title, loc="left")
        ax.grid(axis="y", color="white", lw=0.6, zorder=1)
        return fig
