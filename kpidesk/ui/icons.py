"""Icons from the bundled resources/icons (SVG), cached; an unknown name gives an empty icon rather than an error."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from kpidesk.resources import ICONS_DIR


@cache
def icon(name: str) -> QIcon:
    path = ICONS_DIR / f"{name}.svg"
    return QIcon(str(path)) if path.is_file() else QIcon()


def locked_text(text: str) -> str:
    """``text`` as rich text behind a drawn lock: the 🔒 character came from the CJK font, which
    has no such glyph, and showed as an empty box."""
    from html import escape

    lock = (ICONS_DIR / "lock.svg").as_uri()
    return f'<img src="{lock}" width="14" height="14" style="vertical-align: middle"> {escape(text)}'
