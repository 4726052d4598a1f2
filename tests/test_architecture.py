"""The shape of the code holds: the core never loads Qt, even indirectly (import-linter cannot see imports
through matplotlib), the import contracts pass, and long modules say why they are long."""

import ast
import os
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import kpidesk

CORE = ["domain", "store", "exchange", "charts", "reports", "services", "i18n", "cli"]


def _core_modules():
    names = []
    for info in pkgutil.walk_packages(kpidesk.__path__, "kpidesk."):
        top = info.name.split(".")[1]
        if top in CORE and ".migrations" not in info.name:
            names.append(info.name)
    return names


def test_core_modules_load_no_qt():
    modules = _core_modules()
    assert len(modules) > 10
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "import kpidesk.cli\n"
        "list(kpidesk.cli.iter_command_modules())\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env={"MPLBACKEND": "Agg", "PATH": ""})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_the_command_line_starts_without_the_heavy_libraries():
    """Every command's parser is built at start; pandas and matplotlib (about 0.4 s) load only in the commands
    that read or draw tables, not for ``--help`` or ``info``."""
    code = (
        "import sys, kpidesk.cli\n"
        "list(kpidesk.cli.iter_command_modules())\n"
        "print(','.join(sorted(m for m in ('pandas', 'matplotlib', 'reportlab') if m in sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_import_linter_contracts_hold():
    import shutil

    lint = shutil.which("lint-imports")
    assert lint, "import-linter is a test dependency"
    result = subprocess.run([lint], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


LONG_MODULE_LINES = 500
LONG_REASON = re.compile(r"\(long: [^)]{10,}\)")


def test_the_models_keep_their_annotations_as_objects():
    """As text (``from __future__ import annotations``), SQLAlchemy evaluates every column's annotation again
    whenever the models load; only forward references may be quoted, inside ``Mapped[...]``."""
    import __future__

    import importlib

    import kpidesk.store.models as models
    from kpidesk.store.models import Base

    for info in pkgutil.iter_modules(models.__path__, "kpidesk.store.models."):
        module = importlib.import_module(info.name)
        assert getattr(module, "annotations", None) is not __future__.annotations, info.name
    texts = [f"{mapper.class_.__name__}.{name}" for mapper in Base.registry.mappers
             for name, annotation in vars(mapper.class_).get("__annotations__", {}).items()
             if isinstance(annotation, str)]
    assert len(Base.registry.mappers) > 30
    assert texts == []


def test_long_services_and_ui_modules_say_why_at_their_top():
    """A module over 500 lines in services/ or ui/ carries "(long: <reason>)" in its docstring's first line."""
    root = Path(kpidesk.__file__).parent
    unexplained = []
    for folder in ("services", "ui"):
        for path in sorted((root / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            if text.count("\n") <= LONG_MODULE_LINES:
                continue
            docstring = ast.get_docstring(ast.parse(text)) or ""
            first_line = docstring.splitlines()[0] if docstring else ""
            if not LONG_REASON.search(first_line):
                unexplained.append(f"{path.relative_to(root)} ({text.count(chr(10))} lines)")
    assert unexplained == [], "split these modules or give a reason at the top: " + ", ".join(unexplained)


def test_the_data_entry_grid_is_read_without_pandas(_demo_template, tmp_path):
    """Opening Data entry reads the period's sheet first and scores it after the grid is shown: the read
    imports no pandas (a quarter of a second on the first open), only the scoring that follows does."""
    import shutil

    database = tmp_path / "demo.db"
    shutil.copyfile(_demo_template, database)
    code = (
        "import sys\n"
        "from kpidesk.services.actor import Actor\n"
        "from kpidesk.store.db import open_database\n"
        "from kpidesk.ui.pages.data_entry.model import load_entry_sheet\n"
        f"sheet, _warnings = load_entry_sheet(open_database({str(database)!r}), Actor('admin'), '2025-12')\n"
        "print(len(sheet.rows), len(sheet.values), 'pandas' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    rows, values, pandas_loaded = result.stdout.split()
    assert int(rows) > 0 and int(values) > 0
    assert pandas_loaded == "False"


def test_the_results_page_loads_the_closing_service_only_to_finalize():
    """Closing brings pay and its rules (some 35 ms): the Results page's first opening does not wait for them."""
    code = (
        "import sys\n"
        "import kpidesk.ui.pages.results.page\n"
        "print('kpidesk.services.closing.use_cases' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
