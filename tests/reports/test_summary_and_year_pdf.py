"""Department summaries, year sheets, split output, and layout staying inside the page."""

from __future__ import annotations

import dataclasses
import io
import re

import pytest

from kpidesk.reports.document import document_file_name, render_documents, render_split, render_summary
from kpidesk.reports.sheet_data import ChartImage

from .conftest import SNAPSHOT, font_dicts, make_sheet, page_texts, read_pdf


def _pdf(documents, **kwargs) -> bytes:
    buffer = io.BytesIO()
    render_documents(documents, buffer, **kwargs)
    return buffer.getvalue()


def test_summary_lists_ranking_distribution_and_sign_off(summary, png_bytes):
    data = _pdf([dataclasses.replace(summary, charts=[ChartImage("等级分布图", png_bytes)])], lang="zh")
    text = "\n".join(page_texts(data))
    for expected in ("部门绩效考核汇总表", "客户服务部", "李娜", "张伟", "王芳", "CS0009", "96.30", "78.50",
                     "等级分布", "目标占比", "67%", "33%", "二组系统故障两天", "部门负责人", "人力资源部", "等级分布图",
                     SNAPSHOT):
        assert expected in text, expected
    assert "DRAFT" not in text
    assert text.index("李娜") < text.index("张伟") < text.index("王芳")  # in rank order
    for font in font_dicts(data):
        assert "/FontFile2" in font["/FontDescriptor"].get_object()


def test_summary_draft_is_watermarked(summary, tmp_path):
    out = tmp_path / "summary.pdf"
    render_summary(dataclasses.replace(summary, finalized=False, snapshot_hash=None), out, lang="zh")
    assert all("DRAFT" in t for t in page_texts(out.read_bytes()))


def test_year_sheet_has_every_period_and_the_roll_up(year_sheet):
    text = "\n".join(page_texts(_pdf([year_sheet], lang="zh")))
    for month in range(1, 13):
        assert f"2025-{month:02d}" in text
    for expected in ("年度绩效考核表", "93.25", "年度等级", "良好", "连续三个月排名第一且优秀", "2 / 15", "被考核人"):
        assert expected in text, expected


def test_mixed_batch_numbers_each_document(sheet, summary, year_sheet):
    texts = page_texts(_pdf([sheet, summary, year_sheet], lang="en"))
    labels = [re.search(r"Page (\d+) of (\d+)", t).groups() for t in texts]
    assert labels[0][0] == "1"
    assert sum(1 for page, _total in labels if page == "1") == 3


def test_split_writes_one_file_per_employee(tmp_path, sheet, final_sheet, summary):
    odd = make_sheet(employee="赵/敏:*?", staff_no="CS0100")
    seen = []
    paths = render_split([sheet, final_sheet, odd, summary], tmp_path / "out",
                         progress=lambda d, t: seen.append(d))
    names = [p.name for p in paths]
    assert names == ["2025-10_CS0007_张伟.pdf", "2025-10_CS0008_李娜.pdf", "2025-10_CS0100_赵-敏-.pdf",
                     "2025-10_客户服务部_summary.pdf"]
    assert seen == [1, 2, 3, 4]
    for path in paths:
        assert read_pdf(path.read_bytes()).pages
    assert "李娜" in page_texts(paths[1].read_bytes())[0]


def test_split_removes_its_files_when_cancelled(tmp_path, sheet, final_sheet):
    from kpidesk.errors import Cancelled

    answers = iter([False, True])
    with pytest.raises(Cancelled):
        render_split([sheet, final_sheet], tmp_path, cancelled=lambda: next(answers))
    assert list(tmp_path.iterdir()) == []


def test_same_name_twice_gets_a_suffix(tmp_path, sheet):
    paths = render_split([sheet, sheet], tmp_path)
    assert [p.name for p in paths] == ["2025-10_CS0007_张伟.pdf", "2025-10_CS0007_张伟-2.pdf"]


def test_file_names(year_sheet, summary, sheet):
    assert document_file_name(sheet) == "2025-10_CS0007_张伟.pdf"
    assert document_file_name(year_sheet) == "2025_CS0007_张伟_year.pdf"
    assert document_file_name(summary) == "2025-10_客户服务部_summary.pdf"


def test_nothing_is_printed_outside_the_page(sheet, summary, year_sheet):
    long = dataclasses.replace(sheet, employee="欧阳" * 30, position="客户关系主管兼投诉专员" * 6,
                               kpi_rows=[dataclasses.replace(r, indicator=r.indicator * 8) for r in sheet.kpi_rows])
    data = _pdf([long, summary, year_sheet], lang="zh")
    for page in read_pdf(data).pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        outside, seen = [], []

        def visit(text, cm, tm, font, size, outside=outside, seen=seen, width=width, height=height):
            if not text.strip() or "DRAFT" in text or "草稿" in text:
                return
            seen.append(text)
            x, y = tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if not (14 <= x <= width - 14 and 14 <= y <= height - 14):
                outside.append((text, x, y))

        page.extract_text(visitor_text=visit)
        assert len(seen) > 10
        assert outside == []


def test_empty_batch_is_refused(tmp_path):
    with pytest.raises(ValueError):
        render_documents([], tmp_path / "x.pdf")


def test_summary_grade_table_adds_up_to_the_head_count(summary):
    from kpidesk.reports.sheet_data import RankingRow

    unscored = RankingRow(None, "CS0010", "赵磊", "客服代表", None, None, None, None, "", None)
    text = "\n".join(page_texts(render_summary_bytes(dataclasses.replace(summary, ranking=[*summary.ranking, unscored]),
                                                     "zh_CN")))
    assert "未评等级\n1" in text
    lines = text.splitlines()
    assert lines[lines.index("合计") + 1] == "4"  # three graded and one without a grade: the four employees


def test_summary_headers_break_only_between_words_in_english(summary):
    text = "\n".join(page_texts(render_summary_bytes(summary, "en")))
    for header in ("Adjustments", "Quantitative", "Qualitative", "Grade"):
        assert header in text


def render_summary_bytes(summary, lang: str) -> bytes:
    buffer = io.BytesIO()
    render_documents([summary], buffer, lang=lang)
    return buffer.getvalue()
