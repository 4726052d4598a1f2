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
            "kpidesk.services.appraisal.status_words",
            # made when first used: the workers, the dialogs, the kept results, Qt's own translations
            "kpidesk.ui.tasks", "kpidesk.ui.dialogs", "kpidesk.services.appraisal.result_cache",
            "kpidesk.services.progress", "kpidesk.errors", "kpidesk.ui.qt_language",
            "kpidesk.services.actor", "dataclasses", "getpass",
            # read a settings file's JSON, follow the system's language, find files in a zipped package
            "json", "locale", "importlib.resources")

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
            import PySide6.QtGui
            if "QKeySequence" in vars(PySide6.QtGui):
                loaded.append("QKeySequence")
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


def test_what_is_made_when_first_used_is_made_then(painted_window, qtbot):
    from PySide6.QtCore import QLocale

    ctx = painted_window.ctx
    assert ctx._tasks is not None and ctx._dialogs is not None  # the tests' own, given to the window
    assert ctx._kept_results is None  # nothing computed yet, nothing kept
    kept = ctx.kept_results
    assert kept is ctx.kept_results  # made once
    ctx.forget_cached()  # a new database or login empties it like every other cache
    # Qt's own texts follow the window's language once the window is up
    expected = QLocale.Language.Chinese if ctx.language == "zh_CN" else QLocale.Language.English
    assert QLocale().language() == expected
    assert painted_window.new_action.shortcut().toString() and painted_window.undo_action.shortcut().toString()


def test_a_context_left_to_make_its_workers_and_dialogs_makes_them_when_asked(qapp, ui_settings):
    from kpidesk.services.actor import Actor
    from kpidesk.ui.context import AppContext
    from kpidesk.ui.dialogs import Dialogs
    from kpidesk.ui.tasks import TaskRunner

    ctx = AppContext(settings=ui_settings)
    assert ctx._tasks is None and ctx._dialogs is None and ctx._actor is None
    assert ctx.actor == Actor.local_owner() and ctx.actor is ctx.actor  # the login, made when asked for
    ctx.close()  # closing never made the workers just to stop them
    assert ctx._tasks is None
    assert isinstance(ctx.tasks, TaskRunner) and ctx.tasks is ctx.tasks
    assert isinstance(ctx.dialogs, Dialogs) and ctx.dialogs is ctx.dialogs
    ctx.close()


def test_qt_language_waits_when_asked_and_follows_a_switch(qapp, ui_settings):
    from PySide6.QtCore import QLocale

    from kpidesk.i18n import current_language, set_language
    from kpidesk.services.actor import Actor
    from kpidesk.ui.context import AppContext
    from kpidesk.ui.qt_language import apply_qt_language

    before = current_language()
    try:
        set_language("zh_CN")
        apply_qt_language("en")
        ctx = AppContext(actor=Actor("boss"), settings=ui_settings, qt_language_later=True)
        assert QLocale().language() == QLocale.Language.English  # not yet
        ctx.apply_qt_language()
        assert QLocale().language() == QLocale.Language.Chinese
        set_language("en")  # a switch applies it at once
        assert QLocale().language() == QLocale.Language.English
        ctx.close()
    finally:
        set_language(before)
        apply_qt_language(before)


def test_the_bundled_cjk_font_is_loaded_when_the_system_lacks_it(qapp, monkeypatch):
    from PySide6.QtGui import QFontDatabase

    from kpidesk.resources import CJK_FONT_NAME
    from kpidesk.ui import app

    loaded: list[str] = []
    add = QFontDatabase.addApplicationFont

    def record(path: str) -> int:
        loaded.append(path)
        return add(path)

    monkeypatch.setattr(QFontDatabase, "hasFamily", staticmethod(lambda _family: False))
    monkeypatch.setattr(QFontDatabase, "addApplicationFont", staticmethod(record))
    assert app.register_cjk_font(qapp) == CJK_FONT_NAME
    assert loaded and loaded[0].endswith("wqy-microhei.ttc")
    monkeypatch.setattr(QFontDatabase, "hasFamily", staticmethod(lambda family: family == CJK_FONT_NAME))
    loaded.clear()
    assert app.register_cjk_font(qapp) == CJK_FONT_NAME and loaded == []  # the system's copy serves
    assert CJK_FONT_NAME in qapp.font().families()


SCAN_PROBE = r"""
from PySide6.QtCore import QObject
from shibokensupport import feature
read = []
scan = feature._mod_uses_pyside
feature._mod_uses_pyside = lambda module: read.append(module.__name__) or scan(module)
import kpidesk.ui.app
print("read:" + ",".join(read))
"""


def test_loading_the_app_after_pyside6_reads_the_source_of_none_of_its_imports():
    read = _start(SCAN_PROBE).strip().partition("read:")[2].split(",")
    assert set(read) <= {"__future__", "io", "kpidesk.ui.pyside_source_scan"}, read  # not typing, logging, …


def test_a_file_opens_with_the_collector_paused_and_leaves_it_running(make_window, demo_db, monkeypatch):
    import gc

    from kpidesk.ui import opening

    path = demo_db.path
    demo_db.dispose()
    collecting: list[bool] = []
    open_file = opening.open_file

    def recording(*args, **kwargs):
        collecting.append(gc.isenabled())
        return open_file(*args, **kwargs)

    monkeypatch.setattr(opening, "open_file", recording)
    assert gc.isenabled()
    window = make_window(opened_on=path)
    assert window.ctx.db is not None and collecting == [False] and gc.isenabled()
