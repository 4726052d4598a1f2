"""Start the desktop application: paint the window first, then open the database in the background.

Heavy libraries (SQLAlchemy's ORM, pandas, matplotlib, reportlab) are not imported on the way to the
first paint; the database is opened by a worker once the window is on screen. Error reporting (the log
file's handlers) is installed right after that paint too.

PySide6's source scan is switched off as soon as this module loads, before it imports anything else:
every module imported after PySide6 would otherwise have its source read (see ``pyside_source_scan``),
typing's alone about a millisecond. When PySide6 is not loaded yet, the scan is switched off again right
after this module loads it.
"""

from __future__ import annotations

from kpidesk.ui.pyside_source_scan import skip_pyside_source_scan

skip_pyside_source_scan()  # when the caller loaded PySide6 first (the start-up bench, the tests)

import sys  # noqa: E402  (each import below would be read by the scan, were it still on)
from collections.abc import Callable, Sequence  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

from PySide6.QtCore import QCoreApplication, QSettings  # noqa: E402
from PySide6.QtGui import QFont, QFontDatabase, QFontInfo  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

skip_pyside_source_scan()  # when this module loaded PySide6 itself

if TYPE_CHECKING:
    from PySide6.QtCore import QMessageLogContext, QtMsgType

    from kpidesk.ui.main_window import MainWindow

ORGANISATION = "KPI Desk"
APPLICATION = "KPI Desk"


#: Latin UI fonts tried, in order, when the platform's default font is itself a CJK font: CJK fonts
#: draw "…" as dots centred on the line (the Chinese convention), which reads as a defect in the window.
LATIN_UI_FONTS = ("Segoe UI", "Helvetica Neue", "Noto Sans", "DejaVu Sans", "Liberation Sans", "Arial")


def register_cjk_font(app: QApplication) -> str | None:
    """Load the bundled CJK font and put it behind the default UI font, so Chinese always has glyphs.

    The default font is named by the concrete family it resolves to, not by a generic name such as
    "Sans Serif": the generic names are pointed at the CJK font below, so a generic first family would
    make every Latin letter, "…" included, come from the CJK font."""
    from kpidesk.resources import CJK_FONT_NAME

    family = CJK_FONT_NAME if QFontDatabase.hasFamily(CJK_FONT_NAME) else _load_bundled_cjk_font()
    if family is None:
        return None
    font = QFont(app.font())
    base = latin_ui_family(font, family)
    font.setFamilies([base, family] if base else [family])
    app.setFont(font)
    for generic in (font.family(), "Sans Serif", "sans-serif", "Helvetica", "Arial", "DejaVu Sans"):
        if generic and generic != family and family not in QFont.substitutes(generic):
            QFont.insertSubstitution(generic, family)
    return family


def _load_bundled_cjk_font() -> str | None:
    """The bundled font's family, loaded for the application; only when the system lacks that family, as
    reading its 5 MB file again delays the first frame by several milliseconds for the same glyphs."""
    from kpidesk.resources import CJK_FONT_FILE, CJK_FONT_NAME

    font_id = QFontDatabase.addApplicationFont(str(CJK_FONT_FILE))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    return CJK_FONT_NAME if CJK_FONT_NAME in families else (families[0] if families else None)


def latin_ui_family(font: QFont, cjk_family: str) -> str | None:
    """The concrete family ``font`` resolves to, or the first installed Latin UI font when it resolves
    to a CJK font (``cjk_family`` or a system one whose name says so)."""
    resolved = QFontInfo(font).family()
    if resolved and resolved != cjk_family and not _looks_cjk(resolved):
        return resolved
    installed = set(QFontDatabase.families())
    return next((name for name in LATIN_UI_FONTS if name in installed), None)


def _looks_cjk(family: str) -> bool:
    lowered = family.lower()
    return any(mark in lowered for mark in ("cjk", "wenquanyi", "hei", "song", "yahei", "pingfang", "ming"))


def make_application(argv: Sequence[str] | None = None) -> QApplication:
    skip_pyside_source_scan()  # again, should PySide6 have been loaded anew since this module was
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)
    existing = QApplication.instance()
    app = existing or QApplication(list(argv if argv is not None else sys.argv))
    if existing is None:
        _collect_once_running()
    app.setApplicationDisplayName("KPI Desk")
    register_cjk_font(app)
    return app


def _collect_once_running() -> None:
    """No garbage collection while the first window is built, a few milliseconds of passes over objects
    that all live as long as the process (modules, classes, the window). The event loop's first turn,
    with the window shown, freezes them out of the collector's way and lets it run again."""
    import gc

    from PySide6.QtCore import QTimer

    def resume() -> None:
        from kpidesk.ui.gc_pause import freeze_new_modules

        freeze_new_modules()
        gc.enable()

    gc.disable()
    QTimer.singleShot(0, resume)


