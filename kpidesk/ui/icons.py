"""Icons from the bundled resources/icons (SVG), cached; an unknown name gives an empty icon rather than an error.

Importing this module touches neither Qt's ``Qt`` namespace nor QtSvg: both cost milliseconds the first
window paint should not wait for; the white sidebar icons that need them are drawn after that paint.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from kpidesk.resources import ICONS_DIR


@cache
def icon(name: str) -> QIcon:
    path = ICONS_DIR / f"{name}.svg"
    return QIcon(str(path)) if path.is_file() else QIcon()


ICON_INK = "#3b6fd4"


@cache
def sidebar_icon(name: str) -> QIcon:
    """The page icon, drawn white when its row is selected: the blue icon vanished on the blue
    selection. Unselected it looks exactly as :func:`icon`, which can stand in for it until a row is
    selected."""
    from PySide6.QtCore import QByteArray, Qt
    from PySide6.QtGui import QPainter, QPixmap
    from PySide6.QtSvg import QSvgRenderer

    path = ICONS_DIR / f"{name}.svg"
    if not path.is_file():
        return QIcon()
    result = QIcon(str(path))
    white = path.read_text(encoding="utf-8").replace(ICON_INK, "#ffffff").encode()
    for size in (22, 44):  # the sidebar's size, and for screens at twice the density
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        QSvgRenderer(QByteArray(white)).render(painter)
        painter.end()
        result.addPixmap(pixmap, QIcon.Mode.Selected)
    return result


def locked_text(text: str) -> str:
    """``text`` as rich text behind a drawn lock: the 🔒 character came from the CJK font, which
    has no such glyph, and showed as an empty box."""
    from html import escape

    lock = (ICONS_DIR / "lock.svg").as_uri()
    return f'<img src="{lock}" width="14" height="14" style="vertical-align: middle"> {escape(text)}'
