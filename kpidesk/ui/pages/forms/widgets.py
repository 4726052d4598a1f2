"""Widgets of the appraisal-forms page: one criterion with its level anchors, and the side-by-side model.

A criterion is rated from the keyboard alone: its level chooser takes focus, 1–4 (or the arrow keys)
pick a level, Tab moves to the comment and on to the next criterion.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPlainTextEdit, QSizePolicy, QVBoxLayout, QWidget

from kpidesk.domain.forms import DISAGREEMENT_GAP, Criterion, Form
from kpidesk.i18n import _, current_language

_Index = QModelIndex | QPersistentModelIndex
GAP_TINT = QColor(229, 57, 53, 70)


def text_of(text) -> str:
    return text.pick(current_language()) if text else ""


class LevelCard(QFrame):
    """One level of a criterion: its number key, label and the behaviour that fits it."""

    clicked = Signal()

    def __init__(self, number: int, label: str, anchor: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("levelCard")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.title = QLabel(f"<b>{number}</b>&nbsp;&nbsp;<b>{label}</b>")
        self.anchor = QLabel(anchor)
        self.anchor.setWordWrap(True)
        self.anchor.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(3)
        layout.addWidget(self.title)
        layout.addWidget(self.anchor, 1)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.set_selected(False)

    def set_selected(self, selected: bool) -> None:
        self.setProperty("selected", selected)
        self.setStyleSheet(
            "QFrame#levelCard { border: 2px solid palette(highlight); border-radius: 5px;"
            " background: rgba(30,136,229,55); }" if selected else
            "QFrame#levelCard { border: 1px solid palette(mid); border-radius: 5px; }"
        )

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mousePressEvent(event)


class LevelChooser(QFrame):
    """The focusable row of level cards; digits and arrow keys choose."""

    chosen = Signal(object)  # the level id, or None

    def __init__(self, form: Form, criterion: Criterion, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("levelChooser")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.levels = list(form.scale.levels)
        self.level: str | None = None
        self.read_only = False
        self.cards: list[LevelCard] = []
        layout = QHBoxLayout(self)
        layout.setContentsMargins(3, 3, 3, 3)
        layout.setSpacing(6)
        for number, level in enumerate(self.levels, start=1):
            anchor = text_of(criterion.anchors.get(level.id))
            card = LevelCard(number, text_of(level.label), anchor, self)
            card.clicked.connect(lambda n=number - 1: self._clicked(n))
            self.cards.append(card)
            layout.addWidget(card, 1)
        self.setStyleSheet("QFrame#levelChooser { border: 2px solid transparent; border-radius: 6px; }"
                           "QFrame#levelChooser:focus { border: 2px dashed palette(highlight); }")

    def set_level(self, level_id: str | None, *, emit: bool = True) -> None:
        if level_id == self.level:
            return
        self.level = level_id
        for level, card in zip(self.levels, self.cards, strict=True):
            card.set_selected(level.id == level_id)
        if emit:
            self.chosen.emit(level_id)

    def position(self) -> int | None:
        ids = [level.id for level in self.levels]
        return ids.index(self.level) if self.level in ids else None

    def _clicked(self, position: int) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        if not self.read_only:
            self.set_level(self.levels[position].id)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        if self.read_only or event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            super().keyPressEvent(event)
            return
        text = event.text()
        if text.isdigit() and 1 <= int(text) <= len(self.levels):
            self.set_level(self.levels[int(text) - 1].id)
            return
        current = self.position()
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Up, Qt.Key.Key_Right, Qt.Key.Key_Down):
            step = -1 if key in (Qt.Key.Key_Left, Qt.Key.Key_Up) else 1
            position = 0 if current is None else min(len(self.levels) - 1, max(0, current + step))
            self.set_level(self.levels[position].id)
            return
        super().keyPressEvent(event)


class CriterionWidget(QFrame):
    """A criterion: title and weight, the level cards, the other rater's level, and the comment."""

    changed = Signal()

    def __init__(self, number: int, form: Form, criterion: Criterion, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("criterion")
        self.form = form
        self.criterion = criterion
        self.title = QLabel(f"<b>{number}. {text_of(criterion.title)}</b>  "
                            f"<span style='color: palette(mid)'>{criterion.weight.normalize():f}%</span>")
        self.description = QLabel(text_of(criterion.description))
        self.description.setWordWrap(True)
        self.other = QLabel()
        self.other.setObjectName("otherRating")
        self.other.setTextFormat(Qt.TextFormat.RichText)
        self.chooser = LevelChooser(form, criterion, self)
        self.chooser.chosen.connect(self._level_chosen)
        self.comment = QPlainTextEdit()
        self.comment.setObjectName("comment")
        self.comment.setTabChangesFocus(True)
        self.comment.setFixedHeight(self.comment.fontMetrics().lineSpacing() * 3 + 14)
        self.comment.textChanged.connect(self._comment_changed)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.other)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addLayout(top)
        layout.addWidget(self.description)
        layout.addWidget(self.chooser)
        layout.addWidget(self.comment)
        self.setStyleSheet("QFrame#criterion { border-bottom: 1px solid palette(mid); }")
        self._flagged = False
        self._update_comment_state()

    # -- values -------------------------------------------------------------------------------------
    @property
    def level(self) -> str | None:
        return self.chooser.level

    @property
    def comment_text(self) -> str:
        return self.comment.toPlainText().strip()

    def load(self, level: str | None, comment: str | None) -> None:
        self.chooser.set_level(level, emit=False)
        self.comment.blockSignals(True)
        self.comment.setPlainText(comment or "")
        self.comment.blockSignals(False)
        self._update_comment_state()

    def set_read_only(self, read_only: bool) -> None:
        self.chooser.read_only = read_only
        self.comment.setReadOnly(read_only)

    def needs_comment(self) -> bool:
        return self.level is not None and self.form.requires_comment(self.criterion.id, self.level) \
            and not self.comment_text

    # -- the other rater ----------------------------------------------------------------------------
    def show_other(self, role_label: str | None, level: str | None) -> None:
        """Show the counterpart's level (self for a manager, manager for self); mark a wide gap."""
        if role_label is None or level is None or level not in self.form.scale.ids:
            self.other.setText("")
            self._flagged = False
            return
        label = text_of(self.form.scale.level(level).label)
        gap = None
        if self.level in self.form.scale.ids:
            gap = abs(self.form.scale.rank(level) - self.form.scale.rank(self.level))
        self._flagged = gap is not None and gap >= DISAGREEMENT_GAP
        text = _("{role}: {level}").format(role=role_label, level=label)
        if self._flagged:
            text = "<span style='color:#c62828'><b>⚠ " + text + " · " + _("{gap} levels apart").format(gap=gap) \
                + "</b></span>"
        self.other.setText(text)
        self.other.setToolTip(_("Ratings two or more levels apart are discussed in the review meeting.")
                              if self._flagged else "")

    @property
    def flagged(self) -> bool:
        return self._flagged

    # -- internals ----------------------------------------------------------------------------------
    def _level_chosen(self, _level) -> None:
        self._update_comment_state()
        self.changed.emit()

    def _comment_changed(self) -> None:
        self._update_comment_state()
        self.changed.emit()

    def _update_comment_state(self) -> None:
        labels = [text_of(self.form.scale.level(i).label) for i in self.form.scale.ids
                  if i in self.form.comment_levels(self.criterion.id)]
        if self.level is not None and self.form.requires_comment(self.criterion.id, self.level):
            placeholder = _("Comment required for this level: give an example.")
        elif labels:
            placeholder = _("Comment (required when rated {levels})").format(levels=" / ".join(labels))
        else:
            placeholder = _("Comment (optional)")
        self.comment.setPlaceholderText(placeholder)
        missing = self.needs_comment()
        self.comment.setProperty("missing", missing)
        self.comment.setStyleSheet("QPlainTextEdit { border: 2px solid #e53935; }" if missing else "")


