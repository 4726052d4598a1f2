"""Where the bundled resources (fonts, translations, starter library) and forms live."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESOURCES = PROJECT_ROOT / "resources"
FORMS_DIR = PROJECT_ROOT / "forms"
FONTS_DIR = RESOURCES / "fonts"
TRANSLATIONS_DIR = RESOURCES / "translations"
STARTER_DIR = RESOURCES / "starter"

#: The bundled CJK TrueType font (WenQuanYi Micro Hei) used by the UI, charts and PDFs.
CJK_FONT_FILE = FONTS_DIR / "wqy-microhei.ttc"
CJK_FONT_NAME = "WenQuanYi Micro Hei"