def after_first_paint(window: MainWindow | None = None) -> None:
    """Set-up that can wait until the window is on screen: the log file, and (given the window) the
    reporting of errors nothing caught. Both import logging's handlers, which the first frame does not
    need."""
    from kpidesk.logging_setup import configure_logging

    configure_logging()
    if window is not None:
        install_error_reporting(window)


def apply_language(settings: QSettings) -> str:
    from kpidesk.i18n import set_language
    from kpidesk.ui.machine_settings import LANGUAGE

    return set_language(LANGUAGE.read(settings))


def build_window(settings: QSettings | None = None, *, tasks=None, dialogs=None):
    """The main window with its context; tests and benchmarks pass their own settings/tasks/dialogs (the
    real ones are made when first used, after the first paint)."""
    from kpidesk.ui.context import AppContext
    from kpidesk.ui.main_window import MainWindow

    settings = settings if settings is not None else QSettings()
    apply_language(settings)
    # the actor is the operating-system login until someone logs in (made when first asked for)
    ctx = AppContext(tasks=tasks, dialogs=dialogs, settings=settings, qt_language_later=True)
    window = MainWindow(ctx)
    return window


def _qt_log_levels() -> dict[QtMsgType, int]:
    import logging

    from PySide6.QtCore import QtMsgType

    return {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
            QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
            QtMsgType.QtFatalMsg: logging.CRITICAL}


def install_error_reporting(window: MainWindow) -> Callable[[], None]:
    """An exception nothing caught (say, in a slot) is logged with its traceback and shown in the error
    dialog naming the log file; Qt's own messages go to the log too, its critical ones also to the dialog.
    Returns a function that restores the previous hooks."""
    import logging
    import threading
    import traceback

    from PySide6.QtCore import qInstallMessageHandler

    from kpidesk.i18n import _
    from kpidesk.logging_setup import configure_logging, install_excepthook, log_file

    qt_log = logging.getLogger("kpidesk.qt")
    levels = _qt_log_levels()

    showing = False

    def show(error: BaseException) -> None:
        nonlocal showing
        # a message raised by the dialog itself is logged, not shown again; widgets live on the main thread
        if showing or threading.current_thread() is not threading.main_thread():
            return
        showing = True
        try:
            window.ctx.dialogs.error(window, _("Something went wrong: {error} (details in {log})").format(
                error=error, log=log_file()))
        finally:
            showing = False

    def on_qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        configure_logging()
        level = levels.get(kind, logging.WARNING)
        where = f" ({context.file}:{context.line})" if context.file else ""
        if level < logging.ERROR:
            qt_log.log(level, "%s%s", message, where)
            return
        stack = "".join(traceback.format_stack()[:-1])
        qt_log.log(level, "%s%s\nPython stack when Qt reported it:\n%s", message, where, stack)
        show(RuntimeError(message))

    restore_hooks = install_excepthook(show)
    previous_handler = qInstallMessageHandler(on_qt_message)

    def restore() -> None:
        restore_hooks()
        qInstallMessageHandler(previous_handler)

    return restore


def _take_option(arguments: list[str], name: str) -> str | None:
    """Remove ``name VALUE`` from the arguments and return VALUE (None when absent)."""
    if name not in arguments:
        return None
    index = arguments.index(name)
    value = arguments[index + 1] if index + 1 < len(arguments) else ""
    del arguments[index:index + 2]
    return value


def run(argv: Sequence[str] | None = None) -> int:
    """``kpidesk-gui [DATABASE] [--quit-after SECONDS]``; the option lets a check start the installed
    window unattended and see it come up (it prints one line saying what was shown)."""
    arguments = list(argv if argv is not None else sys.argv)
    quit_after = _take_option(arguments, "--quit-after")
    app = make_application(arguments)
    window = build_window()
    target = next((a for a in arguments[1:] if not a.startswith("-")), None)

    def start() -> None:
        after_first_paint(window)
        window.start(target)
        if quit_after is not None:
            from PySide6.QtCore import Qt, QTimer

            # A coarse timer may fire up to 5 % early; the check relies on the window staying up the full time.
            timer = QTimer(window, singleShot=True, timerType=Qt.TimerType.PreciseTimer)
            timer.timeout.connect(lambda: _quit_with_report(app, window))
            timer.start(int(float(quit_after or 0) * 1000))

    window.first_painted.connect(start)
    window.show()
    return app.exec()


def _quit_with_report(app: QApplication, window) -> None:
    from kpidesk.resources import CJK_FONT_NAME

    shown = "database" if window.ctx.db is not None else "welcome" if window.welcome is not None else "nothing"
    font = "yes" if CJK_FONT_NAME in QFontDatabase.families() else "no"
    print(f"KPI Desk window shown: {shown}; CJK font loaded: {font}", flush=True)
    window.close()
    app.quit()
