"""``kpidesk-gui --self-check-print OUT.pdf DATABASE``: the built app saves a sheet as a user would.

It checks what only a built (frozen or installed) app can get wrong: the window opens the database, the
Print page saves the first employee's sheet through its child process, the PDF is written, and the app
still has one window and no child process but the Print page's warm print worker. A frozen child process that started the window again instead of printing would
never report back, so the check also fails when printing does not end within the time limit. The exit
code is 0 when everything held; one line on stdout or stderr says what happened.
"""

from __future__ import annotations

import multiprocessing
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

POLL_MS = 100
TIME_LIMIT_MS = 180_000
STRAY_WAIT_SECONDS = 20  # longer than a stopped print worker may take to leave (see print.process)


class _PrintCheck:
    """Steps through opening, choosing and saving on a timer; ``result`` is (exit code, message)."""

    def __init__(self, app, window, dialogs, out: Path) -> None:
        self.app, self.window, self.dialogs, self.out = app, window, dialogs, out
        self.page = None
        self.saving = False
        self.result: tuple[int, str] | None = None
        self.elapsed_ms = 0
        self.children_before = {child.pid for child in multiprocessing.active_children()}  # not the check's

    def step(self) -> None:
        if self.result is not None:
            return
        self.elapsed_ms += POLL_MS
        errors = self.dialogs.messages("error")
        if errors:
            return self.finish(1, f"error shown: {errors[0]}")
        if self.elapsed_ms > TIME_LIMIT_MS:
            return self.finish(1, "timed out: the sheet was not printed")
        if self.window.ctx.db is None or self.saving:
            return
        if self.page is None:
            self.page = self.window.show_page("print")
            self.page.finished.connect(self.printed)
            return
        if self.page.choices is None or not self.page.choices.employees:
            return
        self.page.choose_employees([self.page.choices.employees[0][0]])
        self.saving = self.page.save() is not None
        if not self.saving:
            self.finish(1, "the Print page did not start printing")

    def printed(self, outcome) -> None:
        if isinstance(outcome, BaseException):
            return self.finish(1, f"printing failed: {outcome}")
        windows = [w for w in self.app.topLevelWidgets() if w.isWindow() and w.isVisible()]
        if windows != [self.window]:
            return self.finish(1, f"{len(windows)} windows are open, expected the main window only")
        if not self.out.is_file() or self.out.read_bytes()[:5] != b"%PDF-":
            return self.finish(1, f"no PDF at {self.out}")
        worker = self.page.worker  # the Print page's warm child stays, ready for the next print
        strays = [child for child in multiprocessing.active_children()
                  if child.pid not in self.children_before and (worker is None or child.pid != worker.pid)]
        for child in strays:  # a worker stopped earlier (another database, say) may still be winding down
            child.join(STRAY_WAIT_SECONDS)
        running = [child.name for child in strays if child.is_alive()]
        if running:
            return self.finish(1, "a child process other than the print worker is still running after printing: "
                                  + ", ".join(running))
        self.finish(0, f"printed {self.out} ({outcome.pages} pages) in {self.elapsed_ms / 1000:.1f} s")

    def finish(self, code: int, message: str) -> None:
        self.result = (code, message)
        self.app.exit(code)


def self_check_print(argv: Sequence[str]) -> int:
    if len(argv) != 2:
        print("usage: kpidesk-gui --self-check-print OUT.pdf DATABASE", file=sys.stderr)
        return 2
    from PySide6.QtCore import QSettings, QTimer

    from kpidesk.ui.app import after_first_paint, build_window, make_application
    from kpidesk.ui.dialogs import ScriptedDialogs

    out = Path(argv[0]).resolve()
    app = make_application([sys.argv[0]])
    with tempfile.TemporaryDirectory(prefix="kpidesk-self-check-") as folder:
        settings = QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)  # not the user's
        dialogs = ScriptedDialogs().queue(str(out))
        window = build_window(settings, dialogs=dialogs)
        check = _PrintCheck(app, window, dialogs, out)

        def start() -> None:
            after_first_paint()
            window.start(argv[1])

        window.first_painted.connect(start)
        timer = QTimer()
        timer.timeout.connect(check.step)
        timer.start(POLL_MS)
        window.show()
        app.exec()
        timer.stop()
        window.close()
        window.ctx.close()
    code, message = check.result or (1, "the window closed before the check ended")
    stream = sys.stdout if code == 0 else sys.stderr
    if stream is not None:  # None in a Windows program without a console that was started from a shortcut
        print(message, file=stream, flush=True)
    return code
