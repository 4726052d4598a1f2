"""Writing appraisal sheets, department summaries and year sheets into PDF files.

One call lays out any number of documents into one file (each with its own "page x of y"), or
into one file per document (split mode). Long runs report progress through a plain callback and
stop between documents when asked to; nothing is left at the target path after a failure or a
cancel.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import BinaryIO

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageBreak, PageTemplate

from kpidesk.charts.translate import translator
from kpidesk.errors import Cancelled
from kpidesk.reports.appraisal_sheet import sheet_story
from kpidesk.reports.blocks import Context, make_context
from kpidesk.reports.department_summary import summary_story
from kpidesk.reports.fonts import register_pdf_font
from kpidesk.reports.page_canvas import DocumentStart, NumberingCanvas, PageFurniture
from kpidesk.reports.sheet_data import DepartmentSummaryData, SheetData, YearSheetData
from kpidesk.reports.styles import shared_paragraphs
from kpidesk.reports.year_sheet import year_sheet_story

PrintDocument = SheetData | DepartmentSummaryData | YearSheetData
Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]
Target = str | os.PathLike | BinaryIO


class AppraisalDocTemplate(BaseDocTemplate):
    """A4 portrait with one frame; the first font the canvas sets is the embedded one, so the
    file never refers to a Helvetica it does not contain."""

    def __init__(self, target, *, title: str = "", lang: str = "en"):
        font = register_pdf_font()
        super().__init__(
            target, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=19 * mm,
            initialFontName=font, initialFontSize=9, invariant=1, title=title, author="KPI Desk", creator="KPI Desk",
            subject=title, lang="zh-CN" if lang == "zh_CN" else "en",
        )
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate("page", [frame])])


def render_documents(
    documents: Sequence[PrintDocument],
    out: Target,
    *,
    lang: str | None = None,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
    printed_at: datetime | None = None,
) -> int:
    """Lay out ``documents`` one after another into ``out`` (a path or a binary file); return the
    number of pages written. ``progress(done, total)`` counts documents. The file is dated by
    :func:`creation_date`."""
    documents = list(documents)
    if not documents:
        raise ValueError("nothing to print")
    ctx = make_context(translator(lang), lang)
    total = len(documents)

    def starting(index: int) -> Callable[[], None]:
        def on_start() -> None:
            if cancelled is not None and cancelled():
                raise Cancelled(ctx._("Printing was cancelled"))
            if progress is not None and index:
                progress(index, total)
        return on_start

    with shared_paragraphs():
        story: list[Flowable] = []
        for index, document in enumerate(documents):
            flowables, furniture = _story_and_furniture(document, ctx)
            if story:
                story.append(PageBreak())
            story.append(DocumentStart(furniture, starting(index)))
            story += flowables
    title = _document_title(documents[0])
    with _atomic_target(out) as target, binary_streams():
        template = AppraisalDocTemplate(target, title=title, lang=ctx.lang)
        created = creation_date(documents, printed_at)
        template.build(story, canvasmaker=partial(NumberingCanvas, created=created))
    if progress is not None:
        progress(total, total)
    return template.page


def creation_date(documents: Sequence[PrintDocument], printed_at: datetime | None = None) -> datetime:
    """Finalized documents carry the time their snapshot was taken, so printing one again gives the
    same bytes; a file with any draft in it carries the print time (``printed_at``, now by default)."""
    stamps = [d.finalized_at for d in documents if d.finalized]
    if stamps and len(stamps) == len(documents) and all(s is not None for s in stamps):
        return max(s for s in stamps if s is not None)
    return printed_at or datetime.now(UTC)


def render_sheets(
    sheets: Sequence[SheetData],
    out: Target,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
    *,
    lang: str | None = None,
) -> int:
    """Many appraisal sheets into one PDF (each sheet numbered on its own)."""
    return render_documents(sheets, out, lang=lang, progress=progress, cancelled=cancelled)


def render_sheet(sheet: SheetData, *, lang: str | None = None, printed_at: datetime | None = None) -> bytes:
    """One sheet as PDF bytes."""
    import io

    buffer = io.BytesIO()
    render_documents([sheet], buffer, lang=lang, printed_at=printed_at)
    return buffer.getvalue()


def render_summary(summary: DepartmentSummaryData, out: Target, *, lang: str | None = None) -> int:
    return render_documents([summary], out, lang=lang)


def render_year_sheet(sheet: YearSheetData, out: Target, *, lang: str | None = None) -> int:
    return render_documents([sheet], out, lang=lang)


def render_split(
    documents: Sequence[PrintDocument],
    folder: str | os.PathLike,
    *,
    lang: str | None = None,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> list[Path]:
    """One PDF per document in ``folder`` (``<period>_<staff_no>_<name>.pdf`` for a sheet). On a
    cancel or an error the files of this run are removed again."""
    _ = translator(lang)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    documents = list(documents)
    written: list[Path] = []
    try:
        for index, document in enumerate(documents):
            if cancelled is not None and cancelled():
                raise Cancelled(_("Printing was cancelled"))
            path = _unique(folder / document_file_name(document), written)
            render_documents([document], path, lang=lang)
            written.append(path)
            if progress is not None:
                progress(index + 1, len(documents))
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written


def document_file_name(document: PrintDocument) -> str:
    if isinstance(document, SheetData):
        parts = [document.period, document.staff_no, document.employee]
    elif isinstance(document, YearSheetData):
        parts = [document.year, document.staff_no, document.employee, "year"]
    else:
        parts = [document.period, document.department, "summary"]
    return "_".join(_safe_name_part(p) for p in parts if p) + ".pdf"


def _safe_name_part(text: str) -> str:
    """Characters Windows or a shared drive would refuse are replaced; the Chinese name stays."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "-", text.strip())
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .")
    return cleaned[:80] or "-"


