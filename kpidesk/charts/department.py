"""Department views of one period: grade distribution, score spread per team, ranking."""

from __future__ import annotations

import math

from matplotlib.figure import Figure

from kpidesk.charts.data import GradeDistribution, Ranking, TeamScores, require_columns
from kpidesk.charts.style import (
    ACCENT,
    INK,
    MUTED,
    chart_style,
    fixed_axis_label,
    format_value,
    grade_colour,
    new_figure,
    show_empty,
    wrap_label,
)
from kpidesk.charts.translate import translator


def grade_distribution_chart(
    data: GradeDistribution,
    *,
    fig: Figure | None = None,
    size: tuple[float, float] | None = None,
    lang: str | None = None,
) -> Figure:
    """Employees per grade (best grade first), with the forced-distribution target when one is set."""
    _ = translator(lang)
    title = data.title or f"{data.department} · {data.period} · {_('Grade distribution')}"
    counts = [int(data.counts.get(band.key, 0)) for band in data.bands]
    total = sum(counts)
    with chart_style():
        fig = new_figure(size or (4.6, 2.8), fig)
        if total == 0:
            return show_empty(fig, _("No data for this period"), title)
        ax = fig.add_subplot()
        fig.subplots_adjust(left=0.12, right=0.97, top=0.86, bottom=0.12)
        xs = list(range(len(counts)))
        colours = [grade_colour(band.key, i) for i, band in enumerate(data.bands)]
        ax.bar(xs, counts, color=colours, width=0.62, zorder=2)
        expected = [total * (data.target_share or {}).get(band.key, 0.0) for band in data.bands]
        for x, count, target in zip(xs, counts, expected, strict=True):
            ax.annotate(f"{count}  ({count / total:.0%})", (x, max(count, target)), xytext=(0, 3),
                        textcoords="offset points", ha="center", fontsize=7.5, color=INK)
        top = max(counts)
        if data.target_share:
            ax.hlines(expected, [x - 0.36 for x in xs], [x + 0.36 for x in xs], colors="black", lw=1.4,
                      linestyles="--", zorder=3, label=_("Target distribution"))
            ax.legend(loc="upper right", fontsize=7)
            top = max(top, max(expected))
        ax.set_xticks(xs, [band.label for band in data.bands])
        ax.set_ylim(0, top * 1.22 + 0.5)
        ax.set_ylabel(_("Employees"))
        fixed_axis_label(ax, "y", 20)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.grid(axis="y", color="#eceff1", lw=0.6, zorder=0)
        ax.set_title(title, loc="left")
        return fig


def score_distribution_chart(
    data: TeamScores,
    *,
    fig: Figure | None = None,
    size: tuple[float, float] | None = None,
    lang: str | None = None,
) -> Figure:
    """A box per team with every employee as a point coloured by grade, over the shaded grade bands."""
    _ = translator(lang)
    title = data.title or f"{data.department} · {data.period} · {_('Score distribution')}"
    frame = data.scores
    require_columns(frame, ("team", "employee", "score"), "score distribution")
    frame = frame.dropna(subset=["score"])
    teams = sorted(frame["team"].astype(str).unique()) if len(frame) else []
    with chart_style():
        fig = new_figure(size or (max(4.0, 1.2 + 1.1 * len(teams)), 3.0), fig)
        if not teams:
            return show_empty(fig, _("No data for this period"), title)
        ax = fig.add_subplot()
        fig.subplots_adjust(left=0.15, right=0.97, top=0.86, bottom=0.16)
        low = float(frame["score"].min())
        y_min = max(0.0, math.floor((low - 5) / 10) * 10)
        y_max = max(100.0, math.ceil((float(frame["score"].max()) + 3) / 5) * 5)
        positions = {band.key: i for i, band in enumerate(data.bands)}
        for band in data.bands:
            top = y_max if band.upper is None else min(band.upper, y_max)
            bottom = max(band.lower, y_min)
            if top > bottom:
                ax.axhspan(bottom, top, color=grade_colour(band.key, positions[band.key]), alpha=0.08, lw=0)
        groups = [frame.loc[frame["team"].astype(str) == team] for team in teams]
        ax.boxplot([g["score"].to_numpy(dtype=float) for g in groups], positions=range(len(teams)),
                   widths=0.5, showfliers=False, patch_artist=True,
                   boxprops={"facecolor": "white", "edgecolor": MUTED, "lw": 0.9},
                   medianprops={"color": INK, "lw": 1.6}, whiskerprops={"color": MUTED},
                   capprops={"color": MUTED})
        for x, group in enumerate(groups):
            count = len(group)
            offsets = [((i % 7) - 3) * 0.045 for i in range(count)]
            if "grade_key" in group.columns:
                colours = [grade_colour(k, positions.get(k)) for k in group["grade_key"]]
            else:
                colours = [ACCENT] * count
            ax.scatter([x + o for o in offsets], group["score"], s=14, c=colours, edgecolor="white",
                       linewidth=0.5, zorder=3)
        ax.set_xticks(range(len(teams)), [wrap_label(t, 14) for t in teams])
        ax.set_xlim(-0.6, len(teams) - 0.4)
        ax.set_ylim(y_min, y_max)
        ax.set_ylabel(_("Total score"))
        fixed_axis_label(ax, "y", 24)
        ax.set_title(title, loc="left")
        return fig


def ranking_chart(
    data: Ranking,
    *,
    fig: Figure | None = None,
    size: tuple[float, float] | None = None,
    lang: str | None = None,
) -> Figure:
    """Employees by rank as horizontal bars coloured by grade, rank 1 on top."""
    _ = translator(lang)
    title = data.title or f"{data.department} · {data.period} · {_('Ranking')}"
    entries = sorted(data.entries, key=lambda e: (e.rank, -e.score))
    with chart_style():
        fig = new_figure(size or (5.0, 0.9 + 0.24 * max(len(entries), 3)), fig)
        if not entries:
            return show_empty(fig, _("No data for this period"), title)
        height = fig.get_figheight()
        ax = fig.add_subplot()
        fig.subplots_adjust(left=0.24, right=0.9, top=1 - 0.45 / height, bottom=0.4 / height)
        keys = list(dict.fromkeys(e.grade_key for e in entries if e.grade_key))
        ys = list(range(len(entries)))
        colours = [grade_colour(e.grade_key, keys.index(e.grade_key) if e.grade_key in keys else None)
                   for e in entries]
        scores = [e.score for e in entries]
        ax.barh(ys, scores, color=colours, height=0.7)
        for y, entry in zip(ys, entries, strict=True):
            label = format_value(round(entry.score, 2))
            if entry.grade_label:
                label += f"  {entry.grade_label}"
            ax.text(entry.score, y, f" {label}", va="center", ha="left", fontsize=7, color=INK)
        ax.set_yticks(ys, [f"{e.rank}. {e.employee}" for e in entries], fontsize=7.5)
        ax.invert_yaxis()
        low = min(scores)
        ax.set_xlim(max(0.0, math.floor((low - 10) / 10) * 10), max(100.0, max(scores) * 1.12))
        ax.set_xlabel(_("Total score"))
        fixed_axis_label(ax, "x", 16)
        ax.set_title(title, loc="left")
        ax.grid(axis="x", color="#eceff1", lw=0.6)
        ax.set_axisbelow(True)
        return fig
