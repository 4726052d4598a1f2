"""Qualitative ratings per criterion: one polygon per rater (self, manager, …)."""

from __future__ import annotations

import math

from matplotlib.figure import Figure

from kpidesk.charts.data import RadarData
from kpidesk.charts.style import (
    MUTED,
    RATER_COLOURS,
    chart_style,
    new_figure,
    series_colour,
    show_empty,
    wrap_label,
)
from kpidesk.charts.translate import translator

DEFAULT_SIZE = (4.2, 3.2)


def qualitative_radar_chart(
    data: RadarData,
    *,
    fig: Figure | None = None,
    size: tuple[float, float] | None = None,
    lang: str | None = None,
) -> Figure:
    """A radar for three or more criteria; grouped bars when there are fewer (a radar of two
    points is a line and reads wrongly)."""
    _ = translator(lang)
    title = data.title or _("Qualitative assessment")
    criteria = list(data.criteria)
    series = [s for s in data.series if any(v is not None for v in s.values)]
    with chart_style():
        fig = new_figure(size or DEFAULT_SIZE, fig)
        if not criteria or not series:
            return show_empty(fig, _("No data for this period"), title)
        if len(criteria) < 3:
            _draw_bars(fig, data, criteria, series)
        else:
            _draw_radar(fig, data, criteria, series)
        fig.suptitle(title, x=0.02, ha="left", fontsize=10)
        return fig


def _draw_radar(fig: Figure, data: RadarData, criteria: list[str], series) -> None:
    ax = fig.add_subplot(projection="polar")
    fig.subplots_adjust(left=0.2, right=0.7, top=0.74, bottom=0.14)
    ax.set_theta_offset(math.pi / 2)
    ax.set_theta_direction(-1)
    count = len(criteria)
    angles = [2 * math.pi * i / count for i in range(count)]
    closed = angles + angles[:1]
    for position, item in enumerate(series):
        colour = series_colour(item.role, position, RATER_COLOURS)
        values = [math.nan if v is None else float(v) for v in item.values][:count]
        values += [math.nan] * (count - len(values))
        ax.plot(closed, values + values[:1], color=colour, lw=1.6, label=item.label, marker="o", ms=3)
        filled = [0.0 if math.isnan(v) else v for v in values]
        ax.fill(closed, filled + filled[:1], color=colour, alpha=0.12)
    ax.set_ylim(0, data.scale_max)
    ticks = [float(i) for i in range(1, int(data.scale_max) + 1)] if data.scale_max <= 10 else None
    if ticks:
        labels = list(data.scale_labels) if len(data.scale_labels) == len(ticks) else [f"{t:g}" for t in ticks]
        ax.set_yticks(ticks, labels, fontsize=6, color=MUTED)
    ax.set_rlabel_position(180 / count)
    ax.set_xticks(angles, [wrap_label(c, 12) for c in criteria], fontsize=7)
    ax.tick_params(axis="x", pad=2)
    ax.grid(color="#cfd8dc", lw=0.6)
    ax.spines["polar"].set_color("#b0bec5")
    fig.legend(loc="upper right", fontsize=7, borderaxespad=0.3)


def _draw_bars(fig: Figure, data: RadarData, criteria: list[str], series) -> None:
    ax = fig.add_subplot()
    fig.subplots_adjust(left=0.12, right=0.96, top=0.82, bottom=0.18)
    width = 0.8 / len(series)
    for position, item in enumerate(series):
        colour = series_colour(item.role, position, RATER_COLOURS)
        xs = [i + (position - (len(series) - 1) / 2) * width for i in range(len(criteria))]
        values = [0.0 if v is None else float(v) for v in item.values][: len(criteria)]
        ax.bar(xs[: len(values)], values, width=width * 0.9, color=colour, label=item.label)
    ax.set_xticks(range(len(criteria)), [wrap_label(c, 16) for c in criteria])
    ax.set_ylim(0, data.scale_max)
    if len(data.scale_labels) == int(data.scale_max):
        ax.set_yticks(range(1, int(data.scale_max) + 1), list(data.scale_labels))
    ax.legend(loc="upper right", fontsize=7)
