"""A typical person's sheet (12 indicators, one form of 8 criteria, two charts) prints on one A4
page with the signatures under the result; a longer sheet flows on with its table header and the
person's name repeated on every page."""

from __future__ import annotations

import dataclasses
import io

import pytest

from kpidesk.charts.history import employee_history_chart
from kpidesk.charts.radar import qualitative_radar_chart
from kpidesk.charts.render import figure_to_png
from kpidesk.charts.sizes import PRINT_BESIDE_RESULT
from kpidesk.reports.document import render_documents, render_sheet
from kpidesk.reports.samples import sample_history, sample_radar, sample_sheet
from kpidesk.reports.sheet_data import KpiRow

from .conftest import page_texts


@pytest.fixture(scope="module")
def charts() -> tuple[bytes, bytes]:
    history = figure_to_png(employee_history_chart(sample_history(3), size=PRINT_BESIDE_RESULT, lang="zh_CN"), dpi=90)
    radar = figure_to_png(qualitative_radar_chart(sample_radar(3), size=PRINT_BESIDE_RESULT, lang="zh_CN"), dpi=90)
    return history, radar


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_twelve_kpis_eight_criteria_and_two_charts_fit_one_page(charts, lang):
    sheet = sample_sheet(3, history_png=charts[0], radar_png=charts[1])
    assert len(sheet.kpi_rows) == 12 and len(sheet.qualitative_rows) == 8
    texts = page_texts(render_sheet(sheet, lang=lang))
    assert len(texts) == 1
    text = texts[0]
    for expected in ("出勤与排班遵守率", "学习与成长", sheet.employee, f"{sheet.total_score:.2f}"):
        assert expected in text, expected
    signature = "被考核人" if lang == "zh_CN" else "Employee (appraisee)"
    assert signature in text


def test_five_hundred_typical_sheets_print_as_five_hundred_pages(charts):
    sheets = [sample_sheet(i, history_png=charts[0], radar_png=charts[1]) for i in range(60)]
    buffer = io.BytesIO()
    assert render_documents(sheets, buffer, lang="zh_CN") == 60


def test_signatures_stay_with_the_result_on_a_long_sheet(charts):
    rows = [KpiRow(f"指标{i:02d} 客户投诉处理关闭率", 2.5, "85%", "90%", "95%", "91%", 90.0, 2.25,
                   "实际 91%，目标 90%，达到目标") for i in range(40)]
    sheet = dataclasses.replace(sample_sheet(5, history_png=charts[0], radar_png=charts[1]), kpi_rows=rows)
    texts = page_texts(render_sheet(sheet, lang="zh_CN"))
    assert len(texts) >= 2
    with_result = [i for i, t in enumerate(texts) if "考核结果" in t]
    with_signatures = [i for i, t in enumerate(texts) if "人力资源部" in t]
    assert with_result == with_signatures


def test_a_long_sheet_repeats_the_table_header_and_the_name_on_every_page():
    rows = [KpiRow(f"第{i}项指标", 1, "1", "2", "3", "2", 100.0, 1.0, "说明" * 30) for i in range(70)]
    sheet = dataclasses.replace(sample_sheet(2), employee="欧阳娜娜", kpi_rows=rows)
    texts = page_texts(render_sheet(sheet, lang="zh_CN"))
    assert len(texts) >= 3
    for text in texts[1:]:
        assert "欧阳娜娜" in text
    for text in texts:
        if "项指标" in text:
            assert "考核指标" in text and "加权得分" in text


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_thirty_kpis_print_on_two_readable_pages(charts, lang):
    sheet = sample_sheet(7, history_png=charts[0], radar_png=charts[1])
    rows = [dataclasses.replace(sheet.kpi_rows[i % 12], indicator=f"{sheet.kpi_rows[i % 12].indicator} {i + 1:02d}")
            for i in range(30)]
    first, second = page_texts(render_sheet(dataclasses.replace(sheet, kpi_rows=rows), lang=lang))
    header = ("考核指标", "加权得分") if lang == "zh_CN" else ("Indicator", "Weighted")
    signature = "人力资源部" if lang == "zh_CN" else "Human Resources"
    assert all(f"{i:02d}" in first + second for i in range(1, 31))
    assert all(h in first for h in header)
    if rows[-1].indicator in second:  # the table runs on to the second page: its header is repeated there
        assert all(h in second for h in header)
    assert sheet.employee in second and signature in second
    assert "1 / 2" in first.replace("第 1 页 / 共 2 页", "1 / 2").replace("Page 1 of 2", "1 / 2")


def test_charts_beside_a_taller_result_are_drawn_as_tall_as_it(charts):
    """Shrinking the charts below the result beside them saves no room on the page (the row is as tall
    as the result), so they keep the result's height instead of turning into unreadable stamps."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Spacer

    from kpidesk.charts.translate import translator
    from kpidesk.reports.blocks import ChartsBeforeKept, make_context
    from kpidesk.reports.png_images import PngImage

    block = ChartsBeforeKept(make_context(translator("zh_CN"), "zh_CN"), [("", charts[0]), ("", charts[1])],
                             Spacer(10, 100 * mm), lead=Spacer(60 * mm, 45 * mm), lead_width=60 * mm,
                             max_height=50 * mm, min_height=36 * mm)
    _width, height = block.wrapOn(Canvas(io.BytesIO()), 180 * mm, 125 * mm)  # room for 23 mm of charts
    images = [item for row in block._row._cellvalues for cell in row for item in cell if isinstance(item, PngImage)]
    assert len(images) == 2
    assert all(image.drawHeight >= 40 * mm for image in images), [image.drawHeight / mm for image in images]
    assert height <= 45 * mm + 6  # the result and its cell padding: the charts make the row no taller
