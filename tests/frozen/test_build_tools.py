"""The parts of the build that need no PyInstaller: icons, the .deb control file, the entry points."""

from __future__ import annotations

import ast
import struct
from pathlib import Path

from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]


def test_icons_are_rendered_from_the_svg_in_windows_and_macos_formats(qapp, build_app, tmp_path):
    # qapp: the QApplication of the test session, which the renderer reuses (a QGuiApplication of its own
    # would leave later widget tests without one)
    files = build_app.make_icons(tmp_path)
    png = QImage(str(files["png"]))
    assert png.width() == png.height() == 256
    assert png.pixelColor(128, 128).alpha() > 0  # the drawing, not an empty square

    ico = files["ico"].read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", ico)
    assert (reserved, kind, count) == (0, 1, 7)
    sides = []
    for index in range(count):
        width, _h, _c, _r, _planes, _bits, size, offset = struct.unpack_from("<BBBBHHII", ico, 6 + 16 * index)
        assert ico[offset:offset + 8] == b"\x89PNG\r\n\x1a\n" and offset + size <= len(ico)
        image = QImage.fromData(ico[offset:offset + size])
        assert image.width() == (width or 256)
        sides.append(width or 256)
    assert sides == [16, 24, 32, 48, 64, 128, 256]

    icns = files["icns"].read_bytes()
    assert icns[:4] == b"icns" and struct.unpack_from(">I", icns, 4)[0] == len(icns)
    position, kinds = 8, []
    while position < len(icns):
        kind, length = icns[position:position + 4], struct.unpack_from(">I", icns, position + 4)[0]
        assert QImage.fromData(icns[position + 8:position + length]).width() > 0
        kinds.append(kind)
        position += length
    assert position == len(icns) and b"ic10" in kinds and b"ic07" in kinds


def test_deb_control_names_the_package_its_size_and_the_system_libraries(build_app):
    control = build_app.deb_control("1.2.3", 204800)
    fields = dict(line.split(": ", 1) for line in control.splitlines() if line and not line.startswith(" "))
    assert fields["Package"] == "kpidesk" and fields["Version"] == "1.2.3"
    assert fields["Architecture"] == "amd64" and fields["Installed-Size"] == "204800"
    assert "libxcb-cursor0" in fields["Depends"] and "libegl1" in fields["Depends"]
    assert fields["Depends"].startswith(f"libc6 (>= {build_app.glibc_version()}), ")
    assert control.endswith("\n")


def _first_call(path: Path) -> str:
    """The first statement that does something (after the docstring and imports), as source text."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue
        return ast.unparse(node)
    return ""


FROZEN_FIRST = """if getattr(sys, 'frozen', False):
    import multiprocessing
    multiprocessing.freeze_support()"""


def test_both_entry_points_call_freeze_support_before_anything_else():
    """When frozen, freeze_support comes first; from source it is skipped (it does nothing there), so a
    start does not load multiprocessing before the window's first frame."""
    for entry in (ROOT / "main.py", ROOT / "packaging" / "kpidesk_cli.py"):
        assert _first_call(entry) == FROZEN_FIRST, entry
        imports = [node for node in ast.parse(entry.read_text(encoding="utf-8")).body
                   if isinstance(node, (ast.Import, ast.ImportFrom))]
        assert [ast.unparse(node) for node in imports] == ["import sys"], entry
    spec = (ROOT / "packaging" / "kpidesk.spec").read_text(encoding="utf-8")
    assert '"main.py"' in spec and '"kpidesk_cli.py"' in spec
