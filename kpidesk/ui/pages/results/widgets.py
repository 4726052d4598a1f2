"""Small pieces shared by the Overview, Results, History and Print pages: links between pages, grade
colours (the charts' palette), painted grade bars and clickable progress cards (no matplotlib, so the
Overview stays quick)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QLabel, QProgressBar, QSizePolicy, QVBoxLayout, QWidget

from kpidesk.charts.palette import FALLBACK_GRADE_COLOURS, GRADE_COLOURS
from kpidesk.ui.models import RowsModel, SortFilterProxy, display_value
from kpidesk.ui.pages import page_entry
from kpidesk.ui.widgets import Table


def grade_colour(code: str | None, position: int = 0) -> QColor:
    if code in GRADE_COLOURS:
        return QColor(GRADE_COLOURS[code])
    return QColor(FALLBACK_GRADE_COLOURS[min(position, len(FALLBACK_GRADE_COLOURS) - 1)])


def fit_from_sample(view, rows: int = 12) -> None:
    """Fit columns to the first ``rows`` rows only: measuring every cell of a 500-row table on the UI
    thread takes seconds."""
    view.verticalHeader().setResizeContentsPrecision(rows)
    view.horizontalHeader().setResizeContentsPrecision(rows)


def sortable_table(settings, key: str, columns) -> tuple[Table, RowsModel]:
    """A sortable, filterable table over a RowsModel, sized from its first rows (its layout kept under
    ``key``)."""
    model = RowsModel(columns)
    proxy = SortFilterProxy(model)
    proxy.setSourceModel(model)
    view = Table(settings, key)
    view.setModel(proxy)
    fit_from_sample(view)
    return view, model


def page_available(key: str) -> bool:
    return page_entry(key.partition("#")[0]) is not None


def open_page(widget: QWidget, key: str, employee_id: int | None = None) -> bool:
    """Switch the main window to page ``key`` ("results#signoffs": a tab of the page) and, when the
    page can, show ``employee_id`` there."""
    window = widget.window()
    show = getattr(window, "show_page", None)
    if show is None or not page_available(key):
        return False
    key, _hash, tab = key.partition("#")
    page = show(key)
    focus = getattr(page, "focus_employee", None)
    if employee_id is not None and callable(focus):
        focus(employee_id)
    show_tab = getattr(page, "show_tab", None)
    if tab and callable(show_tab):
        show_tab(tab)
    return True


@dataclass(frozen=True)
class Bar:
    code: str
    label: str
    count: int
    target: float | None = None  # expected count under the target curve


class GradeBars(QWidget):
    """One horizontal bar per grade with its count and share; a dashed tick marks the target count."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: list[Bar] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_bars(self, bars: Sequence[Bar]) -> None:
        self.bars = list(bars)
        self.updateGeometry()
        self.update()

    def _row_height(self) -> int:
        return self.fontMetrics().height() + 10

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(320, max(1, len(self.bars)) * self._row_height() + 4)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(200, max(1, len(self.bars)) * self._row_height() + 4)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = self.fontMetrics()
        label_width = max((metrics.horizontalAdvance(b.label) for b in self.bars), default=0) + 12
        number_width = metrics.horizontalAdvance("000 (100%)") + 12
        total = sum(b.count for b in self.bars)
        scale = max([b.count for b in self.bars] + [b.target or 0 for b in self.bars] + [1])
        width = max(10, self.width() - label_width - number_width)
        row = self._row_height()
        text_colour = self.palette().windowText().color()
        for i, bar in enumerate(self.bars):
            top = i * row + 2
            painter.setPen(text_colour)
            painter.drawText(QRectF(0, top, label_width - 6, row - 4),
                             int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), bar.label)
            length = width * bar.count / scale
            painter.fillRect(QRectF(label_width, top + 3, length, row - 10), grade_colour(bar.code, i))
            share = f"{bar.count / total:.0%}" if total else "–"
            painter.drawText(QRectF(label_width + length + 6, top, number_width + width - length, row - 4),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             f"{bar.count} ({share})")
            if bar.target is not None:
                x = label_width + width * bar.target / scale
                pen = painter.pen()
                pen.setColor(text_colour)
                pen.setStyle(Qt.PenStyle.DashLine)
                pen.setWidthF(1.5)
                painter.setPen(pen)
                painter.drawLine(int(x), top + 1, int(x), top + row - 5)
        painter.end()


class ProgressCard(QFrame):
    """A clickable card: a title, ``done of total`` with a bar, and a line of detail."""

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.title = QLabel()
        font = QFont(self.title.font())
        font.setBold(True)
        self.title.setFont(font)
        self.figure = QLabel()
        big = QFont(self.figure.font())
        big.setPointSizeF(big.pointSizeF() * 1.6)
        self.figure.setFont(big)
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(8)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addWidget(self.title)
        layout.addWidget(self.figure)
        layout.addWidget(self.bar)
        layout.addWidget(self.detail)
        layout.addStretch(1)

    def set_progress(self, done: int, total: int, detail: str = "") -> None:
        self.figure.setText(f"{display_value(done)} / {display_value(total)}")
        self.bar.setMaximum(max(total, 1))
        self.bar.setValue(min(done, max(total, 1)) if total else 0)
        self.bar.show()
        self.detail.setText(detail)

    def set_text(self, text: str, detail: str = "") -> None:
        self.figure.setText(text)
        self.bar.hide()
        self.detail.setText(detail)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
            return
        super().keyPressEvent(event)
