"""Icons from the bundled resources/icons (SVG), cached; an unknown name gives an empty icon rather than an error."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from kpidesk.resources import ICONS_DIR


@cache
def icon(name: str) -> QIcon:
    path = ICONS_DIR / f"{name}.svg"
    return QIcon(str(path)) if path.is_file() else QIcon()
