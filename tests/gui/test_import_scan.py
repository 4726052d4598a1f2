"""Imports after PySide6 do not read every module's source once the scan is switched off."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest


def _run(code: str, tmp_path) -> str:
    (tmp_path / "plain_module_for_scan.py").write_text("VALUE = 42\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                            cwd=tmp_path, check=True)
    return result.stdout.strip()


PROBE = """
    import linecache, sys
    import PySide6.QtCore
    {switch}
    import plain_module_for_scan
    read = any(name.endswith("plain_module_for_scan.py") for name in linecache.cache)
    print(plain_module_for_scan.VALUE, read)
"""


def test_pyside_reads_a_new_modules_source_unless_switched_off(tmp_path):
    import PySide6.QtCore  # noqa: F401 - loads the scan
    from shibokensupport import feature

    if not callable(getattr(feature, "_mod_uses_pyside", None)):
        pytest.skip("this PySide6 has no per-import source scan")
    assert _run(PROBE.format(switch=""), tmp_path) == "42 True"  # the cost being avoided exists
    switched = "from kpidesk.ui.pyside_source_scan import skip_pyside_source_scan; assert skip_pyside_source_scan()"
    assert _run(PROBE.format(switch=switched), tmp_path) == "42 False"


def test_the_application_switches_it_off(qapp):
    from shibokensupport import feature

    from kpidesk.ui.app import make_application
    from kpidesk.ui.pyside_source_scan import _uses_no_features

    make_application([])
    assert feature._mod_uses_pyside is _uses_no_features
