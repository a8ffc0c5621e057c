"""German number and date formats for everything the dashboard shows (12,5 %; 1.915; 31.12.2024)."""

from __future__ import annotations

from datetime import date, datetime


def format_number(value: float | int | None, decimals: int = 0) -> str:
    """1915 -> '1.915'; 12.345 with 1 decimal -> '12,3'; None -> '–'."""
    if value is None or value != value:  # NaN is not equal to itself
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")


def format_percent(value: float | None, decimals: int = 1) -> str:
    """12.5 -> '12,5 %' (with a narrow no-break space, as German typesetting has it)."""
    if value is None or value != value:
        return "–"
    return f"{format_number(value, decimals)}\u202f%"


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return "–"
    return value.strftime("%d.%m.%Y")


def format_stand(value: datetime | None) -> str:
    """The data version as GENESIS prints it: 'Stand: 19.01.2026 13:58'."""
    if value is None:
        return "Stand unbekannt"
    return f"Stand: {value:%d.%m.%Y %H:%M}"
