"""Qualitative ratings per criterion: one polygon per rater (self, manager, …)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from matplotlib.figure import Figure

from kpidesk.charts.data import RadarData
from kpidesk.charts.sizes import is_compact
from kpidesk.charts.style import (
    MUTED,
    RATER_COLOURS,
    chart_style,
    margins_in_points,
    new_figure,
    series_colour,
    show_empty,
    wrap_label,
)
from kpidesk.charts.translate import translator

DEFAULT_SIZE = (4.2, 3.2)


@dataclass(frozen=True)
class RadarFrame:
    """Everything of a radar that does not depend on whose it is: criteria, scale, raters, title."""

    criteria: tuple[str, ...]
    scale_max: float
    scale_labels: tuple[str, ...]
    series: tuple[tuple[str, str], ...]  # (label, role) of each rater that rated anything
    title: str
    size: tuple[float, float]


@dataclass
class RadarArtists:
    lines: list
    fills: list

    def dynamic(self) -> list:
        return [*self.fills, *self.lines]


def radar_frame(data: RadarData, title: str, size: tuple[float, float] | None = None) -> RadarFrame | None:
    """The frame of a radar of three or more criteria; None for fewer (drawn as bars) or no ratings."""
    series = [s for s in data.series if any(v is not None for v in s.values)]
    if len(data.criteria) < 3 or not series:
        return None
    return RadarFrame(tuple(data.criteria), float(data.scale_max), tuple(data.scale_labels),
                      tuple((s.label, s.role) for s in series), title, tuple(size or DEFAULT_SIZE))


def draw_frame(fig: Figure, frame: RadarFrame, *, animated: bool = False) -> RadarArtists:
    """Polar axes, grid, criteria and level labels, legend and title; the raters' polygons empty.
    Frame parts lie below z-order 2 and the polygons above, so both drawing orders agree.

    A compact radar (the one beside a sheet's result) sets its raters in one row under the title, where
    the criteria around the ring leave no corner for them, and leaves the level names to the sheet's table."""
    compact = is_compact(frame.size)
    ax = fig.add_subplot(projection="polar")
    if compact:
        margins_in_points(fig, left=40, right=40, top=42, bottom=16)
    else:
        fig.subplots_adjust(left=0.26, right=0.7, top=0.74, bottom=0.14)
    ax.set_theta_offset(math.pi / 2)
    ax.set_theta_direction(-1)
    count = len(frame.criteria)
    angles = [2 * math.pi * i / count for i in range(count)]
    closed = angles + angles[:1]
    lines, fills = [], []
    for position, (label, role) in enumerate(frame.series):
        colour = series_colour(role, position, RATER_COLOURS)
        fills += ax.fill(closed, [0.0] * (count + 1), color=colour, alpha=0.12, zorder=2, animated=animated)
        lines += ax.plot(closed, [math.nan] * (count + 1), color=colour, lw=1.1 if compact else 1.6, label=label,
                         marker="o", ms=2 if compact else 3, zorder=2.1, animated=animated)
    ax.set_ylim(0, frame.scale_max)
    ticks = [float(i) for i in range(1, int(frame.scale_max) + 1)] if frame.scale_max <= 10 else None
    if ticks:
        ax.set_yticks(ticks, [""] * len(ticks))
    if ticks and not compact:
        labels = list(frame.scale_labels) if len(frame.scale_labels) == len(ticks) else [f"{t:g}" for t in ticks]
        # level names just inside their ring, left of the first spoke: on the ring between two
        # criteria the outermost one ran into the criterion labels around the edge
        for tick, label in zip(ticks, labels, strict=True):
            ax.annotate(label, (0, tick - 0.3 * frame.scale_max / 4), xytext=(-2, 0), textcoords="offset points",
                        fontsize=6, color=MUTED, ha="right", va="center", zorder=1.95)
    ax.set_xticks(angles, [wrap_label(c, 12) for c in frame.criteria], fontsize=5.5 if compact else 7)
    ax.tick_params(axis="x", pad=1 if compact else 3)
    for label, angle in zip(ax.get_xticklabels(), angles, strict=True):
        # a name beside the ring reads away from it: centred, a wide one ran into the polygons
        side = math.sin(angle)  # the first criterion at the top, the others clockwise
        label.set_horizontalalignment("left" if side > 0.05 else "right" if side < -0.05 else "center")
    ax.grid(color="#cfd8dc", lw=0.5 if compact else 0.6)
    ax.spines["polar"].set_color("#b0bec5")
    ax.spines["polar"].set_zorder(1.9)
    if compact:
        _legend_under_title(fig, lines, compact)
    else:
        fig.legend(handles=lines, loc="upper right", fontsize=7, borderaxespad=0.3)
    _title(fig, frame.title, compact)
    return RadarArtists(lines, fills)


def draw_data(artists: RadarArtists, frame: RadarFrame, data: RadarData) -> None:
    """Put one employee's ratings into the polygons of a frame."""
    count = len(frame.criteria)
    angles = [2 * math.pi * i / count for i in range(count)]
    closed = angles + angles[:1]
    rated = [s for s in data.series if any(v is not None for v in s.values)]
    for item, line, fill in zip(rated, artists.lines, artists.fills, strict=True):
        values = [math.nan if v is None else float(v) for v in item.values][:count]
        values += [math.nan] * (count - len(values))
        line.set_data(closed, values + values[:1])
        filled = [0.0 if math.isnan(v) else v for v in values]
        fill.set_xy(list(zip(closed, filled + filled[:1], strict=True)))


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
        frame = radar_frame(data, title, size)
        if frame is None:
            _draw_bars(fig, data, criteria, series, title, compact=is_compact(size or DEFAULT_SIZE))
            return fig
        draw_data(draw_frame(fig, frame), frame, data)
        return fig


def _draw_bars(fig: Figure, data: RadarData, criteria: list[str], series, title: str, *, compact: bool) -> None:
    """Grouped bars, the raters named in a row under the title (in the plot they covered the bars) and
    room for the level names in points (as shares of the figure, "Excellent" was cut)."""
    ax = fig.add_subplot()
    if compact:
        margins_in_points(fig, left=32, right=4, top=24, bottom=21)
    else:
        margins_in_points(fig, left=44, right=6, top=38, bottom=28)
    width = 0.8 / len(series)
    bars = []
    for position, item in enumerate(series):
        colour = series_colour(item.role, position, RATER_COLOURS)
        xs = [i + (position - (len(series) - 1) / 2) * width for i in range(len(criteria))]
        values = [0.0 if v is None else float(v) for v in item.values][: len(criteria)]
        bars.append(ax.bar(xs[: len(values)], values, width=width * 0.9, color=colour, label=item.label))
    ax.set_xticks(range(len(criteria)), [wrap_label(c, 24) for c in criteria])
    ax.set_ylim(0, data.scale_max)
    if len(data.scale_labels) == int(data.scale_max):
        ax.set_yticks(range(1, int(data.scale_max) + 1), list(data.scale_labels))
    if compact:
        ax.tick_params(labelsize=5.5, length=2, pad=1.5)
    _legend_under_title(fig, bars, compact)
    _title(fig, title, compact)


def _legend_under_title(fig: Figure, handles: list, compact: bool) -> None:
    """The raters in one row under the chart's title."""
    height = fig.get_size_inches()[1] * 72
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, 1 - (11 if compact else 16) / height),
               ncols=len(handles), fontsize=5.5 if compact else 7, borderaxespad=0.2, handlelength=1.2,
               handletextpad=0.3, columnspacing=0.8)


def _title(fig: Figure, title: str, compact: bool) -> None:
    if compact:
        fig.suptitle(title, x=0.02, y=0.99, ha="left", va="top", fontsize=7)
    else:
        fig.suptitle(title, x=0.02, ha="left", fontsize=10)
