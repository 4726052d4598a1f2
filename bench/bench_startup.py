"""Start-up benchmark: first painted main window on the demo database vs a bare PySide6 window.

    python bench/bench_startup.py [--runs 7] [--page staff]   (offscreen without a display)
    xvfb-run -a python bench/bench_startup.py                   (xcb on Xvfb)

Each measurement is a fresh Python process, timed from just before it is spawned:
- bare:   QApplication + QMainWindow holding a QTableWidget, until its first paint event;
- app:    KPI Desk as ``main.py`` starts it, on a demo database, until the main window's first paint
          event, and until it is usable (database opened, migrations checked, daily backup taken,
          the page filled and no background task left);
- floor:  the bare window, then (after its first paint) SQLAlchemy's ORM, numpy and pandas imported, which
          the first page needs: what "usable" cannot go below; the difference is KPI Desk's own work.
Targets: first paint ≤ 1.2 × bare (wall), usable ≤ 0.85 s. Prints the medians of wall and processor time
and whether each target is met; the processor figures are the steadier ones on a busy machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from scratch import scratch_folder

ROOT = Path(__file__).resolve().parent.parent

# With the argument "then-load", the libraries the first page needs are imported after the first paint as
# the app imports them (PySide6's source scan off): the floor no opening of the database can go below.
BARE = r"""
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableWidget

def load_libraries():
    from kpidesk.ui.pyside_source_scan import skip_pyside_source_scan

    skip_pyside_source_scan()
    import numpy, pandas, sqlalchemy.orm  # noqa: F401
    print("usable", time.time(), flush=True)
    print("usable_cpu", time.process_time(), flush=True)
    app.quit()

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not hasattr(self, "seen"):
            self.seen = True
            print("painted", time.time(), flush=True)
            print("painted_cpu", time.process_time(), flush=True)
            QTimer.singleShot(0, load_libraries if sys.argv[1:] == ["then-load"] else app.quit)
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
if sys.argv[3]:
    settings.setValue("window/last_page", sys.argv[3])
settings.setValue("language", sys.argv[4])
window = build_window(settings)
state = {"painted": False, "done": False}

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not state["painted"]:
            state["painted"] = True
            print("painted", time.time(), flush=True)
            print("painted_cpu", time.process_time(), flush=True)
        return False

def check_usable(*_args):
    page = window.pages.get(window.current_page_key())
    if state["done"] or window.ctx.db is None or page is None or not page.is_current() or window.ctx.tasks.busy:
        return
    state["done"] = True
    print("usable", time.time(), flush=True)
    print("usable_cpu", time.process_time(), flush=True)
    print("page", window.current_page_key(), flush=True)
    print("modules", ",".join(m for m in ("pandas", "matplotlib", "reportlab") if m in sys.modules), flush=True)
    window.close()
    app.quit()

def start():
    # the workers are made when first used: watched from here, before anything can run, so the probe
    # does not make them (and import them) before the first frame as the application itself does not
    window.ctx.tasks.busy_changed.connect(check_usable)
    after_first_paint(window)
    window.start(sys.argv[1])

