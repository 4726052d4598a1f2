"""Regenerate the README screenshots (Chinese UI) from the real application.

    xvfb-run -a python tools/screenshots.py            # every page, into docs/screenshots/
    xvfb-run -a python tools/screenshots.py staff templates --lang en --out /tmp/shots
    xvfb-run -a python tools/screenshots.py --size 1180x760       # the default window size

A fresh demo database is built in a temporary folder, the main window is opened on it exactly as
``main.py`` does (bundled CJK font, background database work), each page is shown and the window is
grabbed into ``<page>.png``. A page may define ``prepare_screenshot()`` to put itself into a
representative state first, and ``extra_screenshots()`` for more pictures of the same page.
Without Xvfb, ``QT_QPA_PLATFORM=offscreen`` gives the same pictures.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MPLBACKEND", "Agg")

SIZE = (1360, 860)

#: Dialogs grabbed on their own after their page: page key → (file stem, "module:function" opening the
#: dialog over the page and returning it).
DIALOGS = {
    "pay": [("pay-rules", "kpidesk.ui.pages.pay.rules_editor:screenshot_editor")],
}


def settle(app, window, seconds: float = 0.4) -> None:
    """Let background tasks finish and the window repaint."""
    deadline = time.monotonic() + 60
    while window.ctx.tasks.busy and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", help="page keys (default: every registered page)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--lang", default="zh_CN")
    parser.add_argument("--size", default=f"{SIZE[0]}x{SIZE[1]}", help="window size as WIDTHxHEIGHT")
    args = parser.parse_args(argv)

    # the demo database and the private home, removed when the run ends
    scratch = tempfile.TemporaryDirectory(prefix="kpidesk-shots-", ignore_cleanup_errors=True)
    home = Path(scratch.name)
    for variable in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        os.environ[variable] = str(home / variable.lower())
    os.environ["KPIDESK_LOG"] = str(home / "kpidesk.log")

    from PySide6.QtCore import QSettings

    from kpidesk.ui.app import after_first_paint, build_window, make_application
    from kpidesk.ui.pages import PAGES

    app = make_application([sys.argv[0]])
    after_first_paint()
    settings = QSettings(str(home / "ui.ini"), QSettings.Format.IniFormat)
    settings.setValue("language", args.lang)
    window = build_window(settings)
    width, _x, height = args.size.partition("x")
    window.resize(int(width), int(height))
    window.show()
    settle(app, window)
    window.open_demo(home / "demo.db")
    settle(app, window, 1.0)
    if window.ctx.db is None:
        print("the demo database did not open", file=sys.stderr)
        return 1

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    wanted = args.pages or [entry.key for entry in PAGES]
    for key in wanted:
        page = window.show_page(key)
        settle(app, window, 0.6)
        prepare = getattr(page, "prepare_screenshot", None)
        if callable(prepare):
            prepare()
            settle(app, window, 0.8)
        target = out / f"{key}.png"
        window.grab().save(str(target))
        print(target)
        # -- further shots of one page: ``extra_screenshots()`` gives (file stem, prepare) pairs --------
        for stem, prepare_extra in getattr(page, "extra_screenshots", lambda: [])():
            prepare_extra()
            settle(app, window, 0.8)
            extra = out / f"{stem}.png"
            window.grab().save(str(extra))
            print(extra)
        for stem, target in DIALOGS.get(key, []):
            module, _colon, function = target.partition(":")
            dialog = getattr(importlib.import_module(module), function)(page)
            settle(app, window, 0.8)
            picture = out / f"{stem}.png"
            dialog.grab().save(str(picture))
            print(picture)
            dialog.hide()  # hidden, not closed: closing would ask about the unsaved example
            dialog.deleteLater()
    window.close()
    settle(app, window, 0.2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
