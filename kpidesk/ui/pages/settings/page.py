"""Settings: the language (this computer), and the organisation's settings that travel with the
database — name and logo, grade scale and what each grade means, default shares and rater weights, backup
retention."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, QUrl
from PySide6.QtGui import QColor, QDesktopServices, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kpidesk.i18n import N_, _
from kpidesk.services.people import organisation as org_service
from kpidesk.services.people import use_cases as people
from kpidesk.services.people.organisation import BandRow
from kpidesk.services.safety.settings import DOCUMENT_LANGUAGES, RATERS, OrganisationSettings
from kpidesk.ui import machine_settings as machine
from kpidesk.ui.context import AppContext, Changes
from kpidesk.ui.dialogs import error_text
from kpidesk.ui.pages.base import Page
from kpidesk.ui.pages.templates.items import parse_number
from kpidesk.ui.tasks import Task
from kpidesk.ui.widgets import heading, tool_button

RATER_LABELS = {"manager": N_("Manager"), "self": N_("Self"), "peer": N_("Peers"), "hr": N_("HR")}
IMAGES = N_("Images (*.png *.jpg *.jpeg *.bmp)")
LOGO_SIZE = 320
BAND_COLUMNS = (N_("Code"), N_("Name (Chinese)"), N_("Name (English)"), N_("From total"), N_("Colour"))


@dataclass(frozen=True)
class SettingsData:
    organisation: OrganisationSettings
    bands: list[BandRow]
    backup_folder: str | None


def load_settings(db, actor) -> SettingsData:
    organisation, bands = people.organisation_settings(db, actor)
    return SettingsData(organisation, bands, str(db.backup_dir) if db.backup_dir else None)


def logo_png(path: str, size: int = LOGO_SIZE) -> bytes:
    """The image at ``path`` as PNG bytes, scaled down to fit ``size`` pixels."""
    image = QImage(path)
    if image.isNull():
        raise ValueError(_("{path} is not an image KPI Desk can read.").format(path=path))
    if image.width() > size or image.height() > size:
        image = image.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


class SettingsPage(Page):
    watches = Changes.SETTINGS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.data: SettingsData | None = None
        self.logo: bytes | None = None
        self.title = heading()

        # language (this computer only)
        self.language_box = QGroupBox()
        self.language = QComboBox()
        self.language.setObjectName("languageCombo")
        for preference in ("system", "zh_CN", "en"):
            self.language.addItem("", preference)
        current = machine.LANGUAGE.read(ctx.settings)
        self.language.setCurrentIndex(max(self.language.findData(current), 0))
        self.language.currentIndexChanged.connect(self._language_chosen)
        self.language_note = QLabel()
        self.language_note.setWordWrap(True)
        language_layout = QFormLayout(self.language_box)
        self.language_label = QLabel()
        language_layout.addRow(self.language_label, self.language)
        language_layout.addRow(self.language_note)

        # organisation
        self.organisation_box = QGroupBox()
        self.organisation_name = QLineEdit()
        self.organisation_name.setObjectName("organisationName")
        self.logo_preview = QLabel()
        self.logo_preview.setObjectName("logoPreview")
        self.logo_preview.setFixedSize(160, 64)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_preview.setStyleSheet("QLabel#logoPreview { border: 1px dashed #90a4ae; }")
        self.choose_logo_button = QPushButton()
        self.remove_logo_button = QPushButton()
        self.choose_logo_button.clicked.connect(self.choose_logo)
        self.remove_logo_button.clicked.connect(self.remove_logo)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_preview)
        logo_row.addWidget(self.choose_logo_button)
        logo_row.addWidget(self.remove_logo_button)
        logo_row.addStretch(1)
        self.name_label, self.logo_label = QLabel(), QLabel()
        self.document_language = QComboBox()
        self.document_language.setObjectName("documentLanguage")
        for code in DOCUMENT_LANGUAGES:
            self.document_language.addItem("", code)
        self.document_language_label = QLabel()
        organisation_layout = QFormLayout(self.organisation_box)
        organisation_layout.addRow(self.name_label, self.organisation_name)
        organisation_layout.addRow(self.logo_label, logo_row)
        organisation_layout.addRow(self.document_language_label, self.document_language)

        # shares and rater weights
        self.shares_box = QGroupBox()
        self.quantitative = QSpinBox()
        self.qualitative = QSpinBox()
        for spin in (self.quantitative, self.qualitative):
            spin.setRange(0, 100)
            spin.setSuffix(" %")
        self.quantitative.valueChanged.connect(lambda v: self.qualitative.setValue(100 - v))
        self.qualitative.valueChanged.connect(lambda v: self.quantitative.setValue(100 - v))
        self.rater_spins: dict[str, QSpinBox] = {}
        self.rater_labels: dict[str, QLabel] = {}
        self.rater_sum = QLabel()
        self.rater_sum.setObjectName("raterSum")
        self.quantitative_label, self.qualitative_label, self.raters_heading = QLabel(), QLabel(), QLabel()
        shares_layout = QGridLayout(self.shares_box)
        shares_layout.addWidget(self.quantitative_label, 0, 0)
        shares_layout.addWidget(self.quantitative, 0, 1)
        shares_layout.addWidget(self.qualitative_label, 1, 0)
        shares_layout.addWidget(self.qualitative, 1, 1)
        shares_layout.addWidget(self.raters_heading, 2, 0, 1, 2)
        for row, role in enumerate(RATERS, start=3):
            spin = QSpinBox()
            spin.setRange(0, 100)
            spin.setSuffix(" %")
            spin.valueChanged.connect(self._update_rater_sum)
            self.rater_spins[role] = spin
            self.rater_labels[role] = QLabel()
            shares_layout.addWidget(self.rater_labels[role], row, 0)
            shares_layout.addWidget(spin, row, 1)
        shares_layout.addWidget(self.rater_sum, 3 + len(RATERS), 0, 1, 2)
        shares_layout.setColumnStretch(2, 1)

        # grade scale
        self.grades_box = QGroupBox()
        self.grades = QTableWidget(0, len(BAND_COLUMNS))
        self.grades.setObjectName("gradeTable")
        self.grades.verticalHeader().setVisible(False)
        self.grades.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # columns as wide as their content and header, the names taking what is left: stretching every
        # column alike cut the "Colour" header
        grade_header = self.grades.horizontalHeader()
        grade_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column in (1, 2):
            grade_header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.grades.setMinimumHeight(170)
        self.add_grade_button = tool_button("add")
        self.remove_grade_button = tool_button("delete")
        self.add_grade_button.clicked.connect(lambda: self._append_band(BandRow("", "", "", Decimal(0))))
        self.remove_grade_button.clicked.connect(self._remove_band)
        self.grades_note = QLabel()
        self.grades_note.setWordWrap(True)
        grade_buttons = QHBoxLayout()
        grade_buttons.addWidget(self.add_grade_button)
        grade_buttons.addWidget(self.remove_grade_button)
        grade_buttons.addStretch(1)
        grades_layout = QVBoxLayout(self.grades_box)
        grades_layout.addWidget(self.grades)
        grades_layout.addLayout(grade_buttons)
        grades_layout.addWidget(self.grades_note)

        # backups
        self.backup_box = QGroupBox()
        self.backup_folder = QLabel()
        self.backup_folder.setObjectName("backupFolder")
        self.backup_folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.backup_folder.setWordWrap(True)
        self.open_folder_button = QPushButton()
        self.open_folder_button.clicked.connect(self.open_backup_folder)
        self.backup_now_button = QPushButton()
        self.backup_now_button.clicked.connect(self.backup_now)
        self.change_folder_button = QPushButton()
        self.change_folder_button.setObjectName("changeBackupFolder")
        self.change_folder_button.clicked.connect(self.choose_backup_folder)
        self.default_folder_button = QPushButton()
        self.default_folder_button.clicked.connect(lambda: self.move_backup_folder(None))
        self.keep_daily = QSpinBox()
        self.keep_daily.setRange(1, 365)
        self.keep_monthly = QSpinBox()
        self.keep_monthly.setRange(0, 120)
        for spin in (self.keep_daily, self.keep_monthly):
            spin.setMaximumWidth(120)
        self.folder_label, self.daily_label, self.monthly_label = QLabel(), QLabel(), QLabel()
        # two rows of two: four buttons in one row made the page scroll sideways at the default size
        backup_buttons = QGridLayout()
        for index, button in enumerate((self.open_folder_button, self.change_folder_button,
                                        self.backup_now_button, self.default_folder_button)):
            backup_buttons.addWidget(button, index // 2, index % 2)
        backup_buttons.setColumnStretch(2, 1)
        backup_layout = QFormLayout(self.backup_box)
        backup_layout.addRow(self.folder_label, self.backup_folder)
        backup_layout.addRow("", backup_buttons)
        backup_layout.addRow(self.daily_label, self.keep_daily)
        backup_layout.addRow(self.monthly_label, self.keep_monthly)

        self.message = QLabel()
        self.message.setObjectName("settingsMessage")
        self.message.setWordWrap(True)
        self.save_button = QPushButton()
        self.save_button.setObjectName("saveSettings")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton()
        self.revert_button.clicked.connect(self._show_loaded)
        save_bar = QHBoxLayout()
        save_bar.addWidget(self.message, 1)
        save_bar.addWidget(self.revert_button)
        save_bar.addWidget(self.save_button)

        from kpidesk.ui.pages.settings.forms_folder import FormsFolderBox
        from kpidesk.ui.pages.settings.grade_consequences import GradeConsequencesBox
        from kpidesk.ui.pages.settings.starter_update import StarterUpdateBox

        self.forms_folder_box = FormsFolderBox(self.ctx)
        from kpidesk.ui.pages.settings.database_box import DatabaseBox

        self.database_box = DatabaseBox(self.ctx)
        self.consequences_box = GradeConsequencesBox()
        self.starter_box = StarterUpdateBox(self.ctx)
        content = QWidget()
        grid = QGridLayout(content)
        # the grade scale across the whole width: in half of it, its five columns cut their headers
        grid.addWidget(self.language_box, 0, 0)
        grid.addWidget(self.organisation_box, 0, 1, 2, 1)
        grid.addWidget(self.grades_box, 2, 0, 1, 2)
        grid.addWidget(self.shares_box, 3, 0, 2, 1)
        grid.addWidget(self.backup_box, 3, 1)
        grid.addWidget(self.forms_folder_box, 4, 1)
        grid.addWidget(self.consequences_box, 5, 0, 1, 2)
        grid.addWidget(self.starter_box, 6, 0)
        grid.addWidget(self.database_box, 6, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(7, 1)
        self.language_box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        scroll = QScrollArea()
        scroll.setObjectName("settingsScroll")
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(scroll, 1)
        layout.addLayout(save_bar)
        self.retranslate()

    # -- texts --------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.title.setText(_("Settings"))
        self.language_box.setTitle(_("Language"))
        self.language_label.setText(_("Language of the program"))
        self.language.blockSignals(True)
        self.language.setItemText(0, _("Follow the system"))
        self.language.setItemText(1, "中文")
        self.language.setItemText(2, "English")
        current = machine.LANGUAGE.read(self.ctx.settings)
        self.language.setCurrentIndex(max(self.language.findData(current), 0))
        self.language.blockSignals(False)
        self.language_note.setText(_("Applies at once, on this computer only."))
        self.organisation_box.setTitle(_("Your organisation"))
        self.document_language_label.setText(_("Printed documents in"))
        self.document_language.setToolTip(_("The language of appraisal sheets and summaries, on every computer "
                                            "and from the command line (kpidesk pdf --lang overrides it)."))
        for index, code in enumerate(DOCUMENT_LANGUAGES):
            self.document_language.setItemText(index, {"zh_CN": "中文", "en": "English"}.get(
                code, _("The language of each computer's program")))
        self.name_label.setText(_("Organisation name"))
        self.logo_label.setText(_("Logo on printed sheets"))
        self.choose_logo_button.setText(_("Choose…"))
        self.remove_logo_button.setText(_("Remove"))
        self.shares_box.setTitle(_("Defaults for new templates"))
        self.quantitative_label.setText(_("Quantitative share"))
        self.qualitative_label.setText(_("Qualitative share"))
        self.raters_heading.setText(_("Rater weights on qualitative forms"))
        for role, text in RATER_LABELS.items():
            self.rater_labels[role].setText(_(text))
        self.grades_box.setTitle(_("Grade scale"))
        self.grades.setHorizontalHeaderLabels([_(title) for title in BAND_COLUMNS])
        self.add_grade_button.setText(_("Add grade"))
        self.remove_grade_button.setText(_("Remove"))
        self.grades_note.setText(_("A grade applies from its lower bound (inclusive) up to the next grade; "
                                   "the lowest grade starts at 0."))
        self.backup_box.setTitle(_("Backups"))
        self.forms_folder_box.retranslate()
        self.database_box.retranslate()
        self.consequences_box.retranslate()
        self.starter_box.retranslate()
        self.folder_label.setText(_("Folder"))
        self.open_folder_button.setText(_("Open folder"))
        self.backup_now_button.setText(_("Back up now"))
        self.change_folder_button.setText(_("Change folder…"))
        self.change_folder_button.setToolTip(_("Keep this database's backups in another folder (on this computer); "
                                               "the backups taken so far move there too."))
        self.default_folder_button.setText(_("Use the default folder"))
        self.daily_label.setText(_("Daily backups kept"))
        self.monthly_label.setText(_("Monthly backups kept"))
        self.save_button.setText(_("Save settings"))
        self.revert_button.setText(_("Revert"))
        self._update_rater_sum()
        if self.data is not None and not self.data.backup_folder:
            self.backup_folder.setText(_("Not a file database: use the server's own backups."))

    # -- language -----------------------------------------------------------------------------------
    def _language_chosen(self, index: int) -> None:
        preference = self.language.itemData(index)
        window = self.window()
        switch = getattr(window, "switch_language", None)
        if callable(switch):
            switch(preference)
        else:
            from kpidesk.i18n import set_language

            machine.LANGUAGE.write(self.ctx.settings, preference)
            set_language(preference)

    # -- loading ------------------------------------------------------------------------------------
    def refresh(self) -> None:
        Task(self, load_settings, self.ctx.db, self.ctx.actor).success(self._loaded).start()

    def _loaded(self, data: SettingsData) -> None:
        self.data = data
        self._show_loaded()

    def _show_loaded(self) -> None:
        if self.data is None:
            return
        organisation = self.data.organisation
        self.organisation_name.setText(organisation.name)
        self.document_language.setCurrentIndex(max(self.document_language.findData(organisation.document_language), 0))
        self._show_logo(organisation.logo)
        self.quantitative.setValue(organisation.quantitative_share)
        for role, spin in self.rater_spins.items():
            spin.setValue(int(organisation.rater_weights.get(role, 0)))
        self.keep_daily.setValue(max(organisation.keep_daily, 1))
        self.keep_monthly.setValue(organisation.keep_monthly)
        self.grades.setRowCount(0)
        for band in self.data.bands:
            self._append_band(band)
        self.consequences_box.show_rows(organisation.grade_consequences)
        self.starter_box.show_library(organisation.starter_library, organisation.starter_version)
        self.backup_folder.setText(self.data.backup_folder or _("Not a file database: use the server's own backups."))
        self.open_folder_button.setEnabled(bool(self.data.backup_folder))
        for button in (self.backup_now_button, self.change_folder_button, self.default_folder_button):
            button.setEnabled(bool(self.data.backup_folder) and not self.ctx.read_only)
        self.database_box.refresh()
        self.message.clear()

    def _show_logo(self, logo: bytes | None) -> None:
        self.logo = logo
        if logo:
            pixmap = QPixmap()
            pixmap.loadFromData(logo)
            self.logo_preview.setPixmap(pixmap.scaled(self.logo_preview.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                                      Qt.TransformationMode.SmoothTransformation))
        else:
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText(_("No logo"))
        self.remove_logo_button.setEnabled(bool(logo))

    def _append_band(self, band: BandRow) -> None:
        row = self.grades.rowCount()
        self.grades.insertRow(row)
        bound = "" if band.lower_bound is None else f"{Decimal(band.lower_bound).normalize():f}"
        for column, text in enumerate((band.code, band.label_zh, band.label_en, bound, band.colour or "")):
            item = QTableWidgetItem(text)
            if column == 4 and text:
                item.setBackground(QColor(text))
                item.setForeground(QColor("white"))
            self.grades.setItem(row, column, item)

    def _remove_band(self) -> None:
        row = self.grades.currentRow()
        if row >= 0:
            self.grades.removeRow(row)

    def _update_rater_sum(self) -> None:
        total = sum(spin.value() for spin in self.rater_spins.values())
        self.rater_sum.setText(_("Rater weights: {total}% (100% required)").format(total=total))
        self.rater_sum.setStyleSheet(f"color: {'#2e7d32' if total == 100 else '#c62828'};")

    # -- editing ------------------------------------------------------------------------------------
    def choose_logo(self) -> None:
        path = self.ctx.dialogs.open_file(self, _("Choose a logo"), _(IMAGES))
        if not path:
            return
        try:
            self._show_logo(logo_png(path))
        except ValueError as exc:
            self._fail(str(exc))

    def remove_logo(self) -> None:
        self._show_logo(None)

    def bands(self) -> list[BandRow]:
        rows = []
        for row in range(self.grades.rowCount()):
            texts = [(self.grades.item(row, c).text().strip() if self.grades.item(row, c) else "") for c in range(5)]
            try:
                bound = parse_number(texts[3])
            except ValueError:
                raise ValueError(_("The lower bound of grade {code} is not a number.").format(code=texts[0] or row + 1)) from None
            rows.append(BandRow(texts[0], texts[1], texts[2], bound if bound is not None else Decimal(0), texts[4] or None))
        return rows

    def draft(self) -> OrganisationSettings:
        base = self.data.organisation if self.data else OrganisationSettings()
        return replace(
            base, name=self.organisation_name.text().strip(), logo=self.logo,
            quantitative_share=self.quantitative.value(), qualitative_share=self.qualitative.value(),
            rater_weights={role: spin.value() for role, spin in self.rater_spins.items()},
            keep_daily=self.keep_daily.value(), keep_monthly=self.keep_monthly.value(),
            document_language=self.document_language.currentData() or "",
            grade_consequences=self.consequences_box.rows(),
        )

    def save(self) -> bool:
        try:
            organisation, bands = self.draft(), self.bands()
            org_service.check_organisation(organisation)
            org_service.check_bands(bands)
        except (ValueError, org_service.ValidationError) as exc:
            self._fail(error_text(exc) if isinstance(exc, org_service.ValidationError) else str(exc))
            return False
        unknown = sorted({row.grade for row in organisation.grade_consequences} - {band.code for band in bands})
        if unknown:
            self._fail(_("What a grade means names grades the scale does not have: {codes}").format(
                codes=", ".join(unknown)))
            return False
        changed_bands = bands if self.data is None or bands != self.data.bands else None
        Task(self, people.save_organisation_settings, self.ctx.db, self.ctx.actor, organisation, changed_bands).writes(Changes.SETTINGS | Changes.RESULTS).success(self._saved) \
            .failure(lambda e: self._fail(error_text(e))).start()
        return True

    def _saved(self, _result) -> None:
        self.message.setStyleSheet("color: #2e7d32;")
        self.message.setText(_("Settings saved."))

    def _fail(self, text: str) -> None:
        self.message.setStyleSheet("color: #c62828;")
        self.message.setText(text)

    # -- backups ------------------------------------------------------------------------------------
    def open_backup_folder(self) -> None:
        if self.data and self.data.backup_folder:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.data.backup_folder))

    def choose_backup_folder(self) -> None:
        current = self.data.backup_folder if self.data else ""
        folder = self.ctx.dialogs.choose_folder(self, _("Folder for the backups"), current or "")
        if folder:
            self.move_backup_folder(folder)

    def move_backup_folder(self, folder: str | None) -> None:
        """Moving the backups taken so far can take a while on a slow disk, so it runs in the worker."""
        db, actor = self.ctx.db, self.ctx.actor

        def move():
            from kpidesk.services.safety.backup import change_backup_folder

            return change_backup_folder(db, actor, folder)

        Task(self, move).with_progress(_("Moving the backups…"), cancellable=False).success(
            self._folder_moved).failure(lambda e: self._fail(error_text(e))).start()

    def _folder_moved(self, result) -> None:
        folder, moved = result
        if self.data is not None:
            self.data = replace(self.data, backup_folder=str(folder))
            self.backup_folder.setText(str(folder))
        self.message.setStyleSheet("color: #2e7d32;")
        self.message.setText(_("Backups are kept in {folder} ({count} moved there).").format(
            folder=folder, count=moved))

    def backup_now(self) -> None:
        db, actor = self.ctx.db, self.ctx.actor

        def write() -> str:
            from kpidesk.services.safety.backup import backup_to

            return str(backup_to(db, actor))

        Task(self, write).with_progress(_("Backing up…"), cancellable=False).success(
            lambda path: self._backed_up(path)).failure(lambda e: self._fail(error_text(e))).start()

    def _backed_up(self, path: str) -> None:
        self.message.setStyleSheet("color: #2e7d32;")
        self.message.setText(_("Backup written: {path}").format(path=path))
