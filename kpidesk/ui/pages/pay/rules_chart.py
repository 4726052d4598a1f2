"""A small chart of commission against sales, drawn from the domain's own ``CommissionTable.curve()``, so
what HR sees before saving is exactly what payroll will compute.

matplotlib is imported when the first curve is drawn; the chart style brings the bundled CJK font.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QStackedLayout, QWidget

from kpidesk.domain.commission import CommissionTable
from kpidesk.i18n import _

#: How far past the top bracket's bound the chart runs.
HEADROOM = Decimal("1.25")


def chart_range(table: CommissionTable) -> Decimal:
    limits = [b.upto for b in table.brackets if b.upto is not None]
    return limits[-1] * HEADROOM if limits else Decimal(100000)


class CommissionChart(QWidget):
    """Shows the curve of one commission table, or why there is none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("commissionChart")
        self._layout = QStackedLayout(self)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setObjectName("chartMessage")
        self._layout.addWidget(self.message)
        self.figure = None
        self.canvas = None
        self.points: list[tuple[Decimal, Decimal]] | None = None
        self.setMinimumSize(300, 190)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def _ensure_canvas(self) -> None:
        if self.canvas is not None:
            return
        import matplotlib
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        from matplotlib.figure import Figure

        from kpidesk.charts.style import chart_rc

        with matplotlib.rc_context(chart_rc()):
            self.figure = Figure(figsize=(4.2, 2.4), layout="constrained")
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.canvas.setMinimumHeight(180)
        self._layout.addWidget(self.canvas)

    def show_message(self, text: str) -> None:
        self.points = None
        self.message.setText(text)
        self._layout.setCurrentWidget(self.message)

    def show_table(self, table: CommissionTable, sales_label: str = "") -> None:
        """Draw commission against sales from 0 to 1.25 × the top bracket's bound."""
        self.points = table.curve(up_to=chart_range(table))
        self._ensure_canvas()
        import matplotlib
        from matplotlib.ticker import FuncFormatter

        from kpidesk.charts.style import ACCENT, MUTED, chart_rc

        xs = [float(x) for x, _y in self.points]
        ys = [float(y) for _x, y in self.points]
        thousands = FuncFormatter(lambda value, _pos: f"{value:,.0f}")
        with matplotlib.rc_context(chart_rc()):
            self.figure.clear()
            axes = self.figure.add_subplot()
            for bracket in table.brackets[:-1]:
                axes.axvline(float(bracket.upto), color=MUTED, linewidth=0.7, linestyle="--")
            axes.plot(xs, ys, color=ACCENT, linewidth=1.8, label=_("Commission"))
            axes.set_xlim(0, xs[-1])
            axes.set_ylim(bottom=0)
            axes.xaxis.set_major_formatter(thousands)
            axes.yaxis.set_major_formatter(thousands)
            axes.set_xlabel(sales_label or _("Sales"))
            axes.set_ylabel(_("Commission"))
            axes.grid(True, linewidth=0.4, alpha=0.6)
        self.canvas.draw_idle()
        self._layout.setCurrentWidget(self.canvas)

    def line_data(self) -> tuple[list[float], list[float]]:
        """The x and y data of the drawn curve (what a test or a tooltip reads back)."""
        if self.figure is None or self.points is None:
            return [], []
        line = self.figure.axes[0].lines[-1]
        return [float(x) for x in line.get_xdata()], [float(y) for y in line.get_ydata()]
