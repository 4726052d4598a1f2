"""One employee's total score over periods, on the grade bands.

Drawn in two parts: the frame (axes, grade bands, ticks, legend), which is the same for everyone
with the same periods and score range, and the employee's own line, points and labels. A batch
of sheets draws the frame once and only the second part per employee (see :mod:`kpidesk.charts.frame_cache`);
every dynamic artist sits above every part of the frame, so both ways give the same pixels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from kpidesk.charts.data import EmployeeHistory, GradeBand
from kpidesk.charts.sizes import is_compact
from kpidesk.charts.style import (
    INK,
    MUTED,
    chart_style,
    fixed_axis_label,
    grade_colour,
    margins_in_points,
    new_figure,
    show_empty,
    text_width_points,
)
from kpidesk.charts.translate import Translate, translator

DEFAULT_SIZE = (5.2, 2.8)


@dataclass(frozen=True)
class HistoryFrame:
    """Everything of a history chart that does not depend on whose it is."""

    periods: tuple[str, ...]
    bands: tuple[GradeBand, ...]
    y_min: float
    y_max: float
    median: bool
    size: tuple[float, float]


@dataclass
class HistoryArtists:
    """The parts of a history chart that change from one employee to the next."""

    ax: object
    title: object
    line: object
    points: object
    median: object | None
    labels: list = field(default_factory=list)
    compact: bool = False  # laid out for small print: smaller grade names

    def dynamic(self) -> list:
        parts = [self.title, self.line, self.points, *self.labels]
        return parts + ([self.median] if self.median is not None else [])


def history_frame(data: EmployeeHistory, size: tuple[float, float] | None = None) -> HistoryFrame | None:
    """The frame ``data`` is drawn in; None when there is no total to draw."""
    points = list(data.points)
    known = [p.total for p in points if p.total is not None]
    if not known:
        return None
    medians = [p.department_median for p in points if p.department_median is not None]
    show_median = bool(data.show_median and medians)
    values = known + (medians if show_median else [])
    low, high = min(values), max(values)
    y_min = max(0.0, math.floor((low - 8) / 10) * 10)
    y_max = 100.0 if high <= 96 else max(100.0, math.ceil((high + 4) / 5) * 5)
    return HistoryFrame(tuple(p.period for p in points), tuple(data.bands), y_min, y_max, show_median,
                        tuple(size or DEFAULT_SIZE))


def draw_frame(fig: Figure, frame: HistoryFrame, _: Translate, *, animated: bool = False) -> HistoryArtists:
    """The axes with bands, ticks and legend, and empty dynamic artists (``animated`` keeps them out of
    a normal draw, for drawing them one by one over a saved background).

    A compact chart (the one beside a sheet's result) keeps what reads at its small size: no axis title
    and no band names (the points carry their grade's name), periods without their year but once, every
    other one when there are many, and the legend naming the median only."""
    count = len(frame.periods)
    compact = is_compact(frame.size)
    ax = fig.add_subplot()
    if compact:
        margins_in_points(fig, left=19, right=5, top=12, bottom=17)
    else:
        fig.subplots_adjust(left=0.15, right=0.88, top=0.88, bottom=0.2 if count > 6 else 0.14)
    positions = {band.key: i for i, band in enumerate(frame.bands)}
    for band in frame.bands:
        top = frame.y_max if band.upper is None else min(band.upper, frame.y_max)
        bottom = max(band.lower, frame.y_min)
        if top <= bottom:
            continue
        colour = grade_colour(band.key, positions[band.key])
        ax.axhspan(bottom, top, color=colour, alpha=0.10, lw=0, zorder=0)
        if not compact:
            ax.text(1.01, (bottom + top) / 2, band.label, transform=ax.get_yaxis_transform(),
                    ha="left", va="center", fontsize=7, color=colour, zorder=1)
    xs = list(range(count))
    blank = [math.nan] * count
    # z-order: frame ≤ 2.9 < every dynamic artist, so drawing them later over the frame is the same
    median = None
    if frame.median:
        (median,) = ax.plot(xs, blank, color=MUTED, lw=1.0 if compact else 1.1, ls="--", zorder=3.0,
                            label=_("Department median"), animated=animated)
    (line,) = ax.plot(xs, blank, color=INK, lw=1.2 if compact else 1.6, zorder=3.1, label=_("Total score"),
                      animated=animated)
    points = ax.scatter([], [], s=14 if compact else 30, edgecolor="white", linewidth=0.6 if compact else 0.8,
                        zorder=4, animated=animated)
    if frame.median:
        handles = [median] if compact else [line, median]
        ax.legend(handles=handles, loc="lower left", ncols=len(handles), fontsize=5.5 if compact else 7,
                  borderaxespad=0.2 if compact else 0.5).set_zorder(2.9)
    ax.set_xlim(-0.5, count - 0.5)
    ax.set_ylim(frame.y_min, frame.y_max)
    if compact:
        from matplotlib.ticker import MaxNLocator

        ax.set_xticks(xs, short_period_labels(frame.periods))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 5, 10]))
        ax.tick_params(labelsize=5.5, length=2, pad=1.5)
    else:
        ax.set_xticks(xs, list(frame.periods), rotation=35 if count > 6 else 0,
                      ha="right" if count > 6 else "center")
        ax.set_ylabel(_("Total score"))
        fixed_axis_label(ax, "y", 24)
    title = ax.set_title("", loc="left", fontsize=7 if compact else None, pad=3 if compact else None)
    title.set_animated(animated)
    ax.grid(axis="y", color="white", lw=0.6, zorder=1)
    return HistoryArtists(ax, title, line, points, median, compact=compact)


def short_period_labels(periods: Sequence[str]) -> list[str]:
    """Period codes short enough for a small chart: "2025-03" as "03", its year beneath the first
    period labelled and the first of each later year; with more than seven periods every other one is
    named (the first and the last always), so that no two names touch."""
    count = len(periods)
    named = set(range(0, count, 1 if count <= 7 else 2)) | {count - 1}
    if count > 7 and count % 2 == 0:
        named.discard(count - 2)  # the last period, named always, would touch the one before it
    labels, shown_year = [], None
    for index, code in enumerate(periods):
        year, dash, rest = code.partition("-")
        if index not in named or not dash:
            labels.append(code if index in named else "")
            continue
        labels.append(rest if year == shown_year else f"{rest}\n{year}")
        shown_year = year
    return labels


def draw_data(artists: HistoryArtists, data: EmployeeHistory, bands: Sequence[GradeBand], title: str,
              *, animated: bool = False) -> None:
    """Put one employee's totals, grades and medians into the artists of a frame."""
    import numpy as np

    for label in artists.labels:
        label.remove()
    artists.labels = []
    points = list(data.points)
    positions = {band.key: i for i, band in enumerate(bands)}
    artists.line.set_ydata([math.nan if p.total is None else p.total for p in points])
    if artists.median is not None:
        medians = [math.nan if p.department_median is None else p.department_median for p in points]
        artists.median.set_ydata(medians)
        # a median with no known one beside it makes no line: marked, or the legend names nothing drawn
        artists.median.set_marker("_" if _has_lone_value(medians) else "None")
    drawn = [(x, p) for x, p in enumerate(points) if p.total is not None]
    colours = [grade_colour(p.grade_key, positions.get(p.grade_key or "")) for _x, p in drawn]
    artists.points.set_offsets(np.array([[x, p.total] for x, p in drawn], dtype=float).reshape(-1, 2))
    artists.points.set_facecolor(colours)
    previous_grade = None
    low, high = artists.ax.get_ylim()
    last = len(points) - 1
    label_size = 5 if artists.compact else 6.5
    totals = [point.total for _x, point in drawn]
    named = []
    for index, ((x, point), colour) in enumerate(zip(drawn, colours, strict=True)):
        changed, previous_grade = point.grade_label != previous_grade, point.grade_label
        if point.grade_label and (changed or x == drawn[-1][0]) and low <= point.total <= high:
            # a point off the axes has no label; said here once instead of matplotlib asking where
            # the point lies at every draw (annotation_clip), a tenth of a chart's cost. At either end
            # of the line the name reads inwards, or a long one runs over the ticks or past the axis;
            # at the bottom of a dip it goes under the point, above it the line runs through it.
            align, shift = ("left", -3) if x == 0 and last > 0 else ("right", 3) if x == last > 0 else ("center", 0)
            beside = totals[max(index - 1, 0):index] + totals[index + 1:index + 2]
            below = bool(beside) and all(other > point.total for other in beside)
            named.append((x, point, colour, align, shift, below))
    taken: list[Bbox] = []
    for x, point, colour, align, shift, below in reversed(named):  # the latest first: it always keeps its name
        box = _label_box(artists.ax, x, point.total, point.grade_label, label_size, align, shift, below)
        if any(box.overlaps(other) for other in taken):
            continue  # it would run into a later one: the point's colour still tells its grade
        taken.append(box)
        artists.labels.append(artists.ax.annotate(
            point.grade_label, (x, point.total), xytext=(shift, -6 if below else 6), textcoords="offset points",
            ha=align, va="top" if below else "baseline", fontsize=label_size, color=colour, zorder=5,
            animated=animated, annotation_clip=False))
    artists.title.set_text(title)


def _label_box(ax, x: float, y: float, text: str, size: float, align: str, shift: float,
               below: bool) -> Bbox:
    """Where a grade name would be set (in points from the axes' corner), from the
    axes' place in the figure rather than a drawing: a chart over a cached frame is not drawn whole."""
    figure_width, figure_height = (side * 72 for side in ax.figure.get_size_inches())
    place = ax.get_position()
    (x_low, x_high), (y_low, y_high) = ax.get_xlim(), ax.get_ylim()
    anchor_x = (x - x_low) / (x_high - x_low) * place.width * figure_width + shift
    anchor_y = (y - y_low) / (y_high - y_low) * place.height * figure_height + (-6 if below else 6)
    width = text_width_points(text, size)
    left = anchor_x - {"left": 0.0, "center": width / 2, "right": width}[align]
    bottom, top = (anchor_y - 1.2 * size, anchor_y) if below else (anchor_y - 0.25 * size, anchor_y + size)
    return Bbox.from_extents(left, bottom, left + width, top)


def _has_lone_value(values: list[float]) -> bool:
    known = [not math.isnan(value) for value in values]
    padded = [False, *known, False]
    return any(padded[i] and not padded[i - 1] and not padded[i + 1] for i in range(1, len(padded) - 1))


def chart_title(data: EmployeeHistory, _: Translate) -> str:
    return data.title or f"{data.employee} · {_('Score history')}"


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
    with chart_style():
        fig = new_figure(size or DEFAULT_SIZE, fig)
        frame = history_frame(data, size)
        if frame is None:
            return show_empty(fig, _("No data for this period"), chart_title(data, _))
        artists = draw_frame(fig, frame, _)
        draw_data(artists, data, frame.bands, chart_title(data, _))
        return fig
