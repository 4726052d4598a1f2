"""Start-up benchmark: first painted main window on the demo database vs a bare PySide6 window.

    python bench/bench_startup.py [--runs 5] [--page staff]   (offscreen without a display)
    xvfb-run -a python bench/bench_startup.py                   (xcb on Xvfb)

Each measurement is a fresh Python process, timed from just before it is spawned:
- bare:   QApplication + QMainWindow holding a QTableWidget, until its first paint event;
- app:    KPI Desk as ``main.py`` starts it, on a demo database, until the main window's first paint
          event, and until it is usable (database opened, migrations checked, daily backup taken,
          the page filled and no background task left).
Targets: first paint ≤ 1.5 × bare, usable ≤ 1.2 s. Prints the medians and whether they are met.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE = r"""
import sys, time
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow, QTableWidget

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print("painted", time.time(), flush=True)
            app.quit()
        return False

app = QApplication(sys.argv)
window = QMainWindow()
window.setCentralWidget(QTableWidget(20, 8))
window.resize(1180, 760)
probe = FirstPaint()
window.installEventFilter(probe)
window.show()
app.exec()
"""

APP = r"""
import sys, time
from PySide6.QtCore import QEvent, QObject, QSettings
from kpidesk.ui.app import after_first_paint, build_window, make_application

app = make_application([sys.argv[0]])
settings = QSettings(sys.argv[2], QSettings.Format.IniFormat)
if len(sys.argv) > 3 and sys.argv[3]:
    settings.setValue("window/last_page", sys.argv[3])
window = build_window(settings)
state = {"painted": False, "done": False}

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not state["painted"]:
            state["painted"] = True
            print("painted", time.time(), flush=True)
        return False

def check_usable(*_args):
    page = window.pages.get(window.current_page_key())
    if state["done"] or window.ctx.db is None or page is None or not page.is_current() or window.ctx.tasks.busy:
        return
    state["done"] = True
    print("usable", time.time(), flush=True)
    print("page", window.current_page_key(), flush=True)
    print("modules", ",".join(m for m in ("pandas", "matplotlib", "reportlab") if m in sys.modules), flush=True)
    window.close()
    app.quit()

def start():
    after_first_paint()
    window.start(sys.argv[1])

probe = FirstPaint()
window.installEventFilter(probe)
window.first_painted.connect(start)
window.database_ready.connect(check_usable)
window.ctx.tasks.busy_changed.connect(check_usable)
window.show()
app.exec()
"""


def _run(code: str, *args: str, env: dict[str, str]) -> dict[str, float | str]:
    started = time.time()
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env,
                            timeout=120, cwd=ROOT)
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-2000:])
    marks: dict[str, float | str] = {}
    for line in result.stdout.splitlines():
        name, _sep, value = line.partition(" ")
        marks[name] = value if name in ("modules", "page") else float(value) - started
    return marks


def _demo(folder: Path, env: dict[str, str]) -> Path:
    path = folder / "demo.db"
    subprocess.run([sys.executable, "-m", "kpidesk", "--db", str(path), "demo"], check=True, env=env, cwd=ROOT,
                   capture_output=True, timeout=300)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="KPI Desk start-up benchmark")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--page", default="", help="page shown first (default: the first registered page)")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="kpidesk-bench-"))
    env = dict(os.environ)
    if "QT_QPA_PLATFORM" not in env:
        env["QT_QPA_PLATFORM"] = "xcb" if env.get("DISPLAY") else "offscreen"
    env.update(HOME=str(folder), XDG_DATA_HOME=str(folder / "data"), XDG_CONFIG_HOME=str(folder / "config"),
               XDG_CACHE_HOME=str(folder / "cache"), KPIDESK_LOG=str(folder / "kpidesk.log"), KPIDESK_LANG="zh_CN",
               PYTHONPATH=str(ROOT))
    demo = _demo(folder, env)
    _run(BARE, env=env)  # warm the file cache for both
    _run(APP, str(demo), str(folder / "warm.ini"), args.page, env=env)

    bare, painted, usable, modules, page = [], [], [], "", ""
    for run in range(args.runs):
        bare.append(_run(BARE, env=env)["painted"])
        marks = _run(APP, str(demo), str(folder / f"ui-{run}.ini"), args.page, env=env)
        painted.append(marks["painted"])
        usable.append(marks["usable"])
        modules, page = str(marks.get("modules", "")), str(marks.get("page", ""))
    bare_s, painted_s, usable_s = (statistics.median(v) for v in (bare, painted, usable))
    ratio = painted_s / bare_s
    print(f"platform: {env['QT_QPA_PLATFORM']}, runs: {args.runs} (medians)")
    print(f"bare PySide6 window with a table, first paint: {bare_s:.3f} s")
    print(f"KPI Desk main window, first paint:           {painted_s:.3f} s  ({ratio:.2f} × bare; target ≤ 1.5)")
    print(f"KPI Desk usable (database open, page filled): {usable_s:.3f} s  (target ≤ 1.2 s; page: {page})")
    print(f"heavy modules loaded by then: {modules or 'none'}")
    ok = ratio <= 1.5 and usable_s <= 1.2
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
