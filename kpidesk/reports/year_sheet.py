"""One employee's year: each period's total, grade and rank, streaks, the trend and the roll-up."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, TableStyle

from kpidesk.reports.blocks import (
    CONTENT_WIDTH,
    Context,
    chart_row,
    document_heading,
    empty_line,
    grade_cell_style,
    grid_style,
    improvement_block,
    info_grid,
    section,
    signature_block,
)
from kpidesk.reports.numbers import DASH, score_text
from kpidesk.reports.sheet_data import YearSheetData
from kpidesk.reports.styles import Grid, paragraph


def year_sheet_story(sheet: YearSheetData, ctx: Context) -> list[Flowable]:
    _ = ctx._
    story: list[Flowable] = []
    story += document_heading(ctx, sheet.organisation, sheet.title, ctx.labelled(_("Year"), sheet.year), sheet.logo)
    story.append(info_grid(ctx, [
        (_("Appraisee"), sheet.employee), (_("Staff no."), sheet.staff_no),
        (_("Department"), sheet.department), (_("Position"), sheet.position),
        (_("Appraiser"), sheet.manager), (_("Year"), sheet.year),
    ]))
    number = 1
    story += section(ctx, number, _("Results by period"))
    story.append(periods_table(sheet, ctx))
    number += 1
    story += [*section(ctx, number, _("Year result"), keep=45 * mm), year_result_table(sheet, ctx)]
    if sheet.streak_flags:
        story += [Spacer(1, 2 * mm)] + [paragraph(f"• {flag}", ctx.styles.body) for flag in sheet.streak_flags]
    charts = chart_row(ctx, [("", sheet.trend_chart)], per_row=1, max_height=80 * mm)
    if charts is not None:
        story += [Spacer(1, 3 * mm), charts]
    if not sheet.improvement.is_empty():
        number += 1
        story += section(ctx, number, _("Improvement plan"))
        story.append(improvement_block(ctx, sheet.improvement))
    story += signature_block(ctx, [_("Employee (appraisee)"), _("Appraiser"), _("Human Resources")])
    return story


def periods_table(sheet: YearSheetData, ctx: Context) -> Flowable:
    _ = ctx._
    s = ctx.styles
    if not sheet.periods:
        return empty_line(ctx)
    header = [_("Period"), _("Total score"), _("Grade"), _("Department rank"), _("Notes")]
    rows: list[list] = [[paragraph(h, s.cell_centre) for h in header]]
    style = grid_style(s.font)
    for index, row in enumerate(sheet.periods, start=1):
        rank = DASH if row.department_rank is None else (
            f"{row.department_rank} / {row.department_size}" if row.department_size else str(row.department_rank))
        rows.append([row.period, score_text(row.total_score), row.grade or DASH, rank,
                     paragraph("；".join(row.flags) if ctx.chinese else "; ".join(row.flags), s.cell)])
        style += grade_cell_style(2, index, row.grade_key)
    widths = [24 * mm, 24 * mm, 22 * mm, 26 * mm, CONTENT_WIDTH - 96 * mm]
    table = Grid(rows, colWidths=widths, repeatRows=1, splitInRow=1)
    table.setStyle(TableStyle(style + [("ALIGN", (0, 1), (3, -1), "CENTER")]))
    return table


def year_result_table(sheet: YearSheetData, ctx: Context) -> Grid:
    _ = ctx._
    s = ctx.styles
    rank = DASH if sheet.year_rank is None else (
        f"{sheet.year_rank} / {sheet.year_rank_size}" if sheet.year_rank_size else str(sheet.year_rank))
    header = [paragraph(h, s.cell_centre) for h in (_("Year score"), _("Year grade"), _("Department rank"))]
    values = [score_text(sheet.year_score),
              paragraph(sheet.year_grade or DASH, s.big_grade if sheet.year_grade_key else s.cell_centre), rank]
    width = CONTENT_WIDTH / 3
    table = Grid([header, values], colWidths=[width] * 3)
    style = grid_style(s.font) + [("ALIGN", (0, 1), (-1, 1), "CENTER"), ("FONTSIZE", (0, 1), (-1, 1), 13),
                                  ("LEADING", (0, 1), (-1, 1), 16), ("TOPPADDING", (0, 1), (-1, 1), 6),
                                  ("BOTTOMPADDING", (0, 1), (-1, 1), 6)]
    table.setStyle(TableStyle(style + grade_cell_style(1, 1, sheet.year_grade_key)))
    return table
