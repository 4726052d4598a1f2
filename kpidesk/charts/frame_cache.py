"""Many charts of one kind, fast: the frame is drawn once, each chart only draws its own data.

In a batch of 500 sheets every history chart has the same axes, bands, ticks and legend (given the
same periods and score range) and every radar the same criteria, grid and legend. Drawing those
parts is most of a chart's cost, so :class:`FrameCache` draws a frame once, keeps its pixels, and for
each chart restores them and draws only the changing artists on top (matplotlib's blitting). The
frames keep every fixed part below every changing one, so the pixels match a chart drawn whole.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from kpidesk.charts import history, radar
from kpidesk.charts.render import rgba_to_png
from kpidesk.charts.style import chart_style
from kpidesk.charts.translate import translator

#: Chart kinds (as :data:`kpidesk.charts.pool.CHART_KINDS` names them) drawn this way.
FAST_KINDS = ("trend", "radar")


@dataclass
class _Drawn:
    canvas: FigureCanvasAgg
    artists: Any
    background: Any


class FrameCache:
    """Frames drawn so far, the most recently used kept (a batch needs only a handful)."""

    def __init__(self, capacity: int = 24):
        self.capacity = capacity
        self._frames: OrderedDict[tuple, _Drawn] = OrderedDict()

    def render_png(self, kind: str, data: Any, size: tuple[float, float], dpi: int, lang: str | None,
                   compress_level: int = 1) -> bytes | None:
        """PNG bytes of chart ``kind``; None when this chart cannot be drawn over a cached frame (an
        empty history, a radar with fewer than three criteria) and must be drawn whole."""
        _ = translator(lang)
        with chart_style():
            if kind == "trend":
                frame = history.history_frame(data, size)
                if frame is None:
                    return None
                drawn = self._frame(("trend", frame, dpi, lang), size, dpi,
                                    lambda fig: history.draw_frame(fig, frame, _, animated=True))
                history.draw_data(drawn.artists, data, frame.bands, history.chart_title(data, _), animated=True)
            elif kind == "radar":
                frame = radar.radar_frame(data, data.title or _("Qualitative assessment"), size)
                if frame is None:
                    return None
                drawn = self._frame(("radar", frame, dpi, lang), size, dpi,
                                    lambda fig: radar.draw_frame(fig, frame, animated=True))
                radar.draw_data(drawn.artists, frame, data)
            else:
                raise ValueError(f"{kind} charts are not drawn over a cached frame")
            canvas = drawn.canvas
            canvas.restore_region(drawn.background)
            for artist in sorted(drawn.artists.dynamic(), key=lambda a: a.get_zorder()):  # as a full draw would
                canvas.figure.draw_artist(artist)
            width, height = canvas.get_width_height()
            return rgba_to_png(canvas.buffer_rgba(), width, height, dpi, compress_level=compress_level)

    def _frame(self, key: tuple, size: tuple[float, float], dpi: int, draw) -> _Drawn:
        drawn = self._frames.get(key)
        if drawn is not None:
            self._frames.move_to_end(key)
            return drawn
        fig = Figure(figsize=size, dpi=dpi)
        canvas = FigureCanvasAgg(fig)
        artists = draw(fig)
        canvas.draw()
        drawn = _Drawn(canvas, artists, canvas.copy_from_bbox(fig.bbox))
        self._frames[key] = drawn
        if len(self._frames) > self.capacity:
            self._frames.popitem(last=False)
        return drawn
