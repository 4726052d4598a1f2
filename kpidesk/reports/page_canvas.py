"""Page furniture drawn when each page is final: running header, footer, page x of y, watermark.

"Page x of y" must count the pages of one employee's sheet, not of the whole batch, and the
total is only known once the sheet has been laid out. Instead of laying everything out twice,
:class:`NumberingCanvas` holds each finished page back; when the next document starts (or the
file is saved) the held pages of the previous document are numbered, decorated and written.
Only one document's pages are ever held, so a batch of 500 sheets does not pile up in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import TimeStamp
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from kpidesk.reports.fonts import register_pdf_font

WATERMARK_TEXT = "DRAFT 草稿"
_WATERMARK_COLOUR = colors.Color(0.78, 0.16, 0.16, alpha=0.13)
_GREY = colors.HexColor("#6b7a82")
_RULE = colors.HexColor("#b7c2c8")


@dataclass(frozen=True)
class PageFurniture:
    """What every page of one document carries around its content."""

    header: str  # running header on the pages after the first
    confidentiality: str
    page_label: str  # with {page} and {pages}, e.g. "第 {page} 页 / 共 {pages} 页"
    fingerprint: str = ""  # "snapshot SHA-256 …", in small type
    draft: bool = False
    outline_title: str = ""  # entry in the PDF's bookmarks


class DocumentStart(Flowable):
    """Invisible marker opening a document: tells the canvas which furniture its pages get.

    ``on_start`` runs when the marker is laid out — the batch writer uses it to report progress
    and to honour a cancel request between documents.
    """

    def __init__(self, furniture: PageFurniture, on_start: Callable[[], None] | None = None):
        super().__init__()
        self.furniture = furniture
        self.on_start = on_start
        self.width = self.height = 0

    def wrap(self, available_width, available_height):
        return 0, 0

    def draw(self):
        if self.on_start is not None:
            self.on_start()
        self.canv.begin_document(self.furniture)


def _time_stamp(moment: datetime) -> TimeStamp:
    """reportlab's time stamp for ``moment`` in UTC: reproducible-bytes mode keeps everything else
    fixed, but its creation date would otherwise be 2000-01-01."""
    utc = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    stamp = TimeStamp(invariant=1)
    stamp.t = utc.timestamp()
    stamp.lt = utc.timetuple()
    stamp.YMDhms = tuple(stamp.lt)[:6]
    stamp.dhh = stamp.dmm = 0
    stamp.tzname = "UTC"
    return stamp


class NumberingCanvas(Canvas):
    """A canvas that writes each document's pages only once it knows how many there are."""

    def __init__(self, *args, created: datetime | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if created is not None:
            self._doc._timeStamp = _time_stamp(created)
        self._font = register_pdf_font()
        self._held: list[tuple[PageFurniture | None, dict]] = []
        self._furniture: PageFurniture | None = None
        self._outlines = 0

    def begin_document(self, furniture: PageFurniture) -> None:
        self._furniture = furniture

    def showPage(self):  # noqa: N802 - reportlab's name
        page = dict(self.__dict__)
        if self._held and self._held[-1][0] is not self._furniture:
            self._write_held()
        self._held.append((self._furniture, page))
        self._startPage()

    def save(self):
        if self._code:
            self.showPage()
        self._write_held()
        self._doc.SaveToFile(self._filename, self)

    def _write_held(self) -> None:
        held, self._held = self._held, []
        current, outlines = self._furniture, self._outlines
        pages = len(held)
        for number, (furniture, state) in enumerate(held, start=1):
            self.__dict__.update(state)  # the page as it was laid out …
            self._held, self._furniture, self._outlines = [], current, outlines  # … with the batch state kept
            if furniture is not None:
                self._decorate(furniture, number, pages)
                outlines = self._outlines
            Canvas.showPage(self)

    def _decorate(self, furniture: PageFurniture, number: int, pages: int) -> None:
        width, height = self._pagesize
        left, right = 15 * mm, width - 15 * mm
        font = self._font
        self.saveState()
        if number == 1 and furniture.outline_title:
            key = f"doc{self._outlines}"
            self._outlines += 1
            self.bookmarkPage(key)
            self.addOutlineEntry(furniture.outline_title, key, level=0)
        self.setStrokeColor(_RULE)
        self.setLineWidth(0.5)
        self.setFillColor(_GREY)
        if number > 1 and furniture.header:
            self.setFont(font, 7.5)
            self.drawString(left, height - 10 * mm, furniture.header)
            self.line(left, height - 11.5 * mm, right, height - 11.5 * mm)
        self.line(left, 15 * mm, right, 15 * mm)
        self.setFont(font, 7.5)
        self.drawString(left, 11 * mm, furniture.confidentiality)
        self.setFont(font, 8)
        self.drawRightString(right, 11 * mm, furniture.page_label.format(page=number, pages=pages))
        if furniture.fingerprint:
            self.setFont(font, 6)
            self.drawString(left, 7 * mm, furniture.fingerprint)
        if furniture.draft:
            self.translate(width / 2, height / 2)
            self.rotate(45)
            self.setFillColor(_WATERMARK_COLOUR)
            self.setFont(font, 80)
            self.drawCentredString(0, -28, WATERMARK_TEXT)
        self.restoreState()
