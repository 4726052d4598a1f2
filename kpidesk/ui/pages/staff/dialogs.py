"""Dialogs of the Staff page: add/edit an employee, transfer, mark as left.

Each dialog is opened with ``open()`` (never a blocking ``exec()``), saves through a service call in
a Task and shows a service's refusal inline, keeping what the user typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kpidesk.i18n import _
from kpidesk.services.people import use_cases as people
from kpidesk.services.people.staff import DepartmentRow, EmployeeRow, PositionRow
from kpidesk.ui.context import AppContext, Changes
from kpidesk.ui.dialogs import error_text
from kpidesk.ui.tasks import Task

NO_DATE = QDate(1900, 1, 1)


@dataclass(frozen=True)
class StaffLists:
    """What the pickers offer (plain rows loaded by the page)."""

    departments: list[DepartmentRow]
    positions: list[PositionRow]
    employees: list[EmployeeRow]

    def department_depth(self, department: DepartmentRow) -> int:
        parents = {d.id: d.parent_id for d in self.departments}
        depth, parent = 0, department.parent_id
        while parent is not None and depth < 20:
            depth, parent = depth + 1, parents.get(parent)
        return depth


def _date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(NO_DATE)
    edit.setSpecialValueText("—")
    return edit


def _to_date(edit: QDateEdit) -> date | None:
    value = edit.date()
    return None if value == NO_DATE else date(value.year(), value.month(), value.day())


def _set_date(edit: QDateEdit, value: date | None) -> None:
    edit.setDate(QDate(value.year, value.month, value.day) if value else NO_DATE)


def _department_combo(lists: StaffLists, current: int | None) -> QComboBox:
    combo = QComboBox()
    combo.addItem("—", None)
    for department in lists.departments:
        combo.addItem("    " * lists.department_depth(department) + department.name, department.id)
    index = combo.findData(current)
    combo.setCurrentIndex(max(index, 0))
    return combo


def _position_combo(lists: StaffLists, current: str | None) -> QComboBox:
    """Editable: typing a position that does not exist yet creates it on save."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.addItem("")
    for position in lists.positions:
        combo.addItem(position.name, position.id)
    combo.setCurrentText(current or "")
    return combo


