"""Byte-layout helpers shared by the GENESIS demo tables (number formats, footers, writing).

All demo GENESIS files: Windows-1252, ';' separated, LF line ends, decimal comma, a footer of '__________', a quoted
note block that starts with DEMO_MARKER, a copyright line '© Demodaten (synthetisch), Integrationsmonitor NRW,
<year>. Keine amtlichen Zahlen.' and 'Stand: dd.mm.yyyy / hh:mm:ss'.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from pipelines.demo.generator import DEMO_MARKER, _demo_note, _fmt_int, _quoted, _rng, _round5, _write

__all__ = ["fmt_count", "fmt_tenths", "ldb_footer", "pad", "rdb_footer", "stand_line", "tenths", "write_lines"]


def fmt_count(value: int, *, rounded: bool = False) -> str:
    """A count as published: '-' for zero, rounded to a multiple of 5 when the publisher rounds."""
    return _fmt_int(_round5(value) if rounded else value)


def tenths(numerator: int, denominator: int) -> int:
    """numerator / denominator x 100 in tenths of a percent, rounded half up (integer arithmetic)."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    return (numerator * 2000 + denominator) // (2 * denominator)


def fmt_tenths(value: int) -> str:
    """Tenths as a German decimal with one place: 123 -> '12,3'."""
    return f"{value // 10},{value % 10}"


def pad(text: str, width: int) -> str:
    """A title line padded with ';' to the width of the table, as the portals write it."""
    return text + ";" * (width - 1)


def stand_line(seed: int, table: str, year: int, stand_year: int, first: tuple[int, int], last: tuple[int, int]) -> str:
    """'Stand: dd.mm.yyyy / hh:mm:ss' at a seeded moment between first and last (month, day) of stand_year."""
    r = _rng(seed, "stand", table, year)
    d0 = _dt.date(stand_year, *first)
    d1 = _dt.date(stand_year, *last)
    d = d0 + _dt.timedelta(days=r.randint(0, (d1 - d0).days))
    return f"Stand: {d:%d.%m.%Y} / {r.randint(7, 18):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}"


def ldb_footer(notes: list[str], stand_year: int, stand: str) -> list[str]:
    """Landesdatenbank NRW footer: note block, one-line copyright, Stand."""
    return [
        "__________",
        _quoted("\n".join(_demo_note(notes))),
        f"© {DEMO_MARKER}, Integrationsmonitor NRW, {stand_year}. Keine amtlichen Zahlen.",
        stand,
    ]


def rdb_footer(notes: list[str], stand_year: int, stand: str) -> list[str]:
    """Regionaldatenbank footer: 'zu "gesamter Tabelle":' note block, quoted two-line copyright, Stand."""
    return [
        "__________",
        _quoted("\n".join(['zu  "gesamter Tabelle":', *_demo_note(notes)])),
        _quoted(f"© {DEMO_MARKER}, Integrationsmonitor NRW, {stand_year}.\nKeine amtlichen Zahlen."),
        stand,
    ]


def write_lines(path: Path, lines: list[str]) -> Path:
    """Windows-1252, LF, a final line break."""
    return _write(path, lines)
