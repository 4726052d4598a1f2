"""The user guide documents every missing-value mark the importer knows, in both languages."""

from pathlib import Path

import pytest

from kpidesk.exchange.values import MISSING_TOKENS

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.mark.parametrize("guide", ["guide.en.md", "guide.zh.md"])
def test_every_missing_value_mark_is_in_the_guide(guide):
    text = (DOCS / guide).read_text(encoding="utf-8")
    undocumented = sorted(mark for mark in MISSING_TOKENS if mark and f"`{mark}`" not in text)
    assert undocumented == []


@pytest.mark.parametrize(("guide", "words"), [
    ("guide.en.md", ["`0.91` is 91 %", "`4分12秒`", "5-point score", "80 %", "old → new"]),
    ("guide.zh.md", ["`0.91` 即 91%", "`4分12秒`", "5 分制", "80%", "旧值 → 新值"]),
])
def test_the_unit_rules_are_in_the_guide(guide, words):
    text = (DOCS / guide).read_text(encoding="utf-8")
    assert [w for w in words if w not in text] == []
