"""Paragraph and table styles of the printed documents, all in the embedded font.

Every style exists twice: as is, and with ``wordWrap='CJK'`` for text containing Chinese (which
has no spaces to break at). :func:`paragraph` picks the right one, so English text keeps breaking
between words.
"""

from __future__ import annotations

import contextlib
import re
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Table
from reportlab.platypus.tables import CellStyle

from kpidesk.reports.fonts import FONT, register_pdf_font

INK = colors.HexColor("#1f2a30")
MUTED = colors.HexColor("#5f6f78")
RULE = colors.HexColor("#9aa7ae")
LABEL_FILL = colors.HexColor("#eef2f4")
HEADER_FILL = colors.HexColor("#dde5ea")
TOTAL_FILL = colors.HexColor("#f5f7f8")

_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


@dataclass(frozen=True)
class Styles:
    font: str
    organisation: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    section: ParagraphStyle
    body: ParagraphStyle
    cell: ParagraphStyle
    cell_centre: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_small: ParagraphStyle
    label: ParagraphStyle
    caption: ParagraphStyle
    big_grade: ParagraphStyle
    note: ParagraphStyle


def _style(name: str, font: str, size: float, leading: float, **extra) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading, textColor=extra.pop("textColor", INK),
                          splitLongWords=1, **extra)


@lru_cache(maxsize=1)
def styles() -> Styles:
    font = register_pdf_font()
    return Styles(
        font=font,
        organisation=_style("organisation", font, 9.5, 12, textColor=MUTED),
        title=_style("title", font, 15, 18, alignment=TA_CENTER, spaceAfter=4),
        subtitle=_style("subtitle", font, 9.5, 13, alignment=TA_CENTER, textColor=MUTED, spaceAfter=6),
        section=_style("section", font, 10, 12, spaceBefore=3.5, spaceAfter=2),
        body=_style("body", font, 9, 13),
        cell=_style("cell", font, 8, 10),
        cell_centre=_style("cell_centre", font, 8, 10, alignment=TA_CENTER),
        cell_bold=_style("cell_bold", font, 8.5, 10.5),
        cell_small=_style("cell_small", font, 6.5, 7.6, textColor=MUTED),
        label=_style("label", font, 8, 10, textColor=MUTED),
        caption=_style("caption", font, 8, 10, alignment=TA_CENTER, textColor=MUTED),
        big_grade=_style("big_grade", font, 13, 15, alignment=TA_CENTER, textColor=colors.white),
        note=_style("note", font, 7.5, 10, textColor=MUTED, alignment=TA_LEFT),
    )


@lru_cache(maxsize=64)
def _cjk_variant(style: ParagraphStyle) -> ParagraphStyle:
    return ParagraphStyle(style.name + "-cjk", parent=style, wordWrap="CJK")


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def markup(text: str) -> str:
    """User text made safe for a Paragraph: escaped, line breaks kept."""
    return escape(text).replace("\n", "<br/>")


class WrapOnceParagraph(Paragraph):
    """A Paragraph that breaks its lines once per width and keeps them.

    A paragraph in a table cell is wrapped when the table is measured, again when the cell is drawn,
    and once more when a one-page sheet or a kept block measures the table before placing it; within
    a print run the same label in the same style is one paragraph in every sheet
    (:func:`shared_paragraphs`). The lines depend only on the width, so a wrap at a width seen
    before restores them. Whoever draws a paragraph wraps it at its width first, as reportlab's
    frames and tables do.
    """

    def wrap(self, availWidth, availHeight):  # noqa: N803 - reportlab's names
        known = self.__dict__.setdefault("_lines_by_width", {})
        lines = known.get(availWidth)
        if lines is not None:
            self.blPara, self.width, self.height, self._wrapWidths = lines
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        if "blPara" in self.__dict__:
            known[availWidth] = (self.blPara, self.width, self.height, self._wrapWidths)
        return size


_shared: ContextVar[dict | None] = ContextVar("shared_paragraphs", default=None)


@contextlib.contextmanager
def shared_paragraphs():
    """Within the block, equal text in an equal style is one paragraph: a batch of sheets repeats
    its headers, labels, rating levels and indicator names hundreds of times, and parsing and
    breaking each copy again was a fifth of the layout time."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def paragraph(text: str, style: ParagraphStyle, *, raw: bool = False) -> Paragraph:
    """A Paragraph of ``text`` (escaped unless ``raw``), wrapping the CJK way when it holds Chinese."""
    chosen = _cjk_variant(style) if has_cjk(text) else style
    source = text if raw else markup(text)
    shared = _shared.get()
    if shared is None:
        return WrapOnceParagraph(source, chosen)
    made = shared.get((source, chosen))
    if made is None:
        made = shared[(source, chosen)] = WrapOnceParagraph(source, chosen)
    return made


def right(style: ParagraphStyle) -> ParagraphStyle:
    return _aligned(style, TA_RIGHT)


@lru_cache(maxsize=64)
def _aligned(style: ParagraphStyle, alignment: int) -> ParagraphStyle:
    return ParagraphStyle(f"{style.name}-{alignment}", parent=style, alignment=alignment)


class GridCell(CellStyle):
    """Cell defaults of every table: the embedded font, our type size, paddings and colour.

    Set as defaults rather than as table-wide style commands, which reportlab applies cell by
    cell — for a batch of sheets that is a measurable share of the layout time. An empty cell
    also keeps the embedded font instead of registering Helvetica.
    """

    fontname = FONT
    fontsize = 8
    leading = 10
    leftPadding = 3
    rightPadding = 3
    topPadding = 1.8
    bottomPadding = 1.8
    color = INK
    valign = "MIDDLE"


#: A table is split inside a row only on a page of (nearly) its own: elsewhere a row that does not
#: fit moves to the next page whole, instead of leaving a repeated header over an empty sliver.
SPLIT_IN_ROW_FROM = 200 * mm


class Grid(Table):
    """A Table whose cells start from :class:`GridCell`."""

    def __init__(self, data, *args, cellStyles=None, **kwargs):  # noqa: N803 - reportlab's name
        if cellStyles is None:
            register_pdf_font()
            columns = max((len(row) for row in data), default=0)
            cellStyles = [[GridCell("cell") for _column in range(columns)] for _row in data]  # noqa: N806
        super().__init__(data, *args, cellStyles=cellStyles, **kwargs)

    def split(self, availWidth, availHeight):  # noqa: N803 - reportlab's names
        in_row = self.splitInRow
        self.splitInRow = 0
        try:
            parts = super().split(availWidth, availHeight)
        finally:
            self.splitInRow = in_row
        if not parts and in_row and availHeight >= SPLIT_IN_ROW_FROM:
            parts = super().split(availWidth, availHeight)
        for part in parts:
            if isinstance(part, Table):
                part.splitInRow = in_row
        return parts
