"""How numbers look on paper: scores with two decimals, weights as percentages, signed points."""

from __future__ import annotations

DASH = "—"


def score_text(value: float | None) -> str:
    return DASH if value is None else f"{value:.2f}"


def weight_text(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}%" if float(value).is_integer() else f"{value:.1f}%"


def points_text(value: float | None) -> str:
    """Adjustment points always with their sign, so a bonus and a penalty are told apart."""
    if value is None:
        return DASH
    return f"{value:+.2f}".replace("-", "−")


def share_text(value: float) -> str:
    return f"{value:.0%}"
