"""KPI attainment of one employee and period as bullet charts, one row per KPI.

Each row has its own scale (KPIs have different units); the scale runs so that better is always
to the right — lower-better KPIs are drawn on a reversed axis, band KPIs by the size of the
deviation. The shaded ranges are the three target levels in the grade colours.
"""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import Patch

from kpidesk.charts.data import KpiAttainment, KpiAttainmentRow
from kpidesk.charts.style import (
    GRADE_COLOURS,
    INK,
    MUTED,
    chart_style,
    format_value,
    new_figure,
    show_empty,
    wrap_label,
)
from kpidesk.charts.translate import translator

ROW_HEIGHT = 0.42
_RANGE_COLOURS = (GRADE_COLOURS["poor"], GRADE_COLOURS["fair"], GRADE_COLOURS["good"], GRADE_COLOURS["excellent"])


def kpi_bullet_chart(
    data: KpiAttainment,
    *,
    fig: Figure | None = None,
    size: tuple[float, float] | None = None,
    lang: str | None = None,
) -> Figure:
    _ = translator(lang)
    title = data.title or f"{data.employee} · {data.period} · {_('KPI attainment')}"
    rows = list(data.rows)
    with chart_style():
        fig = new_figure(size or (6.0, 0.9 + ROW_HEIGHT * max(len(rows), 2)), fig)
        if not rows:
            return show_empty(fig, _("No data for this period"), title)
        height = fig.get_figheight()
        axes = fig.subplots(len(rows), 1, squeeze=False)[:, 0]
        fig.subplots_adjust(left=0.27, right=0.9, top=1 - 0.42 / height, bottom=0.55 / height, hspace=0.55)
        for ax, row in zip(axes, rows, strict=True):
            _draw_row(ax, row, _)
        fig.suptitle(title, x=0.02, ha="left", fontsize=10)
        handles = [Patch(color=c, alpha=0.35) for c in _RANGE_COLOURS]
        handles += [Patch(color=INK), Patch(color="black")]
        labels = [_("Below baseline"), _("Baseline–target"), _("Target–challenge"), _("Above challenge"),
                  _("Actual"), _("Target")]
        fig.legend(handles, labels, loc="lower center", ncols=6, fontsize=6.5, handlelength=1.2,
                   bbox_to_anchor=(0.55, 0.0), columnspacing=0.9)
        return fig


def _draw_row(ax, row: KpiAttainmentRow, _) -> None:
    band = row.direction == "band"
    reverse = row.direction == "lower"

    def magnitude(value: float | None) -> float | None:
        return None if value is None else (abs(value) if band else value)

    actual = magnitude(row.actual)
    levels = [magnitude(v) for v in (row.baseline, row.target, row.challenge)]
    known = [v for v in [actual, *levels] if v is not None]
    ax.set_yticks([0], [wrap_label(row.kpi, 22)])
    ax.tick_params(axis="y", length=0, labelsize=7.5)
    ax.set_ylim(-0.5, 0.5)
    for side in ("left", "top", "right"):
        ax.spines[side].set_visible(False)
    if not known:
        ax.set_xticks([])
        ax.text(0.5, 0, _("No data for this period"), transform=ax.get_yaxis_transform(), ha="center",
                va="center", color=MUTED, fontsize=7)
        return

    lo, hi = min(known), max(known)
    pad = (hi - lo) * 0.25 or max(abs(hi) * 0.1, 1.0)
    start, end = (max(0.0, lo - pad) if lo >= 0 else lo - pad), hi + pad
    if band or reverse:
        ax.set_xlim(end, start)  # smaller is better, so it goes to the right
        edge = end
    else:
        ax.set_xlim(start, end)
        edge = start

    worst, best = (end, start) if (band or reverse) else (start, end)
    passed = [(v, colour) for v, colour in zip(levels, _RANGE_COLOURS[1:], strict=True) if v is not None]
    if passed:
        passed.sort(key=lambda item: item[0], reverse=band or reverse)
        stops = [worst] + [v for v, _colour in passed] + [best]
        colours = [_RANGE_COLOURS[0]] + [colour for _v, colour in passed]
        for a, b, colour in zip(stops, stops[1:], colours, strict=False):
            ax.barh(0, b - a, left=a, height=0.9, color=colour, alpha=0.35, lw=0)
    if actual is not None:
        ax.barh(0, actual - edge, left=edge, height=0.32, color=INK, lw=0)
    ax.text(1.01, 0.5, format_value(row.actual, row.unit), transform=ax.transAxes, va="center", ha="left",
            fontsize=7.5, color=INK if actual is not None else MUTED)
    target = magnitude(row.target)
    if target is not None:
        ax.plot([target, target], [-0.38, 0.38], color="black", lw=1.8)
    ax.tick_params(axis="x", labelsize=6.5, pad=1, length=2)
    ax.xaxis.set_major_locator(_locator())


def _locator():
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(nbins=5)
