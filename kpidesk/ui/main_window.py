"""The main window: sidebar of pages, the page stack, menus, toolbar and status bar. (long: menus, toolbar, status bar, opening files and the period choice all wire into the one window)

Over 500 lines: menus, pages, periods and opening databases share the window's state; Help's windows are
in ``kpidesk.ui.help``.

Pages come from the registry in ``kpidesk.ui.pages`` and are built the first time they are shown.
Opening a database always happens in the background; the window is painted before it starts.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QUndoGroup
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from kpidesk.i18n import N_, _, set_language
from kpidesk.ui import machine_settings as machine
from kpidesk.ui.context import AppContext, Changes
from kpidesk.ui.icons import icon
from kpidesk.ui.pages import PAGES, PageEntry

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent, QPaintEvent

    from kpidesk.services.appraisal.use_cases import PeriodChoice
    from kpidesk.ui.file_drop import ImportFileDrops
    from kpidesk.ui.later_text import StatusMessages
    from kpidesk.ui.opening import Opened
    from kpidesk.ui.pages.results.ahead import AheadComputation
    from kpidesk.ui.tasks import Task
    from kpidesk.ui.welcome import WelcomeDialog

DB_FILTER_SOURCE = N_("KPI Desk database (*.db *.sqlite *.kpidesk);;All files (*)")
MAX_RECENT = 8
#: The results are computed ahead once the person paused this long since their last key press, click or
#: wheel turn, or since the work they started ended (``ui.user_input``); the page on screen is painted by then.
RESULTS_AHEAD_PAUSE_MS = 1000


class _Placeholder(QWidget):
    """Stands in for a page until it is built, and says why the page is empty.

    Laid out with stretches rather than alignment flags: touching ``Qt``'s enum namespace costs
    tens of milliseconds before the first paint.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.label)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)


