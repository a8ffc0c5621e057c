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


# Decimals shown per unit: shares with one decimal, per-1,000 and per-100 rates with one, ratios with two.
_DECIMALS = {"%": 1, "Prozentpunkte": 1, "je 1.000": 1, "je 100": 1, "Verhältnis": 2}


def format_value(value: float | None, unit: str, decimals: int | None = None) -> str:
    """A value with its unit as a reader expects it: '12,5 %', '3,2 Prozentpunkte', '4,1 je 1.000', '0,85'."""
    if value is None or value != value:
        return "–"
    decimals = _DECIMALS.get(unit, 1) if decimals is None else decimals
    number = format_number(value, decimals)
    if unit == "%":
        return f"{number}\u202f%"
    if unit == "Verhältnis":
        return number
    return f"{number}\u202f{unit}"


def format_change(change: float | None, unit: str) -> str:
    """A change with its sign: '+1,2 Prozentpunkte', '−0,4 je 1.000' (a real minus sign)."""
    if change is None or change != change:
        return "–"
    sign = "+" if change > 0 else "\u2212" if change < 0 else "±"
    return sign + format_value(abs(change), unit)
