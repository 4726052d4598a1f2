"""A paragraph breaks its lines once per width, and a new width breaks them anew."""

from __future__ import annotations

from kpidesk.reports.styles import paragraph, styles


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
    assert para.wrap(80, 1000) == narrow and len(calls) == 3
    assert len(para.blPara.lines) == narrow[1] / styles().cell.leading  # drawn with the lines of the last width


def test_a_split_paragraph_wraps_its_parts_afresh():
    para = paragraph("A sentence of several words. " * 40, styles().cell)
    _width, height = para.wrap(120, 10_000)
    first, rest = para.split(120, height / 2)
    assert first.wrap(120, 10_000)[1] + rest.wrap(120, 10_000)[1] == height
