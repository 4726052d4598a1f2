"""Pages of a PDF shown as images inside the app (Qt's PDF module renders them), one page at a time.

Without QtPdf (it ships with the full PySide6, not with PySide6-Essentials) the preview says so and the
documents are still written as usual.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from kpidesk.i18n import _

try:
    from PySide6.QtPdf import QPdfDocument
except ImportError:  # pragma: no cover - PySide6-Essentials only
    QPdfDocument = None


def preview_available() -> bool:
    return QPdfDocument is not None


#: zoom choices: None fits the page to the width of the preview, a number is the page's size on screen
ZOOMS: tuple[float | None, ...] = (None, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)


class PdfPreview(QWidget):
    """A page image, with previous/next, the page number and a zoom."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = QPdfDocument(self) if QPdfDocument is not None else None
        self.page = 0
        self.image = QLabel()
        self.image.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.image.setObjectName("previewImage")
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.image)
        self.previous_button = QPushButton()
        self.next_button = QPushButton()
        self.page_label = QLabel()
        self.zoom_combo = QComboBox()
        self.zoom_combo.setObjectName("previewZoom")
        for zoom in ZOOMS:
            self.zoom_combo.addItem("", zoom)
        self.zoom_combo.currentIndexChanged.connect(lambda _index: self.show_page(self.page))
        self.previous_button.clicked.connect(lambda: self.show_page(self.page - 1))
        self.next_button.clicked.connect(lambda: self.show_page(self.page + 1))
        bar = QHBoxLayout()
        bar.addWidget(self.previous_button)
        bar.addWidget(self.page_label, 1, Qt.AlignmentFlag.AlignCenter)
        bar.addWidget(self.zoom_combo)
        bar.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.scroll, 1)
        self.retranslate()
        self.clear()

    def retranslate(self) -> None:
        self.previous_button.setText(_("◀ Previous page"))
        self.next_button.setText(_("Next page ▶"))
        for index, zoom in enumerate(ZOOMS):
            self.zoom_combo.setItemText(index, _("Fit width") if zoom is None else f"{zoom:.0%}")
        self._update_label()

    @property
    def page_count(self) -> int:
        return self.document.pageCount() if self.document is not None else 0

    def clear(self) -> None:
        if self.document is not None:
            self.document.close()
        self.page = 0
        self.image.setPixmap(QPixmap())
        self.image.setText(_("Choose what to print, then Preview.") if self.document is not None else
                           _("A preview needs Qt's PDF module, which is not installed; saving works as usual."))
        self._update_label()

    def load(self, path: str | Path) -> int:
        """Show the first page of ``path``; returns the number of pages (0 when nothing can be shown)."""
        if self.document is None:
            return 0
        self.document.close()
        error = self.document.load(str(path))
        if error != QPdfDocument.Error.None_ or self.document.pageCount() == 0:
            self.clear()
            return 0
        self.show_page(0)
        return self.document.pageCount()

    def show_page(self, page: int) -> None:
        if self.document is None or not (0 <= page < self.page_count):
            return
        self.page = page
        points = self.document.pagePointSize(page)
        ratio = self.devicePixelRatioF() or 1.0
        scale = self.scale(points.width())
        size = QSize(int(points.width() * scale * ratio), int(points.height() * scale * ratio))
        image = self.document.render(page, size)
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(ratio)
        self.image.setText("")
        self.image.setPixmap(pixmap)
        self._update_label()

    @property
    def zoom(self) -> float | None:
        return self.zoom_combo.currentData()

    def set_zoom(self, zoom: float | None) -> None:
        self.zoom_combo.setCurrentIndex(max(self.zoom_combo.findData(zoom), 0))

    def scale(self, page_width_points: float) -> float:
        """Screen pixels per PDF point: the page across the preview's width, or the chosen zoom of its
        printed size (a point is 1/72 inch)."""
        zoom = self.zoom
        if zoom is None:
            return max(self.scroll.viewport().width() - 24, 400) / max(page_width_points, 1.0)
        return zoom * self.logicalDpiX() / 72

    def _update_label(self) -> None:
        count = self.page_count
        self.page_label.setText(_("Page {page} of {pages}").format(page=self.page + 1, pages=count) if count else "")
        self.previous_button.setEnabled(count > 0 and self.page > 0)
        self.next_button.setEnabled(count > 0 and self.page < count - 1)
