"""German number and date formats for everything the dashboard shows (12,5 %; 1.915; 31.12.2024)."""

from __future__ import annotations

from datetime import date, datetime

from pipelines.formatting_de import format_number

__all__ = ["format_change", "format_date", "format_number", "format_percent", "format_stand", "format_value"]


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


# Short unit suffixes for tables and hovers; the catalogue's units are '%', 'Prozentpunkte', 'je 100', 'je 1.000'
# and 'Verhältnis' (a ratio such as 1,25 without a unit).
_UNIT_SUFFIX = {"%": "\u202f%", "Prozentpunkte": "\u202f%-Pkt.", "Verhältnis": ""}
_UNIT_DECIMALS = {"Verhältnis": 2}


def format_value(value: float | None, unit: str, decimals: int | None = None) -> str:
    """An indicator value with its unit: 12,5 %; 3,4 %-Pkt.; 12,5 je 100; 1,25 (ratio). None -> '–'."""
    if value is None or value != value:
        return "–"
    suffix = _UNIT_SUFFIX.get(unit, f"\u202f{unit}" if unit else "")
    return f"{format_number(value, _UNIT_DECIMALS.get(unit, 1) if decimals is None else decimals)}{suffix}"


def format_change(change: float | None, unit: str) -> str:
    """A change between two values, signed; shares and rates change in percentage points: +1,2 %-Pkt."""
    if change is None or change != change:
        return "–"
    decimals = _UNIT_DECIMALS.get(unit, 1)
    text = format_number(abs(change), decimals)
    sign = "±" if text == format_number(0, decimals) else ("+" if change > 0 else "−")
    suffix = _UNIT_SUFFIX["Prozentpunkte"] if unit in ("%", "Prozentpunkte") else _UNIT_SUFFIX.get(unit, f" {unit}")
    return f"{sign}{text}{suffix}"
