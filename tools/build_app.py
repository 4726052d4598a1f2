"""Build the frozen one-folder app (dist/kpidesk) with PyInstaller, and on Linux optionally its .deb.

    pip install -e '.[build]' && python tools/build_app.py [--deb]

Steps: compile the translations, render the icons from resources/icons/kpidesk.svg, run PyInstaller on
packaging/kpidesk.spec (its work folder in the system temp folder, not in the repository), print the
build time and the folder's size (and fail above the size budget); with --deb, pack the folder into
dist/kpidesk_<version>_amd64.deb with dpkg-deb.
"""

from __future__ import annotations

import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "kpidesk.spec"
SVG_ICON = ROOT / "resources" / "icons" / "kpidesk.svg"
DESKTOP_FILE = ROOT / "packaging" / "linux" / "kpidesk.desktop"
DIST = ROOT / "dist"
APP_DIR = DIST / "kpidesk"
WORK_DIR = Path(tempfile.gettempdir()) / "kpidesk-pyinstaller"
ICON_DIR = WORK_DIR / "icons"
SIZE_BUDGET_MB = 260  # 250 before encryption at rest: SQLCipher with its own OpenSSL adds 9 MB

#: Libraries of the system the frozen Qt loads (PyInstaller does not bundle the graphics stack).
DEB_DEPENDS = (
    "libegl1, libgl1, libfontconfig1, libfreetype6, libxkbcommon0, libxkbcommon-x11-0, "
    "libdbus-1-3, libglib2.0-0, libxcb-cursor0, libxcb-icccm4, libxcb-image0, libxcb-keysyms1, "
    "libxcb-randr0, libxcb-render-util0, libxcb-shape0, libxcb-xinerama0, libxcb-xkb1"
)


def version() -> str:
    sys.path.insert(0, str(ROOT))
    from kpidesk import __version__

    return __version__


# -- icons ----------------------------------------------------------------------------------------------
def render_png(size: int) -> bytes:
    """The SVG icon drawn at ``size`` pixels square, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 (QPainter needs one)
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(SVG_ICON)).render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data)


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico holding PNG images (the format Windows Vista and later read)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, images = b"", b""
    for size in sizes:
        png = pngs[size]
        side = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset + len(images))
        images += png
    return header + entries + images


ICNS_TYPES = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08", 512: b"ic09", 1024: b"ic10"}


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """A macOS .icns holding PNG images."""
    body = b"".join(ICNS_TYPES[size] + struct.pack(">I", 8 + len(png)) + png
                    for size, png in sorted(pngs.items()) if size in ICNS_TYPES)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def make_icons(folder: Path = ICON_DIR) -> dict[str, Path]:
    """kpidesk.png (256 px), kpidesk.ico and kpidesk.icns, rendered from the SVG icon into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    pngs = {size: render_png(size) for size in (16, 24, 32, 48, 64, 128, 256, 512, 1024)}
    files = {
        "png": folder / "kpidesk.png",
        "ico": folder / "kpidesk.ico",
        "icns": folder / "kpidesk.icns",
    }
    files["png"].write_bytes(pngs[256])
    files["ico"].write_bytes(ico_bytes({s: pngs[s] for s in (16, 24, 32, 48, 64, 128, 256)}))
    files["icns"].write_bytes(icns_bytes(pngs))
    return files


# -- the app folder ---------------------------------------------------------------------------------------
def folder_size_mb(folder: Path) -> int:
    """Size as ``du -sm`` reports it (disk blocks), or the sum of file sizes where du is missing."""
    if shutil.which("du"):
        return int(subprocess.run(["du", "-sm", str(folder)], check=True, capture_output=True,
                                  text=True).stdout.split()[0])
    total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return -(-total // (1024 * 1024))


def compile_translations() -> None:
    subprocess.run([sys.executable, "-m", "kpidesk.i18n.compile"], cwd=ROOT, check=True,
                   env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL)


def build_folder() -> float:
    """Run PyInstaller; returns the seconds it took."""
    compile_translations()
    make_icons()
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(DIST), "--workpath", str(WORK_DIR / "work"), str(SPEC)],
        cwd=ROOT, check=True, env={**os.environ, "KPIDESK_ICON_DIR": str(ICON_DIR), "PYTHONPATH": str(ROOT)},
    )
    return time.monotonic() - started


