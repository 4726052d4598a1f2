"""Staff: the departments tree and the staff table; add, edit, transfer, mark as left, import a list."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kpidesk.i18n import N_, _
from kpidesk.services.people import staff
from kpidesk.services.people import use_cases as people
from kpidesk.services.people.staff import EmployeeRow
from kpidesk.ui.context import AppContext, Changes
from kpidesk.ui.later_text import message
from kpidesk.ui.models import ROW_ROLE, Column, RowsModel, SortFilterProxy
from kpidesk.ui.pages.base import Page
from kpidesk.ui.pages.staff.dialogs import EmployeeDialog, LeaveDialog, StaffLists, TransferDialog
from kpidesk.ui.tasks import Task
from kpidesk.ui.undo_writes import WrittenChange
from kpidesk.ui.widgets import SearchBox, Table, heading, tool_button

ALL_DEPARTMENTS = -1

STAFF_COLUMNS = [
    Column(N_("Staff no."), lambda r: r.staff_no),
    Column(N_("Name"), lambda r: r.name),
    Column(N_("Department"), lambda r: r.department),
    Column(N_("Position"), lambda r: r.position),
    Column(N_("Manager"), lambda r: r.manager),
    Column(N_("Hire date"), lambda r: r.hire_date),
    Column(N_("Status"), lambda r: _("Active") if r.active else _("Left {date}").format(date=r.leave_date or "")),
]


class StaffFilter(SortFilterProxy):
    """Text search over every column, plus a department (with its teams) and whether leavers show."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.department_ids: set[int] | None = None
        self.include_left = False

    def set_departments(self, ids: set[int] | None) -> None:
        self.beginFilterChange()
        self.department_ids = ids
        self.endFilterChange()

    def set_include_left(self, include: bool) -> None:
        self.beginFilterChange()
        self.include_left = include
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        row: EmployeeRow = self.sourceModel().index(source_row, 0, source_parent).data(ROW_ROLE)
        if row is None:
            return False
        if not self.include_left and not row.active:
            return False
        if self.department_ids is not None and row.department_id not in self.department_ids:
            return False
        return super().filterAcceptsRow(source_row, source_parent)


def load_lists(db, actor) -> StaffLists:
    departments, positions, employees = people.staff_lists(db, actor)
    return StaffLists(departments=departments, positions=positions, employees=employees)