def _unique(path: Path, taken: Sequence[Path]) -> Path:
    candidate, counter = path, 2
    while candidate in taken:
        candidate = path.with_name(f"{path.stem}-{counter}{path.suffix}")
        counter += 1
    return candidate


def _story_and_furniture(document: PrintDocument, ctx: Context) -> tuple[list[Flowable], PageFurniture]:
    _ = ctx._
    if isinstance(document, SheetData):
        flowables = sheet_story(document, ctx)
        header = [document.organisation, document.title, f"{document.employee} ({document.staff_no})", document.period]
        outline = f"{document.employee} {document.staff_no}"
    elif isinstance(document, YearSheetData):
        flowables = year_sheet_story(document, ctx)
        header = [document.organisation, document.title, f"{document.employee} ({document.staff_no})", document.year]
        outline = f"{document.employee} {document.staff_no} {document.year}"
    elif isinstance(document, DepartmentSummaryData):
        flowables = summary_story(document, ctx)
        header = [document.organisation, document.title, document.department, document.period]
        outline = f"{document.department} {document.period}"
    else:
        raise TypeError(f"cannot print a {type(document).__name__}")
    furniture = PageFurniture(
        header=" · ".join(h for h in header if h),
        confidentiality=_("Confidential — for internal use only"),
        page_label=_("Page {page} of {pages}"),
        fingerprint=ctx.labelled(_("Snapshot SHA-256"), document.snapshot_hash) if document.snapshot_hash else "",
        draft=not document.finalized,
        outline_title=outline,
    )
    return flowables, furniture


def _document_title(document: PrintDocument) -> str:
    if isinstance(document, DepartmentSummaryData):
        return f"{document.title} {document.department} {document.period}"
    if isinstance(document, YearSheetData):
        return f"{document.title} {document.year}"
    return f"{document.title} {document.period}"


@contextlib.contextmanager
def binary_streams():
    """Compressed streams without the ASCII85 wrapping reportlab adds by default: 7-bit safe
    PDFs are a relic, the wrapping makes files a quarter larger and, done in pure Python, costs
    about a tenth of the layout time of a batch."""
    previous = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = previous


@contextlib.contextmanager
def _atomic_target(out: Target):
    """Write to a temporary file beside ``out`` and move it into place only when complete."""
    if hasattr(out, "write"):
        yield out
        return
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".part", dir=path.parent)
    os.close(handle)
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
