"""One employee's appraisal sheet for one period, as platypus flowables."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, TableStyle

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
from kpidesk.reports.numbers import DASH, points_text, score_text, weight_text
from kpidesk.reports.pay_section import PAY_SECTION_KEEP, pay_block
from kpidesk.reports.sheet_data import SheetData
from kpidesk.reports.styles import Grid, markup, paragraph


def sheet_story(sheet: SheetData, ctx: Context) -> list[Flowable]:
    _ = ctx._
    story: list[Flowable] = []
    story += document_heading(ctx, sheet.organisation, sheet.title,
                              ctx.labelled(_("Appraisal period"), sheet.period), sheet.logo)
    story.append(info_grid(ctx, [
        (_("Appraisee"), sheet.employee), (_("Staff no."), sheet.staff_no),
        (_("Department"), sheet.department), (_("Position"), sheet.position),
        (_("Appraiser"), sheet.manager), (_("Period"), sheet.period),
    ]))
    number = 1
    story += section(ctx, number, _("Key performance indicators"))
    story.append(kpi_table(sheet, ctx))
    if sheet.qualitative_rows:
        number += 1
        story += section(ctx, number, _("Qualitative assessment"))
        story.append(qualitative_table(sheet, ctx))
    number += 1
    story += section(ctx, number, _("Adjustments"))
    story.append(adjustment_table(sheet, ctx))
    number += 1
    story += [*section(ctx, number, _("Result"), keep=45 * mm), result_table(sheet, ctx)]
    charts = chart_row(ctx, [("", sheet.history_chart), ("", sheet.radar_chart)])
    if charts is not None:
        story += [Spacer(1, 3 * mm), charts]
    if sheet.pay is not None:
        number += 1
        story += [*section(ctx, number, _("Pay"), keep=PAY_SECTION_KEEP), *pay_block(sheet.pay, ctx)]
    if not sheet.improvement.is_empty():
        number += 1
        story += section(ctx, number, _("Improvement plan"))
        story.append(improvement_block(ctx, sheet.improvement))
    story += signature_block(ctx, [_("Employee (appraisee)"), _("Appraiser"), _("Human Resources")],
                             _("The signatures confirm that the results above were discussed with the employee."))
    return story


def kpi_table(sheet: SheetData, ctx: Context) -> Grid:
    _ = ctx._
    s = ctx.styles
    header = [_("Indicator"), _("Weight"), _("Baseline"), _("Target"), _("Challenge"), _("Actual"), _("Score"),
              _("Weighted")]
    rows: list[list] = [[paragraph(h, s.cell_centre) for h in header]]
    for row in sheet.kpi_rows:
        indicator = markup(row.indicator)
        if row.explanation:
            small = s.cell_small
            indicator += (f'<br/><font size="{small.fontSize}" color="#5f6f78">'
                          f"{markup(row.explanation)}</font>")
        rows.append([paragraph(indicator, s.cell, raw=True), weight_text(row.weight), row.baseline, row.target,
                     row.challenge, row.actual, score_text(row.score), score_text(row.weighted_score)])
    if not sheet.kpi_rows:
        rows.append([paragraph(_("No indicators on this sheet"), s.label)] + [""] * 7)
    weights = [r.weight for r in sheet.kpi_rows if r.weight is not None]
    weighted = [r.weighted_score for r in sheet.kpi_rows if r.weighted_score is not None]
    rows.append([paragraph(_("Total"), s.cell_bold), weight_text(sum(weights)) if weights else "", "", "", "", "",
                 "", score_text(sum(weighted)) if weighted else DASH])
    widths = [62 * mm, 13 * mm, 17 * mm, 17 * mm, 17 * mm, 18 * mm, 16 * mm, 20 * mm]
    table = Grid(rows, colWidths=widths, repeatRows=1, splitInRow=1)
    table.setStyle(TableStyle(grid_style(s.font, numeric_from=1, total_row=True) + [
        ("ALIGN", (1, 1), (5, -1), "CENTER"),
    ]))
    return table


def qualitative_table(sheet: SheetData, ctx: Context) -> Grid:
    _ = ctx._
    s = ctx.styles
    raters = list(dict.fromkeys(r.rater for row in sheet.qualitative_rows for r in row.ratings))
    with_weight = any(row.weight is not None for row in sheet.qualitative_rows)
    with_score = any(row.score is not None for row in sheet.qualitative_rows)
    header = [_("Criterion")] + ([_("Weight")] if with_weight else []) + raters
    header += ([_("Score")] if with_score else []) + [_("Comments")]
    rows: list[list] = [[paragraph(h, s.cell_centre) for h in header]]
    for row in sheet.qualitative_rows:
        by_rater = {r.rater: r for r in row.ratings}
        cells: list = [paragraph(row.criterion, s.cell)]
        if with_weight:
            cells.append(weight_text(row.weight))
        cells += [paragraph(by_rater[r].level if r in by_rater else DASH, s.cell_centre) for r in raters]
        if with_score:
            cells.append(score_text(row.score))
        comments = [ctx.labelled(markup(r.rater), markup(r.comment)) for r in row.ratings if r.comment.strip()]
        cells.append(paragraph("<br/>".join(comments), s.cell, raw=True) if comments else "")
        rows.append(cells)
    fixed = 34 * mm + (13 * mm if with_weight else 0) + 16 * mm * len(raters) + (15 * mm if with_score else 0)
    widths = [34 * mm] + ([13 * mm] if with_weight else []) + [16 * mm] * len(raters)
    widths += ([15 * mm] if with_score else []) + [max(CONTENT_WIDTH - fixed, 40 * mm)]
    table = Grid(rows, colWidths=widths, repeatRows=1, splitInRow=1)
    style = grid_style(s.font)
    if with_weight:
        style.append(("ALIGN", (1, 1), (1, -1), "CENTER"))
    if with_score:
        column = len(header) - 2
        style.append(("ALIGN", (column, 1), (column, -1), "RIGHT"))
    table.setStyle(TableStyle(style))
    return table


def adjustment_table(sheet: SheetData, ctx: Context) -> Flowable:
    _ = ctx._
    s = ctx.styles
    if not sheet.adjustments:
        return empty_line(ctx)
    with_category = any(a.category for a in sheet.adjustments)
    header = [_("Reason")] + ([_("Category")] if with_category else []) + [_("Points")]
    rows: list[list] = [[paragraph(h, s.cell_centre) for h in header]]
    for item in sheet.adjustments:
        rows.append([paragraph(item.reason, s.cell)] + ([paragraph(item.category, s.cell)] if with_category else [])
                    + [points_text(item.points)])
    total = sum(a.points for a in sheet.adjustments)
    rows.append([paragraph(_("Total"), s.cell_bold)] + ([""] if with_category else []) + [points_text(total)])
    widths = ([CONTENT_WIDTH - 58 * mm, 34 * mm] if with_category else [CONTENT_WIDTH - 24 * mm]) + [24 * mm]
    table = Grid(rows, colWidths=widths, repeatRows=1, splitInRow=1)
    table.setStyle(TableStyle(grid_style(s.font, numeric_from=len(header) - 1, total_row=True)))
    return table


def result_table(sheet: SheetData, ctx: Context) -> Grid:
    _ = ctx._
    s = ctx.styles

    def share(label: str, value: float | None) -> Paragraph:
        text = label if value is None else f"{label} ({weight_text(value)})"
        return paragraph(text, s.cell_centre)

    header = [share(_("Quantitative score"), sheet.quantitative_share), share(_("Qualitative score"), sheet.qualitative_share),
              paragraph(_("Adjustments"), s.cell_centre), paragraph(_("Total score"), s.cell_centre),
              paragraph(_("Grade"), s.cell_centre), paragraph(_("Department rank"), s.cell_centre)]
    adjustment = sheet.adjustment_total
    if adjustment is None and sheet.adjustments:
        adjustment = sum(a.points for a in sheet.adjustments)
    values = [score_text(sheet.quantitative_score), score_text(sheet.qualitative_score), points_text(adjustment),
              score_text(sheet.total_score), paragraph(sheet.grade or DASH, s.big_grade if sheet.grade_key
                                                       else s.cell_centre),
              sheet.rank_text or DASH]
    width = CONTENT_WIDTH / 6
    table = Grid([header, values], colWidths=[width] * 6)
    style = grid_style(s.font) + [("ALIGN", (0, 1), (-1, 1), "CENTER"), ("FONTSIZE", (0, 1), (-1, 1), 13),
                                  ("LEADING", (0, 1), (-1, 1), 16), ("TOPPADDING", (0, 1), (-1, 1), 6),
                                  ("BOTTOMPADDING", (0, 1), (-1, 1), 6)]
    table.setStyle(TableStyle(style + grade_cell_style(4, 1, sheet.grade_key)))
    return table
