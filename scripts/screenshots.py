"""Take the Chinese-UI screenshots of the desktop app for the README and the user guide.

The real main window is built on a fresh copy of the demo database, switched to Chinese, and each page in
``SHOTS`` is shown, set up and grabbed into ``docs/screenshots/<name>.png``.

Run it under a virtual X server (as CI does):

    xvfb-run -a -s "-screen 0 1600x1000x24" python scripts/screenshots.py

or without any display at all (Qt's offscreen platform renders the same widgets):

    QT_QPA_PLATFORM=offscreen python scripts/screenshots.py [name ...]

Naming shots takes only those. Add a shot by appending ``Shot(name, page_key, setup)`` to ``SHOTS``;
``setup(window, page)`` runs after the page is filled and may return a callable run once the layout has
settled, just before the grab (for scrolling).
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "screenshots"
WINDOW_SIZE = (1440, 860)
SETTLE_MS = 500

sys.path.insert(0, str(ROOT))


@dataclass(frozen=True)
class Shot:
    name: str
    page: str
    setup: Callable | None = None


def _data_entry(window, page):
    page.template_combo.setCurrentIndex(max(page.template_combo.findData("csr"), 0))

    def before_grab():
        index = page.cell("CS004", "first_contact_resolved")
        page.view.setCurrentIndex(index)
    return before_grab


def _forms(window, page):
    page.choose("CS004", "manager")

    def before_grab():
        page.scroll.ensureWidgetVisible(page.criterion("communication"), 0, 0)
    return before_grab


SHOTS = [
    Shot("data-entry", "data_entry", _data_entry),
    Shot("forms", "forms", _forms),
]


def build_demo_copy(folder: Path) -> Path:
    from kpidesk.services.context import Actor
    from kpidesk.services.demo import build_demo
    from kpidesk.store.db import open_database

    path = folder / "demo.db"
    database = open_database(path)
    build_demo(database, Actor(name="演示"))
    database.dispose()
    return path


def settle(milliseconds: int) -> None:
    """Let layouts, paints and queued work happen (a local event loop; the application keeps running)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(milliseconds, loop.quit)
    loop.exec()


def main(names: list[str]) -> int:
    from PySide6.QtCore import QSettings

    from kpidesk.ui.app import build_window, make_application
    from kpidesk.ui.dialogs import ScriptedDialogs
    from kpidesk.ui.tasks import TaskRunner

    wanted = [shot for shot in SHOTS if not names or shot.name in names]
    if not wanted:
        print(f"no such shot; choose from: {', '.join(s.name for s in SHOTS)}", file=sys.stderr)
        return 2
    os.environ.setdefault("KPIDESK_LOG", str(Path(tempfile.gettempdir()) / "kpidesk-screenshots.log"))
    make_application([sys.argv[0]])
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        database = build_demo_copy(folder)
        settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
        settings.setValue("language", "zh_CN")
        tasks = TaskRunner.synchronous()
        window = build_window(settings, tasks=tasks, dialogs=ScriptedDialogs())
        window.resize(*WINDOW_SIZE)
        window.show()
        window.open_path(database)
        for shot in wanted:
            page = window.show_page(shot.page)
            if page is None:
                print(f"{shot.name}: page {shot.page} could not be shown: {window.placeholders[shot.page].label.text()}", file=sys.stderr)
                return 1
            before_grab = shot.setup(window, page) if shot.setup else None
            settle(SETTLE_MS)
            if before_grab is not None:
                before_grab()
                settle(100)
            target = OUTPUT / f"{shot.name}.png"
            window.grab().save(str(target))
            print(target.relative_to(ROOT))
        window.ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
