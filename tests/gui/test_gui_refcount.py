"""Long sessions must not crash: the installed PySide6 keeps the references it hands to bool slots.

PySide6 6.12.0 drops a reference to True/False on every bool signal delivered to a Python slot, which
aborts CPython 3.11 after a few hundred clicks; pyproject.toml excludes that release.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_bool_signals_keep_the_reference_counts_of_true_and_false():
    code = textwrap.dedent("""
        import sys
        from PySide6.QtCore import QCoreApplication, QObject, Signal
        app = QCoreApplication([])
        class Source(QObject):
            toggled = Signal(bool)
        source = Source()
        source.toggled.connect(lambda checked: None)
        before = sys.getrefcount(True), sys.getrefcount(False)
        for _ in range(200):
            source.toggled.emit(True)
            source.toggled.emit(False)
        print(before == (sys.getrefcount(True), sys.getrefcount(False)))
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""})
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "True"
