"""The one font every PDF uses: the bundled CJK TrueType font, embedded (subset) in each file.

reportlab's built-in CID fonts are not embedded and its default Helvetica depends on the reader's
machine, so the bundled font is registered under one name and also as the bold/italic members of
its family — ``<b>`` in a paragraph then stays in the embedded font instead of switching to
Helvetica-Bold.

Parsing the font's tables (35,000 characters' glyphs and widths) is a tenth of a second of every
command that prints, so the parsed face is kept in the user cache folder. It holds only what the font
file says, never user data; it is keyed by the file's size and time and reportlab's version, written
atomically, and a cache that cannot be read is ignored and written again. The font file's bytes are
read afresh each time (subsetting copies glyphs from them), so the cache stays small.
"""

from __future__ import annotations

import logging
import os
import pickle
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import reportlab
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace

from kpidesk.resources import CJK_FONT_FILE

log = logging.getLogger(__name__)

FONT = "KpiDeskCJK"
SUBFONT = 0
CACHE_FORMAT = 1  # raised whenever what the cache holds changes shape
#: Attributes rebuilt on load rather than stored: the file's bytes, its path, a scaling function (a
#: closure cannot be pickled) and the per-document subsetting state (empty until a document uses it).
_FACE_REBUILT = ("_ttf_data", "filename", "_pdfScale")
_FONT_REBUILT = ("face", "state")


@lru_cache(maxsize=1)
def register_pdf_font() -> str:
    """Register the bundled font with reportlab (once per process) and return its name."""
    pdfmetrics.registerFont(load_font(FONT, CJK_FONT_FILE))
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(FONT, bold, italic, FONT)
    return FONT


def load_font(name: str, path: Path, cache_folder: Path | None = None) -> TTFont:
    """``TTFont(name, path)``, its parsed face taken from the cache when one matches the file."""
    cache_file = face_cache_file(path, cache_folder)
    font = _read_cached(name, path, cache_file) if cache_file is not None else None
    if font is not None:
        return font
    font = TTFont(name, str(path), subfontIndex=SUBFONT)
    if cache_file is not None:
        _write_cached(font, cache_file)
    return font


def face_cache_file(path: Path, cache_folder: Path | None = None) -> Path | None:
    """Where the parsed face of ``path`` is kept: a name that changes with the file and with reportlab."""
    try:
        stat = path.stat()
    except OSError:
        return None
    if cache_folder is None:
        from platformdirs import user_cache_path

        from kpidesk.store.locations import APP_NAME

        cache_folder = user_cache_path(APP_NAME, appauthor=False) / "fonts"
    key = f"{path.stem}-{SUBFONT}-{stat.st_size}-{stat.st_mtime_ns}-rl{reportlab.Version}-v{CACHE_FORMAT}"
    return cache_folder / f"{key}.pickle"


def _read_cached(name: str, path: Path, cache_file: Path) -> TTFont | None:
    try:
        font_state, face_state = pickle.loads(cache_file.read_bytes())
        scale = pdf_scale(face_state["unitsPerEm"])
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except Exception:  # a damaged or foreign file: parse the font again and replace it
        log.info("font cache %s unreadable; parsing the font again", cache_file, exc_info=True)
        return None
    face = TTFontFace.__new__(TTFontFace)
    vars(face).update(face_state, _ttf_data=data, filename=str(path), _pdfScale=scale)
    font = TTFont.__new__(TTFont)
    vars(font).update(font_state, fontName=name, face=face, state=WeakKeyDictionary())
    return font


def _write_cached(font: TTFont, cache_file: Path) -> None:
    font_state = {key: value for key, value in vars(font).items() if key not in _FONT_REBUILT}
    face_state = {key: value for key, value in vars(font.face).items() if key not in _FACE_REBUILT}
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=cache_file.name, suffix=".part", dir=cache_file.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump((font_state, face_state), out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, cache_file)
        except BaseException:
            os.unlink(temporary)
            raise
    except Exception:  # a cache that cannot be written only costs the next command the parsing again
        log.info("font cache %s not written", cache_file, exc_info=True)


def pdf_scale(units_per_em: int) -> Callable[[Any], Any]:
    """The same font-units-to-PDF-units scaling reportlab's parser makes (so widths stay identical)."""
    if units_per_em == 1000:
        return lambda x: x
    factor = 1000 / units_per_em
    return lambda x: x * factor
