"""The look shared by every chart: the bundled CJK font, the grade colours, empty states.

Settings are applied through ``matplotlib.rc_context`` while a chart is built and rendered, so the
process-wide rcParams (which the GUI may rely on) are left alone. Figures are created directly and
never through pyplot, so no interactive backend (and no Qt) is ever loaded from here.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure

from kpidesk.charts.palette import (  # noqa: F401 - the palette is part of the chart style
    ACCENT,
    FALLBACK_GRADE_COLOURS,
    GRADE_COLOURS,
    GRID,
    INK,
    MUTED,
    PERSPECTIVE_COLOURS,
    RATER_COLOURS,
    grade_colour,
    series_colour,
)
from kpidesk.charts.sizes import PRINT_FULL_WIDTH, PRINT_HALF_WIDTH  # noqa: F401 - part of the chart style
from kpidesk.resources import CJK_FONT_FILE

_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


@lru_cache(maxsize=1)
def cjk_font_family() -> str:
    """Register the bundled font with matplotlib (once) and return its family name.

    The bundled file is moved to the front of the font list so it wins over a system copy of the
    same family (matplotlib keeps the first of equally good matches): charts look the same on
    every machine.
    """
    manager = font_manager.fontManager
    manager.addfont(str(CJK_FONT_FILE))
    bundled = [entry for entry in manager.ttflist if Path(entry.fname) == CJK_FONT_FILE]
    manager.ttflist = bundled + [entry for entry in manager.ttflist if Path(entry.fname) != CJK_FONT_FILE]
    cached = getattr(type(manager), "_findfont_cached", None)
    if hasattr(cached, "cache_clear"):
        cached.cache_clear()
    return font_manager.FontProperties(fname=str(CJK_FONT_FILE)).get_name()


def chart_rc() -> dict[str, object]:
    family = cjk_font_family()
    return {
        # a concrete family, not "sans-serif": texts keep it when drawn later outside this context
        "font.family": [family, "DejaVu Sans"],
        "font.size": 8.5,
        "axes.titlesize": 10,
        "axes.titleweight": "normal",
        "axes.titley": 1.0,  # a fixed title position: matplotlib skips measuring the tick labels for it
        "axes.titlepad": 6.0,
        "axes.labelsize": 8.5,
        "axes.edgecolor": MUTED,
        "axes.labelcolor": INK,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.unicode_minus": True,
        "xtick.color": INK,
        "ytick.color": INK,
        "xtick.labelsize": 7.5,
        "ytick.labelsize": 7.5,
        "legend.fontsize": 7.5,
        "legend.frameon": False,
        "text.color": INK,
        "svg.fonttype": "path",
        "svg.hashsalt": "kpidesk",
        "figure.facecolor": "white",
        "savefig.facecolor": "white",
    }


@contextlib.contextmanager
def chart_style() -> Iterator[None]:
    """Build or render a chart with the shared settings."""
    with matplotlib.rc_context(chart_rc()):
        yield


def new_figure(size: tuple[float, float], fig: Figure | None = None) -> Figure:
    """A blank figure of ``size`` inches; ``fig`` is cleared and reused when given (cheaper than a new one)."""
    if fig is None:
        return Figure(figsize=size)
    fig.clear()
    fig.set_size_inches(size, forward=False)
    fig.set_layout_engine(None)
    fig.subplots_adjust()
    return fig


def margins_in_points(fig: Figure, *, left: float, right: float, top: float, bottom: float) -> None:
    """Room around the axes in points, not in shares of the figure: the text it holds keeps its size
    whatever the size of the chart."""
    width, height = (side * 72 for side in fig.get_size_inches())
    fig.subplots_adjust(left=left / width, right=1 - right / width, top=1 - top / height, bottom=bottom / height)


def fixed_axis_label(ax, axis: str, offset_points: float) -> None:
    """Place the y (or x) axis label ``offset_points`` left of (below) the axes instead of letting
    matplotlib measure every tick label at each draw to find the spot — a tenth of a chart's cost."""
    from matplotlib.transforms import offset_copy

    if axis == "y":
        ax.yaxis.set_label_coords(0, 0.5, transform=offset_copy(ax.transAxes, ax.figure, x=-offset_points,
                                                                  units="points"))
    else:
        ax.xaxis.set_label_coords(0.5, 0, transform=offset_copy(ax.transAxes, ax.figure, y=-offset_points,
                                                                  units="points"))


def show_empty(fig: Figure, message: str, title: str | None = None) -> Figure:
    """An empty state that says so, instead of blank axes."""
    if title:
        fig.suptitle(title, fontsize=10, color=INK)
    fig.text(0.5, 0.5, message, ha="center", va="center", fontsize=11, color=MUTED)
    return fig


def text_width_points(text: str, size: float) -> float:
    """About how wide ``text`` is set at ``size`` points (a CJK character a full em, others 0.6 em; a little
    more than the bundled font needs): enough to keep labels apart without drawing them first."""
    return size * sum(1.0 if _CJK.match(ch) else 0.6 for ch in text)


def wrap_label(text: str, width: int) -> str:
    """Break a label into lines of about ``width`` Latin characters (a CJK character counts twice)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line, used = "", 0
        for token in _tokens(paragraph):
            cost = sum(2 if _CJK.match(ch) else 1 for ch in token)
            if line and used + cost > width:
                lines.append(line.rstrip())
                line, used = token.lstrip(), cost - (len(token) - len(token.lstrip()))
            else:
                line, used = line + token, used + cost
        lines.append(line.rstrip())
    return "\n".join(lines)


def _tokens(text: str) -> Sequence[str]:
    """Latin words (with their leading space) stay whole; every CJK character is its own token."""
    return re.findall(r"\s*[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]|\s*[^\s\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]+|\s+", text)


def format_value(value: float | None, unit: str = "") -> str:
    """A compact number for labels: 93.5%, 4.2 min, 1,250."""
    if value is None:
        return "–"
    if abs(value) >= 1000:
        text = f"{value:,.0f}"
    elif float(value).is_integer():
        text = f"{value:.0f}"
    else:
        text = f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}".rstrip("0").rstrip(".")
    if not unit:
        return text
    return f"{text}{unit}" if unit in ("%", "‰") else f"{text} {unit}"
