"""Small widgets and helpers shared by pages: tables that remember their columns, search boxes, banners."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QToolButton,
    QWidget,
)

from kpidesk.ui.icons import icon
from kpidesk.ui.machine_settings import table_columns


class Table(QTableView):
    """A sortable row-selecting table whose column widths and order are kept in QSettings."""

    def __init__(self, settings: QSettings, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._columns = table_columns(key)
        self._restored = False
        self.setSortingEnabled(True)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.sectionResized.connect(self._save)
        header.sectionMoved.connect(self._save)
        header.sortIndicatorChanged.connect(self._save)

    def restore_columns(self) -> None:
        """Call once the model is set: restores saved widths or fits the columns to their contents."""
        if self._restored:
            return
        state = self._columns.read(self._settings)
        header = self.horizontalHeader()
        if state is not None and header.restoreState(state):
            self._restored = True
            return
        if self.model() is not None and self.model().rowCount() > 0:
            # each column measured, then sized once (as resizeColumnsToContents would, plus a margin and
            # within limits): sizing every column twice relaid the table out twice per column
            for column in range(header.count() - 1):
                contents = max(self.sizeHintForColumn(column),
                               0 if header.isHidden() else header.sectionSizeHint(column))
                header.resizeSection(column, min(max(contents + 16, 70), 320))
            self._restored = True

    def _save(self, *_args) -> None:
        if self._restored:
            self._columns.write(self._settings, self.horizontalHeader().saveState())

    def fit_header(self, mode: QHeaderView.ResizeMode = QHeaderView.ResizeMode.Interactive) -> None:
        self.horizontalHeader().setSectionResizeMode(mode)


class SearchBox(QLineEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setClearButtonEnabled(True)
        self.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.setMinimumWidth(200)


def tool_button(icon_name: str, parent: QWidget | None = None) -> QToolButton:
    """A toolbar-style button with icon and text beside it."""
    button = QToolButton(parent)
    button.setIcon(icon(icon_name))
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    button.setAutoRaise(True)
    return button


class Banner(QFrame):
    """A coloured line of text above a page's content (read-only period, problems …)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        self.label = QLabel()
        self.label.setWordWrap(True)
        layout.addWidget(self.label, 1)
        self.set_kind("info")
        self.hide()

    def set_kind(self, kind: str) -> None:
        colours = {"info": ("#e8f0fe", "#1a3d7c"), "warning": ("#fff4e5", "#7a4100"), "error": ("#fdecea", "#8a1c1c")}
        background, text = colours.get(kind, colours["info"])
        self.setStyleSheet(f"#banner {{ background: {background}; border: 1px solid {text}33; border-radius: 4px; }}"
                           f"#banner QLabel {{ color: {text}; }}")

    def show_text(self, text: str, kind: str = "info") -> None:
        self.set_kind(kind)
        self.label.setText(text)
        self.show()


def heading(text: str = "", parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.3)
    font.setBold(True)
    label.setFont(font)
    return label
