"""Byte layout of the GENESIS demo tables: the layout of a table as its portal writes it, number formats, footers.

Each writer module declares its tables' layouts (:class:`TableLayout`: first line, title lines, column-header rows,
encoding, footer style) next to the code that fills them, copied from a real download of the table where one was
available (tests/test_demo_real_layouts.py compares them with the real files); only the numbers, the periods and the
demo marker differ. Data rows are ';' separated with a decimal comma; LF line ends; the footer is '__________', a
quoted note block that starts with DEMO_MARKER (after the portal's heading line such as 'zu "gesamte Tabelle":'),
a copyright line with DEMO_MARKER and 'Stand: dd.mm.yyyy / hh:mm:ss'.

Footer styles:

* ``ldb`` (Landesdatenbank NRW): one unquoted copyright line.
* ``rdb`` (Regionaldatenbank Deutschland): the copyright as a quoted block of three lines.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path

from pipelines.demo.generator import DEMO_MARKER, fmt_int, round_to_5, seeded_rng

__all__ = ["TableLayout", "fmt_count", "fmt_tenths", "stand_line", "tenths", "write_table"]


@dataclass(frozen=True)
class TableLayout:
    """What a GENESIS table CSV looks like apart from its data rows."""

    first_line: str  # 'GENESIS-Tabelle: 12411-01-01-4' (Regionaldatenbank until 2024) or 'Tabelle: 12411-15i'
    title_lines: tuple[str, ...]  # without the ';' padding (added to the table's width)
    header_rows: tuple[str, ...]  # complete lines; '{period}' where the portal writes the time into a header row
    encoding: str  # 'cp1252' or 'utf-8' (some Regionaldatenbank exports are UTF-8 without BOM)
    footer: str  # 'ldb' or 'rdb'
    note_heading: str | None = None  # first line of the note block, e.g. 'zu "gesamte Tabelle":'

    @property
    def width(self) -> int:
        return self.header_rows[-1].count(";") + 1

    @property
    def value_start(self) -> int:
        """Number of row-dimension columns (the leading empty cells of the header rows)."""
        return min(len(row) - len(row.lstrip(";")) for row in self.header_rows)


def write_table(path: Path, layout: TableLayout, data_rows: list[str], notes: list[str], stand_year: int,
                stand: str, *, period: str = "") -> Path:
    """Write the table: first line, title, header rows (with period where they hold one), data rows, footer."""
    lines = [layout.first_line]
    lines += [title + ";" * (layout.width - 1) for title in layout.title_lines]
    lines += [row.format(period=period) for row in layout.header_rows]
    lines += data_rows
    lines.append("__________")
    heading = [layout.note_heading] if layout.note_heading else []
    lines.append(_quoted("\n".join([*heading, *_demo_note(notes)])))
    if layout.footer == "ldb":
        lines.append(f"© {DEMO_MARKER}, Integrationsmonitor NRW, {stand_year}. Keine amtlichen Zahlen.")
    elif layout.footer == "rdb":
        lines.append(_quoted(f"© {DEMO_MARKER}, Integrationsmonitor NRW, {stand_year}.\n"
                             "Keine amtlichen Zahlen: erfundene Werte zu Vorführ-\nund Testzwecken."))
    else:
        raise ValueError(f"unknown footer style {layout.footer!r}")
    lines.append(stand)
    path.write_bytes(("\n".join(lines) + "\n").encode(layout.encoding))
    return path


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _demo_note(notes: list[str]) -> list[str]:
    return [
        f"{DEMO_MARKER}: Diese Datei wurde vom Integrationsmonitor NRW",
        "zu Vorführ- und Testzwecken erzeugt. Alle Werte sind erfunden",
        "und keine amtlichen Ergebnisse; sie dürfen nicht als",
        "Statistik zitiert werden. Aufbau und Zeichen entsprechen der",
        "amtlichen Tabelle.",
        "",
        *notes,
    ]


def fmt_count(value: int, *, rounded: bool = False) -> str:
    """A count as published: '-' for zero, rounded to a multiple of 5 when the publisher rounds."""
    return fmt_int(round_to_5(value) if rounded else value)


def tenths(numerator: int, denominator: int) -> int:
    """numerator / denominator x 100 in tenths of a percent, rounded half up (integer arithmetic)."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    return (numerator * 2000 + denominator) // (2 * denominator)


def fmt_tenths(value: int) -> str:
    """Tenths as a German decimal with one place: 123 -> '12,3'."""
    return f"{value // 10},{value % 10}"


def stand_line(seed: int, table: str, year: int, stand_year: int, first: tuple[int, int], last: tuple[int, int]) -> str:
    """'Stand: dd.mm.yyyy / hh:mm:ss' at a seeded moment between first and last (month, day) of stand_year."""
    r = seeded_rng(seed, "stand", table, year)
    d0 = _dt.date(stand_year, *first)
    d1 = _dt.date(stand_year, *last)
    d = d0 + _dt.timedelta(days=r.randint(0, (d1 - d0).days))
    return f"Stand: {d:%d.%m.%Y} / {r.randint(7, 18):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}"
