"""One employee's appraisal sheet for one period, as platypus flowables."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, TableStyle

from kpidesk.reports.blocks import (
    CONTENT_WIDTH,
    ChartsBeforeKept,
    Context,
    OnePage,
    document_heading,
    empty_line,
    grade_cell_style,
    grid_style,
    improvement_block,
    info_grid,
    section,
    signature_block,
    unbroken_width,
)
from kpidesk.reports.numbers import DASH, points_text, score_text, weight_text
from kpidesk.reports.pay_section import pay_block
from kpidesk.reports.sheet_data import SheetData
from kpidesk.reports.styles import LABEL_FILL, RULE, Grid, markup, paragraph


def sheet_story(sheet: SheetData, ctx: Context) -> list[Flowable]:
    """The sheet, laid out to fit a typical person (12 indicators, one form of 8 criteria, two
    charts) on one A4 page: the period sits in the info grid rather than under the title, the
    charts shrink before the result moves, and the result, plan and signatures stay together."""
    _ = ctx._
    story: list[Flowable] = []
    story += document_heading(ctx, sheet.organisation, sheet.title, "", sheet.logo)
    story.append(info_grid(ctx, [
        (_("Appraisee"), sheet.employee), (_("Staff no."), sheet.staff_no), (_("Period"), sheet.period),
        (_("Department"), sheet.department), (_("Position"), sheet.position), (_("Appraiser"), sheet.manager),
    ], per_row=3))
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
    story.append(CondPageBreak(45 * mm))
    story.append(heading(ctx, number, _("Result")))
    kept: list[Flowable] = []
    if sheet.pay is not None:
        number += 1
        kept += [heading(ctx, number, _("Pay")), *pay_block(sheet.pay, ctx)]
    if not sheet.improvement.is_empty():
        number += 1
        kept += [heading(ctx, number, _("Improvement plan")), improvement_block(ctx, sheet.improvement)]
    kept += signature_block(ctx, [_("Employee (appraisee)"), _("Appraiser"), _("Human Resources")],
                            _("The signatures confirm that the results above were discussed with the employee."),
                            page_break=False)
    together = KeepTogether(kept)
    # the result beside the charts: the charts shrink (down to the height of the result) before
    # the result, the plan and the signatures are parted
    story.append(ChartsBeforeKept(ctx, [("", sheet.history_chart), ("", sheet.radar_chart)], together,
                                  lead=result_grid(sheet, ctx), lead_width=RESULT_WIDTH,
                                  max_height=50 * mm, min_height=36 * mm))
    story.append(together)
    return [OnePage(story)]


def heading(ctx: Context, number: int, title: str) -> Flowable:
    """A section heading without its conditional page break, for use inside a kept block."""
    return section(ctx, number, title)[-1]


def kpi_table(sheet: SheetData, ctx: Context) -> Grid:
    _ = ctx._
    s = ctx.styles
    header = [_("Indicator"), _("Weight"), _("Baseline"), _("Target"), _("Challenge"), _("Actual"), _("Score"),
              _("Weighted")]
    rows: list[list] = [[paragraph(h, s.cell_centre) for h in header]]
    for row in sheet.kpi_rows:
        indicator = markup(row.indicator)
        if row.explanation:  # run on after the name: a line saved on most rows, twelve rows on a page
            small = s.cell_small
            indicator += (f'&nbsp;&nbsp;<font size="{small.fontSize}" color="#5f6f78">'
                          f"{markup(row.explanation)}</font>")
        rows.append([paragraph(indicator, s.cell, raw=True), weight_text(row.weight), row.baseline, row.target,
                     row.challenge, row.actual, score_text(row.score), score_text(row.weighted_score)])
    if not sheet.kpi_rows:
        rows.append([paragraph(_("No indicators on this sheet"), s.label)] + [""] * 7)
    weights = [r.weight for r in sheet.kpi_rows if r.weight is not None]
    weighted = [r.weighted_score for r in sheet.kpi_rows if r.weighted_score is not None]
    rows.append([paragraph(_("Total"), s.cell_bold), weight_text(sum(weights)) if weights else "", "", "", "", "",
                 "", score_text(sum(weighted)) if weighted else DASH])
    numbers = [[h] for h in header[1:]]
    for row in sheet.kpi_rows:
        for column, value in enumerate((weight_text(row.weight), row.baseline, row.target, row.challenge, row.actual,
                                        score_text(row.score), score_text(row.weighted_score))):
            numbers[column].append(value)
    widths = [unbroken_width(texts, s.font, minimum=10 * mm) for texts in numbers]
    table = Grid(rows, colWidths=[CONTENT_WIDTH - sum(widths), *widths], repeatRows=1, splitInRow=1)
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
        comments = [ctx.labelled(markup(r.rater), markup(run_on(r.comment, ctx))) for r in row.ratings
                    if r.comment.strip()]
        cells.append(paragraph(run_on("\n".join(comments), ctx), s.cell, raw=True) if comments else "")
        rows.append(cells)
    font = s.font
    widths = [32 * mm]
    if with_weight:
        widths.append(unbroken_width([_("Weight")] + [weight_text(r.weight) for r in sheet.qualitative_rows], font))
    for rater in raters:
        levels = [r.level for row in sheet.qualitative_rows for r in row.ratings if r.rater == rater]
        widths.append(unbroken_width([rater, *levels], font, minimum=11 * mm))
    if with_score:
        widths.append(unbroken_width([_("Score")] + [score_text(r.score) for r in sheet.qualitative_rows], font))
    widths.append(max(CONTENT_WIDTH - sum(widths), 40 * mm))
    table = Grid(rows, colWidths=widths, repeatRows=1, splitInRow=1)
    style = grid_style(s.font)
    if with_weight:
        style.append(("ALIGN", (1, 1), (1, -1), "CENTER"))
    if with_score:
        column = len(header) - 2
        style.append(("ALIGN", (column, 1), (column, -1), "RIGHT"))
    table.setStyle(TableStyle(style))
    return table


_SENTENCE_ENDS = tuple("。！？；.!?;")


def run_on(text: str, ctx: Context) -> str:
    """Lines of comments as one run of text, so short comments share a line: a sentence already
    ended is followed by a space, otherwise by a semicolon of the sheet's language."""
    parts = [line.strip() for line in text.splitlines() if line.strip()]
    out = ""
    for part in parts:
        if out:
            out += " " if out.endswith(_SENTENCE_ENDS) else ("；" if ctx.chinese else "; ")
        out += part
    return out


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


