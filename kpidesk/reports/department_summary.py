"""A department's results for one period: key figures, ranking, grade distribution, charts,
calibration notes and the sign-off lines."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, TableStyle

from kpidesk.reports.blocks import (
    CONTENT_WIDTH,
    Context,
    chart_row,
    document_heading,
    empty_line,
    grade_cell_style,
    grid_style,
    info_grid,
    section,
    signature_block,
    unbroken_width,
)
from kpidesk.reports.numbers import DASH, points_text, score_text, share_text
from kpidesk.reports.sheet_data import DepartmentSummaryData
from kpidesk.reports.styles import Grid, paragraph


def summary_story(summary: DepartmentSummaryData, ctx: Context) -> list[Flowable]:
    _ = ctx._
    story: list[Flowable] = []
    story += document_heading(ctx, summary.organisation, summary.title,
                              ctx.labelled(_("Appraisal period"), summary.period), summary.logo)
    story.append(info_grid(ctx, [
        (_("Department"), summary.department), (_("Department head"), summary.manager),
        (_("Employees"), str(len(summary.ranking))), (_("Period"), summary.period),
        (_("Average score"), score_text(summary.average_score)), (_("Median score"), score_text(summary.median_score)),
    ]))
    number = 1
    story += section(ctx, number, _("Ranking"))
    story.append(ranking_table(summary, ctx))
    number += 1
    story += [*section(ctx, number, _("Grade distribution"), keep=45 * mm), distribution_table(summary, ctx)]
    narrow = chart_row(ctx, [(c.caption, c.png) for c in summary.charts if not c.wide], max_height=75 * mm)
    wide = chart_row(ctx, [(c.caption, c.png) for c in summary.charts if c.wide], per_row=1, max_height=120 * mm)
    charts = [c for c in (narrow, wide) if c is not None]
    if charts:
        number += 1
        story += [*section(ctx, number, _("Team charts"), keep=charts[0].wrap(CONTENT_WIDTH, 1000 * mm)[1] + 12 * mm)]
        story += charts
    if summary.notes:
        number += 1
        story += section(ctx, number, _("Calibration notes"))
        story += [paragraph(f"• {note}", ctx.styles.body) for note in summary.notes]
    story += signature_block(ctx, [_("Department head"), _("Human Resources"), _("Approved by")])
    return story


def ranking_table(summary: DepartmentSummaryData, ctx: Context) -> Flowable:
    _ = ctx._
    s = ctx.styles
    if not summary.ranking:
        return empty_line(ctx)
    header = [_("Rank"), _("Staff no."), _("Name"), _("Position"), _("Quantitative score"), _("Qualitative score"),
              _("Adjustments"), _("Total score"), _("Grade")]
    rows: list[list] = [[paragraph(h, s.cell_centre) for h in header]]
    style = grid_style(s.font, numeric_from=4)
    ordered = sorted(summary.ranking, key=lambda r: (r.rank is None, r.rank or 0, r.staff_no))
    for index, row in enumerate(ordered, start=1):
        rows.append([DASH if row.rank is None else str(row.rank), row.staff_no, paragraph(row.employee, s.cell), paragraph(row.position, s.cell),
                     score_text(row.quantitative_score), score_text(row.qualitative_score),
                     points_text(row.adjustment_total) if row.adjustment_total is not None else DASH,
                     score_text(row.total_score), row.grade or DASH])
        style += grade_cell_style(8, index, row.grade_key)
    texts: list[list[str]] = [[h] for h in header]
    for cells in rows[1:]:
        for column, value in enumerate(cells):
            if isinstance(value, str):
                texts[column].append(value)
    numeric = [unbroken_width(texts[c], s.font, minimum=12 * mm) for c in (0, 1, 4, 5, 6, 7, 8)]
    rest = (CONTENT_WIDTH - sum(numeric)) / 2  # name and position share what the numbers leave
    widths = [numeric[0], numeric[1], rest, rest, *numeric[2:]]
    table = Grid(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(style + [("ALIGN", (0, 1), (0, -1), "CENTER"), ("ALIGN", (8, 1), (8, -1), "CENTER")]))
    return table


def distribution_table(summary: DepartmentSummaryData, ctx: Context) -> Flowable:
    _ = ctx._
    s = ctx.styles
    if not summary.grade_counts:
        return empty_line(ctx)
    total = sum(c.count for c in summary.grade_counts)
    with_target = any(c.target_share is not None for c in summary.grade_counts)
    header = [_("Grade"), _("Employees"), _("Share")] + ([_("Target share")] if with_target else [])
    rows: list[list] = [[paragraph(h, s.cell_centre) for h in header]]
    style = grid_style(s.font, numeric_from=1)
    for index, count in enumerate(summary.grade_counts, start=1):
        row = [count.grade, str(count.count), share_text(count.count / total) if total else DASH]
        if with_target:
            row.append(share_text(count.target_share) if count.target_share is not None else DASH)
        rows.append(row)
        style += grade_cell_style(0, index, count.grade_key)
    ungraded = len(summary.ranking) - total
    if ungraded > 0:  # so the table adds up to the head count above it
        rows.append([_("Without a grade"), str(ungraded), DASH] + ([""] if with_target else []))
    rows.append([_("Total"), str(total + max(ungraded, 0)), share_text(1.0) if total else DASH]
                + ([""] if with_target else []))
    width = min(CONTENT_WIDTH, 30 * mm * len(header))
    table = Grid(rows, colWidths=[width / len(header)] * len(header), hAlign="LEFT")
    table.setStyle(TableStyle(style + [("ALIGN", (0, 1), (0, -1), "CENTER"),
                                       ("BACKGROUND", (0, -1), (-1, -1), "#eef2f4")]))
    return table