class MainWindow(QMainWindow):
    first_painted = Signal()
    database_ready = Signal()  # a database was adopted and the current page filled

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("mainWindow")
        self.setWindowIcon(icon("kpidesk"))
        self._painted = False
        self._opening = False
        self.welcome: WelcomeDialog | None = None
        self.pages: dict[str, QWidget] = {}
        self.placeholders: dict[str, _Placeholder] = {}
        self.undo_group = QUndoGroup(self)
        self._periods: list[PeriodChoice] = []
        self.new_period_dialog: QWidget | None = None
        self._shortcuts: list[tuple[QAction, str]] = []  # installed after the first paint
        self._plain_sidebar_icons = True  # until finish_after_paint
        self._results_ahead = False  # the current period is to be computed for Results once the window idles
        self._ahead: AheadComputation | None = None

        self._build_central()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        ctx.database_changed.connect(self._on_database_changed)
        ctx.period_changed.connect(self._on_period_changed)
        ctx.changed.connect(self._on_changes)
        ctx.language_changed.connect(self._on_language_changed)
        self._watching_tasks = False  # the workers are made with the first task, after the first paint
        self.file_drops: ImportFileDrops | None = None  # installed after the first paint
        self.retranslate()
        self._restore_geometry()

    # -- construction -------------------------------------------------------------------------------
    def _build_central(self) -> None:
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setIconSize(QSize(22, 22))
        self.sidebar.setSpacing(2)
        self.sidebar.setUniformItemSizes(True)
        self.stack = QStackedWidget()
        for entry in PAGES:
            # row i is PAGES[i]; the plain icon until the first paint, then the one drawn white when selected
            self.sidebar.addItem(QListWidgetItem(icon(entry.icon), ""))
        if PAGES:
            self._placeholder(PAGES[0].key)  # what the stack shows until a page is chosen
        self.sidebar.currentRowChanged.connect(self._on_sidebar_row)
        splitter = QSplitter()
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.sidebar)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([190, 900])
        self.splitter = splitter
        self.setCentralWidget(splitter)

    def _placeholder(self, key: str) -> _Placeholder:
        """The stand-in for page ``key``, made when first needed: the first frame shows only one."""
        placeholder = self.placeholders.get(key)
        if placeholder is None:
            placeholder = self.placeholders[key] = _Placeholder()
            self._label_placeholder(placeholder)
            self.stack.addWidget(placeholder)
        return placeholder

    def _label_placeholder(self, placeholder: _Placeholder) -> None:
        placeholder.label.setText(
            _("Opening the database…") if self._opening or self.ctx.db is not None else _("No database is open."))

    def _fit_sidebar(self) -> None:
        """The sidebar is never narrower than its longest page title: a wide page used to squeeze it to
        "Overv…" with a scroll bar of its own (switched off for good after the first paint)."""
        widest = self.sidebar.sizeHintForColumn(0) + 2 * self.sidebar.frameWidth() + 2 * self.sidebar.spacing()
        self.sidebar.setMinimumWidth(widest + 4)

    def _action(self, name: str, shortcut: str | None = None, slot=None, icon_name: str | None = None) -> QAction:
        """``shortcut``: the keys as text ("Ctrl+Shift+S"), or "standard:" and the name of the platform's
        standard key (``QKeySequence.StandardKey``); set after the first paint (``install_shortcuts``)."""
        action = QAction(self)
        action.setObjectName(name)
        if icon_name:
            action.setIcon(icon(icon_name))
        if shortcut is not None:
            self._shortcuts.append((action, shortcut))
        if slot is not None:
            action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        self.new_action = self._action("new", "standard:New", self.new_database, "new")
        self.open_action = self._action("open", "standard:Open", self.choose_database, "open")
        self.server_action = self._action("server", None, self.connect_to_server)
        self.save_copy_action = self._action("saveCopy", "Ctrl+Shift+S", self.save_copy,
                                             "backup")  # Ctrl+S saves in the editors
        self.new_period_action = self._action("newPeriod", None, self.new_period, "add")
        self.quit_action = self._action("quit", "standard:Quit", self.close)
        # our own actions rather than QUndoGroup's: those keep the "Undo" prefix of the language they
        # were made in, so after a language switch the menu mixed two languages
        self.undo_action = self._action("undo", "standard:Undo", self.undo_group.undo, "undo")
        self.redo_action = self._action("redo", "standard:Redo", self.undo_group.redo, "redo")
        self.undo_group.canUndoChanged.connect(self.undo_action.setEnabled)
        self.undo_group.canRedoChanged.connect(self.redo_action.setEnabled)
        self.undo_group.undoTextChanged.connect(lambda _text: self._retranslate_undo())
        self.undo_group.redoTextChanged.connect(lambda _text: self._retranslate_undo())
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)
        self.about_action = self._action("about", None, self.show_about)
        self.guide_action = self._action("userGuide", "standard:HelpContents", self.show_user_guide)
        self.log_folder_action = self._action("logFolder", None, self.open_log_folder)
        self.guide_window = None
        self.page_actions: list[QAction] = []
        for number, entry in enumerate(PAGES, start=1):
            shortcut = f"Ctrl+{number}" if number <= 9 else None
            action = self._action(f"page_{entry.key}", shortcut, lambda _c=False, k=entry.key: self.show_page(k),
                                  entry.icon)
            self.page_actions.append(action)
        self.language_group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for preference in ("system", "zh_CN", "en"):
            action = self._action(f"lang_{preference}", None, lambda _c=False, p=preference: self.switch_language(p))
            action.setCheckable(True)
            self.language_group.addAction(action)
            self.language_actions[preference] = action
        current = machine.LANGUAGE.read(self.ctx.settings)
        self.language_actions.get(current, self.language_actions["system"]).setChecked(True)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.file_menu.addAction(self.new_action)
        self.file_menu.addAction(self.open_action)
        self.file_menu.addAction(self.server_action)
        self.recent_menu = QMenu(self)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self.file_menu.addMenu(self.recent_menu)
        self.file_menu.addAction(self.save_copy_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.new_period_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.edit_menu = bar.addMenu("")
        self.edit_menu.addAction(self.undo_action)
        self.edit_menu.addAction(self.redo_action)
        self.view_menu = bar.addMenu("")
        for action in self.page_actions:
            self.view_menu.addAction(action)
        self.view_menu.addSeparator()
        self.language_menu = QMenu(self)
        for action in self.language_actions.values():
            self.language_menu.addAction(action)
        self.view_menu.addMenu(self.language_menu)
        self.help_menu = bar.addMenu("")
        self.help_menu.addAction(self.guide_action)
        self.help_menu.addAction(self.log_folder_action)
        self.help_menu.addSeparator()
        self.help_menu.addAction(self.about_action)

    def _build_toolbar(self) -> None:
        toolbar = QToolBar()
        toolbar.setObjectName("mainToolbar")
        toolbar.setIconSize(QSize(20, 20))
        toolbar.setMovable(False)
        toolbar.addAction(self.new_action)
        toolbar.addAction(self.open_action)
        toolbar.addAction(self.save_copy_action)
        toolbar.addSeparator()
        toolbar.addAction(self.undo_action)
        toolbar.addAction(self.redo_action)
        toolbar.addSeparator()
        self.period_label = QLabel()
        self.period_combo = QComboBox()
        self.period_combo.setObjectName("periodCombo")
        self.period_combo.setMinimumContentsLength(14)
        self.period_combo.currentIndexChanged.connect(self._on_period_combo)
        self.period_label.setBuddy(self.period_combo)
        toolbar.addWidget(self.period_label)
        toolbar.addWidget(self.period_combo)
        toolbar.addAction(self.new_period_action)
        self.addToolBar(toolbar)
        self.toolbar = toolbar

    def _build_status_bar(self) -> None:
        self.database_status = QLabel()
        self.database_status.setObjectName("databaseStatus")
        self.period_status = QLabel()
        self.period_status.setObjectName("periodStatus")
        self.statusBar().addPermanentWidget(self.period_status)
        self.statusBar().addPermanentWidget(self.database_status)
        self._status_messages: StatusMessages | None = None  # made with the first message

    @property
    def status_messages(self) -> StatusMessages:
        """The status bar's messages, which follow a language switch."""
        if self._status_messages is None:
            from kpidesk.ui.later_text import StatusMessages

            self._status_messages = StatusMessages(self.statusBar())
        return self._status_messages

    def _on_language_changed(self, _language: str) -> None:
        from kpidesk.ui.later_text import relabel_undo_steps

        relabel_undo_steps(self.undo_group)
        if self._status_messages is not None:
            self._status_messages.retranslate()
        self.retranslate()

    # -- texts --------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.file_menu.setTitle(_("&File"))
        self.edit_menu.setTitle(_("&Edit"))
        self.view_menu.setTitle(_("&View"))
        self.help_menu.setTitle(_("&Help"))
        self.new_action.setText(_("&New database…"))
        self.open_action.setText(_("&Open database…"))
        self.server_action.setText(_("Connect to a server &database…"))
        self.recent_menu.setTitle(_("Open &recent"))
        self.save_copy_action.setText(_("&Save a copy (backup)…"))
        self.quit_action.setText(_("&Quit"))
        self.new_period_action.setText(_("New &period…"))
        self.new_period_action.setToolTip(_("Start the next period: see who it appraises, then open it"))
        self._retranslate_undo()
        self.about_action.setText(_("&About KPI Desk"))
        self.guide_action.setText(_("User &guide"))
        self.log_folder_action.setText(_("Open &log folder"))
        self.language_menu.setTitle(_("&Language"))
        self.language_actions["system"].setText(_("Follow the system"))
        self.language_actions["zh_CN"].setText("中文")
        self.language_actions["en"].setText("English")
        self.period_label.setText(_("&Period:") + " ")
        for index, entry in enumerate(PAGES):
            title = _(entry.title)
            self.sidebar.item(index).setText(title)
            self.page_actions[index].setText(title.replace("&", "&&"))  # "KPIs & templates" has no mnemonic
        for placeholder in self.placeholders.values():
            self._label_placeholder(placeholder)
        self._fit_sidebar()
        self._fill_period_combo()
        self._update_status()
        self._tooltips_with_shortcuts()
        if self.welcome is not None:
            self.welcome.retranslate()

    def _retranslate_undo(self) -> None:
        """'Undo <what>' in the current language; the step's own text is already translated."""
        for action, label, text in ((self.undo_action, _("&Undo"), self.undo_group.undoText()),
                                    (self.redo_action, _("&Redo"), self.undo_group.redoText())):
            action.setText(f"{label} {text}" if text else label)
        self._tooltips_with_shortcuts()

    def _update_status(self) -> None:
        # Qt appends the application's display name to every window title itself: the title holds
        # only the database, else the name showed twice ("demo.db — KPI Desk 绩效考核 — KPI Desk")
        QApplication.setApplicationDisplayName(_("KPI Desk"))
        db = self.ctx.db
        if db is None:
            self.database_status.setText(_("No database") if not self._opening else _("Opening the database…"))
            self.setWindowTitle("")
        else:
            name = db.path.name if db.path else db.display_name
            text = _("Database: {name}").format(name=name)
            if db.schema_too_new:
                text += " " + _("(read-only)")
            self.database_status.setText(text)
            self.database_status.setToolTip(db.display_name)
            self.setWindowTitle(name)
        period = self._period_info(self.ctx.period_code)
        if period is None:
            self.period_status.setText(_("No period"))
        else:
            from kpidesk.services.appraisal.status_words import period_status_text

            self.period_status.setText(
                _("Period: {code} ({status})").format(code=period.code, status=period_status_text(period.status))
            )

    # -- pages --------------------------------------------------------------------------------------
    def page_keys(self) -> list[str]:
        return [entry.key for entry in PAGES]

    def current_page_key(self) -> str | None:
        row = self.sidebar.currentRow()
        return PAGES[row].key if 0 <= row < len(PAGES) else None

    def show_page(self, key: str) -> QWidget | None:
        keys = self.page_keys()
        if key not in keys:
            return None
        self.sidebar.setCurrentRow(keys.index(key))
        return self.pages.get(key)

    def page(self, key: str) -> QWidget | None:
        """The page widget for ``key``, building it if a database is open."""
        if key not in self.pages and self.ctx.db is not None:
            entry = next(e for e in PAGES if e.key == key)
            self._build_page(entry)
        return self.pages.get(key)

    def _show_pages_allowed(self, actor) -> None:
        """Hide the pages the login may not use at all (the services refuse them anyway)."""
        from kpidesk.services.safety.access import Permission, may_somewhere

        for row, entry in enumerate(PAGES):
            hidden = bool(entry.needs) and not any(may_somewhere(actor, Permission(p)) for p in entry.needs)
            self.sidebar.setRowHidden(row, hidden)
            self.page_actions[row].setVisible(not hidden)
            if hidden and self.sidebar.currentRow() == row:
                self.sidebar.setCurrentRow(0)

    def _build_page(self, entry: PageEntry) -> None:
        try:
            cls = entry.load()
            widget = cls(self.ctx)
        except Exception as exc:  # a broken page must not take the window down
            import logging

            logging.getLogger(__name__).exception("cannot build page %s", entry.key)
            self._placeholder(entry.key).label.setText(_("This page cannot be shown: {error}").format(error=exc))
            return
        self.stack.addWidget(widget)
        self.pages[entry.key] = widget
        stack = widget.undo_stack() if hasattr(widget, "undo_stack") else None
        if stack is not None:
            self.undo_group.addStack(stack)

    def _on_sidebar_row(self, row: int) -> None:
        if not 0 <= row < len(PAGES):
            return
        entry = PAGES[row]
        if self.ctx.db is not None:  # focus can select the first row before a database is open
            machine.LAST_PAGE.write(self.ctx.settings, entry.key)
        widget = self.page(entry.key)
        self.stack.setCurrentWidget(widget or self._placeholder(entry.key))
        stack = widget.undo_stack() if widget is not None and hasattr(widget, "undo_stack") else None
        self.undo_group.setActiveStack(stack)

    def _initial_row(self) -> int:
        last = machine.LAST_PAGE.read(self.ctx.settings)
        keys = self.page_keys()
        return keys.index(last) if last in keys and not self.sidebar.isRowHidden(keys.index(last)) else 0

    def _first_page_modules(self) -> tuple[str, ...]:
        return PAGES[self._initial_row()].modules() if PAGES else ()

    def _select_initial_page(self) -> None:
        row = self._initial_row()
        if self.sidebar.currentRow() == row:
            self._on_sidebar_row(row)
        else:
            self.sidebar.setCurrentRow(row)

    # -- periods ------------------------------------------------------------------------------------
    def _period_info(self, code: str | None) -> PeriodChoice | None:
        return next((p for p in self._periods if p.code == code), None)

    def _may_open_periods(self) -> bool:
        if self.ctx.db is None or self.ctx.read_only:
            return False  # and nothing heavy is imported before the first paint
        actor = self.ctx.actor
        from kpidesk.services.safety.access import Permission, can

        return can(actor, Permission.PERIODS_MANAGE)

    def new_period(self) -> None:
        """Show "New period…" with the next period proposed (window-modal, so the window stays responsive)."""
        from kpidesk.ui.new_period import NewPeriodDialog

        if not self._may_open_periods():
            return
        dialog = NewPeriodDialog(self.ctx, self)
        self.new_period_dialog = dialog
        dialog.open()
        dialog.start()

    def _fill_period_combo(self) -> None:
        combo = self.period_combo
        combo.blockSignals(True)
        combo.clear()
        if self._periods:
            from kpidesk.services.appraisal.status_words import period_status_text
        for period in reversed(self._periods):
            combo.addItem(f"{period.code} · {period_status_text(period.status)}", period.code)
        index = combo.findData(self.ctx.period_code)
        combo.setCurrentIndex(index)
        combo.setEnabled(bool(self._periods))
        combo.blockSignals(False)
        self.new_period_action.setEnabled(self._may_open_periods())

    def _on_period_combo(self, index: int) -> None:
        code = self.period_combo.itemData(index)
        if code:
            self.ctx.set_period(code)
            machine.LAST_PERIOD.write(self.ctx.settings, code)

    def _on_period_changed(self, code: str) -> None:
        index = self.period_combo.findData(code)
        if index != self.period_combo.currentIndex():
            self.period_combo.blockSignals(True)
            self.period_combo.setCurrentIndex(index)
            self.period_combo.blockSignals(False)
        self._update_status()

    def _on_changes(self, changes: Changes) -> None:
        if changes & Changes.PERIODS and self.ctx.db is not None:
            from kpidesk.services.appraisal.use_cases import list_periods
            from kpidesk.ui.tasks import Task

            Task(self, list_periods, self.ctx.db, self.ctx.actor).success(self._periods_loaded).start()

    def _periods_loaded(self, periods: list[PeriodChoice]) -> None:
        from kpidesk.ui import opening

        self._periods = periods
        if self.ctx.period_code not in {p.code for p in periods}:
            self.ctx.set_period(opening.default_period(periods))
        self._fill_period_combo()
        self._update_status()

    # -- opening databases ----------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self._after_first_paint)

    def _after_first_paint(self) -> None:
        self.finish_after_paint()
        self.first_painted.emit()

    def finish_after_paint(self) -> None:
        """What the first frame does not show, done once it is on screen (again, harmlessly, when a
        database is adopted first): Qt's own texts in our language (its dialogs), keyboard shortcuts,
        the white icons of a selected sidebar row and the sidebar's scroll bar policy. Each needs Qt's
        ``Qt`` namespace, its key or locale enumerations or a translation file, which take milliseconds
        to build or read."""
        from PySide6.QtCore import Qt

        from kpidesk.ui.icons import sidebar_icon

        self.ctx.apply_qt_language()
        self.ctx.user_input.watch(self.windowHandle())
        self.install_shortcuts()
        if self.file_drops is None:
            from kpidesk.ui.file_drop import ImportFileDrops

            self.file_drops = ImportFileDrops(self)
        if self._plain_sidebar_icons:
            self._plain_sidebar_icons = False
            for row, entry in enumerate(PAGES):
                self.sidebar.item(row).setIcon(sidebar_icon(entry.icon))
        self.sidebar.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def install_shortcuts(self) -> None:
        """Keyboard shortcuts are set after the first paint: converting them builds Qt's large key
        enumeration, which would otherwise delay the window by tens of milliseconds."""
        from PySide6.QtGui import QKeySequence

        for action, shortcut in self._shortcuts:
            _keys, _sep, standard = shortcut.partition("standard:")
            action.setShortcut(QKeySequence(getattr(QKeySequence.StandardKey, standard)) if standard
                               else QKeySequence(shortcut))
        self._shortcuts.clear()
        self._tooltips_with_shortcuts()

    def _tooltips_with_shortcuts(self) -> None:
        """Toolbar tooltips name the key as well ("Undo (Ctrl+Z)"), in the current language. Until the
        shortcuts are installed no action has a key to name, so there is nothing to do."""
        if self._shortcuts:
            return
        from PySide6.QtGui import QKeySequence

        for action in self.findChildren(QAction):
            keys = action.shortcut()
            if keys.isEmpty():
                continue
            plain = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…")
            plain = re.sub(r"\(\w\)$", "", plain).strip()  # the "(&U)" of Chinese menu texts
            action.setToolTip(f"{plain} ({keys.toString(QKeySequence.SequenceFormat.NativeText)})")

    def start(self, target: str | None = None) -> None:
        """After the first paint: open the file named, else the last one used, else welcome the user."""
        from kpidesk.ui import opening

        if target is None:
            last = machine.LAST_DATABASE.read(self.ctx.settings)
            if last and Path(last).is_file():
                target = last
        if target is None:
            default = opening.default_database_path()
            if default.is_file() and default.stat().st_size > 0:
                actor = self.ctx.actor
                self._open(lambda: opening.open_file(default, actor), welcome_if_empty=True, quiet=True)
                return
            self.show_welcome()
            return
        actor = self.ctx.actor
        self._open(lambda: opening.open_file(target, actor), quiet=True)

    def _set_opening(self, opening_now: bool) -> None:
        self._opening = opening_now
        self.retranslate()

    def _open(self, work, *, label: str | None = None, welcome_if_empty: bool = False,
              quiet: bool = False) -> Task:
        """Open in the background. ``quiet``: no garbage collection while the file opens (opening loads
        SQLAlchemy, the models and the services, and the collector's passes over what they make cost tens
        of milliseconds of the start); not for building a demo or a library, which makes far more objects."""
        from kpidesk.ui import opening
        from kpidesk.ui.gc_pause import quiet_imports
        from kpidesk.ui.tasks import Task

        self._set_opening(True)
        modules = self._first_page_modules()

        def open_and_warm():
            if quiet:
                with quiet_imports():
                    opened = work()
            else:
                opened = work()
            opening.warm_imports(modules)
            return opened

        task = Task(self, open_and_warm)
        if label is not None:
            task.with_progress(label)
        return (
            task.success(lambda opened: self._adopt(opened, welcome_if_empty))
            .failure(self._open_failed)
            .start()
        )

    def _open_failed(self, error: BaseException) -> None:
        from kpidesk.errors import KeyNeeded, WrongKey

        self._set_opening(False)
        if isinstance(error, (KeyNeeded, WrongKey)) and error.path is not None:
            if isinstance(error, WrongKey):
                self.ctx.dialogs.error(self, error, _("The database could not be opened"))
            if self._ask_passphrase_and_open(Path(error.path)):
                return
        else:
            self.ctx.dialogs.error(self, error, _("The database could not be opened"))
        if self.ctx.db is None:
            self.show_welcome()

    def _ask_passphrase_and_open(self, path: Path) -> bool:
        """An encrypted file whose key this computer does not keep: ask for its passphrase and open again."""
        passphrase = self.ctx.dialogs.ask_secret(
            self, _("Encrypted database"),
            _("{name} is encrypted. Its passphrase (with logins on, the administrator's password):").format(
                name=path.name))
        if passphrase is None:
            return False
        self.open_path(path, passphrase=passphrase)
        return True

    def _adopt(self, opened: Opened, welcome_if_empty: bool = False) -> None:
        self._opening = False
        if welcome_if_empty and not opened.has_data:
            opened.db.dispose()
            self.retranslate()
            self.show_welcome()
            return
        from kpidesk.ui.login import log_in_if_required

        actor = log_in_if_required(self, self.ctx.dialogs, opened.db, self.ctx.actor, opened.needs_login)
        if actor is None:  # no login: the database stays closed
            opened.db.dispose()
            self.retranslate()
            if self.ctx.db is None:
                self.show_welcome()
            return
        self.ctx.actor = actor
        self._show_pages_allowed(actor)
        self._periods = list(opened.periods)
        remembered = machine.LAST_PERIOD.read(self.ctx.settings)
        codes = {p.code for p in self._periods}
        period = remembered if remembered in codes else opened.current_period
        if opened.db.path is not None:
            self._remember_recent(str(opened.db.path))
        for warning in opened.db.warnings:
            self.statusBar().showMessage(warning, 15000)
        self.finish_after_paint()
        self.ctx.set_database(opened.db, period)
        self.retranslate()
        self.database_ready.emit()
        if not self._watching_tasks:
            self._watching_tasks = True
            self.ctx.tasks.busy_changed.connect(self._on_busy_changed)
        self._results_ahead = True  # started once the page's loading has ended (``_on_busy_changed``)

    @property
    def results_ahead(self) -> AheadComputation | None:
        """The quiet computation of the current period for Results, while one is under way."""
        return self._ahead

    def _on_busy_changed(self, busy: bool) -> None:
        if busy:
            return
        self.ctx.user_input.note_activity()  # the person looks at what their work gave: a pause starts now
        if self._results_ahead:
            self.ctx.user_input.when_paused(RESULTS_AHEAD_PAUSE_MS, self._compute_results_ahead, self)

    def _compute_results_ahead(self) -> None:
        """Once the page on screen has loaded and the window idles, compute the current period for the
        Results page quietly, so a first click there shows a filled table (see ``ui.pages.results.ahead``).
        It waits for a pause in what the person does (``RESULTS_AHEAD_PAUSE_MS``); work they start
        meanwhile, or a key press, click or wheel turn, cancels it, and it is tried again after the next
        pause."""
        if not self._results_ahead or self.ctx.tasks.busy or self._ahead is not None:
            return
        self._results_ahead = False
        if self.current_page_key() == "results":
            return
        from kpidesk.ui.pages.results.ahead import compute_results_ahead

        self._ahead = compute_results_ahead(self.ctx, self)
        if self._ahead is not None and not self._ahead.finished:
            self._ahead.ended.connect(self._results_ahead_ended)
        else:
            self._ahead = None

    def _results_ahead_ended(self, cancelled: bool) -> None:
        self._ahead = None
        if cancelled and self.ctx.db is not None:
            self._results_ahead = True
            self._on_busy_changed(self.ctx.tasks.busy)

    def _on_database_changed(self) -> None:
        for key, widget in list(self.pages.items()):
            if self.ctx.db is None:
                self.stack.removeWidget(widget)
                widget.deleteLater()
                del self.pages[key]
        self._select_initial_page()
        self._update_status()

    def show_welcome(self) -> WelcomeDialog:
        from kpidesk.ui.welcome import WelcomeDialog

        if self.welcome is None:
            self.welcome = WelcomeDialog(self)
            self.welcome.chosen.connect(self._welcome_choice)
        self.welcome.open()
        return self.welcome

    def _welcome_choice(self, choice: str) -> None:
        from kpidesk.ui import opening
        from kpidesk.ui.welcome import DEMO, OPEN, STARTER_LIBRARIES

        if choice == OPEN:
            self.choose_database()
            return
        starter = STARTER_LIBRARIES.get(choice)
        default = opening.default_database_path() if starter else opening.demo_database_path()
        path = self._writable_database_path(default)
        if path is None:
            self.show_welcome()
        elif starter:
            self.create_starter_database(path, starter)
        elif choice == DEMO:
            self.open_demo(path)

    def _writable_database_path(self, path: Path | str) -> Path | None:
        """``path`` once its folder exists and can be written; otherwise the user is told which folder is in
        the way and picks another place (None when they cancel)."""
        from kpidesk.errors import ValidationError
        from kpidesk.services.safety.startup import writable_folder

        path = Path(path)
        while True:
            try:
                writable_folder(path.parent)
                return path
            except ValidationError as exc:  # the folder cannot be created or written
                self.ctx.dialogs.warning(self, _("Choose another location"), str(exc))
                chosen = self.ctx.dialogs.save_file(self, _("Choose another location"), _(DB_FILTER_SOURCE),
                                                    path.name)
                if not chosen:
                    return None
                path = Path(chosen)

    def create_starter_database(self, path: Path | str, starter: str = "customer-service") -> Task:
        from kpidesk.ui import opening

        actor = self.ctx.actor
        return self._open(lambda: opening.create_with_starter(path, actor, starter),
                          label=_("Installing the starter library…"))

    def open_demo(self, path: Path | str | None = None) -> Task:
        from kpidesk.ui import opening

        target = path or opening.demo_database_path()
        actor = self.ctx.actor
        return self._open(
            lambda progress=None, cancel=None: opening.open_demo(target, actor, progress=progress, cancel=cancel),
            label=_("Preparing the demo…"),
        )

    def open_path(self, path: Path | str, *, passphrase: str | None = None) -> Task:
        from kpidesk.ui import opening

        actor = self.ctx.actor
        return self._open(lambda: opening.open_file(path, actor, passphrase=passphrase), quiet=True)

    def connect_to_server(self) -> Task | None:
        """Open a PostgreSQL database shared by the office; its password goes to the system keyring."""
        from kpidesk.services.safety.startup import (
            keep_server_password,
            server_password_known,
            server_url_needing_password,
        )

        text = self.ctx.dialogs.ask_text(
            self, _("Connect to a server database"),
            _("Server address, e.g. postgresql+psycopg://zhang@dbserver/kpidesk"), required=True, action=_("Connect"))
        url = server_url_needing_password(text or "")
        if url is None:
            if text:
                self.ctx.dialogs.warning(self, _("Connect to a server database"),
                                         _("That is not a server database address."))
            return None
        if url.password:
            keep_server_password(url, url.password)
            url = url.set(password=None)
        elif not server_password_known(url):
            answer = self.ctx.dialogs.credentials(
                self, _("Connect to a server database"),
                _("Password for {user} on {host} (kept in the system keyring, if there is one):").format(
                    user=url.username, host=url.host), url.username or "")
            if answer is None:
                return None
            if not keep_server_password(url, answer[1]):
                from kpidesk.ui.later_text import message

                self.status_messages.show(
                    message(N_("No system keyring: PostgreSQL's own password file (~/.pgpass) will be used.")), 15000)
        return self.open_path(url.render_as_string(hide_password=True))

    def choose_database(self) -> None:
        path = self.ctx.dialogs.open_file(self, _("Open database"), _(DB_FILTER_SOURCE))
        if path:
            self.open_path(path)
        elif self.ctx.db is None and self.welcome is not None and not self.welcome.isVisible():
            self.show_welcome()

    def new_database(self) -> None:
        path = self.ctx.dialogs.save_file(self, _("New database"), _(DB_FILTER_SOURCE), "kpidesk.db")
        if not path:
            return
        if Path(path).exists():
            self.ctx.dialogs.warning(self, _("New database"),
                                     _("{path} already exists; choose Open to use it.").format(path=path))
            return
        checked = self._writable_database_path(path)
        if checked is None:
            return
        path = str(checked)
        if self.ctx.dialogs.confirm(self, _("New database"),
                                    _("Install the customer-service starter library (KPIs, forms, templates)?"),
                                    action=_("Install the starter library"), cancel=_("Start empty")):
            self.create_starter_database(path)
        else:
            self.open_path(path)

    def save_copy(self) -> None:
        db = self.ctx.db
        if db is None or db.path is None:
            return
        suggested = str(db.path.with_name(f"{db.path.stem}-copy{db.path.suffix}"))
        target = self.ctx.dialogs.save_file(self, _("Save a copy"), _(DB_FILTER_SOURCE), suggested)
        if not target:
            return
        if Path(target).resolve() == db.path.resolve():
            self.ctx.dialogs.warning(self, _("Save a copy"), _("Choose another file than the open database."))
            return

        actor = self.ctx.actor

        def copy() -> str:
            from kpidesk.services.safety.backup import backup_to

            return str(backup_to(db, actor, Path(target)))

        from kpidesk.ui.later_text import message
        from kpidesk.ui.tasks import Task

        Task(self, copy).success(
            lambda saved: self.status_messages.show(message(N_("Copy saved: {path}"), path=saved), 10000)
        ).start()

    # -- recent files ---------------------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        return list(machine.RECENT_DATABASES.read(self.ctx.settings))

    def _remember_recent(self, path: str) -> None:
        recent = [p for p in self.recent_files() if p != path]
        machine.RECENT_DATABASES.write(self.ctx.settings, (path, *recent[:MAX_RECENT - 1]))
        machine.LAST_DATABASE.write(self.ctx.settings, path)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = [p for p in self.recent_files() if Path(p).is_file()]
        if not files:
            action = self.recent_menu.addAction(_("No recent files"))
            action.setEnabled(False)
            return
        for number, path in enumerate(files, start=1):
            action = self.recent_menu.addAction(f"&{number} {Path(path).name}")
            action.setToolTip(path)
            action.triggered.connect(lambda _c=False, p=path: self.open_path(p))

    # -- language, about, closing ---------------------------------------------------------------------
    def switch_language(self, preference: str) -> None:
        machine.LANGUAGE.write(self.ctx.settings, preference)
        action = self.language_actions.get(preference)
        if action is not None and not action.isChecked():
            action.setChecked(True)
        set_language(preference)

    def show_about(self) -> None:
        from kpidesk.ui.help import about_text

        self.ctx.dialogs.info(self, _("About KPI Desk"), about_text(self.ctx))

    def show_user_guide(self) -> None:
        from kpidesk.ui.help import show_user_guide

        self.guide_window = show_user_guide(self, self.guide_window)

    def open_log_folder(self) -> None:
        from kpidesk.ui.help import open_log_folder

        open_log_folder(self, self.ctx)

    def _restore_geometry(self) -> None:
        geometry = machine.WINDOW_GEOMETRY.read(self.ctx.settings)
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1180, 760)
        state = machine.WINDOW_STATE.read(self.ctx.settings)
        if state is not None:
            self.restoreState(state)
        splitter = machine.SIDEBAR_SPLITTER.read(self.ctx.settings)
        if splitter is not None:
            self.splitter.restoreState(splitter)

    def save_geometry(self) -> None:
        machine.WINDOW_GEOMETRY.write(self.ctx.settings, self.saveGeometry())
        machine.WINDOW_STATE.write(self.ctx.settings, self.saveState())
        machine.SIDEBAR_SPLITTER.write(self.ctx.settings, self.splitter.saveState())
        self.ctx.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.save_geometry()
        for widget in self.pages.values():
            closing = getattr(widget, "about_to_close", None)
            if callable(closing) and closing() is False:
                event.ignore()
                return
        self._results_ahead = False
        if self._ahead is not None:
            self._ahead.cancel()  # its worker stops at the next step, so closing does not wait for it
        self.ctx.close()
        super().closeEvent(event)
