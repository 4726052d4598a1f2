"""The one font every PDF uses: the bundled CJK TrueType font, embedded (subset) in each file.

reportlab's built-in CID fonts are not embedded and its default Helvetica depends on the reader's
machine, so the bundled font is registered under one name and also as the bold/italic members of
its family — ``<b>`` in a paragraph then stays in the embedded font instead of switching to
Helvetica-Bold.
"""

from __future__ import annotations

from functools import lru_cache

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from kpidesk.resources import CJK_FONT_FILE

FONT = "KpiDeskCJK"


@lru_cache(maxsize=1)
def register_pdf_font() -> str:
    """Register the bundled font with reportlab (once per process) and return its name."""
    pdfmetrics.registerFont(TTFont(FONT, str(CJK_FONT_FILE), subfontIndex=0))
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(FONT, bold, italic, FONT)
    return FONT
