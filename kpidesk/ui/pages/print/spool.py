"""Sending a generated PDF to a printer: each page rendered by Qt's PDF module and drawn on the QPrinter.

The printer comes back from the print dialog set up by the user: its page range (all, a range such as
"1-3,5", or the page shown in the preview) and its copies are honoured here — copies only when the
printer cannot make them itself, as Qt asks of applications. Pages are rasterised at the printer's
resolution, but never finer than ``MAX_RASTER_DPI``, which keeps a page's image to tens of megabytes
while text stays sharp on paper. Runs in a worker: QPainter may paint on a QPrinter outside the GUI
thread, and the PDF document is opened in the thread that renders it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPrintSupport import QPrinter

from kpidesk.errors import Cancelled, KpiDeskError
from kpidesk.i18n import _
from kpidesk.services.progress import CancelToken, ProgressCallback, report

MAX_RASTER_DPI = 300
POINTS_PER_INCH = 72.0


def pages_to_print(printer: QPrinter, page_count: int, current_page: int = 0) -> list[int]:
    """The 0-based pages the dialog asked for, each once, in order."""
    every = list(range(page_count))
    chosen = printer.printRange()
    if chosen == QPrinter.PrintRange.CurrentPage:
        return [current_page] if 0 <= current_page < page_count else every[:1]
    if chosen == QPrinter.PrintRange.PageRange:
        ranges = printer.pageRanges()
        if not ranges.isEmpty():
            return [page for page in every if ranges.contains(page + 1)]
        first, last = printer.fromPage(), printer.toPage()
        if first or last:
            return [page for page in every if first <= page + 1 <= (last or page_count)]
    return every


def print_sequence(printer: QPrinter, pages: Sequence[int]) -> list[int]:
    """The pages in the order they are drawn, with the copies the printer will not make itself."""
    copies = printer.copyCount()
    if copies <= 1 or printer.supportsMultipleCopies():
        return list(pages)
    if printer.collateCopies():
        return [page for _copy in range(copies) for page in pages]
    return [page for page in pages for _copy in range(copies)]


def page_image(document, page: int, size: QSize) -> QImage:
    """One page as an opaque image of ``size`` (Qt renders PDF pages on a transparent background)."""
    rendered = document.render(page, size)
    image = QImage(size, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.drawImage(0, 0, rendered)
    painter.end()
    return image


def _placement(printer: QPrinter, page_points) -> tuple[QRectF, QSize]:
    """Where a page goes on the paper (scaled to fit, centred) and the image size to render it at."""
    paper = printer.paperRect(QPrinter.Unit.DevicePixel)
    device_per_point = printer.resolution() / POINTS_PER_INCH
    width, height = page_points.width() * device_per_point, page_points.height() * device_per_point
    scale = min(paper.width() / width, paper.height() / height) if width and height else 1.0
    width, height = width * scale, height * scale
    target = QRectF((paper.width() - width) / 2, (paper.height() - height) / 2, width, height)
    raster = min(1.0, MAX_RASTER_DPI / max(printer.resolution(), 1))
    return target, QSize(max(1, round(width * raster)), max(1, round(height * raster)))


def print_pdf(path: str | Path, printer: QPrinter, *, current_page: int = 0, progress: ProgressCallback | None = None,
              cancel: CancelToken | None = None) -> int:
    """Draw the pages of the PDF at ``path`` on ``printer``; returns the number of pages drawn."""
    from PySide6.QtPdf import QPdfDocument

    document = QPdfDocument()
    try:
        if document.load(str(path)) != QPdfDocument.Error.None_ or document.pageCount() == 0:
            raise KpiDeskError(_("The PDF to print could not be read: {path}").format(path=path))
        sequence = print_sequence(printer, pages_to_print(printer, document.pageCount(), current_page))
        if not sequence:
            raise KpiDeskError(_("The page range chosen holds none of the document's pages."))
        printer.setFullPage(True)  # the PDF brings its own margins
        painter = QPainter()
        if not painter.begin(printer):
            raise KpiDeskError(_("The printer could not be started."))
        label = _("Sending the pages to the printer")
        try:
            for done, page in enumerate(sequence):
                if cancel is not None and cancel.cancelled:
                    printer.abort()
                    raise Cancelled(_("Printing was cancelled"))
                if done:
                    printer.newPage()
                target, size = _placement(printer, document.pagePointSize(page))
                painter.drawImage(target, page_image(document, page, size))
                report(progress, done + 1, len(sequence), label)
        finally:
            painter.end()
        return len(sequence)
    finally:
        document.close()
