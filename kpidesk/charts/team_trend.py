"""One KPI over periods for a team: each employee a thin line, the team median bold."""

from __future__ import annotations

from matplotlib.figure import Figure

from kpidesk.charts.data import TeamKpiTrend, require_columns
from kpidesk.charts.style import ACCENT, INK, chart_style, new_figure, show_empty
from kpidesk.charts.translate import translator

_THIN = ("#90a4ae", "#a1887f", "#9fa8da", "#80cbc4", "#ce93d8", "#ffcc80", "#b0bec5", "#bcaaa4")


def team_kpi_trend_chart(
    data: TeamKpiTrend,
    *,
    fig: Figure | None = None,
    size: tuple[float, float] | None = None,
    lang: str | None = None,
) -> Figure:
    _ = translator(lang)
    title = data.title or f"{data.kpi} · {_('Team trend')}"
    frame = data.values
    require_columns(frame, ("period", "employee", "value"), "team KPI trend")
    frame = frame.dropna(subset=["value"])
    with chart_style():
        fig = new_figure(size or (5.6, 3.0), fig)
        if frame.empty:
            return show_empty(fig, _("No data for this period"), title)
        table = frame.pivot_table(index="period", columns="employee", values="value", aggfunc="mean")
        periods = [p for p in (data.periods or sorted(table.index.astype(str))) if p in table.index]
        table = table.reindex(periods)
        ax = fig.add_subplot()
        fig.subplots_adjust(left=0.11, right=0.84 if len(table.columns) <= 10 else 0.96, top=0.87,
                            bottom=0.2 if len(periods) > 6 else 0.13)
        xs = list(range(len(periods)))
        ends: list[tuple[float, float, str]] = []
        for position, employee in enumerate(table.columns):
            values = table[employee].to_numpy(dtype=float)
            ax.plot(xs, values, color=_THIN[position % len(_THIN)], lw=0.9, alpha=0.9, marker=".", ms=3)
            last = max((i for i, v in enumerate(values) if v == v), default=None)
            if last is not None:
                ends.append((values[last], xs[last], str(employee)))
        median = table.median(axis=1, skipna=True).to_numpy(dtype=float)
        ax.plot(xs, median, color=ACCENT, lw=2.6, label=_("Team median"), zorder=4)
        if data.target is not None:
            ax.axhline(data.target, color=INK, lw=1.0, ls="--", label=_("Target"), zorder=3)
        ax.set_xticks(xs, periods, rotation=35 if len(periods) > 6 else 0, ha="right" if len(periods) > 6 else "center")
        ax.set_xlim(-0.3, len(periods) - 0.7 if len(periods) > 1 else 0.3)
        label = data.kpi + (f" ({data.unit})" if data.unit else "")
        if data.direction == "lower":
            label += " · " + _("lower is better")
        ax.set_ylabel(label)
        if len(ends) <= 10:
            _label_line_ends(ax, ends)
        ax.legend(loc="best", fontsize=7)
        ax.grid(axis="y", color="#eceff1", lw=0.6)
        ax.set_title(title, loc="left")
        return fig


def _label_line_ends(ax, ends: list[tuple[float, float, str]]) -> None:
    """Name each line at its last point, nudging labels apart so they do not overprint."""
    low, high = ax.get_ylim()
    gap = (high - low) * 0.05
    previous = None
    for value, x, name in sorted(ends):
        y = value if previous is None else max(value, previous + gap)
        previous = y
        ax.text(x + 0.12, y, name, va="center", ha="left", fontsize=6.5, color="#607d8b", clip_on=False)