probe = FirstPaint()
window.installEventFilter(probe)
window.first_painted.connect(start)
window.database_ready.connect(check_usable)
window.show()
app.exec()
"""


def _run(code: str, *args: str, env: dict[str, str]) -> dict[str, float | str]:
    """One fresh process; wall marks are seconds since just before the spawn, ``*_cpu`` marks the child's
    own processor time (all its threads) at that moment."""
    started = time.time()
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env,
                            timeout=120, cwd=ROOT)
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-2000:])
    marks: dict[str, float | str] = {}
    for line in result.stdout.splitlines():
        name, _sep, value = line.partition(" ")
        if name in ("modules", "page"):
            marks[name] = value
        else:
            marks[name] = float(value) - (0.0 if name.endswith("_cpu") else started)
    return marks


def _demo(folder: Path, env: dict[str, str]) -> Path:
    path = folder / "demo.db"
    subprocess.run([sys.executable, "-m", "kpidesk", "--db", str(path), "demo"], check=True, env=env, cwd=ROOT,
                   capture_output=True, timeout=300)
    return path


#: Issue 24's targets: the first frame within 1.2 × a bare window's, usable no later than before (0.85 s).
PAINT_TARGET = 1.2
USABLE_TARGET = 0.85


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="KPI Desk start-up benchmark")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--page", default="", help="page shown first (default: the first registered page)")
    parser.add_argument("--language", default="zh_CN", choices=("zh_CN", "en"),
                        help="the window's language (default: Chinese, as the office using it reads it)")
    parser.add_argument("--no-bytecode", action="store_true",
                        help="compile every module from source on each start, as with PYTHONDONTWRITEBYTECODE")
    args = parser.parse_args(argv)
    folder = scratch_folder("kpidesk-bench-")
    env = dict(os.environ)
    if "QT_QPA_PLATFORM" not in env:
        env["QT_QPA_PLATFORM"] = "xcb" if env.get("DISPLAY") else "offscreen"
    env.update(HOME=str(folder), XDG_DATA_HOME=str(folder / "data"), XDG_CONFIG_HOME=str(folder / "config"),
               XDG_CACHE_HOME=str(folder / "cache"), KPIDESK_LOG=str(folder / "kpidesk.log"),
               PYTHONPATH=str(ROOT))
    # An installed copy (wheel or frozen) starts from compiled bytecode; a private cache gives the same here
    # without writing into the checkout. The warm-up runs below fill it, for the bare window too.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(folder / "bytecode")
    if args.no_bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        del env["PYTHONPYCACHEPREFIX"]
    demo = _demo(folder, env)
    _run(BARE, env=env)  # warm the file cache for both
    _run(APP, str(demo), str(folder / "warm.ini"), args.page, args.language, env=env)

    samples: dict[str, list[float]] = {key: [] for key in ("bare", "bare_cpu", "painted", "painted_cpu",
                                                           "usable", "usable_cpu", "floor", "floor_cpu")}
    modules, page = "", ""
    for run in range(args.runs):  # alternated, so a burst of load from elsewhere hits both alike
        bare = _run(BARE, env=env)
        marks = _run(APP, str(demo), str(folder / f"ui-{run}.ini"), args.page, args.language, env=env)
        floor = _run(BARE, "then-load", env=env)
        samples["bare"].append(float(bare["painted"]))
        samples["bare_cpu"].append(float(bare["painted_cpu"]))
        samples["floor"].append(float(floor["usable"]))
        samples["floor_cpu"].append(float(floor["usable_cpu"]))
        for key in ("painted", "painted_cpu", "usable", "usable_cpu"):
            samples[key].append(float(marks[key]))
        modules, page = str(marks.get("modules", "")), str(marks.get("page", ""))
    median = {key: statistics.median(values) for key, values in samples.items()}
    ratio = median["painted"] / median["bare"]
    cpu_ratio = median["painted_cpu"] / median["bare_cpu"]
    compiled = "modules compiled from source each time" if args.no_bytecode else "bytecode cached, as installed"
    print(f"platform: {env['QT_QPA_PLATFORM']}, language: {args.language}, runs: {args.runs}; {compiled}")
    print("medians: wall time from the spawn, processor time of the process (all its threads)")
    print(f"bare PySide6 window with a table, first paint: {median['bare']:.3f} s wall, "
          f"{median['bare_cpu']:.3f} s processor")
    print(f"KPI Desk main window, first paint:           {median['painted']:.3f} s wall, "
          f"{median['painted_cpu']:.3f} s processor")
    print(f"  first paint / bare: {ratio:.2f} × wall (target ≤ {PAINT_TARGET}: {_verdict(ratio <= PAINT_TARGET)}), "
          f"{cpu_ratio:.2f} × processor")
    print(f"KPI Desk usable (database open, page filled): {median['usable']:.3f} s wall "
          f"(target ≤ {USABLE_TARGET} s: {_verdict(median['usable'] <= USABLE_TARGET)}), "
          f"{median['usable_cpu']:.3f} s processor; page: {page}")
    print(f"  floor: a bare window, then SQLAlchemy's ORM, numpy and pandas loaded: {median['floor']:.3f} s wall, "
          f"{median['floor_cpu']:.3f} s processor; KPI Desk's own share {median['usable'] - median['floor']:.3f} s")
    print(f"heavy modules loaded by then: {modules or 'none'}")
    ok = ratio <= PAINT_TARGET and median["usable"] <= USABLE_TARGET
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
