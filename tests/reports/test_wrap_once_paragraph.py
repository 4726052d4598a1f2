"""A paragraph breaks its lines once per width; within a print run equal labels are one paragraph,
and the file is the same byte for byte as when every label is a paragraph of its own."""

from __future__ import annotations

import contextlib
import dataclasses
from datetime import UTC, datetime

from kpidesk.reports import document
from kpidesk.reports.document import render_sheet
from kpidesk.reports.samples import sample_sheet
from kpidesk.reports.sheet_data import KpiRow
from kpidesk.reports.styles import paragraph, shared_paragraphs, styles


def test_wrapping_again_at_the_same_width_reuses_the_lines(monkeypatch):
    para = paragraph("客户满意度 " * 30, styles().cell)
    calls = []
    original = type(para).breakLinesCJK

    def counting(self, widths):
        calls.append(widths)
        return original(self, widths)

    monkeypatch.setattr(type(para), "breakLinesCJK", counting)
    narrow = para.wrap(80, 1000)
    assert para.wrap(80, 500) == narrow
    assert len(calls) == 1
    wide = para.wrap(300, 1000)
    assert wide[1] < narrow[1] and len(calls) == 2
    assert para.wrap(80, 1000) == narrow and len(calls) == 2  # a width seen before: its lines kept
    assert len(para.blPara.lines) == narrow[1] / styles().cell.leading  # drawn with the lines of the last width


def test_a_split_paragraph_wraps_its_parts_afresh():
    para = paragraph("A sentence of several words. " * 40, styles().cell)
    _width, height = para.wrap(120, 10_000)
    first, rest = para.split(120, height / 2)
    assert first.wrap(120, 10_000)[1] + rest.wrap(120, 10_000)[1] == height


def test_equal_text_in_an_equal_style_is_one_paragraph_only_within_a_run():
    cell = styles().cell
    assert paragraph("良好", cell) is not paragraph("良好", cell)
    with shared_paragraphs():
        assert paragraph("良好", cell) is paragraph("良好", cell)
        assert paragraph("良好", cell) is not paragraph("良好", styles().label)
    assert paragraph("良好", cell) is not paragraph("良好", cell)


def test_shared_paragraphs_print_the_same_file_as_separate_ones(monkeypatch, png_bytes):
    # one sheet on a page and one that flows over several, in both languages, charts included
    long_rows = [KpiRow(f"第{i}项指标", 2, "1", "2", "3", "2", 100.0, 2.0, "说明" * 20) for i in range(30)]
    sheets = [sample_sheet(4, history_png=png_bytes, radar_png=png_bytes),
              dataclasses.replace(sample_sheet(5), kpi_rows=long_rows)]
    printed_at = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    for lang in ("zh_CN", "en"):
        for sheet in sheets:
            shared = render_sheet(sheet, lang=lang, printed_at=printed_at)
            with monkeypatch.context() as patch:
                patch.setattr(document, "shared_paragraphs", contextlib.nullcontext)
                separate = render_sheet(sheet, lang=lang, printed_at=printed_at)
            assert shared == separate


def test_a_paragraph_shared_by_the_page_and_a_narrow_cell_keeps_its_full_width_lines():
    import io

    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from kpidesk.reports.blocks import OnePage
    from kpidesk.reports.styles import Grid

    def drawn(first, second) -> bytes:
        buffer = io.BytesIO()
        canvas = Canvas(buffer, invariant=1)
        page = OnePage([first, Grid([[second]], colWidths=[25 * mm])])
        page.wrapOn(canvas, 180 * mm, 260 * mm)
        page.drawOn(canvas, 15 * mm, 20 * mm)
        canvas.showPage()
        canvas.save()
        return buffer.getvalue()

    text = "Handled complaints calmly and followed every case through to the end. " * 3
    with shared_paragraphs():
        one = paragraph(text, styles().cell)
        shared = drawn(one, one)
    assert shared == drawn(paragraph(text, styles().cell), paragraph(text, styles().cell))