class _ServiceDialog(QDialog):
    """A form dialog whose OK runs ``work()`` as a write and closes only when it succeeded."""

    saved = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.form = QFormLayout()
        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setStyleSheet("color: #c62828;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)

    def ok_button(self):
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def work(self):  # pragma: no cover - overridden
        raise NotImplementedError

    def submit(self) -> None:
        self.error_label.hide()
        self.ok_button().setEnabled(False)
        try:
            work = self.work()
        except ValueError as exc:
            self._failed(exc)
            return
        Task(self, work).writes(Changes.STAFF).success(self._succeeded).failure(self._failed).start()

    def _succeeded(self, result) -> None:
        self.ok_button().setEnabled(True)
        self.saved.emit(result)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.ok_button().setEnabled(True)
        self.error_label.setText(error_text(error) if not isinstance(error, ValueError) else str(error))
        self.error_label.show()


class EmployeeDialog(_ServiceDialog):
    """Add a new employee, or edit one; department and position change only through a transfer."""

    def __init__(self, ctx: AppContext, lists: StaffLists, employee: EmployeeRow | None = None,
                 parent: QWidget | None = None, department_id: int | None = None) -> None:
        super().__init__(ctx, parent)
        self.employee = employee
        self.setObjectName("employeeDialog")
        self.staff_no = QLineEdit(employee.staff_no if employee else "")
        self.name = QLineEdit(employee.name if employee else "")
        self.department = _department_combo(lists, employee.department_id if employee else department_id)
        self.position = _position_combo(lists, employee.position if employee else None)
        self.manager = QComboBox()
        self.manager.addItem("—", None)
        for person in lists.employees:
            if person.active and (employee is None or person.id != employee.id):
                self.manager.addItem(f"{person.name} ({person.staff_no})", person.id)
        self.manager.setCurrentIndex(max(self.manager.findData(employee.manager_id if employee else None), 0))
        self.hire_date = _date_edit()
        _set_date(self.hire_date, employee.hire_date if employee else date.today())
        self.form.addRow(_("Staff number"), self.staff_no)
        self.form.addRow(_("Name"), self.name)
        self.form.addRow(_("Department"), self.department)
        self.form.addRow(_("Position"), self.position)
        self.form.addRow(_("Manager"), self.manager)
        self.form.addRow(_("Hire date"), self.hire_date)
        if employee is not None:
            self.department.setEnabled(False)
            self.position.setEnabled(False)
            note = QLabel(_("Use Transfer to change the department or position, so past appraisals keep theirs."))
            note.setWordWrap(True)
            self.form.addRow(note)
        self.setWindowTitle(_("Edit employee") if employee else _("Add employee"))
        self.ok_button().setText(_("Save") if employee else _("Add employee"))
        self.staff_no.textChanged.connect(self._check)
        self.name.textChanged.connect(self._check)
        self._check()

    def _check(self) -> None:
        self.ok_button().setEnabled(bool(self.staff_no.text().strip() and self.name.text().strip()))

    def values(self) -> dict:
        return {
            "staff_no": self.staff_no.text().strip(),
            "name": self.name.text().strip(),
            "manager_id": self.manager.currentData(),
            "hire_date": _to_date(self.hire_date),
        }

    def work(self):
        values = self.values()
        db, actor = self.ctx.db, self.ctx.actor
        if self.employee is not None:
            employee_id = self.employee.id

            return lambda: people.update_employee(db, actor, employee_id, **values)
        department_id = self.department.currentData()
        position_name = self.position.currentText().strip()
        return lambda: people.add_employee(db, actor, position_name=position_name, department_id=department_id,
                                           **values)


class TransferDialog(_ServiceDialog):
    def __init__(self, ctx: AppContext, lists: StaffLists, employee: EmployeeRow, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("transferDialog")
        self.employee = employee
        self.setWindowTitle(_("Transfer {name}").format(name=employee.name))
        self.ok_button().setText(_("Transfer"))
        self.department = _department_combo(lists, employee.department_id)
        self.position = _position_combo(lists, employee.position)
        self.moved_on = _date_edit()
        _set_date(self.moved_on, date.today())
        self.reason = QLineEdit()
        self.form.addRow(QLabel(_("From: {department} · {position}").format(
            department=employee.department or "—", position=employee.position or "—")))
        self.form.addRow(_("New department"), self.department)
        self.form.addRow(_("New position"), self.position)
        self.form.addRow(_("Effective from"), self.moved_on)
        self.form.addRow(_("Reason"), self.reason)
        note = QLabel(_("Past appraisals keep the department and position the employee had then."))
        note.setWordWrap(True)
        self.form.addRow(note)

    def work(self):
        db, actor, employee_id = self.ctx.db, self.ctx.actor, self.employee.id
        department_id = self.department.currentData()
        position_name = self.position.currentText().strip()
        on = _to_date(self.moved_on) or date.today()
        reason = self.reason.text().strip() or None
        if department_id == self.employee.department_id and position_name == (self.employee.position or ""):
            raise ValueError(_("Choose a new department or position."))
        self.transfer = transfer_write(db, actor, employee_id, department_id, position_name, on, reason)
        return self.transfer


def transfer_write(db, actor, employee_id: int, department_id: int | None, position_name: str, on: date,
                   reason: str | None):
    """The transfer as a background write; the page runs it again to redo after an undo."""

    return lambda: people.transfer_employee(db, actor, employee_id, department_id=department_id,
                                            position_name=position_name, on=on, reason=reason)


class LeaveDialog(_ServiceDialog):
    """Marks someone as left; nothing is deleted and Undo brings them back."""

    def __init__(self, ctx: AppContext, employee: EmployeeRow, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("leaveDialog")
        self.employee = employee
        self.setWindowTitle(_("Mark {name} as left").format(name=employee.name))
        self.ok_button().setText(_("Mark as left"))
        self.leave_date = _date_edit()
        _set_date(self.leave_date, date.today())
        self.reason = QLineEdit()
        explanation = QLabel(_("{name} stays on every past appraisal and is no longer appraised from "
                               "the leaving date.").format(name=employee.name))
        explanation.setWordWrap(True)
        self.form.addRow(explanation)
        self.form.addRow(_("Leaving date"), self.leave_date)
        self.form.addRow(_("Reason"), self.reason)

    def work(self):
        db, actor, employee_id = self.ctx.db, self.ctx.actor, self.employee.id
        on = _to_date(self.leave_date) or date.today()
        reason = self.reason.text().strip() or None

        return lambda: people.mark_left(db, actor, employee_id, on=on, reason=reason)
