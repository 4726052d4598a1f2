"""Pieces every printed document is made of: heading, info grid, tables, charts, signatures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer, TableStyle

from kpidesk.charts.palette import grade_colour
from kpidesk.charts.pool import PendingImage
from kpidesk.charts.translate import Translate, language_code
from kpidesk.reports.png_images import PngImage, png_size
from kpidesk.reports.sheet_data import ImprovementPlan
from kpidesk.reports.styles import (
    HEADER_FILL,
    LABEL_FILL,
    RULE,
    Grid,
    Styles,
    paragraph,
    styles,
)

CONTENT_WIDTH = 180 * mm
_CN_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Context:
    """What the builders need besides the data: the language and its styles."""

    _: Translate
    lang: str
    styles: Styles

    @property
    def chinese(self) -> bool:
        return self.lang == "zh_CN"

    def labelled(self, label: str, value: str) -> str:
        """``label: value`` with the colon of the language (full-width in Chinese)."""
        return f"{label}：{value}" if self.chinese else f"{label}: {value}"


def make_context(translate: Translate, lang: str | None) -> Context:
    return Context(translate, language_code(lang), styles())


def section(ctx: Context, number: int, title: str, keep: float = 28 * mm) -> list[Flowable]:
    """A numbered heading that starts a new page unless ``keep`` of space is left below it.

    A conditional page break instead of keep-with-next or KeepTogether: those push a long table
    whole onto the next page and lay their content out twice, which costs time in a batch.
    """
    prefix = f"{_CN_NUMERALS[number - 1]}、" if ctx.chinese and number <= 10 else f"{number}. "
    return [CondPageBreak(keep), paragraph(prefix + title, ctx.styles.section)]


def document_heading(ctx: Context, organisation: str, title: str, subtitle: str, logo: bytes | None) -> list[Flowable]:
    organisation_line = paragraph(organisation, ctx.styles.organisation)
    if logo:
        image = _image(logo, max_width=28 * mm, max_height=12 * mm)
        top = Grid([[image, organisation_line]], colWidths=[30 * mm, CONTENT_WIDTH - 30 * mm],
                    style=[("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    else:
        top = organisation_line
    heading: list[Flowable] = [top, Spacer(1, 2 * mm), paragraph(title, ctx.styles.title)]
    if subtitle:
        heading.append(paragraph(subtitle, ctx.styles.subtitle))
    return heading


def info_grid(ctx: Context, pairs: Sequence[tuple[str, str]], *, per_row: int = 2) -> Grid:
    """Label/value pairs, ``per_row`` pairs per row, labels on a tinted background."""
    cell, label = ctx.styles.cell, ctx.styles.label
    rows = []
    for i in range(0, len(pairs), per_row):
        row = []
        for name, value in pairs[i:i + per_row]:
            row += [paragraph(name, label), paragraph(value, cell)]
        row += [""] * (2 * per_row - len(row))
        rows.append(row)
    label_width = 24 * mm if per_row == 2 else 19 * mm
    value_width = CONTENT_WIDTH / per_row - label_width
    table = Grid(rows, colWidths=[label_width, value_width] * per_row)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, RULE)]
                              + [("BACKGROUND", (2 * i, 0), (2 * i, -1), LABEL_FILL) for i in range(per_row)]))
    return table


_CELL_PADDING = 6.5  # left and right padding of a grid cell, in points, and a little air


def unbroken_width(texts: list[str], font: str, *, size: float = 8, minimum: float = 9 * mm,
                   maximum: float = 26 * mm) -> float:
    """The narrowest column, up to ``maximum``, in which none of ``texts`` breaks inside a word
    ("Excellen-t") or inside a short Chinese heading ("加权得-分"); text breaks at spaces and commas."""
    widest = 0.0
    for text in texts:
        for word in text.replace(",", ", ").split():
            widest = max(widest, stringWidth(word, font, size))
    return min(max(widest + _CELL_PADDING, minimum), maximum)


def grid_style(font: str, *, header_rows: int = 1, numeric_from: int | None = None,
               total_row: bool = False) -> list[tuple]:
    """The ruled look of every data table (the cell defaults come from :class:`GridCell`)."""
    commands: list[tuple] = [("GRID", (0, 0), (-1, -1), 0.5, RULE)]  # font, size, padding: see GridCell
    if header_rows:
        commands += [
            ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_FILL),
            ("ALIGN", (0, 0), (-1, header_rows - 1), "CENTER"),
        ]
    if numeric_from is not None:
        commands.append(("ALIGN", (numeric_from, header_rows), (-1, -1), "RIGHT"))
    if total_row:
        commands += [("BACKGROUND", (0, -1), (-1, -1), LABEL_FILL)]
    return commands


def grade_cell_style(column: int, row: int, key: str | None) -> list[tuple]:
    """A grade cell in its grade colour, the same colour the charts and the GUI use."""
    if not key:
        return []
    colour = colors.HexColor(grade_colour(key))
    return [("BACKGROUND", (column, row), (column, row), colour),
            ("TEXTCOLOR", (column, row), (column, row), colors.white)]


def empty_line(ctx: Context) -> Paragraph:
    return paragraph(ctx._("None"), ctx.styles.label)


def _image(png, *, max_width: float, max_height: float) -> Flowable:
    """A PNG (bytes) or a chart still being drawn (:class:`~kpidesk.charts.pool.PendingImage`),
    scaled to fit."""
    if isinstance(png, PendingImage):
        width, height, fetch = png.width, png.height, png.fetch
    else:
        (width, height), fetch = png_size(png), (lambda: png)
    scale = min(max_width / width, max_height / height)
    return PngImage(fetch, width * scale, height * scale)


def chart_row(ctx: Context, charts: Sequence[tuple[str, bytes | PendingImage | None]], *, per_row: int = 2,
              max_height: float = 70 * mm, lead: Flowable | None = None, lead_width: float = 0) -> Flowable | None:
    """Chart images side by side with their captions, after ``lead`` (in a first column of
    ``lead_width``) when given; None when there is nothing to show."""
    present = [(caption, png) for caption, png in charts if png]
    if not present and lead is None:
        return None
    if not present:
        return lead
    column = (CONTENT_WIDTH - lead_width) / per_row
    cells = [[_image(png, max_width=column - 4 * mm, max_height=max_height)]
             + ([paragraph(caption, ctx.styles.caption)] if caption else []) for caption, png in present]
    rows: list[list[Any]] = [cells[i:i + per_row] for i in range(0, len(cells), per_row)]
    rows[-1] += [""] * (per_row - len(rows[-1]))
    widths = [column] * per_row
    if lead is not None:
        rows = [[lead if index == 0 else "", *row] for index, row in enumerate(rows)]
        widths = [lead_width, *widths]
    table = Grid(rows, colWidths=widths)
    table.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2)]
                              + ([("LEFTPADDING", (0, 0), (0, -1), 0)] if lead is not None else [])))
    return table


class ChartsBeforeKept(Flowable):
    """A chart row followed by a block that must stay on one page (the result and the signatures).

    The charts are drawn at their natural height when both fit on the page; otherwise they shrink,
    down to ``min_height``, so the kept block still fits below them; only below that do the charts
    move to the next page, with the kept block after them. One sheet stays one page this way.
    """

    def __init__(self, ctx: Context, charts: Sequence[tuple[str, bytes | PendingImage | None]], kept: Flowable, *,
                 max_height: float, min_height: float, lead: Flowable | None = None, lead_width: float = 0):
        super().__init__()
        self.ctx, self.charts, self.kept = ctx, charts, kept
        self.lead, self.lead_width = lead, lead_width
        self.max_height, self.min_height = max_height, min_height
        self._row: Flowable | None = None

    def wrap(self, available_width, available_height):
        _width, kept_height = self.kept.wrapOn(self.canv, available_width, available_height)
        natural = self._fit(self.max_height, available_width)
        if natural + kept_height <= available_height:
            return available_width, natural
        room = available_height - kept_height - 2 * mm
        return available_width, self._fit(max(room, self.min_height), available_width)

    def _fit(self, height: float, width: float) -> float:
        """Build the row with images at most ``height`` tall; its real height (padding included).
        The lead column never shrinks, so the row is never lower than the lead: the charts may be as
        tall as the lead at no cost, and are never made smaller than that."""
        if self.lead is not None:
            height = max(height, self.lead.wrapOn(self.canv, self.lead_width, 10_000)[1])
        image_height = height
        real = 0.0
        for _attempt in range(3):
            row = chart_row(self.ctx, self.charts, max_height=image_height, lead=self.lead,
                            lead_width=self.lead_width)
            self._row = row
            if row is None:
                return 0.0
            _w, real = row.wrapOn(self.canv, width, 10_000)
            if real <= height or image_height <= 20 * mm:
                break
            image_height = max(image_height - (real - height), 20 * mm)
        return real

    def split(self, available_width, available_height):
        return []

    def draw(self):
        if self._row is None:
            return
        self._row.drawOn(self.canv, 0, 0)


class OnePage(Flowable):
    """A whole document that prints on one page when it fits, shrunk a little when it nearly fits,
    and flows over several pages (its tables repeating their headers) otherwise.

    The content is laid out once to measure it and then drawn from that layout, so a sheet that
    fits costs no more than the plain flow. Conditional page breaks and keep-together groups only
    matter when flowing; on one page they are skipped or opened up.
    """

    def __init__(self, content: Sequence[Flowable], *, min_scale: float = 0.8):
        super().__init__()
        self.content = list(content)
        self.min_scale = min_scale
        self._placed: list[tuple[Flowable, float, float]] = []  # flowable, x, y from the top
        self._natural = 0.0
        self.scale = 1.0

    def _flat(self) -> list[Flowable]:
        flat: list[Flowable] = []
        for item in self.content:
            if isinstance(item, CondPageBreak):
                continue
            if isinstance(item, KeepTogether):
                flat += [f for f in item._content if not isinstance(f, CondPageBreak)]
            else:
                flat.append(item)
        return flat

    def wrap(self, available_width, available_height):
        placed: list[tuple[Flowable, float, float]] = []
        y = 0.0
        for index, item in enumerate(self._flat()):
            if index:
                y += item.getSpaceBefore()
            width, height = item.wrapOn(self.canv, available_width, max(available_height - y, 0))
            align = getattr(item, "hAlign", "LEFT")
            x = (available_width - width) / 2 if align in ("CENTER", "CENTRE") else (
                available_width - width if align == "RIGHT" else 0)
            placed.append((item, x, y + height))
            y += height + item.getSpaceAfter()
        self._placed, self._natural = placed, y
        self.scale = min(1.0, available_height / y) if y else 1.0
        self._width = available_width
        if self.scale < self.min_scale:
            return available_width, y  # too long for one page: the frame splits it into the content
        return available_width, y * self.scale

    def split(self, available_width, available_height):
        return list(self.content)

    def draw(self):
        canvas = self.canv
        canvas.saveState()
        height = self._natural * self.scale
        canvas.translate(self._width * (1 - self.scale) / 2, 0)
        canvas.scale(self.scale, self.scale)
        for item, x, bottom in self._placed:
            if isinstance(item, Paragraph):  # may be shared and since wrapped at another width
                item.wrapOn(canvas, self._width, self._natural)
            item.drawOn(canvas, x, height / self.scale - bottom)
        canvas.restoreState()


def improvement_block(ctx: Context, plan: ImprovementPlan) -> Grid:
    _ = ctx._
    """Strengths, areas to improve and goals side by side: three short lists take the height of
    the longest rather than the sum of all three."""
    parts = ((_("Strengths"), plan.strengths), (_("Areas to improve"), plan.areas_to_improve), (_("Goals"), plan.goals))
    header = [paragraph(name, ctx.styles.cell_centre) for name, _items in parts]
    lists = [[paragraph(f"• {item}", ctx.styles.cell) for item in items] or [paragraph("", ctx.styles.cell)]
             for _name, items in parts]
    table = Grid([header, lists], colWidths=[CONTENT_WIDTH / 3] * 3, splitInRow=1)
    table.setStyle(TableStyle(grid_style(ctx.styles.font) + [("VALIGN", (0, 1), (-1, -1), "TOP")]))
    return table


def signature_block(ctx: Context, roles: Sequence[str], statement: str = "", *,
                    page_break: bool = True) -> list[Flowable]:
    """A signature and a date line per role, all on one page (``page_break=False`` when the caller
    keeps the block together with what precedes it)."""
    _ = ctx._
    cell = ctx.styles.cell
    signature = _("Signature")
    date = _("Date")
    blank_date = "______年____月____日" if ctx.chinese else "______ / ____ / ____"
    cells = [[paragraph(role, ctx.styles.cell_bold),
              Spacer(1, 2 * mm),
              paragraph(ctx.labelled(signature, "_______________"), cell),
              Spacer(1, 1.5 * mm),
              paragraph(ctx.labelled(date, blank_date), cell)]
             for role in roles]
    table = Grid([cells], colWidths=[CONTENT_WIDTH / len(roles)] * len(roles))
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEABOVE", (0, 0), (-1, 0), 0.5, RULE),
                               ("TOPPADDING", (0, 0), (-1, -1), 4)]))
    parts: list[Flowable] = [CondPageBreak(48 * mm)] if page_break else []
    parts.append(Spacer(1, 3 * mm))
    if statement:
        parts.append(paragraph(statement, ctx.styles.note))
        parts.append(Spacer(1, 1 * mm))
    parts.append(table)
    return parts


def muted(ctx: Context, text: str) -> Paragraph:
    return paragraph(text, ctx.styles.note)

