"""The parsed face of the bundled font is kept in the user cache folder: the second load reads it instead of
parsing the font, what it gives is the same font to the last width and glyph, and a cache that is damaged,
stale or cannot be written never stops a print."""

from __future__ import annotations

import os

import pytest
from reportlab.pdfbase.ttfonts import TTFont, TTFontFile

from kpidesk.reports import fonts
from kpidesk.resources import CJK_FONT_FILE

SAMPLE = "考核 Appraisal 王小明 92.5%"


@pytest.fixture
def parses(monkeypatch):
    """Counts the font files reportlab parses."""
    count = []
    original = TTFontFile.extractInfo

    def counting(self, *args, **kwargs):
        count.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(TTFontFile, "extractInfo", counting)
    return count


def test_the_second_load_reads_the_cache_instead_of_parsing(tmp_path, parses):
    first = fonts.load_font("A", CJK_FONT_FILE, tmp_path)
    assert len(parses) == 1 and len(list(tmp_path.glob("*.pickle"))) == 1
    second = fonts.load_font("B", CJK_FONT_FILE, tmp_path)
    assert len(parses) == 1
    assert isinstance(second, TTFont) and second.fontName == "B" and first.fontName == "A"


def test_a_cached_face_is_the_parsed_one(tmp_path):
    parsed = TTFont("A", str(CJK_FONT_FILE), subfontIndex=fonts.SUBFONT)
    fonts.load_font("A", CJK_FONT_FILE, tmp_path)
    cached = fonts.load_font("A", CJK_FONT_FILE, tmp_path)
    assert sorted(vars(cached)) == sorted(vars(parsed)) and sorted(vars(cached.face)) == sorted(vars(parsed.face))
    for name, value in vars(parsed.face).items():
        if name != "_pdfScale":
            assert getattr(cached.face, name) == value, name
    assert cached.face._pdfScale(1234) == parsed.face._pdfScale(1234)
    assert cached.stringWidth(SAMPLE, 10) == parsed.stringWidth(SAMPLE, 10)
    subset = [0, *sorted({ord(c) for c in SAMPLE})]
    assert cached.face.makeSubset(subset) == parsed.face.makeSubset(subset)


def test_a_damaged_cache_is_ignored_and_written_again(tmp_path, parses):
    cache_file = fonts.face_cache_file(CJK_FONT_FILE, tmp_path)
    assert cache_file is not None
    cache_file.write_bytes(b"not a pickle")
    font = fonts.load_font("A", CJK_FONT_FILE, tmp_path)
    assert len(parses) == 1 and font.stringWidth(SAMPLE, 10) > 0
    assert cache_file.read_bytes() != b"not a pickle"
    fonts.load_font("A", CJK_FONT_FILE, tmp_path)
    assert len(parses) == 1  # the rewritten cache serves the next load


def test_a_changed_font_file_gets_a_new_cache_entry(tmp_path):
    font_file = tmp_path / "font.ttc"
    font_file.write_bytes(CJK_FONT_FILE.read_bytes())
    before = fonts.face_cache_file(font_file, tmp_path)
    os.utime(font_file, ns=(1_000_000_000, 1_000_000_000))
    assert fonts.face_cache_file(font_file, tmp_path) != before


def test_a_cache_folder_that_cannot_be_written_still_gives_the_font(tmp_path, parses):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be")
    font = fonts.load_font("A", CJK_FONT_FILE, blocked / "fonts")
    assert len(parses) == 1 and font.stringWidth(SAMPLE, 10) > 0
    assert not list(tmp_path.rglob("*.part"))


def test_without_a_folder_the_cache_is_in_the_user_cache_folder():
    fonts.load_font("A", CJK_FONT_FILE)
    cache_file = fonts.face_cache_file(CJK_FONT_FILE)
    assert cache_file is not None and cache_file.is_file()
    assert cache_file.is_relative_to(os.environ["XDG_CACHE_HOME"])