# -- the .deb ---------------------------------------------------------------------------------------------
def glibc_version() -> str:
    """The C library of the build machine: the bundled libraries need at least that one."""
    import platform

    return platform.libc_ver()[1] or "2.31"


def deb_control(package_version: str, installed_kb: int) -> str:
    return (
        "Package: kpidesk\n"
        f"Version: {package_version}\n"
        "Architecture: amd64\n"
        "Maintainer: KPI Desk maintainers <kpidesk@localhost>\n"
        f"Installed-Size: {installed_kb}\n"
        f"Depends: libc6 (>= {glibc_version()}), {DEB_DEPENDS}\n"
        "Recommends: libpq5\n"
        "Section: office\n"
        "Priority: optional\n"
        "Description: staff performance appraisal (员工绩效考核), offline\n"
        " KPI Desk keeps staff, KPIs, appraisal templates and results in a local\n"
        " database and prints the sheets to sign. Installed in /opt/kpidesk;\n"
        " kpidesk-gui starts the window, kpidesk the command line.\n"
    )


def build_deb(app_dir: Path = APP_DIR, out_dir: Path = DIST) -> Path:
    """Pack ``app_dir`` as /opt/kpidesk with a menu entry, the icon and both commands on PATH."""
    package_version = version()
    out = out_dir / f"kpidesk_{package_version}_amd64.deb"
    with tempfile.TemporaryDirectory(prefix="kpidesk-deb-") as staging_name:
        staging = Path(staging_name)
        staging.chmod(0o755)
        shutil.copytree(app_dir, staging / "opt" / "kpidesk", symlinks=True)
        bin_dir = staging / "usr" / "bin"
        bin_dir.mkdir(parents=True)
        for command in ("kpidesk", "kpidesk-gui"):
            (bin_dir / command).symlink_to(f"/opt/kpidesk/{command}")
        applications = staging / "usr" / "share" / "applications"
        applications.mkdir(parents=True)
        shutil.copyfile(DESKTOP_FILE, applications / "kpidesk.desktop")
        icons = staging / "usr" / "share" / "icons" / "hicolor"
        (icons / "256x256" / "apps").mkdir(parents=True)
        (icons / "scalable" / "apps").mkdir(parents=True)
        png = ICON_DIR / "kpidesk.png"
        if not png.exists():
            make_icons()
        shutil.copyfile(png, icons / "256x256" / "apps" / "kpidesk.png")
        shutil.copyfile(SVG_ICON, icons / "scalable" / "apps" / "kpidesk.svg")
        for path in staging.rglob("*"):
            if path.is_symlink():
                continue
            path.chmod(0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644)
        installed_kb = sum(p.stat().st_size for p in staging.rglob("*") if p.is_file() and not p.is_symlink())
        debian = staging / "DEBIAN"
        debian.mkdir(mode=0o755)
        (debian / "control").write_text(deb_control(package_version, -(-installed_kb // 1024)), encoding="utf-8")
        out.unlink(missing_ok=True)
        subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "-z6", "--build", str(staging), str(out)],
                       check=True, stdout=subprocess.DEVNULL)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deb", action="store_true", help="also write dist/kpidesk_<version>_amd64.deb (Linux)")
    parser.add_argument("--deb-only", action="store_true", help="pack the existing dist/kpidesk, do not rebuild")
    parser.add_argument("--max-mb", type=int, default=SIZE_BUDGET_MB, help="fail when the folder is larger")
    parser.add_argument("--icons-to", metavar="DIR", help="only write kpidesk.png/.ico/.icns into DIR")
    args = parser.parse_args(argv)
    if args.icons_to:
        for path in make_icons(Path(args.icons_to)).values():
            print(path)
        return 0
    if not args.deb_only:
        seconds = build_folder()
        print(f"built {APP_DIR.relative_to(ROOT)} in {seconds:.0f} s")
    size = folder_size_mb(APP_DIR)
    print(f"du -sm {APP_DIR.relative_to(ROOT)}: {size} MB (budget {args.max_mb} MB)")
    if size > args.max_mb:
        print(f"the app folder is over its size budget by {size - args.max_mb} MB", file=sys.stderr)
        return 1
    if args.deb or args.deb_only:
        if not shutil.which("dpkg-deb"):
            print("dpkg-deb is needed for --deb", file=sys.stderr)
            return 1
        started = time.monotonic()
        deb = build_deb()
        print(f"wrote {deb.relative_to(ROOT)} ({deb.stat().st_size // (1024 * 1024)} MB) "
              f"in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
