"""The frozen app, built once per test session with ``tools/build_app.py --deb``.

Every test that uses the built app is marked ``frozen``; they run with ``pytest -m frozen`` and are skipped
by a plain ``pytest`` and wherever PyInstaller is not installed. ``KPIDESK_BUILT_APP=1`` tests the app
already in dist/ instead of building it.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
APP_DIR = DIST / "kpidesk"
HAVE_PYINSTALLER = importlib.util.find_spec("PyInstaller") is not None
BUILD_TIME_LIMIT_S = 900


def frozen_selected(config) -> bool:
    """Whether the run asks for the frozen tests (``-m frozen``): a plain ``pytest`` does not build the app."""
    expression = config.getoption("markexpr", "") or ""
    return bool(re.search(r"(?<!not )\bfrozen\b", expression))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Tests that need the built app are ``frozen`` ones: skipped without PyInstaller, and unless asked for."""
    if not HAVE_PYINSTALLER:
        skip = pytest.mark.skip(reason="PyInstaller is not installed (pip install -e '.[build]')")
    elif not frozen_selected(config):
        skip = pytest.mark.skip(reason="builds the app for minutes: run with -m frozen")
    else:
        skip = None
    for item in items:
        if "frozen_app" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.frozen)
            if skip is not None:
                item.add_marker(skip)


def exe(name: str, app_dir: Path = APP_DIR) -> Path:
    return app_dir / (f"{name}.exe" if sys.platform == "win32" else name)


def clean_env(home: Path) -> dict[str, str]:
    """An environment without the developer's Python paths, with the user folders in ``home``."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"),
               XDG_STATE_HOME=str(home / "state"), XDG_CACHE_HOME=str(home / "cache"),
               KPIDESK_LOG=str(home / "kpidesk.log"), QT_QPA_PLATFORM="offscreen", KPIDESK_LANG="en")
    env.pop("KPIDESK_DB", None)
    return env


@pytest.fixture(scope="session")
def frozen_app() -> dict:
    """Build the app and the .deb (once); the build's output and time for the checks that read them."""
    if os.environ.get("KPIDESK_BUILT_APP") == "1":
        assert exe("kpidesk").is_file(), "KPIDESK_BUILT_APP=1 but dist/kpidesk holds no app"
        return {"output": "", "seconds": 0.0}
    started = time.monotonic()
    args = [sys.executable, str(ROOT / "tools" / "build_app.py")]
    if shutil.which("dpkg-deb"):
        args.append("--deb")
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=BUILD_TIME_LIMIT_S)
    assert done.returncode == 0, f"build failed:\n{done.stdout}\n{done.stderr[-4000:]}"
    return {"output": done.stdout, "seconds": time.monotonic() - started}


def load_build_app():
    """tools/build_app.py as a module (tools/ is not a package)."""
    spec = importlib.util.spec_from_file_location("build_app", ROOT / "tools" / "build_app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def build_app():
    return load_build_app()


@pytest.fixture(scope="session")
def frozen_exe():
    """The path of a program of the app by its name (``kpidesk`` or ``kpidesk-gui``)."""
    return exe


@pytest.fixture(scope="session")
def frozen_env(frozen_home):
    return clean_env(frozen_home)


@pytest.fixture(scope="session")
def frozen_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("frozen-home")


@pytest.fixture(scope="session")
def frozen_demo(frozen_app, frozen_home, tmp_path_factory) -> Path:
    """The demo database, built by the frozen command line."""
    path = tmp_path_factory.mktemp("frozen-demo") / "demo.db"
    done = subprocess.run([str(exe("kpidesk")), "--db", str(path), "demo"], capture_output=True, text=True,
                          env=clean_env(frozen_home), timeout=600)
    assert done.returncode == 0, done.stderr
    assert "Demo created" in done.stdout
    return path
