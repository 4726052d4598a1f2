"""The one way to reach the files that ship with KPI Desk: fonts, translations, icons, starter libraries,
the bundled forms and the user guide.

A wheel and the frozen app carry them inside the package as ``kpidesk/_bundled/<name>``; a source checkout
(and an editable install of it) keeps them at the repository top, where they are edited. Both are read
through :mod:`importlib.resources`; the paths below are real folders in every supported installation, which
reportlab, Qt and gettext need.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

#: What ``_bundled`` holds, and where each lives in a source checkout (relative to the repository top).
BUNDLED_SOURCES = {"resources": "resources", "forms": "forms", "guide": "docs"}

_keep_open: ExitStack | None = None  # what as_file extracted, kept until the program ends


def _package() -> Traversable:
    """The kpidesk package as a folder: where this file lies when it is a file on disk (a checkout, a wheel,
    a frozen app with its files), which is what ``files("kpidesk")`` gives then too; otherwise through
    :mod:`importlib.resources` (a zipped package), whose modules the first window's paint does not wait
    for in the usual case."""
    here = Path(__file__)
    if here.is_file():
        return here.parent
    from importlib.resources import files

    return files("kpidesk")


def bundled(name: str) -> Traversable:
    """The shipped folder ``name`` (a key of :data:`BUNDLED_SOURCES`) as installed, else from the checkout."""
    package = _package()
    installed = package.joinpath("_bundled", name)
    if installed.is_dir():
        return installed
    checkout = _checkout_folder(package, BUNDLED_SOURCES[name])
    if checkout is None:
        raise FileNotFoundError(f"KPI Desk is installed without its {name} folder (kpidesk/_bundled/{name})")
    return checkout


def _checkout_folder(package: Traversable, relative: str) -> Traversable | None:
    """In a source checkout the package folder sits beside pyproject.toml and the shipped folders."""
    if not isinstance(package, Path):
        return None
    top = package.parent
    folder = top / relative
    return folder if (top / "pyproject.toml").is_file() and folder.is_dir() else None


def bundled_path(name: str) -> Path:
    """:func:`bundled` as a real folder, valid for the life of the process."""
    global _keep_open
    folder = bundled(name)
    if isinstance(folder, Path):
        return folder  # what as_file gives for a folder already on disk
    import atexit
    from importlib.resources import as_file

    if _keep_open is None:
        _keep_open = ExitStack()
        atexit.register(_keep_open.close)
    return _keep_open.enter_context(as_file(folder))


RESOURCES = bundled_path("resources")
FORMS_DIR = bundled_path("forms")
FONTS_DIR = RESOURCES / "fonts"
ICONS_DIR = RESOURCES / "icons"
TRANSLATIONS_DIR = RESOURCES / "translations"
STARTER_DIR = RESOURCES / "starter"

#: The bundled CJK TrueType font (WenQuanYi Micro Hei) used by the UI, charts and PDFs.
CJK_FONT_FILE = FONTS_DIR / "wqy-microhei.ttc"
CJK_FONT_NAME = "WenQuanYi Micro Hei"


def guide_file(language: str) -> Path:
    """The user guide in ``language`` ("zh" or "en"; anything else gets English). Looked up when asked
    for, so a build without the guide still starts; it raises FileNotFoundError then."""
    return bundled_path("guide") / ("guide.zh.md" if language.startswith("zh") else "guide.en.md")