class StaffPage(Page):
    watches = Changes.STAFF | Changes.SETTINGS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.lists = StaffLists([], [], [])
        self.dialog = None
        self._undo = QUndoStack(self)
        self._department_filter: int = ALL_DEPARTMENTS
        self._pending_select: int | None = None

        self.title = heading()
        self.tree = QTreeWidget()
        self.tree.setObjectName("departmentTree")
        self.tree.setHeaderHidden(True)
        self.tree.setColumnCount(1)
        self.tree.currentItemChanged.connect(self._department_chosen)
        self.new_department_button = tool_button("add")
        self.new_department_button.clicked.connect(self.add_department)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.departments_label = QLabel()
        left_layout.addWidget(self.departments_label)
        left_layout.addWidget(self.tree, 1)
        left_layout.addWidget(self.new_department_button)

        self.search = SearchBox()
        self.search.setObjectName("staffSearch")
        self.include_left = QCheckBox()
        self.add_button = tool_button("add")
        self.edit_button = tool_button("edit")
        self.transfer_button = tool_button("transfer")
        self.leave_button = tool_button("leave")
        self.import_button = tool_button("import")
        self.add_button.clicked.connect(self.add_employee)
        self.edit_button.clicked.connect(self.edit_employee)
        self.transfer_button.clicked.connect(self.transfer_employee)
        self.leave_button.clicked.connect(self.mark_left)
        self.import_button.clicked.connect(self.import_staff_list)

        self.model = RowsModel(STAFF_COLUMNS, parent=self)
        self.proxy = StaffFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = Table(ctx.settings, "staff")
        self.table.setObjectName("staffTable")
        self.table.setModel(self.proxy)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.doubleClicked.connect(lambda _index: self.edit_employee())
        self.table.selectionModel().currentRowChanged.connect(self._selection_changed)
        self.search.textChanged.connect(self._search_changed)
        self.include_left.toggled.connect(self._include_left_changed)
        self.count_label = QLabel()
        self.history_label = QLabel()
        self.history_label.setWordWrap(True)
        self.history_label.setObjectName("historyLabel")

        # the actions on a row of their own: beside the search box they made the page wider than the window
        actions = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.transfer_button, self.leave_button, self.import_button):
            actions.addWidget(button)
        actions.addStretch(1)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.include_left)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(actions)
        right_layout.addLayout(bar)
        right_layout.addWidget(self.table, 1)
        right_layout.addWidget(self.history_label)
        right_layout.addWidget(self.count_label)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([220, 800])
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(splitter, 1)
        self.retranslate()
        self._update_buttons()

    # -- page protocol ------------------------------------------------------------------------------
    def undo_stack(self) -> QUndoStack:
        return self._undo

    def retranslate(self) -> None:
        self.title.setText(_("Staff"))
        self.departments_label.setText(_("Departments"))
        self.new_department_button.setText(_("New department…"))
        self.search.setPlaceholderText(_("Search name, staff number, position…"))
        self.include_left.setText(_("Include staff who left"))
        self.add_button.setText(_("Add…"))
        self.add_button.setShortcut("Ctrl+Shift+N")
        self.edit_button.setText(_("Edit…"))
        self.transfer_button.setText(_("Transfer…"))
        self.leave_button.setText(_("Mark as left…"))
        self.import_button.setText(_("Import staff list…"))
        self.model.retranslate()
        self._fill_tree()
        self._update_count()

    def refresh(self) -> None:
        Task(self, load_lists, self.ctx.db, self.ctx.actor).success(self._loaded).start()

    def _loaded(self, lists: StaffLists) -> None:
        selected = self.selected_employee()
        self.lists = lists
        self.model.set_rows(lists.employees)
        self.table.restore_columns()
        self._fill_tree()
        self._apply_department_filter()
        if selected is not None:
            self.select_employee(selected.id)
        self._select_pending()
        self._update_count()
        self._update_buttons()

    # -- departments --------------------------------------------------------------------------------
    def _fill_tree(self) -> None:
        self.tree.blockSignals(True)
        self.tree.clear()
        root = QTreeWidgetItem([_("All departments")])
        root.setData(0, Qt.ItemDataRole.UserRole, ALL_DEPARTMENTS)
        self.tree.addTopLevelItem(root)
        items = {}
        current = root
        totals = self._staff_with_teams()
        for department in self.lists.departments:
            parent = items.get(department.parent_id, root)
            count = totals.get(department.id, 0)
            label = f"{department.name} ({count})" if count else department.name
            item = QTreeWidgetItem(parent, [label])
            item.setData(0, Qt.ItemDataRole.UserRole, department.id)
            if department.head:
                item.setToolTip(0, _("Head: {name}").format(name=department.head))
            items[department.id] = item
            if department.id == self._department_filter:
                current = item
        self.tree.expandAll()
        self.tree.setCurrentItem(current)
        self.tree.blockSignals(False)

    def _staff_with_teams(self) -> dict[int, int]:
        """Active staff per department, counting its teams too."""
        totals: dict[int, int] = {}
        parents = {d.id: d.parent_id for d in self.lists.departments}
        for department in self.lists.departments:
            node: int | None = department.id
            while node is not None:
                totals[node] = totals.get(node, 0) + department.staff
                node = parents.get(node)
        return totals

    def prepare_screenshot(self) -> None:
        if self.lists.employees:
            self.select_employee(self.lists.employees[min(1, len(self.lists.employees) - 1)].id)

    def _department_chosen(self, item: QTreeWidgetItem | None, _previous=None) -> None:
        self._department_filter = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else ALL_DEPARTMENTS
        self._apply_department_filter()

    def select_department(self, department_id: int) -> None:
        for item in self.tree.findItems("*", Qt.MatchFlag.MatchWildcard | Qt.MatchFlag.MatchRecursive):
            if item.data(0, Qt.ItemDataRole.UserRole) == department_id:
                self.tree.setCurrentItem(item)
                return

    def _apply_department_filter(self) -> None:
        if self._department_filter == ALL_DEPARTMENTS:
            self.proxy.set_departments(None)
        else:
            children: dict[int | None, list[int]] = {}
            for department in self.lists.departments:
                children.setdefault(department.parent_id, []).append(department.id)
            found, stack = set(), [self._department_filter]
            while stack:
                current = stack.pop()
                found.add(current)
                stack.extend(children.get(current, []))
            self.proxy.set_departments(found)
        self._update_count()

    def add_department(self) -> None:
        parent_id = None if self._department_filter == ALL_DEPARTMENTS else self._department_filter
        name = self.ctx.dialogs.ask_text(self, _("New department"), _("Name of the new department or team:"),
                                         required=True, action=_("Add department"))
        if not name:
            return
        Task(self, people.add_department, self.ctx.db, self.ctx.actor, name, parent_id).writes(Changes.STAFF) \
            .success(self._department_added).start()

    def _department_added(self, department_id: int) -> None:
        self._department_filter = department_id

    # -- employees ----------------------------------------------------------------------------------
    def selected_employee(self) -> EmployeeRow | None:
        index = self.table.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def select_employee(self, employee_id: int) -> bool:
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(ROW_ROLE).id == employee_id:
                self.table.setCurrentIndex(index)
                self.table.scrollTo(index)
                return True
        return False

    def visible_employees(self) -> list[EmployeeRow]:
        return [self.proxy.index(row, 0).data(ROW_ROLE) for row in range(self.proxy.rowCount())]

    def _search_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        self._update_count()

    def _include_left_changed(self, include: bool) -> None:
        self.proxy.set_include_left(include)
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), sum(1 for e in self.lists.employees if e.active)
        self.count_label.setText(_("{shown} shown · {total} active employees").format(shown=shown, total=total))

    def _selection_changed(self, *_args) -> None:
        self._update_buttons()
        employee = self.selected_employee()
        self.history_label.clear()
        if employee is not None and self.ctx.db is not None:
            Task(self, people.employee_moves, self.ctx.db, self.ctx.actor, employee.id).success(
                lambda moves, e=employee: self._show_moves(e, moves)).start()

    def _show_moves(self, employee: EmployeeRow, moves: list[staff.MoveRow]) -> None:
        current = self.selected_employee()
        if current is None or current.id != employee.id:
            return
        if not moves:
            self.history_label.clear()
            return
        parts = [
            _("{date}: {from_department} → {to_department}").format(
                date=move.moved_on, from_department=move.from_department or "—", to_department=move.to_department or "—")
            + (f" ({move.reason})" if move.reason else "")
            for move in moves
        ]
        self.history_label.setText(_("Transfers: {moves}").format(moves="; ".join(parts)))

    def _update_buttons(self) -> None:
        employee = self.selected_employee()
        writable = self.ctx.db is not None and not self.ctx.read_only
        self.add_button.setEnabled(writable)
        self.import_button.setEnabled(writable)
        self.new_department_button.setEnabled(writable)
        for button in (self.edit_button, self.transfer_button):
            button.setEnabled(writable and employee is not None)
        self.leave_button.setEnabled(writable and employee is not None and employee.active)

    def _open_dialog(self, dialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
        dialog.open()

    def add_employee(self) -> EmployeeDialog:
        department = None if self._department_filter == ALL_DEPARTMENTS else self._department_filter
        dialog = EmployeeDialog(self.ctx, self.lists, None, self, department_id=department)
        dialog.saved.connect(self._remember_selection)
        self._open_dialog(dialog)
        return dialog

    def edit_employee(self) -> EmployeeDialog | None:
        employee = self.selected_employee()
        if employee is None:
            return None
        dialog = EmployeeDialog(self.ctx, self.lists, employee, self)
        before = {"staff_no": employee.staff_no, "name": employee.name, "manager_id": employee.manager_id,
                  "hire_date": employee.hire_date}
        dialog.saved.connect(lambda _id: self._push_edit(employee, before, dialog.values()))
        self._open_dialog(dialog)
        return dialog

    def transfer_employee(self) -> TransferDialog | None:
        employee = self.selected_employee()
        if employee is None:
            return None
        dialog = TransferDialog(self.ctx, self.lists, employee, self)
        dialog.saved.connect(lambda _id: self._push_transfer(employee, dialog.transfer))
        self._open_dialog(dialog)
        return dialog

    def mark_left(self) -> LeaveDialog | None:
        employee = self.selected_employee()
        if employee is None or not employee.active:
            return None
        dialog = LeaveDialog(self.ctx, employee, self)
        dialog.saved.connect(lambda _id: self._push_leave(employee))
        self._open_dialog(dialog)
        return dialog

    def _remember_selection(self, employee_id: int) -> None:
        """Select a newly added employee once the reload (already queued after the write) has run."""
        self._pending_select = employee_id
        self._select_pending()

    def _select_pending(self) -> None:
        if self._pending_select is not None and self.select_employee(self._pending_select):
            self._pending_select = None

    def _push_edit(self, employee: EmployeeRow, before: dict, after: dict) -> None:
        db, actor, employee_id = self.ctx.db, self.ctx.actor, employee.id

        def apply(values: dict):
            return lambda: people.update_employee(db, actor, employee_id, **values)

        text = message(N_("Edit {name}"), name=employee.name)
        self._undo.push(WrittenChange(self, text, apply(after), apply(before), Changes.STAFF))

    def _push_transfer(self, employee: EmployeeRow, transfer) -> None:
        db, actor, employee_id = self.ctx.db, self.ctx.actor, employee.id

        def take_back() -> None:
            people.undo_transfer(db, actor, employee_id, reason=_("Undo"))

        text = message(N_("Transfer {name}"), name=employee.name)
        self._undo.push(WrittenChange(self, text, transfer, take_back, Changes.STAFF))

    def _push_leave(self, employee: EmployeeRow) -> None:
        db, actor, employee_id = self.ctx.db, self.ctx.actor, employee.id

        def reinstate() -> None:
            people.reinstate_employee(db, actor, employee_id, reason=_("Undo"))

        def leave_again() -> None:
            people.mark_left(db, actor, employee_id)

        text = message(N_("Mark {name} as left"), name=employee.name)
        self._undo.push(WrittenChange(self, text, leave_again, reinstate, Changes.STAFF))

    # -- import -------------------------------------------------------------------------------------
    def import_staff_list(self) -> None:
        from kpidesk.ui.pages.staff.importing import run_staff_import

        run_staff_import(self)
