"""Pages of a PDF shown as images inside the app (Qt's PDF module renders them), one page at a time.

Without QtPdf (it ships with the full PySide6, not with PySide6-Essentials) the preview says so and the
documents are still written as usual.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from kpidesk.i18n import _

try:
    from PySide6.QtPdf import QPdfDocument
except ImportError:  # pragma: no cover - PySide6-Essentials only
    QPdfDocument = None


def preview_available() -> bool:
    return QPdfDocument is not None


class PdfPreview(QWidget):
    """A page image, with previous/next and the page number."""

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
        self.previous_button.clicked.connect(lambda: self.show_page(self.page - 1))
        self.next_button.clicked.connect(lambda: self.show_page(self.page + 1))
        bar = QHBoxLayout()
        bar.addWidget(self.previous_button)
        bar.addWidget(self.page_label, 1, Qt.AlignmentFlag.AlignCenter)
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
        width = max(self.scroll.viewport().width() - 24, 400)
        scale = width / max(points.width(), 1.0)
        size = QSize(int(points.width() * scale * ratio), int(points.height() * scale * ratio))
        image = self.document.render(page, size)
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(ratio)
        self.image.setText("")
        self.image.setPixmap(pixmap)
        self._update_label()

    def _update_label(self) -> None:
        count = self.page_count
        self.page_label.setText(_("Page {page} of {pages}").format(page=self.page + 1, pages=count) if count else "")
        self.previous_button.setEnabled(count > 0 and self.page > 0)
        self.next_button.setEnabled(count > 0 and self.page < count - 1)
