"""The guard against PySide6 dropping references to True/False keeps long sessions alive."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_many_bool_signals_do_not_abort_the_interpreter():
    code = textwrap.dedent("""
        from kpidesk.ui.refcount_guard import guard_singletons
        guard_singletons()
        from PySide6.QtCore import QCoreApplication, QObject, Signal
        app = QCoreApplication([])
        class Source(QObject):
            toggled = Signal(bool)
        source = Source()
        source.toggled.connect(lambda checked: None)
        for _ in range(20000):
            source.toggled.emit(True)
            source.toggled.emit(False)
        print("done")
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""})
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "done"
