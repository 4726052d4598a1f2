"""Pieces every printed document is made of: heading, info grid, tables, charts, signatures."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Image, Paragraph, Spacer, TableStyle

from kpidesk.charts.palette import grade_colour
from kpidesk.charts.pool import PendingImage
from kpidesk.charts.translate import Translate, language_code
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
    return [top, Spacer(1, 2 * mm), paragraph(title, ctx.styles.title), paragraph(subtitle, ctx.styles.subtitle)]


def info_grid(ctx: Context, pairs: Sequence[tuple[str, str]]) -> Grid:
    """Label/value pairs, two pairs per row, labels on a tinted background."""
    cell, label = ctx.styles.cell, ctx.styles.label
    rows = []
    for i in range(0, len(pairs), 2):
        row = []
        for name, value in pairs[i:i + 2]:
            row += [paragraph(name, label), paragraph(value, cell)]
        row += [""] * (4 - len(row))
        rows.append(row)
    widths = [24 * mm, 66 * mm, 24 * mm, 66 * mm]
    table = Grid(rows, colWidths=widths)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("BACKGROUND", (0, 0), (0, -1), LABEL_FILL),
        ("BACKGROUND", (2, 0), (2, -1), LABEL_FILL),
    ]))
    return table


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
        scale = min(max_width / png.width, max_height / png.height)
        return LaterImage(png, png.width * scale, png.height * scale)
    image = Image(io.BytesIO(png))
    scale = min(max_width / image.imageWidth, max_height / image.imageHeight)
    image.drawWidth = image.imageWidth * scale
    image.drawHeight = image.imageHeight * scale
    return image


class LaterImage(Flowable):
    """An image whose size is known at layout time and whose pixels arrive when the page is drawn."""

    def __init__(self, pending: PendingImage, width: float, height: float):
        super().__init__()
        self.pending = pending
        self.drawWidth, self.drawHeight = width, height

    def wrap(self, available_width, available_height):
        return self.drawWidth, self.drawHeight

    def draw(self):
        image = Image(io.BytesIO(self.pending.fetch()), self.drawWidth, self.drawHeight)
        image.canv = self.canv  # drawn exactly as a ready image is, so both give the same file
        image.draw()


def chart_row(ctx: Context, charts: Sequence[tuple[str, bytes | PendingImage | None]], *, per_row: int = 2,
              max_height: float = 70 * mm) -> Flowable | None:
    """Chart images side by side with their captions; None when there is no image at all."""
    present = [(caption, png) for caption, png in charts if png]
    if not present:
        return None
    column = CONTENT_WIDTH / per_row
    cells = [[_image(png, max_width=column - 4 * mm, max_height=max_height)]
             + ([paragraph(caption, ctx.styles.caption)] if caption else []) for caption, png in present]
    rows: list[list[Any]] = [cells[i:i + per_row] for i in range(0, len(cells), per_row)]
    rows[-1] += [""] * (per_row - len(rows[-1]))
    table = Grid(rows, colWidths=[column] * per_row)
    table.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2)]))
    return table


def improvement_block(ctx: Context, plan: ImprovementPlan) -> Grid:
    _ = ctx._
    rows = []
    for name, items in ((_("Strengths"), plan.strengths), (_("Areas to improve"), plan.areas_to_improve),
                        (_("Goals"), plan.goals)):
        texts = [paragraph(f"• {item}", ctx.styles.cell) for item in items] or [paragraph("", ctx.styles.cell)]
        rows.append([paragraph(name, ctx.styles.label), texts])
    table = Grid(rows, colWidths=[30 * mm, CONTENT_WIDTH - 30 * mm], splitInRow=1)
    table.setStyle(TableStyle(grid_style(ctx.styles.font, header_rows=0) + [
        ("BACKGROUND", (0, 0), (0, -1), LABEL_FILL), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    return table


def signature_block(ctx: Context, roles: Sequence[str], statement: str = "") -> list[Flowable]:
    """A signature and a date line per role, all on one page."""
    _ = ctx._
    cell = ctx.styles.cell
    signature = _("Signature")
    date = _("Date")
    blank_date = "______年____月____日" if ctx.chinese else "______ / ____ / ____"
    cells = [[paragraph(role, ctx.styles.cell_bold),
              Spacer(1, 4 * mm),
              paragraph(ctx.labelled(signature, "_______________"), cell),
              Spacer(1, 3 * mm),
              paragraph(ctx.labelled(date, blank_date), cell)]
             for role in roles]
    table = Grid([cells], colWidths=[CONTENT_WIDTH / len(roles)] * len(roles))
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEABOVE", (0, 0), (-1, 0), 0.5, RULE),
                               ("TOPPADDING", (0, 0), (-1, -1), 6)]))
    parts: list[Flowable] = [CondPageBreak(48 * mm), Spacer(1, 6 * mm)]
    if statement:
        parts.append(paragraph(statement, ctx.styles.note))
        parts.append(Spacer(1, 2 * mm))
    parts.append(table)
    return parts


def muted(ctx: Context, text: str) -> Paragraph:
    return paragraph(text, ctx.styles.note)

