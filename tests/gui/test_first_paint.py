"""What the main window leaves until after its first paint stays out of the way to it, and still arrives.

The first frame is measured by ``bench/bench_startup.py`` against a bare window; these tests keep the
deferred work deferred (a fresh process, as a real start) and check it is done once the window is up.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile

#: Printed at the main window's first paint event: which of the deferred modules were loaded by then, and
#: whether PySide6 had built its ``Qt`` namespace (tens of enums made on first touch).
FIRST_PAINT_PROBE = r"""
import sys
from PySide6.QtCore import QEvent, QObject, QSettings
from kpidesk.ui.app import build_window, make_application

DEFERRED = ("sqlalchemy", "pandas", "matplotlib", "reportlab", "numpy", "logging.handlers", "PySide6.QtSvg",
            "kpidesk.logging_setup", "kpidesk.ui.opening", "kpidesk.ui.file_drop",
            "kpidesk.services.appraisal.status_words")

app = make_application([])
settings = QSettings(sys.argv[1], QSettings.Format.IniFormat)
settings.setValue("language", sys.argv[2])
window = build_window(settings)

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and obj is window:
            import PySide6.QtCore
            loaded = [m for m in DEFERRED if m in sys.modules]
            loaded += sorted(m for m in sys.modules if m.startswith("kpidesk.ui.pages."))
            if "Qt" in vars(PySide6.QtCore):
                loaded.append("Qt namespace")
            print("loaded:" + ",".join(loaded), flush=True)
            print("placeholders:%d" % len(window.placeholders), flush=True)
            app.quit()
        return False

probe = FirstPaint()
window.installEventFilter(probe)
window.show()
app.exec()
"""


def _start(probe: str, *arguments: str) -> str:
    """What ``probe`` prints in a fresh offscreen process, given a settings file of its own first."""
    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run(
            [sys.executable, "-c", probe, f"{folder}/ui.ini", *arguments], capture_output=True,
            text=True, timeout=120, env={"QT_QPA_PLATFORM": "offscreen", "PATH": "", "HOME": folder})
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _first_paint(language: str) -> dict[str, str]:
    printed = _start(FIRST_PAINT_PROBE, language)
    return dict(line.split(":", 1) for line in printed.splitlines() if ":" in line)


def test_the_first_frame_waits_for_nothing_it_does_not_show():
    for language in ("zh_CN", "en"):
        seen = _first_paint(language)
        assert seen["loaded"] == "", (language, seen["loaded"])
        assert seen["placeholders"] == "1", "only the shown page's placeholder is built before the first paint"


GARBAGE_PROBE = r"""
import gc, sys
from PySide6.QtCore import QSettings, QTimer
from kpidesk.ui.app import build_window, make_application

app = make_application([])
window = build_window(QSettings(sys.argv[1], QSettings.Format.IniFormat))
print("building:", gc.isenabled())
window.show()
QTimer.singleShot(0, lambda: (print("running:", gc.isenabled(), gc.get_freeze_count() > 0), app.quit()))
app.exec()
"""


def test_the_collector_rests_while_the_first_window_is_built_and_runs_once_the_loop_does():
    assert _start(GARBAGE_PROBE).split() == ["building:", "False", "running:", "True", "True"]


def test_an_application_already_running_keeps_its_collector(qapp):
    import gc

    from kpidesk.ui.app import make_application

    assert make_application([]) is qapp and gc.isenabled()


def test_what_waited_for_the_first_paint_is_in_place_once_it_is_up(painted_window):
    from PySide6.QtCore import QSize, Qt
    from PySide6.QtGui import QIcon

    from kpidesk.ui.file_drop import ImportFileDrops

    window = painted_window
    assert window.file_drops is not None and window.acceptDrops()
    assert window.sidebar.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    for row in range(window.sidebar.count()):
        selected = window.sidebar.item(row).icon().pixmap(QSize(22, 22), QIcon.Mode.Selected).toImage()
        inked = [selected.pixelColor(x, y) for x in range(selected.width()) for y in range(selected.height())
                 if selected.pixelColor(x, y).alpha() > 200]
        assert inked and all(c.red() > 200 and c.green() > 200 and c.blue() > 200 for c in inked), row
    window.finish_after_paint()  # adopting a database repeats it: nothing is installed twice
    assert len(window.findChildren(ImportFileDrops)) == 1


def test_a_page_chosen_before_a_database_opens_gets_its_own_placeholder(make_window, qtbot):
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    window.show_page("results")
    shown = window.stack.currentWidget()
    assert shown is window.placeholders["results"] and shown is not window.placeholders["overview"]
    assert shown.label.text() == "No database is open."
