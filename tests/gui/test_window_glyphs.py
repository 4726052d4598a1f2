"""Glyphs the window draws: "…" on the baseline, and the lock as a drawn icon rather than a character."""

from __future__ import annotations

from pathlib import Path


def _ink_rows(font, text: str, baseline: int = 60) -> tuple[int, int]:
    """The top and bottom pixel rows holding ink when ``text`` is drawn with its baseline at ``baseline``."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QImage, QPainter

    image = QImage(200, 100, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.setFont(font)
    painter.setPen(Qt.GlobalColor.black)
    painter.drawText(QPoint(10, baseline), text)
    painter.end()
    rows = [y for y in range(image.height()) if any(image.pixelColor(x, y).lightness() < 160
                                                     for x in range(image.width()))]
    assert rows, f"nothing drawn for {text!r}"
    return rows[0], rows[-1]


def test_ellipsis_sits_on_the_baseline_not_centred(app_fonts):
    """The CJK font draws "…" as centred dots; the app font puts a Latin font first, so it sits low."""
    from PySide6.QtGui import QFont, QFontMetrics

    font = QFont(app_fonts.font())
    font.setPointSize(20)
    ascent = QFontMetrics(font).ascent()
    dots_bottom = _ink_rows(font, "…")[1]
    assert dots_bottom >= 60 - max(2, ascent // 10), "the ellipsis floats above the baseline"
    # beside Chinese, as in the menus, the text reaches no higher than the Chinese alone
    assert _ink_rows(font, "打开…")[0] == _ink_rows(font, "打开")[0]


def test_chinese_still_has_glyphs_after_the_latin_font(app_fonts):
    from PySide6.QtGui import QFontMetrics

    from kpidesk.resources import CJK_FONT_NAME

    assert app_fonts.font().families()[-1] == CJK_FONT_NAME
    assert app_fonts.font().families()[0] != "Sans Serif"
    assert QFontMetrics(app_fonts.font()).inFontUcs4(ord("绩"))


def test_no_lock_character_is_drawn_as_text():
    """🔒 has no glyph in the bundled font; locks are drawn with the lock icon (icons.locked_text)."""
    ui = Path(__file__).resolve().parents[2] / "kpidesk" / "ui"
    offenders = [str(path) for path in ui.rglob("*.py") if "\U0001f512" in path.read_text(encoding="utf-8")
                 and path.name != "icons.py"]
    assert offenders == []
