"""The frozen one-folder app: its layout and size, the command line, the window, printing from the window."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

APP_DIR = Path(__file__).resolve().parents[2] / "dist" / "kpidesk"
SIZE_BUDGET_MB = 260  # as tools/build_app.py


def exe(name: str) -> Path:
    return APP_DIR / (f"{name}.exe" if sys.platform == "win32" else name)


def test_the_folder_holds_both_programs_the_data_and_the_migrations(frozen_app):
    internal = APP_DIR / "_internal"
    assert exe("kpidesk").is_file() and exe("kpidesk-gui").is_file()
    if sys.platform != "win32":  # one program: the command line is the same file by another name
        assert exe("kpidesk").is_symlink() and exe("kpidesk").resolve() == exe("kpidesk-gui").resolve()
    bundled = internal / "kpidesk" / "_bundled"
    assert (bundled / "resources" / "fonts" / "wqy-microhei.ttc").is_file()
    assert (bundled / "resources" / "translations" / "zh_CN" / "LC_MESSAGES" / "kpidesk.mo").is_file()
    assert (bundled / "resources" / "icons" / "kpidesk.svg").is_file()
    assert (bundled / "forms" / "teamwork.toml").is_file()
    assert (bundled / "guide" / "guide.zh.md").is_file() and list((bundled / "guide" / "screenshots").glob("*.png"))
    migrations = internal / "kpidesk" / "store" / "migrations"
    assert (migrations / "env.py").is_file() and list((migrations / "versions").glob("*.py"))
    metadata = list(internal.glob("kpidesk-*.dist-info/METADATA")) + list(internal.glob("kpidesk*.egg-info/PKG-INFO"))
    assert metadata, "copy_metadata('kpidesk') is missing"


def test_the_folder_is_within_its_size_budget_and_the_build_prints_it(frozen_app, build_app):
    assert build_app.folder_size_mb(APP_DIR) <= SIZE_BUDGET_MB
    if frozen_app["output"]:
        assert re.search(r"du -sm dist/kpidesk: \d+ MB", frozen_app["output"])


def test_unused_qt_modules_are_left_out_and_nothing_left_needs_them(frozen_app):
    internal = APP_DIR / "_internal"
    names = {p.name for p in internal.rglob("*") if p.is_file()}
    for unused in ("QtQuick", "QtQml", "Qt3D", "QtWebEngine", "QtMultimedia", "QtNetwork.abi3"):
        assert not any(name.startswith(unused) or f"Qt6{unused[2:]}" in name for name in names), unused
    if not sys.platform.startswith("linux"):
        return
    libraries = [p for p in internal.rglob("*.so*") if p.is_file()]
    present = {p.name for p in libraries}
    missing = set()
    for library in libraries:
        dynamic = subprocess.run(["readelf", "-d", str(library)], capture_output=True, text=True).stdout
        for needed in re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", dynamic):
            if needed.startswith(("libQt6", "libcairo", "libpango", "libatk", "libgdk_pixbuf")) and needed not in present:
                missing.add(f"{library.name} needs {needed}")
    assert not missing


def run(args, env, timeout=300):
    return subprocess.run([str(exe("kpidesk")), *args], capture_output=True, text=True, env=env, timeout=timeout)


def test_command_line_help_and_version(frozen_app, frozen_env):
    from kpidesk import __version__

    done = run(["--help"], frozen_env)
    assert done.returncode == 0, done.stderr
    assert "pdf" in done.stdout and "demo" in done.stdout  # the commands found by name in the package
    assert run(["--version"], frozen_env).stdout.strip() == f"KPI Desk {__version__}"


def test_command_line_prints_sheets_with_charts_and_embedded_fonts(frozen_demo, frozen_env, tmp_path):
    out = tmp_path / "sheets.pdf"
    started = time.monotonic()
    done = run(["--db", str(frozen_demo), "--lang", "zh", "pdf", "--period", "2025-10", "--employee", "CS001",
                "CS003", "--out", str(out)], frozen_env)
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert time.monotonic() - started < 240  # chart child processes that started the CLI again would hang
    reader = PdfReader(str(out))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    assert "王芳" in text and "刘洋" in text
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            if descriptor is not None:
                descriptor = descriptor.get_object()
                fonts[str(font["/BaseFont"])] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert any("WenQuanYi" in name or "wqy" in name.lower() for name in fonts), fonts
    assert all(fonts.values()), f"fonts not embedded: {fonts}"
    assert any("/XObject" in page["/Resources"] for page in reader.pages), "the charts are missing"


def test_window_starts_offscreen_on_the_demo_and_stays_up(frozen_demo, frozen_env, frozen_home):
    started = time.monotonic()
    done = subprocess.run([str(exe("kpidesk-gui")), str(frozen_demo), "--quit-after", "10"], capture_output=True,
                          text=True, env=frozen_env, timeout=180)
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started >= 10  # up for the ten seconds asked, then quit on its own
    assert "KPI Desk window shown: database; CJK font loaded: yes" in done.stdout, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "UserWarning" not in done.stderr, done.stderr
    log = frozen_home / "kpidesk.log"
    assert not log.exists() or "Traceback" not in log.read_text(encoding="utf-8", errors="replace")


def test_printing_from_the_window_makes_a_pdf_without_a_second_window(frozen_demo, frozen_env, tmp_path):
    out = tmp_path / "from-window.pdf"
    done = subprocess.run([str(exe("kpidesk-gui")), "--self-check-print", str(out), str(frozen_demo)],
                          capture_output=True, text=True, env=frozen_env, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"printed {out}" in done.stdout
    assert "UserWarning" not in done.stderr, done.stderr
    assert len(PdfReader(str(out)).pages) >= 1


def _xcb_ready() -> bool:
    """Whether this machine can show the frozen window on a virtual X server."""
    if not sys.platform.startswith("linux") or not shutil.which("xvfb-run"):
        return False
    plugin = APP_DIR / "_internal" / "PySide6" / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    if not plugin.is_file():
        return False
    internal = APP_DIR / "_internal"
    env = {**os.environ, "LD_LIBRARY_PATH": f"{internal}:{internal / 'PySide6' / 'Qt' / 'lib'}"}
    linked = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, env=env).stdout
    return "not found" not in linked


def test_printing_from_the_window_on_an_x_server(frozen_demo, frozen_env, tmp_path):
    """The same check on X11 (xcb, the pruned plugins and libraries a desktop uses), where Xvfb is installed."""
    if not _xcb_ready():
        pytest.skip("needs xvfb-run and the X libraries the .deb depends on (libxcb-icccm4, libxcb-keysyms1 …)")
    out = tmp_path / "on-x.pdf"
    env = {**frozen_env, "QT_QPA_PLATFORM": "xcb"}
    done = subprocess.run(["xvfb-run", "-a", str(exe("kpidesk-gui")), "--self-check-print", str(out),
                           str(frozen_demo)], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert out.read_bytes()[:5] == b"%PDF-"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the .deb is built on Linux only")
def test_deb_package_info_contents_and_extracted_command(frozen_app, frozen_env, tmp_path):
    from kpidesk import __version__

    deb = APP_DIR.parent / f"kpidesk_{__version__}_amd64.deb"
    assert deb.is_file()
    info = subprocess.run(["dpkg-deb", "--info", str(deb)], capture_output=True, text=True, check=True).stdout
    assert "Package: kpidesk" in info and f"Version: {__version__}" in info and "Architecture: amd64" in info
    assert "Depends:" in info and "libxcb-cursor0" in info
    contents = subprocess.run(["dpkg-deb", "--contents", str(deb)], capture_output=True, text=True,
                              check=True).stdout
    for path in ("./opt/kpidesk/kpidesk", "./opt/kpidesk/kpidesk-gui", "./opt/kpidesk/_internal/",
                 "./usr/share/applications/kpidesk.desktop", "./usr/share/icons/hicolor/256x256/apps/kpidesk.png",
                 "./usr/share/icons/hicolor/scalable/apps/kpidesk.svg"):
        assert path in contents, path
    assert "./usr/bin/kpidesk -> /opt/kpidesk/kpidesk" in contents
    assert "./usr/bin/kpidesk-gui -> /opt/kpidesk/kpidesk-gui" in contents
    assert "./opt/kpidesk/kpidesk -> kpidesk-gui" in contents
    assert re.search(r"-rwxr-xr-x root/root .* \./opt/kpidesk/kpidesk-gui\n", contents)
    extracted = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(extracted)], check=True)
    desktop = (extracted / "usr/share/applications/kpidesk.desktop").read_text(encoding="utf-8")
    assert "Exec=/opt/kpidesk/kpidesk-gui" in desktop and "Icon=kpidesk" in desktop
    done = subprocess.run([str(extracted / "opt/kpidesk/kpidesk"), "--help"], capture_output=True, text=True,
                          env=frozen_env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "usage: kpidesk" in done.stdout
