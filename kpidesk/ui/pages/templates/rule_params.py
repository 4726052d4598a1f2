"""The scoring rules a template item can use, their parameters, and a small editor for them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from kpidesk.i18n import N_, _


@dataclass(frozen=True)
class Param:
    key: str
    label: str  # English source, translated when shown
    default: str = ""  # shown as the placeholder; an empty field means the rule's default
    choices: tuple[str, ...] = ()
    kind: str = "number"  # "number", "text" (a field code) or "flag" (a check box, stored as true)


_LEVEL_POINTS = (
    Param("points_baseline", N_("Points at baseline"), "60"),
    Param("points_target", N_("Points at target"), "100"),
    Param("points_challenge", N_("Points at challenge"), "120"),
)
_LIMITS = (Param("floor", N_("Lowest score"), "0"), Param("cap", N_("Highest score")))
#: Automatic exemptions the scoring engine applies to a missed target (see domain.scoring).
_AUTOMATIC = (
    Param("department_rule", N_("No deduction when two thirds of the department missed"), kind="flag"),
    Param("workload_field", N_("Workload field (no deduction when far busier)"), kind="text"),
    Param("workload_ratio", N_("Far busier from (× department median)"), "1.2"),
)

RULES: dict[str, tuple[str, tuple[Param, ...]]] = {
    "three_level": (N_("Three levels (baseline / target / challenge)"), _LEVEL_POINTS + _LIMITS + _AUTOMATIC),
    "band": (N_("Band around a centre (widths as levels)"), (Param("centre", N_("Centre"), "0"),) + _LEVEL_POINTS + _LIMITS),
    "ratio": (N_("Ratio to target × 100"), (Param("cap", N_("Highest score"), "120"), Param("floor", N_("Lowest score"), "0"))),
    "deduction": (N_("Deduct points per step below target"), (
        Param("points", N_("Points per step")), Param("step", N_("Step size")),
        Param("mode", N_("Counting"), "proportional", ("proportional", "full_steps")),
        Param("tolerance", N_("Tolerance"), "0"), Param("full", N_("Full marks"), "100")) + _LIMITS + _AUTOMATIC),
    "occurrence": (N_("Deduct points per occurrence"), (
        Param("points", N_("Points per occurrence")), Param("free", N_("Free occurrences"), "0"),
        Param("full", N_("Full marks"), "100")) + _LIMITS),
    "table": (N_("Score table (threshold: points)"), (
        Param("bands", N_("Bands"), "95:100; 90:80; 85:60"), Param("otherwise", N_("Otherwise"), "0"))),
    "direct": (N_("Value is the score"), (Param("cap", N_("Highest score"), "100"), Param("floor", N_("Lowest score"), "0"))),
}

CHOICE_LABELS = {"proportional": N_("in proportion"), "full_steps": N_("whole steps only")}


def rule_label(rule: str) -> str:
    entry = RULES.get(rule)
    return _(entry[0]) if entry else rule


def short_rule_label(rule: str) -> str:
    """The rule's name without its explanation in brackets ("Three levels"), for narrow table cells."""
    text = rule_label(rule)
    for bracket in (" (", "（"):
        text = text.split(bracket)[0]
    return text.strip()


def format_bands(bands: Any) -> str:
    try:
        return "; ".join(f"{_plain(t)}:{_plain(p)}" for t, p in bands)
    except (TypeError, ValueError):
        return str(bands)


def parse_bands(text: str) -> list[list[float]]:
    """'95:100; 90:80' → [[95, 100], [90, 80]]; ValueError names the piece it cannot read."""
    bands = []
    for piece in text.replace("；", ";").replace("：", ":").replace(",", ";").split(";"):
        piece = piece.strip()
        if not piece:
            continue
        threshold, sep, points = piece.partition(":")
        if not sep:
            raise ValueError(piece)
        bands.append([float(threshold), float(points)])
    return bands


def _plain(value: Any) -> str:
    number = float(value)
    return f"{number:g}"


class RuleParamsEditor(QWidget):
    """Edits the parameters of one rule; ``changed`` fires on every edit with the new params."""

    changed = Signal(dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rule = "three_level"
        self.fields: dict[str, QLineEdit | QComboBox | QCheckBox] = {}
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.error: str | None = None

    def set_rule(self, rule: str, params: dict[str, Any]) -> None:
        self.rule = rule
        while self.form.rowCount():
            self.form.removeRow(0)
        self.fields = {}
        for param in RULES.get(rule, ("", ()))[1]:
            value = params.get(param.key)
            widget: QLineEdit | QComboBox | QCheckBox
            if param.kind == "flag":
                widget = QCheckBox()
                widget.setChecked(bool(value))
                widget.toggled.connect(self._emit)
            elif param.choices:
                widget = QComboBox()
                for choice in param.choices:
                    widget.addItem(_(CHOICE_LABELS.get(choice, choice)), choice)
                widget.setCurrentIndex(max(widget.findData(value or param.default), 0))
                widget.currentIndexChanged.connect(self._emit)
            else:
                widget = QLineEdit()
                widget.setPlaceholderText(param.default)
                if value is not None:
                    widget.setText(format_bands(value) if param.key == "bands" else _plain_or_text(value))
                widget.textEdited.connect(self._emit)
            widget.setObjectName(f"param_{param.key}")
            self.fields[param.key] = widget
            label = QLabel(_(param.label))
            label.setWordWrap(True)  # the long labels of the exemption options would widen the whole window
            self.form.addRow(label, widget)

    def params(self) -> dict[str, Any]:
        """The parameters typed so far; ValueError names a field that is not a number."""
        values: dict[str, Any] = {}
        kinds = {param.key: param.kind for param in RULES[self.rule][1]}
        for key, widget in self.fields.items():
            if isinstance(widget, QCheckBox):
                if widget.isChecked():
                    values[key] = True
                continue
            if isinstance(widget, QComboBox):
                choice = widget.currentData()
                if choice and choice != RULES[self.rule][1][[p.key for p in RULES[self.rule][1]].index(key)].default:
                    values[key] = choice
                continue
            text = widget.text().strip().replace("，", ",")
            if not text:
                continue
            if kinds[key] == "text":
                values[key] = text
                continue
            if key == "bands":
                try:
                    values[key] = parse_bands(text)
                except ValueError:
                    raise ValueError(_("Bands are written as threshold:points; threshold:points …")) from None
                continue
            try:
                values[key] = float(text.rstrip("%"))
            except ValueError:
                label = next(_(p.label) for p in RULES[self.rule][1] if p.key == key)
                raise ValueError(_("{field} must be a number.").format(field=label)) from None
        return values

    def _emit(self, *_args) -> None:
        try:
            params = self.params()
        except ValueError as exc:
            self.error = str(exc)
            return
        self.error = None
        self.changed.emit(params)


def _plain_or_text(value: Any) -> str:
    try:
        return _plain(value)
    except (TypeError, ValueError):
        return str(value)
