"""KPIs & templates: the templates per position (weights, levels, rules, forms, shares; duplicate;
every save a new version) and the KPI library."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kpidesk.i18n import N_, _, pick
from kpidesk.services.library import use_cases as library
from kpidesk.services.library.kpis import FieldRow
from kpidesk.services.library.templates import TemplateSummary
from kpidesk.ui.context import AppContext, Changes
from kpidesk.ui.later_text import Later, message
from kpidesk.ui.pages.base import Page
from kpidesk.ui.pages.templates.editor import FormChoice, TemplateEditor, TemplateLists
from kpidesk.ui.pages.templates.kpi_library import KpiLibraryPanel
from kpidesk.ui.tasks import Task
from kpidesk.ui.undo_writes import WrittenChange
from kpidesk.ui.widgets import heading, tool_button


@dataclass(frozen=True)
class TemplatesData:
    templates: list[TemplateSummary]
    lists: TemplateLists
    fields: list[FieldRow]


def load_templates_data(db, actor, include_old: bool = False) -> TemplatesData:
    """The library, the positions and the forms a template can use, read in a worker."""
    from kpidesk.services.forms.use_cases import list_forms
    from kpidesk.services.people.use_cases import positions

    read = library.template_library(db, actor, include_old=include_old)
    listings, _problems = list_forms(db, actor)
    forms = [FormChoice(f.key, f.title_zh, f.title_en) for f in listings]
    lists = TemplateLists(read.kpis, positions(db, actor), forms, read.shares)
    return TemplatesData(read.templates, lists, read.fields)


class TemplatesPage(Page):
    watches = Changes.KPIS | Changes.TEMPLATES | Changes.STAFF | Changes.SETTINGS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.data = TemplatesData([], TemplateLists(), [])
        self._select_after: int | None = None
        self.title = heading()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("templateTabs")

        self.template_list = QListWidget()
        self.template_list.setObjectName("templateList")
        self.template_list.setSpacing(3)
        self.template_list.setWordWrap(True)
        self.template_list.currentItemChanged.connect(self._template_chosen)
        self.show_old = QCheckBox()
        self.show_old.toggled.connect(lambda _checked: self.refresh())
        self.new_button = tool_button("add")
        self.duplicate_button = tool_button("duplicate")
        self.new_button.clicked.connect(self.new_template)
        self.duplicate_button.clicked.connect(self.duplicate_template)
        list_buttons = QHBoxLayout()
        list_buttons.addWidget(self.new_button)
        list_buttons.addWidget(self.duplicate_button)
        list_buttons.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.template_list, 1)
        left_layout.addWidget(self.show_old)
        left_layout.addLayout(list_buttons)
        self.editor = TemplateEditor(ctx)
        self.editor.saved.connect(self._saved)
        self.editor.saved.connect(self._push_version)
        self._undo = QUndoStack(self)
        templates_tab = QSplitter()
        templates_tab.addWidget(left)
        templates_tab.addWidget(self.editor)
        templates_tab.setStretchFactor(1, 1)
        templates_tab.setSizes([190, 900])  # the list wraps long names; the KPI table needs the width

        self.library = KpiLibraryPanel(ctx)
        self.tabs.addTab(templates_tab, "")
        self.tabs.addTab(self.library, "")
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.tabs, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("KPIs & templates"))
        self.tabs.setTabText(0, _("Templates"))
        self.tabs.setTabText(1, _("KPI library"))
        self.new_button.setText(_("New template"))
        self.duplicate_button.setText(_("Duplicate"))
        self.show_old.setText(_("Show earlier versions"))
        self.editor.retranslate()
        self.library.retranslate()
        self._fill_list()

    def refresh(self) -> None:
        Task(self, load_templates_data, self.ctx.db, self.ctx.actor, self.show_old.isChecked()) \
            .success(self._loaded).start()

    def _loaded(self, data: TemplatesData) -> None:
        self.data = data
        self.editor.set_lists(data.lists)
        self.library.set_data(data.lists.kpis, data.fields)
        self._fill_list()

    def _fill_list(self) -> None:
        wanted = self._select_after or (self.editor.detail.id if self.editor.detail else None)
        self.template_list.blockSignals(True)
        self.template_list.clear()
        chosen = None
        for summary in self.data.templates:
            details = [summary.position or _("no position"), _("v{version}").format(version=summary.version)]
            if not summary.is_current:
                details.append(_("(earlier)"))
            item = QListWidgetItem(f"{summary.name}\n{' · '.join(details)}")
            item.setToolTip(_("{count} KPIs · weights {total}%").format(
                count=summary.items, total=f"{summary.weight_total.normalize():f}"))
            item.setData(Qt.ItemDataRole.UserRole, summary.id)
            self.template_list.addItem(item)
            if summary.id == wanted:
                chosen = item
        self.template_list.blockSignals(False)
        if chosen is None and self.template_list.count() and self.editor.detail is None and not self.editor.dirty:
            chosen = self.template_list.item(0)
        if chosen is not None:
            if self.template_list.currentItem() is chosen:
                return
            self.template_list.setCurrentItem(chosen)

    def prepare_screenshot(self) -> None:
        """A customer-service template with a ratio-style KPI selected, for the README."""
        chosen = next((t for t in self.data.templates if "客服代表" in (t.position or "")), None)
        if chosen is not None:
            self.select_template(chosen.id)

    def select_template(self, template_id: int) -> bool:
        for row in range(self.template_list.count()):
            item = self.template_list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == template_id:
                self.template_list.setCurrentItem(item)
                return True
        return False

    def _template_chosen(self, item: QListWidgetItem | None, previous: QListWidgetItem | None = None) -> None:
        if item is None:
            return
        template_id = item.data(Qt.ItemDataRole.UserRole)
        if self.editor.detail is not None and self.editor.detail.id == template_id and not self._select_after:
            return
        if self.editor.dirty and not self.ctx.dialogs.confirm(
                self, _("Unsaved changes"), _("Discard the changes to this template?"),
                action=_("Discard changes"), cancel=_("Keep editing"), destructive=True):
            self.template_list.blockSignals(True)
            self.template_list.setCurrentItem(previous)
            self.template_list.blockSignals(False)
            return
        self._select_after = None
        Task(self, library.template_detail, self.ctx.db, self.ctx.actor, template_id) \
            .success(self.editor.load).start()

    def new_template(self) -> None:
        if self.editor.dirty and not self.ctx.dialogs.confirm(
                self, _("Unsaved changes"), _("Discard the changes to this template?"),
                action=_("Discard changes"), cancel=_("Keep editing"), destructive=True):
            return
        self.template_list.blockSignals(True)
        self.template_list.clearSelection()
        self.template_list.setCurrentItem(None)
        self.template_list.blockSignals(False)
        self.editor.load(None)
        self.tabs.setCurrentIndex(0)
        self.editor.name_zh.setFocus()

    def duplicate_template(self) -> None:
        detail = self.editor.detail
        if detail is None:
            return
        Task(self, library.duplicate_template, self.ctx.db, self.ctx.actor, detail.id).writes(Changes.TEMPLATES) \
            .success(self._saved).start()

    def undo_stack(self) -> QUndoStack:
        return self._undo

    def _push_version(self, _template_id: int) -> None:
        """Saving a template adds a version; Undo saves the previous content as the next version (appraisals
        that already used a version keep it either way)."""
        before, after = self.editor.last_save
        if before is None or after is None:
            return
        db, actor, key = self.ctx.db, self.ctx.actor, before.key

        def save(data):
            return lambda: library.save_current_template_version(db, actor, key, data)

        text = message(N_("Edit template {name}"), name=Later(lambda: pick(before.name_zh, before.name_en)))
        self._undo.push(WrittenChange(self, text, save(after), save(before.as_input()), Changes.TEMPLATES,
                                      done=self._saved,
                                      failed=lambda error: self.ctx.dialogs.error(self, error)))

    def _saved(self, template_id: int) -> None:
        self._select_after = template_id
        self.editor.dirty = False
        if not self.select_template(template_id):
            return  # the reload queued after the write selects it
        self._select_after = None
