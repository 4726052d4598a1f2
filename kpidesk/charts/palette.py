"""The colours shared by the charts, the printed sheets and the GUI, without importing matplotlib."""

from __future__ import annotations

#: One colour per grade, used by every chart, the GUI and the printed sheets.
GRADE_COLOURS: dict[str, str] = {
    "excellent": "#2e7d32",
    "good": "#1f6fb2",
    "fair": "#e0a100",
    "poor": "#c62828",
}

#: Colours for offices whose grade keys are not the four above, best grade first.
FALLBACK_GRADE_COLOURS = ("#2e7d32", "#1f6fb2", "#e0a100", "#ef6c00", "#c62828", "#6d4c41")

#: Colours of the raters on a qualitative form.
RATER_COLOURS: dict[str, str] = {
    "self": "#ef6c00",
    "manager": "#1f6fb2",
    "peer": "#00897b",
    "hr": "#6d4c41",
}

#: Colours of the balanced-scorecard perspectives (fishbone bones).
PERSPECTIVE_COLOURS: dict[str, str] = {
    "financial": "#6a1b9a",
    "customer": "#1f6fb2",
    "process": "#00897b",
    "growth": "#ef6c00",
}

#: Colours of series that have no colour of their own.
FALLBACK_SERIES = ("#1f6fb2", "#00897b", "#ef6c00", "#6a1b9a", "#c62828", "#6d4c41", "#546e7a")

#: Text, secondary text, grid lines and the accent of single-series charts.
INK = "#263238"
MUTED = "#78909c"
GRID = "#e3e7ea"
ACCENT = "#1f6fb2"


def grade_colour(key: str | None, position: int | None = None) -> str:
    """The colour of grade ``key``; unknown keys take the ``position``-th fallback (best first)."""
    if key and key in GRADE_COLOURS:
        return GRADE_COLOURS[key]
    if position is not None:
        return FALLBACK_GRADE_COLOURS[min(position, len(FALLBACK_GRADE_COLOURS) - 1)]
    return MUTED


def series_colour(key: str, position: int, palette: dict[str, str]) -> str:
    return palette.get(key) or FALLBACK_SERIES[position % len(FALLBACK_SERIES)]
