"""Appraisal sheets read back with pypdf: the text is there, the fonts are embedded, pages count
per sheet, drafts are marked and nothing overflows."""

from __future__ import annotations

import dataclasses
import io
import re

import pytest

from kpidesk.reports.document import render_documents, render_sheet, render_sheets
from kpidesk.reports.sheet_data import KpiRow, QualitativeRow, Rating

from .conftest import FINALIZED_AT, SNAPSHOT, font_dicts, make_sheet, page_texts, read_pdf


def _pdf(documents, **kwargs) -> bytes:
    buffer = io.BytesIO()
    render_documents(documents, buffer, **kwargs)
    return buffer.getvalue()


def test_names_kpis_scores_and_grade_are_extractable(sheet):
    text = "\n".join(page_texts(render_sheet(sheet, lang="zh")))
    for expected in ("张伟", "CS0007", "客户服务部", "客服代表", "周建国", "华东星辰电子商务有限公司",
                     "客户满意度", "一次解决率", "平均处理时间", "108.00", "27.43", "96.53", "优秀", "2 / 15",
                     "团队协作与知识分享", "乐于帮助新同事。", "收到客户书面表扬信", "−3.00", "+2.00",
                     "被考核人", "考核人", "人力资源部", "定量指标", "第 1 页 / 共"):
        assert expected in text, expected


def test_english_labels_when_asked(sheet):
    text = "\n".join(page_texts(render_sheet(sheet, lang="en")))
    assert "Key performance indicators" in text
    assert "Page 1 of" in text
    assert "张伟" in text
    assert "考核指标" not in text


def test_every_font_is_embedded_and_none_is_helvetica(sheet, final_sheet, png_bytes):
    data = _pdf([dataclasses.replace(sheet, history_chart=png_bytes, radar_chart=png_bytes), final_sheet],
                lang="zh")
    fonts = font_dicts(data)
    assert fonts
    for font in fonts:
        assert "Helvetica" not in str(font.get("/BaseFont"))
        if font.get("/Subtype") == "/Type0":
            continue  # its descendant carries the descriptor
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, font.get("/BaseFont")


def test_page_numbers_count_within_each_sheet(sheet, final_sheet):
    long_rows = [KpiRow(f"指标{i:02d} 客户投诉处理关闭率", 2.5, "85%", "90%", "95%", "91%", 90.0, 2.25,
                        "实际 91%，目标 90%，达到目标" * 2) for i in range(40)]
    long_sheet = dataclasses.replace(sheet, employee="王芳", kpi_rows=long_rows)
    data = _pdf([final_sheet, long_sheet, sheet], lang="zh")
    texts = page_texts(data)
    numbers = [tuple(int(n) for n in re.search(r"第 (\d+) 页 / 共 (\d+) 页", text).groups()) for text in texts]
    # the page number restarts at 1 where each sheet begins, and counts that sheet's pages
    starts = [i for i, (page, _total) in enumerate(numbers) if page == 1]
    assert len(starts) == 3
    for start, end in zip(starts, starts[1:] + [len(numbers)], strict=True):
        pages = end - start
        assert numbers[start:end] == [(n, pages) for n in range(1, pages + 1)]
    assert numbers[starts[1]][1] >= 2  # the 40-KPI sheet runs over more than one page


def test_long_kpi_table_repeats_its_header(sheet):
    rows = [KpiRow(f"第{i}项指标", 2, "1", "2", "3", "2", 100.0, 2.0, "说明" * 20) for i in range(50)]
    texts = page_texts(render_sheet(dataclasses.replace(sheet, kpi_rows=rows), lang="zh"))
    with_rows = [t for t in texts if "第1项指标" in t or "第49项指标" in t or "第25项指标" in t]
    assert len(texts) >= 3
    for text in with_rows:
        assert "考核指标" in text and "加权得分" in text


def test_watermark_only_on_drafts(sheet, final_sheet):
    texts = page_texts(_pdf([sheet, final_sheet], lang="zh"))
    for text in texts:
        is_draft_page = "CS0007" in text
        assert ("DRAFT" in text) == is_draft_page
        assert ("草稿" in text) == is_draft_page


def test_snapshot_hash_printed_on_finalized_sheets(final_sheet, sheet):
    final_text = "\n".join(page_texts(render_sheet(final_sheet, lang="zh")))
    assert SNAPSHOT in final_text
    assert "SHA-256" in final_text
    assert "SHA-256" not in "\n".join(page_texts(render_sheet(sheet, lang="zh")))


def test_a_very_long_comment_wraps_across_pages(sheet):
    comment = "该员工在复杂投诉处理中表现稳定，沟通清晰，能够及时跟进并反馈处理结果。" * 120
    rows = [QualitativeRow("客户投诉处理", [Rating("上级评", "良好", comment)])]
    data = render_sheet(dataclasses.replace(sheet, qualitative_rows=rows), lang="zh")
    texts = page_texts(data)
    assert len(texts) >= 3
    joined = re.sub(r"\s+", "", "".join(texts))
    # every sentence printed (the page furniture may cut into one sentence per page break), none clipped
    breaks = len(texts) - 1
    assert 120 - breaks <= joined.count("该员工在复杂投诉处理中") <= 120
    assert 120 - breaks <= joined.count("反馈处理结果。") <= 120
    assert joined.count("该员工") == 120


def test_user_text_is_escaped(sheet):
    odd = dataclasses.replace(sheet, employee="A&B <测试>", kpi_rows=[KpiRow("R&D <核心> 指标", 100, explanation="a<b & c>d")])
    text = "\n".join(page_texts(render_sheet(odd)))
    assert "A&B <测试>" in text
    assert "R&D <核心> 指标" in text


