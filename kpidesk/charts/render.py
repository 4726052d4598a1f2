"""Figures to PNG/SVG bytes, and a cache that reuses figures when many charts are drawn in a row."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from kpidesk.charts.style import chart_style

DEFAULT_DPI = 150


def figure_to_png(fig: Figure, dpi: int = DEFAULT_DPI, *, compress_level: int = 6) -> bytes:
    """Opaque RGB PNG bytes of ``fig``.

    Charts sit on white, so the alpha channel matplotlib writes would only make a PDF carry a
    soft mask per image (bigger files, slower to lay out). A low ``compress_level`` is much faster
    and fine for images that are re-compressed anyway (a PDF embeds pixels, not the PNG file).
    """
    raw = io.BytesIO()
    with chart_style():
        fig.savefig(raw, format="rgba", dpi=dpi)
    width, height = _pixel_size(fig, dpi, len(raw.getvalue()))
    return rgba_to_png(raw.getvalue(), width, height, dpi, compress_level=compress_level)


def rgba_to_png(rgba, width: int, height: int, dpi: int, *, compress_level: int = 6) -> bytes:
    """An RGB PNG of a buffer of RGBA pixels (the alpha dropped), each row unfiltered.

    Written here rather than by Pillow: Pillow tries every PNG row filter, which on a chart (flat
    colours, thin lines) makes the file no smaller and took half the time of drawing a chart over
    a cached frame. Unfiltered rows are also what a PDF can carry without decoding them.
    """
    pixels = np.frombuffer(rgba, dtype=np.uint8).reshape(height, width, 4)
    rows = np.zeros((height, 1 + 3 * width), dtype=np.uint8)  # a leading 0 per row: filter "none"
    rows[:, 1:].reshape(height, width, 3)[:] = pixels[:, :, :3]
    per_metre = round(dpi / 0.0254)
    return b"".join((
        _PNG_SIGNATURE,
        _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)),
        _png_chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
        _png_chunk(b"IDAT", zlib.compress(rows.tobytes(), compress_level)),
        _png_chunk(b"IEND", b""),
    ))


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _pixel_size(fig: Figure, dpi: int, length: int) -> tuple[int, int]:
    """The size of the raw buffer matplotlib wrote (it truncates; allow for rounding)."""
    width_inches, height_inches = fig.get_size_inches()
    for width in (int(width_inches * dpi), round(width_inches * dpi)):
        for height in (int(height_inches * dpi), round(height_inches * dpi)):
            if width * height * 4 == length:
                return width, height
    raise ValueError("unexpected size of the rendered chart")


def figure_to_svg(fig: Figure) -> bytes:
    """SVG bytes of ``fig`` with text drawn as paths, so it shows the same without the font."""
    buffer = io.BytesIO()
    with chart_style():
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def save_figure(fig: Figure, path: str | Path, dpi: int = DEFAULT_DPI) -> Path:
    """Write ``fig`` to ``path``; the format follows the suffix (.png or .svg)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".png":
        data = figure_to_png(fig, dpi)
    elif suffix == ".svg":
        data = figure_to_svg(fig)
    else:
        raise ValueError(f"charts are written as .png or .svg, not {suffix or 'no suffix'}")
    path.write_bytes(data)
    return path


class FigureCache:
    """One figure per chart kind, cleared and reused for the next chart of that kind.

    Creating a Figure and its canvas again for each of a thousand charts is measurable; a chart
    function given ``fig=cache.get(kind)`` draws into the old one instead.
    """

    def __init__(self) -> None:
        self._figures: dict[str, Figure] = {}

    def get(self, kind: str) -> Figure:
        figure = self._figures.get(kind)
        if figure is None:
            figure = self._figures[kind] = Figure()
        return figure

    def clear(self) -> None:
        self._figures.clear()
