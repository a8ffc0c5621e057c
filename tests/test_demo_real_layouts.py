"""The demo generator writes every GENESIS table that has a real download among the test inputs (REAL_FIXTURES) in that
download's layout: first line, title lines, column-header rows (labels, spanning repeats, units, number of rows),
encoding, line ends, row-dimension values, region rows and labels, the cells a table never fills ('x') and the
footer structure. Only the numbers, the periods and the demo marker may differ.

The expected layout is read from the real file each time (nothing of it is repeated here), and both files are
parsed with the csv module, not with the product's reader, so a reader that forgives a deviation cannot hide it."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache

import pytest

from pipelines.demo.generator import DEMO_MARKER
from tests.conftest import REAL_FIXTURES

# table code -> the real download of it
REAL_DOWNLOADS = {
    "12411-01-01-4": "regionalstatistik_12411-01-01-4_bevoelkerung_kreise_2018.csv",
    "12411-03-03-4": "regionalstatistik_12411-03-03-4_bevoelkerung_nationalitaet_alter_kreise_2015.csv",
    "12411-15i": "ldbnrw_12411-15i_bevoelkerung_flaeche_gemeinden_2024.csv",
    "12521-03i": "ldbnrw_12521-03i_auslaender_staatsangehoerigkeit_kreise_2024.csv",
    "12511-01-01-4": "regionalstatistik_12511-01-01-4_einbuergerungen_kreise_2011-2016.csv",
    "21111-01-03-4": "regionalstatistik_21111-01-03-4_schueler_schularten_kreise_2023.csv",
    "21111-02-06-4": "regionalstatistik_21111-02-06-4_abgaenger_abschluss_kreise_2023.csv",
    "22543-01-02-4": "regionalstatistik_22543-01-02-4_kita_kinder_herkunft_kreise_2011-2016.csv",
    "13211-02-05-4": "regionalstatistik_13211-02-05-4_arbeitslose_quoten_kreise_2025.csv",
    "22811-01i": "ldbnrw_22811-01i_mindestsicherungsquote_gemeinden_2023.csv",
}
TABLES = sorted(REAL_DOWNLOADS)

REGION_CODE = re.compile(r"^(?:DG|\d{2}|\d{3}|\d{5}|\d{8})$")
PERIOD = re.compile(r"^(?:\d{2}\.\d{2}\.)?\d{4}$")
YEAR = re.compile(r"\d{4}$")
STAND = re.compile(r"^Stand: \d{2}\.\d{2}\.\d{4} / \d{2}:\d{2}:\d{2}$")


@dataclass(frozen=True)
class Layout:
    """A GENESIS table CSV taken apart by the rules of the format: first line, title lines (first cell only), column
    header rows (leading empty cells), data rows, footer from the '__________' line on."""

    encoding: str  # 'utf-8' if the bytes decode as UTF-8, else 'cp1252'
    bom: bool
    line_end: str
    first_line: str
    title_lines: list[str]  # raw text lines, with their ';' padding
    header_lines: list[str]  # raw text lines
    data: list[list[str]]  # parsed data rows
    footer: list[list[str]]  # parsed records from the '___' line on
    footer_text: str  # raw text from the '___' line on

    @property
    def width(self) -> int:
        return len(next(csv.reader([self.header_lines[-1]], delimiter=";")))

    @property
    def time_column(self) -> int | None:
        return 0 if PERIOD.match(self.data[0][0]) else None

    @property
    def code_column(self) -> int:
        return 0 if self.time_column is None else 1

    @property
    def value_start(self) -> int:
        """First value column: the number of leading empty cells of the header rows."""
        rows = list(csv.reader(self.header_lines, delimiter=";"))
        return min(next(i for i, cell in enumerate(row) if cell.strip()) for row in rows)

    def dimensions(self, row: list[str]) -> tuple[str, ...]:
        """Row-dimension cells after code and label."""
        return tuple(row[self.code_column + 2:self.value_start])

    def periods(self) -> list[str]:
        if self.time_column is None:
            return []
        return list(dict.fromkeys(row[0] for row in self.data))

    def nrw_rows(self, period: str | None = None) -> list[list[str]]:
        """Data rows of NRW regions (of one period: the first by default)."""
        period = period or (self.periods() or [None])[0]
        return [row for row in self.data if row[self.code_column].startswith("05")
                and (self.time_column is None or row[0] == period)]


def parse_layout(data: bytes) -> Layout:
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = data.decode("cp1252"), "cp1252"
    bom = text.startswith("\ufeff")
    text = text.removeprefix("\ufeff")
    line_end = "\r\n" if "\r\n" in text else "\n"
    footer_at = text.index(f"{line_end}__________{line_end}") + len(line_end)
    head = text[:footer_at].split(line_end)[:-1]
    title_end = next(i for i, line in enumerate(head) if line.startswith(";"))
    header_end = next(i for i in range(title_end, len(head)) if not head[i].startswith(";"))
    data_rows = list(csv.reader(head[header_end:], delimiter=";"))
    footer_text = text[footer_at:]
    return Layout(
        encoding=encoding, bom=bom, line_end=line_end, first_line=head[0], title_lines=head[1:title_end],
        header_lines=head[title_end:header_end], data=data_rows,
        footer=list(csv.reader(io.StringIO(footer_text, newline=""), delimiter=";")), footer_text=footer_text,
    )


def without_periods(line: str) -> list[str]:
    """A header row with its time cells ('31.12.2018', '2023') reduced to their form ('31.12.', '')."""
    return [YEAR.sub("", cell) if PERIOD.match(cell) else cell for cell in next(csv.reader([line], delimiter=";"))]


@lru_cache(maxsize=None)
def real(table: str) -> Layout:
    return parse_layout((REAL_FIXTURES / REAL_DOWNLOADS[table]).read_bytes())


@pytest.fixture(scope="module")
def demo(demo_files):
    """The newest demo file of every table of the default demo (conftest: generated once per session)."""
    by_table = {}
    for table in TABLES:
        paths = sorted(p for p in demo_files if p.name.startswith(f"demo_{table}_"))
        assert paths, f"the demo writes no file of {table}"
        by_table[table] = parse_layout(paths[-1].read_bytes())
    return by_table


@pytest.mark.parametrize("table", TABLES)
def test_encoding_first_line_and_title_lines(demo, table):
    expected, written = real(table), demo[table]
    assert (written.encoding, written.bom, written.line_end) == (expected.encoding, expected.bom, expected.line_end)
    assert written.first_line == expected.first_line
    assert written.title_lines == expected.title_lines


@pytest.mark.parametrize("table", TABLES)
def test_column_header_rows_and_units(demo, table):
    expected, written = real(table), demo[table]
    assert len(written.header_lines) == len(expected.header_lines)
    assert [without_periods(line) for line in written.header_lines] == \
        [without_periods(line) for line in expected.header_lines]
    assert written.value_start == expected.value_start and written.width == expected.width
    assert all(len(row) == expected.width for row in written.data)


@pytest.mark.parametrize("table", TABLES)
def test_time_column_and_order_of_stacked_periods(demo, table):
    expected, written = real(table), demo[table]
    assert (written.time_column, written.code_column) == (expected.time_column, expected.code_column)
    if expected.time_column is None:
        return
    forms = {YEAR.sub("", period) for period in expected.periods()}
    assert {YEAR.sub("", period) for period in written.periods()} == forms
    years = [int(period[-4:]) for period in written.periods()]
    if len(expected.periods()) > 1 and len(years) > 1:  # stacked: newest period first, as the portal does
        assert years == sorted(years, reverse=expected.periods()[0] > expected.periods()[-1])


@pytest.mark.parametrize("table", TABLES)
def test_row_dimension_values(demo, table):
    """The same dimension values, in the same order within a region (NRW's first period), and every region of the
    demo has them all."""
    expected, written = real(table), demo[table]

    def sequence(layout: Layout) -> list[tuple[str, ...]]:
        code = layout.code_column
        return [layout.dimensions(row) for row in layout.nrw_rows() if row[code] == "05"]

    assert sequence(written) == sequence(expected)
    per_region: dict[str, list[tuple[str, ...]]] = {}
    for row in written.nrw_rows():
        per_region.setdefault(row[written.code_column], []).append(written.dimensions(row))
    assert all(values == sequence(expected) for values in per_region.values())
    every_period = {written.dimensions(row) for row in written.data}
    assert every_period == set(sequence(expected))


@pytest.mark.parametrize("table", TABLES)
def test_region_rows_and_labels(demo, table):
    """NRW's regions in the real file's order with its label style (indentation, 'Olpe, Kreis', 'krfr. Stadt' or
    'kreisfreie Stadt'); a Germany row where the real file has one. Other Länder are left out on purpose."""
    expected, written = real(table), demo[table]

    def regions(layout: Layout) -> list[tuple[str, str]]:
        code = layout.code_column
        return list(dict.fromkeys((row[code], row[code + 1]) for row in layout.nrw_rows()))

    assert regions(written) == regions(expected)
    real_dg = {row[expected.code_column + 1] for row in expected.data if row[expected.code_column] == "DG"}
    demo_dg = {row[written.code_column + 1] for row in written.data if row[written.code_column] == "DG"}
    assert demo_dg == real_dg
    foreign = {row[written.code_column] for row in written.data} - {"DG"}
    assert all(code.startswith("05") for code in foreign)


@pytest.mark.parametrize("table", TABLES)
def test_cells_the_table_never_fills(demo, table):
    """A value column that is 'x' (Tabellenfach gesperrt) in every NRW row of a dimension value in the real file is
    'x' in the demo too, and the demo writes 'x' nowhere else in such a column (e.g. no Klassenstufe 7 at
    Grundschulen, no Orientierungsstufe in NRW, no number of schools in the Insgesamt row)."""
    expected, written = real(table), demo[table]

    def locked(layout: Layout) -> set[tuple[tuple[str, ...], int]]:
        by_cell: dict[tuple[tuple[str, ...], int], set[str]] = {}
        for row in layout.nrw_rows():
            if row[layout.code_column] in ("05313", "05354") or all(c == "-" for c in row[layout.value_start:]):
                continue  # dissolved units: all cells '-'
            for col in range(layout.value_start, layout.width):
                by_cell.setdefault((layout.dimensions(row), col), set()).add(row[col])
        return {key for key, cells in by_cell.items() if cells == {"x"}}

    assert locked(written) == locked(expected)


@pytest.mark.parametrize("table", TABLES)
def test_footer_structure_and_demo_marker(demo, table):
    """'__________', the quoted note block (with the same heading line where the real one has one), the copyright
    (one line or a quoted block of as many lines), 'Stand: dd.mm.yyyy / hh:mm:ss'; the marker in note and copyright."""
    expected, written = real(table), demo[table]
    assert len(written.footer) == len(expected.footer) == 4
    assert written.footer[0] == expected.footer[0] == ["__________"]
    (real_note,), (note,) = expected.footer[1], written.footer[1]
    if real_note.startswith("zu "):
        assert note.split("\n", 1)[0] == real_note.split("\n", 1)[0]
    assert DEMO_MARKER in note and DEMO_MARKER not in real_note
    (real_copyright,), (copyright_,) = expected.footer[2], written.footer[2]
    assert copyright_.startswith(f"© {DEMO_MARKER}") and real_copyright.startswith("©")
    assert copyright_.count("\n") == real_copyright.count("\n")
    quoted = [text.split("__________", 1)[1].count('\n"©') for text in (expected.footer_text, written.footer_text)]
    assert quoted[0] == quoted[1]  # quoted in the one, unquoted in the other would be another layout
    assert STAND.match(written.footer[3][0]) and STAND.match(expected.footer[3][0])
    assert written.footer_text.endswith(written.footer[3][0] + written.line_end)


def test_every_real_genesis_download_with_a_demo_table_is_compared(demo_files):
    """A demo table that gets a real download must be added above (the comparison cannot silently miss it)."""
    written = {p.name.split("_")[1] for p in demo_files if p.suffix == ".csv" and p.name.count("_") == 2}
    downloaded = {path.name.split("_")[1] for path in REAL_FIXTURES.glob("*.csv")}
    assert written & downloaded == set(REAL_DOWNLOADS)
    assert all((REAL_FIXTURES / name).is_file() for name in REAL_DOWNLOADS.values())
