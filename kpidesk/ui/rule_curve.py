"""A small plot of a KPI's scoring curve (score against actual value), drawn with the domain rule.

matplotlib is imported when the first curve is drawn, not when the page module loads.
"""

from __future__ import annotations

import math

from PySide6.QtWidgets import QLabel, QSizePolicy, QStackedLayout, QWidget

from kpidesk.domain.rules import Rule, RuleSpec, make_rule
from kpidesk.errors import ValidationError
from kpidesk.i18n import _
from kpidesk.ui.labels import axis_unit


def curve_range(rule: Rule, spec: RuleSpec) -> tuple[float, float]:
    """An x range that shows every level of the rule with some room either side."""
    levels = [v for v in (spec.baseline, spec.target, spec.challenge) if v is not None]
    params = dict(spec.params or {})
    kind = str(spec.kind)
    if kind == "band" or (kind == "three_level" and str(spec.direction) == "band"):
        centre = float(params.get("centre", params.get("center", 0.0)))
        width = max(levels or [5.0]) * 1.6
        return centre - width, centre + width
    if kind == "occurrence":
        points = float(params.get("points", 10) or 10)
        free = float(params.get("free", 0) or 0)
        full = float(params.get("full", 100) or 100)
        return 0.0, free + math.ceil(full / max(points, 1e-9)) + 2
    if kind == "table":
        levels = [float(t) for t, _p in params.get("bands", [])] or levels
    if not levels:
        return 0.0, 100.0
    low, high = min(levels), max(levels)
    span = (high - low) or abs(high) or 1.0
    start, end = low - span * 0.8, high + span * 0.8
    if low >= 0:
        start = max(0.0, start)
    return start, end


class RuleCurve(QWidget):
    """Shows the curve of one rule, or the reason it cannot be drawn."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ruleCurve")
        self._layout = QStackedLayout(self)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("curveMessage")
        self._layout.addWidget(self.message)
        self.canvas = None
        self.figure = None
        self.points: tuple[list[float], list[float]] | None = None
        self.setMinimumHeight(170)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def _ensure_canvas(self) -> None:
        if self.canvas is not None:
            return
        import matplotlib
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        from matplotlib.figure import Figure

        from kpidesk.charts.style import chart_rc

        with matplotlib.rc_context(chart_rc()):
            self.figure = Figure(figsize=(4, 2.2), layout="constrained")
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setMinimumHeight(160)
        self._layout.addWidget(self.canvas)

    def show_message(self, text: str) -> None:
        self.points = None
        self.message.setText(text)
        self._layout.setCurrentWidget(self.message)

    def plot(self, spec: RuleSpec, kpi: str, unit: str, title: str = "") -> bool:
        """Draw the curve; False (and a message instead) when the rule's parameters do not work."""
        try:
            rule = make_rule(spec, kpi, unit)
        except ValidationError as exc:
            self.show_message(_("No curve: {reason}").format(reason=exc.message))
            return False
        import numpy as np

        start, end = curve_range(rule, spec)
        xs = np.linspace(start, end, 241)
        ys = rule.scores(xs)
        self.points = (xs.tolist(), ys.tolist())
        self._ensure_canvas()
        import matplotlib

        from kpidesk.charts.style import ACCENT, MUTED, chart_rc

        with matplotlib.rc_context(chart_rc()):
            self.figure.clear()
            axes = self.figure.add_subplot()
            axes.plot(xs, ys, color=ACCENT, linewidth=1.8)
            levels = ((spec.baseline, _("baseline")), (spec.target, _("target")), (spec.challenge, _("challenge")))
            shown = [(v, text) for v, text in levels if v is not None and start <= v <= end
                     and str(spec.kind) in ("three_level", "ratio", "deduction")]
            for step, (value, text) in enumerate(shown):
                axes.axvline(value, color=MUTED, linewidth=0.8, linestyle="--")
                axes.annotate(text, (value, 0), xycoords=("data", "axes fraction"), xytext=(3, 4 + 11 * step),
                              textcoords="offset points", fontsize=7, color=MUTED)
            suffix = axis_unit(unit)
            axes.set_xlabel(_("Actual value ({unit})").format(unit=suffix) if suffix else _("Actual value"))
            axes.set_ylabel(_("Score"))
            axes.grid(True, linewidth=0.4, alpha=0.6)
            if title:
                axes.set_title(title, fontsize=9)
        self.canvas.draw_idle()
        self._layout.setCurrentWidget(self.canvas)
        return True