def test_chart_images_are_embedded(sheet, png_bytes):
    from kpidesk.charts.radar import qualitative_radar_chart
    from kpidesk.charts.render import figure_to_png
    from kpidesk.reports.samples import sample_radar

    radar = figure_to_png(qualitative_radar_chart(sample_radar(1)), dpi=72)
    data = render_sheet(dataclasses.replace(sheet, history_chart=png_bytes, radar_chart=radar))
    images = [img for page in read_pdf(data).pages for img in page.images]
    assert len(images) == 2


def test_rendering_is_reproducible(final_sheet):
    assert render_sheet(final_sheet) == render_sheet(final_sheet)


def test_a4_portrait(sheet):
    page = read_pdf(render_sheet(sheet)).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width), round(height)) == (595, 842)


def test_empty_sheet_still_prints(sheet):
    bare = dataclasses.replace(sheet, kpi_rows=[], qualitative_rows=[], adjustments=[], total_score=None, grade="",
                               grade_key=None, department_rank=None)
    text = "\n".join(page_texts(render_sheet(bare, lang="zh")))
    assert "本表没有考核指标" in text
    assert "被考核人" in text


def test_outline_has_one_entry_per_sheet(sheet, final_sheet):
    reader = read_pdf(_pdf([sheet, final_sheet]))
    titles = [item.title for item in reader.outline]
    assert titles == ["张伟 CS0007", "李娜 CS0008"]


def test_progress_and_cancel(sheet, tmp_path):
    sheets = [make_sheet(staff_no=f"CS{i:04d}") for i in range(4)]
    seen = []
    out = tmp_path / "all.pdf"
    pages = render_sheets(sheets, out, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert len(read_pdf(out.read_bytes()).pages) == pages

    from kpidesk.errors import Cancelled

    calls = []

    def cancel_after_two() -> bool:
        calls.append(1)
        return len(calls) > 2

    target = tmp_path / "cancelled.pdf"
    with pytest.raises(Cancelled):
        render_sheets(sheets, target, cancelled=cancel_after_two)
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["all.pdf"]  # no temporary file left either


def test_a_chart_still_being_drawn_prints_like_a_ready_one(sheet, png_bytes):
    from PIL import Image

    from kpidesk.charts.pool import PendingImage

    width, height = Image.open(io.BytesIO(png_bytes)).size
    fetched = []

    def fetch() -> bytes:
        fetched.append(1)
        return png_bytes

    later = render_sheet(dataclasses.replace(sheet, history_chart=PendingImage(width, height, fetch)),
                         printed_at=FINALIZED_AT)
    ready = render_sheet(dataclasses.replace(sheet, history_chart=png_bytes), printed_at=FINALIZED_AT)
    assert fetched == [1]  # fetched once, when the page was drawn
    assert later == ready


def test_a_finalized_sheet_is_dated_by_its_snapshot_and_a_draft_by_the_print_time(final_sheet, sheet):
    from datetime import UTC, datetime

    final = read_pdf(render_sheet(final_sheet)).metadata
    assert final["/CreationDate"] == "D:20251103093000+00'00'"  # FINALIZED_AT, whenever it is printed
    printed = datetime(2026, 12, 6, 21, 5, 42, tzinfo=UTC)
    draft = read_pdf(render_sheet(sheet, printed_at=printed)).metadata
    assert draft["/CreationDate"] == "D:20261206210542+00'00'"
    before = datetime.now(UTC).replace(microsecond=0)
    stamp = read_pdf(render_sheet(sheet)).metadata["/CreationDate"]
    assert stamp[2:10] == before.strftime("%Y%m%d") or stamp[2:10] == datetime.now(UTC).strftime("%Y%m%d")


def test_a_batch_with_a_draft_in_it_carries_the_print_time(final_sheet, sheet):
    from kpidesk.reports.document import creation_date

    printed = FINALIZED_AT.replace(year=2027)
    assert creation_date([final_sheet], printed) == FINALIZED_AT
    assert creation_date([final_sheet, sheet], printed) == printed


def test_a_partial_result_prints_effective_weights_what_was_left_out_and_the_composition(sheet):
    partial = dataclasses.replace(
        sheet,
        kpi_rows=[KpiRow("客户满意度", 40, "60", "70", "75", "72", 108.0, 61.71, effective_weight=57.1),
                  KpiRow("一次解决率", 30, "80%", "87%", "92%", "", None, None, "无数据", effective_weight=0.0),
                  KpiRow("平均处理时间", 30, "6分钟", "5分钟", "4分钟", "4.6分钟", 104.0, 44.57, effective_weight=42.9)],
        qualitative_rows=[], qualitative_score=None, quantitative_share=100.0, qualitative_share=None,
        left_out=["一次解决率（无数据）"], composition="有数据的指标占本期应考核指标权重的 70%；无定性部分；总分依据考核表构成的 49%")
    text = "\n".join(page_texts(render_sheet(partial, lang="zh")))
    compact = text.replace(" ", "")
    for expected in ("40%→57.1%", "30%→0%", "30%→42.9%", "70%/100%", "未计入：一次解决率（无数据）",
                     "实际构成：有数据的指标占本期应考核指标权重的70%", "定量得分(100%)"):
        assert expected in compact, expected
    assert "定量得分(70%)" not in compact and "定性得分(30%)" not in compact


def test_a_sheet_without_coverage_notes_prints_the_weights_as_before(sheet):
    text = "\n".join(page_texts(render_sheet(sheet, lang="zh"))).replace(" ", "")
    assert "→" not in text and "实际构成" not in text and "100%" in text
