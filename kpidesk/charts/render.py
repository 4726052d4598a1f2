"""Figures to PNG/SVG bytes, and a cache that reuses figures when many charts are drawn in a row."""

from __future__ import annotations

import io
from pathlib import Path

from matplotlib.figure import Figure
from PIL import Image

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
    image = Image.frombuffer("RGBA", (width, height), raw.getvalue(), "raw", "RGBA", 0, 1).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=compress_level, dpi=(dpi, dpi))
    return buffer.getvalue()


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
