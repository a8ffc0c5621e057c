"""German number format, shared by the dashboard and the pipeline's messages to users (1.915; 12,5)."""

from __future__ import annotations


def format_number(value: float | int | None, decimals: int = 0) -> str:
    """1915 -> '1.915'; 12.345 with 1 decimal -> '12,3'; None -> '–'."""
    if value is None or value != value:  # NaN is not equal to itself
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")
