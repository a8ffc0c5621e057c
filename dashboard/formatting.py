"""German number and date formats for everything the dashboard shows (12,5 %; 1.915; 31.12.2024)."""

from __future__ import annotations

from datetime import date, datetime

from pipelines.formatting_de import format_number

__all__ = ["format_date", "format_number", "format_percent", "format_stand"]


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