class ComparisonModel(QAbstractTableModel):
    """Self and manager side by side per criterion; rows two or more levels apart are marked."""

    COLUMNS = ("criterion", "self", "manager", "gap")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.form: Form | None = None
        self.self_levels: dict[str, str | None] = {}
        self.manager_levels: dict[str, str | None] = {}

    def set_levels(self, form: Form | None, self_levels, manager_levels) -> None:
        self.beginResetModel()
        self.form = form
        self.self_levels = dict(self_levels or {})
        self.manager_levels = dict(manager_levels or {})
        self.endResetModel()

    def gap(self, row: int) -> int | None:
        criterion = self.form.criteria[row]
        mine, theirs = self.self_levels.get(criterion.id), self.manager_levels.get(criterion.id)
        if mine not in self.form.scale.ids or theirs not in self.form.scale.ids:
            return None
        return abs(self.form.scale.rank(mine) - self.form.scale.rank(theirs))

    def flagged_rows(self) -> list[int]:
        return [row for row in range(self.rowCount()) if (self.gap(row) or 0) >= DISAGREEMENT_GAP]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() or self.form is None else len(self.form.criteria)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.form is None or not (0 <= index.row() < len(self.form.criteria)) \
                or not (0 <= index.column() < len(self.COLUMNS)):
            return None
        criterion = self.form.criteria[index.row()]
        column = self.COLUMNS[index.column()]
        gap = self.gap(index.row())
        flagged = gap is not None and gap >= DISAGREEMENT_GAP
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "criterion":
                return text_of(criterion.title)
            if column == "gap":
                return "" if gap is None else (f"⚠ {gap}" if flagged else str(gap))
            levels = self.self_levels if column == "self" else self.manager_levels
            level = levels.get(criterion.id)
            return text_of(self.form.scale.level(level).label) if level in self.form.scale.ids else "—"
        if role == Qt.ItemDataRole.BackgroundRole and flagged:
            return QBrush(GAP_TINT)
        if role == Qt.ItemDataRole.ToolTipRole and flagged:
            return _("Self and manager are {gap} levels apart on this criterion.").format(gap=gap)
        if role == Qt.ItemDataRole.TextAlignmentRole and column != "criterion":
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if not 0 <= section < len(self.COLUMNS):
            return None
        return (_("Criterion"), _("Self"), _("Manager"), _("Gap"))[section]
