"""A template's KPI system as an Ishikawa (fishbone) diagram.

The department's goal sits in the head on the right, each perspective is a bone slanting back
from the spine (alternately above and below), and its KPIs with their weights are the ribs.
"""

from __future__ import annotations

import math

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from kpidesk.charts.data import KpiBone, KpiSystem
from kpidesk.charts.style import (
    INK,
    PERSPECTIVE_COLOURS,
    chart_style,
    format_value,
    new_figure,
    series_colour,
    show_empty,
    wrap_label,
)
from kpidesk.charts.translate import translator

_BONE_RUN = 14.0  # how far a bone slants back along the spine, in axis units
_HEAD_WIDTH = 17.0


def kpi_fishbone_chart(
    data: KpiSystem,
    *,
    fig: Figure | None = None,
    size: tuple[float, float] | None = None,
    lang: str | None = None,
) -> Figure:
    _ = translator(lang)
    title = data.title or _("KPI system")
    bones = [b for b in data.bones if b.ribs or b.name]
    pairs = max(1, math.ceil(len(bones) / 2))
    most_ribs = max((len(b.ribs) for b in bones), default=0)
    with chart_style():
        fig = new_figure(size or (max(7.5, 2.6 + 3.4 * pairs), max(4.2, 1.6 + 0.5 * most_ribs * 2)), fig)
        if not bones:
            return show_empty(fig, _("No data for this period"), title)
        ax = fig.add_axes((0.01, 0.01, 0.98, 0.9))
        ax.set_axis_off()
        width = 12.0 + 30.0 * pairs + _HEAD_WIDTH
        ax.set_xlim(0, width)
        ax.set_ylim(-50, 50)
        spine_end = width - _HEAD_WIDTH
        ax.add_patch(FancyArrowPatch((2, 0), (spine_end, 0), arrowstyle="-|>", mutation_scale=14, lw=2.2,
                                     color=INK))
        head = FancyBboxPatch((spine_end + 0.8, -9), _HEAD_WIDTH - 2.0, 18, boxstyle="round,pad=0.4,rounding_size=2",
                              fc="#eceff1", ec=INK, lw=1.2)
        ax.add_patch(head)
        ax.text(spine_end + _HEAD_WIDTH / 2 - 0.2, 0, wrap_label(data.goal, 16), ha="center", va="center",
                fontsize=9, color=INK, wrap=False)

        for index, bone in enumerate(bones):
            pair = index // 2
            upper = index % 2 == 0
            joint = spine_end - 6 - (pairs - 1 - pair) * 30.0
            _draw_bone(ax, bone, index, joint, 1 if upper else -1)
        fig.suptitle(title, x=0.02, ha="left", fontsize=11)
        return fig


def _draw_bone(ax, bone: KpiBone, index: int, joint: float, sign: int) -> None:
    colour = series_colour(bone.key, index, PERSPECTIVE_COLOURS)
    outer_x, outer_y = joint - _BONE_RUN, sign * 40.0
    ax.plot([joint, outer_x], [0, outer_y], color=colour, lw=2.0, solid_capstyle="round")
    name = bone.name + (f"  {format_value(bone.weight, '%')}" if bone.weight is not None else "")
    ax.text(outer_x, outer_y + sign * 3, name, ha="center", va="bottom" if sign > 0 else "top", fontsize=8.5,
            color="white", bbox={"boxstyle": "round,pad=0.35", "fc": colour, "ec": "none"})
    ribs = list(bone.ribs)
    for j, rib in enumerate(ribs):
        t = (j + 1) / (len(ribs) + 1)  # from the outer end towards the spine
        x = outer_x + t * (joint - outer_x)
        y = outer_y * (1 - t)
        ax.plot([x - 3.0, x], [y, y], color=colour, lw=1.0)
        label = wrap_label(rib.name, 20)
        if rib.weight is not None:
            label += f" {format_value(rib.weight, '%')}"
        ax.text(x - 3.4, y, label, ha="right", va="center", fontsize=7, color=INK)
