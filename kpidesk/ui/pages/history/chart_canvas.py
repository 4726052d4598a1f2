"""A chart from ``kpidesk.charts`` embedded in a page: drawn to the widget's size, values shown on hover,
exported as PNG or SVG.

The chart functions draw into the canvas's own Figure (``fig=``), sized to the widget in inches, so the same
code draws the GUI charts and the printed ones. Hover finds the point, line vertex or bar under the mouse and
names its category (the tick label) and value.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolTip, QVBoxLayout, QWidget

ChartFunction = Callable[..., Figure]


def warm_up() -> None:
    """Import the chart modules and register the chart font; called by workers before a chart is shown,
    so the UI thread never pays for loading matplotlib and its font list."""
    from kpidesk.charts.pool import CHART_KINDS, chart_function
    from kpidesk.charts.style import chart_rc

    for kind in CHART_KINDS:
        chart_function(kind)
    chart_rc()


class ChartCanvas(QWidget):
    """A FigureCanvasQTAgg with a hover line under it."""

    hovered = Signal(str)  # the text shown for the item under the mouse ("" when none)
    drawn = Signal()

    def __init__(self, parent: QWidget | None = None, *, min_height: int = 260) -> None:
        super().__init__(parent)
        self.figure = Figure()
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.canvas.setMinimumHeight(min_height)
        self.canvas.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.hover_label = QLabel(" ")
        self.hover_label.setObjectName("chartHover")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.hover_label)
        self._chart: tuple[ChartFunction, Any, dict] | None = None
        self._redraw = QTimer(self)
        self._redraw.setSingleShot(True)
        self._redraw.setInterval(150)
        self._redraw.timeout.connect(self._draw_now)
        self.canvas.mpl_connect("motion_notify_event", self._on_motion)
        self.canvas.mpl_connect("figure_leave_event", lambda _e: self._show_hover(""))

    # -- drawing --------------------------------------------------------------------------------------
    def show_chart(self, function: ChartFunction, data: Any, **options) -> None:
        """Draw ``function(data, fig=…, size=…, **options)`` now and again whenever the widget is resized."""
        self._chart = (function, data, options)
        self._draw_now()

    def clear(self) -> None:
        self._chart = None
        self.figure.clear()
        self.canvas.draw_idle()

    def size_inches(self) -> tuple[float, float]:
        ratio = self.canvas.devicePixelRatioF() or 1.0
        dpi = self.figure.dpi
        width = max(self.canvas.width(), 320) * ratio / dpi
        height = max(self.canvas.height(), 200) * ratio / dpi
        return width, height

    def _draw_now(self) -> None:
        if self._chart is None:
            return
        function, data, options = self._chart
        function(data, fig=self.figure, size=self.size_inches(), **options)
        self.canvas.draw_idle()
        self.drawn.emit()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self._chart is not None:
            self._redraw.start()

    # -- hover ----------------------------------------------------------------------------------------
    def _on_motion(self, event) -> None:
        self._show_hover(hover_text(self.figure, event) or "")

    def _show_hover(self, text: str) -> None:
        self.hover_label.setText(text or " ")
        if text:
            QToolTip.showText(QCursor.pos(), text, self.canvas)
        else:
            QToolTip.hideText()
        self.hovered.emit(text)

    # -- export ---------------------------------------------------------------------------------------
    def save(self, path: str) -> None:
        """Write the chart as drawn on screen to ``path`` (.png or .svg)."""
        from kpidesk.charts.render import save_figure

        save_figure(self.figure, path)


def _nearest(ticks, labels, value: float) -> tuple[str | None, float]:
    """The label of the tick nearest ``value`` and the distance in tick spacings (inf without labels)."""
    pairs = [(float(t), label) for t, label in zip(ticks, labels, strict=False) if label]
    if not pairs:
        return None, math.inf
    spacing = min((abs(b[0] - a[0]) for a, b in zip(pairs, pairs[1:], strict=False) if b[0] != a[0]), default=1.0)
    tick, label = min(pairs, key=lambda pair: abs(pair[0] - value))
    return label, abs(tick - value) / (spacing or 1.0)


def _category(ax, value: float, axis: str = "x") -> str | None:
    """The category (tick label) at ``value`` on the axis, when ``value`` sits on a tick."""
    label, distance = _axis_nearest(ax, value, axis)
    return label if distance <= 0.34 else None


def _axis_nearest(ax, value: float, axis: str) -> tuple[str | None, float]:
    if axis == "x":
        return _nearest(ax.get_xticks(), [t.get_text() for t in ax.get_xticklabels()], value)
    return _nearest(ax.get_yticks(), [t.get_text() for t in ax.get_yticklabels()], value)


def _number(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".") if not float(value).is_integer() else f"{value:,.0f}"


def _label(name: str | None) -> str:
    return "" if not name or name.startswith("_") else name


def hover_text(figure: Figure, event) -> str | None:
    """The category and value of the point, line vertex or bar under the mouse, if any."""
    ax = event.inaxes
    if ax is None or event.xdata is None:
        return None
    for collection in ax.collections:
        if not isinstance(collection, PathCollection):
            continue
        hit, info = collection.contains(event)
        offsets = collection.get_offsets()
        if hit and len(info.get("ind", ())) and len(offsets):
            x, y = offsets[info["ind"][0]]
            category = _category(ax, float(x))
            return f"{category}: {_number(y)}" if category else _number(y)
    for line in ax.lines:
        hit, info = line.contains(event)
        if hit and len(info.get("ind", ())):
            i = info["ind"][0]
            x, y = line.get_xdata()[i], line.get_ydata()[i]
            try:
                if math.isnan(float(y)):
                    continue
            except (TypeError, ValueError):
                continue
            category = _category(ax, float(x))
            name = _label(line.get_label())
            parts = [p for p in (name, category) if p]
            return f"{' · '.join(parts)}: {_number(y)}" if parts else _number(y)
    for patch in reversed(ax.patches):  # the topmost (last drawn) first
        if not isinstance(patch, Rectangle) or not patch.get_visible() or patch.get_data_transform() != ax.transData:
            continue
        hit, _info = patch.contains(event)
        if not hit:
            continue
        width, height = patch.get_width(), patch.get_height()
        extent = patch.get_window_extent()
        if extent.width > extent.height:  # a horizontal bar: its value is where it ends
            label, value = _category(ax, patch.get_y() + height / 2, "y"), patch.get_x() + width
        else:
            label, value = _category(ax, patch.get_x() + width / 2), patch.get_y() + height
        return f"{label}: {_number(value)}" if label else _number(value)
    return None
