"""The pay section of a period sheet: each component with its basis, amount and working, then the total.

Only laid out when the sheet carries a :class:`~kpidesk.reports.sheet_data.PaySection` (HR asked for it);
every text arrives formatted, so this module only arranges it.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, TableStyle

from kpidesk.reports.blocks import CONTENT_WIDTH, Context, grid_style
from kpidesk.reports.sheet_data import PaySection
from kpidesk.reports.styles import Grid, markup, paragraph, right

#: The colour of the draft notice (the watermark's red, readable as text).
DRAFT_INK = "#b3261e"

_WIDTHS = (38 * mm, 50 * mm, 26 * mm)


def pay_table(section: PaySection, ctx: Context) -> Grid:
    _ = ctx._
    s = ctx.styles
    amount_style = right(s.cell)
    header = [_("Pay item"), _("Basis"), _("Amount"), _("How it was reached")]
    rows: list[list] = [[paragraph(h, s.cell_centre) for h in header]]
    for row in section.rows:
        rows.append([paragraph(row.item, s.cell), paragraph(row.basis, s.cell), paragraph(row.amount, amount_style),
                     paragraph(row.explanation, s.cell_small)])
    rows.append([paragraph(_("Total pay"), s.cell_bold), paragraph(section.total_basis, s.cell_small),
                 paragraph(section.total, right(s.cell_bold)), ""])
    widths = [*_WIDTHS, CONTENT_WIDTH - sum(_WIDTHS)]
    table = Grid(rows, colWidths=widths, repeatRows=1, splitInRow=1)
    table.setStyle(TableStyle(grid_style(s.font, total_row=True)))
    return table


def pay_notice(section: PaySection, ctx: Context) -> Flowable | None:
    """Where the figures come from; a draft's notice in the watermark's colour."""
    if not section.note:
        return None
    text = markup(section.note)
    if section.draft:
        text = f'<font color="{DRAFT_INK}">{text}</font>'
    return paragraph(text, ctx.styles.note, raw=True)


def pay_block(section: PaySection, ctx: Context) -> list[Flowable]:
    """The notice (if any) and the table, ready to follow the section heading."""
    notice = pay_notice(section, ctx)
    if not section.rows:
        return [notice] if notice is not None else []
    parts: list[Flowable] = []
    if notice is not None and section.draft:
        parts += [notice, Spacer(1, 1.5 * mm)]
    parts.append(pay_table(section, ctx))
    if notice is not None and not section.draft:
        parts += [Spacer(1, 1.5 * mm), notice]
    return parts