RESULT_WIDTH = 56 * mm


def result_grid(sheet: SheetData, ctx: Context) -> Grid:
    """The result as label/value rows, narrow enough to stand beside the two charts."""
    _ = ctx._
    s = ctx.styles

    def share(label: str, value: float | None) -> str:
        return label if value is None else f"{label} ({weight_text(value)})"

    adjustment = sheet.adjustment_total
    if adjustment is None and sheet.adjustments:
        adjustment = sum(a.points for a in sheet.adjustments)
    rows = [
        [paragraph(share(_("Quantitative score"), sheet.quantitative_share), s.label),
         score_text(sheet.quantitative_score)],
        [paragraph(share(_("Qualitative score"), sheet.qualitative_share), s.label), score_text(sheet.qualitative_score)],
        [paragraph(_("Adjustments"), s.label), points_text(adjustment)],
        [paragraph(_("Total score"), s.cell_bold), score_text(sheet.total_score)],
        [paragraph(_("Grade"), s.cell_bold),
         paragraph(sheet.grade or DASH, s.big_grade if sheet.grade_key else s.cell_centre)],
        [paragraph(_("Department rank"), s.label), sheet.rank_text or DASH],
    ]
    rows += [[paragraph(label, s.label), paragraph(text, s.cell_centre)] for label, text in (
        (_("Training need"), sheet.training_need), (_("Staff level"), sheet.staff_level)) if text]
    table = Grid(rows, colWidths=[RESULT_WIDTH - 24 * mm, 24 * mm])
    style = [("GRID", (0, 0), (-1, -1), 0.5, RULE), ("BACKGROUND", (0, 0), (0, -1), LABEL_FILL),
             ("ALIGN", (1, 0), (1, -1), "CENTER"), ("FONTSIZE", (1, 3), (1, 3), 12), ("LEADING", (1, 3), (1, 3), 15),
             ("TOPPADDING", (0, 4), (-1, 4), 3), ("BOTTOMPADDING", (0, 4), (-1, 4), 3)]
    table.setStyle(TableStyle(style + grade_cell_style(1, 4, sheet.grade_key)))
    return table
