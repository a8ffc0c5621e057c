"""Recognise the measures (value columns) and row-dimension values of a download by meaning, as the source catalogue
declares them (`measures:` and `dimensions:` in sources.yml; the rules are described in docs/recognition.md).

The portals change labels, encodings and layouts between download generations and years ("Ausländer" /
"ausländisch" / "Ausländer(innen)", "Schüler/-innen" / "Schülerinnen und Schüler an allgemeinbildenden Schulen").
So a column is never found by its position or one exact spelling: each catalogue measure names label tokens that
must (`all`) or must not (`none`) occur anywhere in the column's header levels, and the units it may have. A
`total` measure (e.g. "Schüler/-innen insgesamt") additionally takes only a column whose every header level is
neutral: empty, a total word ("Insgesamt"), a heading shared by every column of the table, the name of a breakdown
("Geschlecht", "Nationalität") or a level that starts with one of the measure's own tokens. So "Arbeitslose" and
"Arbeitslose | Insgesamt" are the total, "Arbeitslose | ausländisch" is not.

Every required measure must match exactly one column, no column may match two measures, and every value of every
row dimension must map onto a catalogue value: otherwise the file is refused with a German report (ReaderError)
naming the header lines, what was expected and what was found. Columns that match no measure stay in the raw table
without a measure id (they are in the file, but no model reads them).

Pure functions; no IO.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from pipelines.readers.errors import ReaderError

__all__ = [
    "Description",
    "DimensionSpec",
    "MeasureSpec",
    "Recognised",
    "ValueRule",
    "age_group_id",
    "normalise_words",
    "recognise",
]

# Words that make a header level or a row label a total.
TOTAL_WORDS = frozenset({"insgesamt", "zusammen", "gesamt", "total", "summe"})
# A header level that only names a breakdown (its values are in the level below) is neutral for a total measure.
BREAKDOWN_NAMES = frozenset({
    "geschlecht", "nationalitaet", "staatsangehoerigkeit", "staatsangehoerigkeiten", "alter", "altersgruppe",
    "altersgruppen", "altersjahre", "klassenstufe", "klassenstufen", "jahrgangsstufe", "schulbesuchsjahr",
    "kontinente", "kontinent", "personengruppe", "personengruppen", "abschlussart", "abschlussarten", "schulart",
    "schularten", "art",
})
# Words that may stand between breakdown names ('Art der Betreuung' has its own name, 'Klassenstufe / Jahrgangsstufe').
_NAME_FILLERS = frozenset({"der", "des", "die", "nach", "und"})

_UNIT_ALIASES = {"%": "prozent", "in %": "prozent", "km2": "qkm", "km²": "qkm"}


# --------------------------------------------------------------------------------------------------------------------
# The catalogue's declarations


@dataclass(frozen=True)
class MeasureSpec:
    """One value column the models read. Tokens are compared after normalise_words(); an `all` entry may list
    alternatives separated by '|' ("ausländ|nichtdeutsch")."""

    id: str
    label_de: str
    all: tuple[str, ...] = ()
    none: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    total: bool = False
    required: bool = True


@dataclass(frozen=True)
class ValueRule:
    """How one value of a row dimension is recognised: tokens like a measure's, or a total."""

    all: tuple[str, ...] = ()
    none: tuple[str, ...] = ()
    total: bool = False


@dataclass(frozen=True)
class DimensionSpec:
    """One row dimension of a table.

    kind 'values': every label maps onto one of `values` (id -> rule); kind 'age': the label is an age range
    ('unter 3 Jahre', '3 bis unter 6 Jahre', '75 Jahre und mehr', '1-Jährige', 'Insgesamt') and its id says the
    bounds ('0-3', '3-6', '75-', 'insgesamt'); kind 'code': the value is a code matching `pattern` (its label
    follows it), an empty code with a total label is 'insgesamt'."""

    id: str
    label_de: str
    kind: str
    values: tuple[tuple[str, ValueRule], ...] = ()
    pattern: str | None = None


# --------------------------------------------------------------------------------------------------------------------
# What the reader gives and what recognition returns


@dataclass(frozen=True)
class Description:
    """One distinct value column of a download: its header levels and unit, and where it is (for the report)."""

    levels: tuple[str, ...]
    unit: str | None
    column: int

    @property
    def label(self) -> str:
        parts: list[str] = []
        for level in self.levels:
            if level and (not parts or parts[-1] != level):
                parts.append(level)
        return " | ".join(parts) or "(ohne Beschriftung)"


@dataclass(frozen=True)
class Recognised:
    measure_ids: dict[tuple[tuple[str, ...], str | None], str]  # (levels, unit) -> measure id
    dimension_ids: dict[tuple[str, ...], tuple[str, ...]]  # published dimension cells -> ids in catalogue order


# --------------------------------------------------------------------------------------------------------------------
# Words


@cache
def normalise_words(text: str) -> tuple[str, ...]:
    """Lower-case words with umlauts spelt out (ä -> ae, ß -> ss), so 'Schüler/-innen', 'SchülerInnen',
    'Schueler' and 'Schülerinnen und Schüler' all contain the word start 'schueler'."""
    folded = text.casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    folded = unicodedata.normalize("NFKD", folded)
    folded = "".join(char for char in folded if not unicodedata.combining(char))
    return tuple(re.findall(r"[a-z0-9]+", folded))


def _token_matches(token: str, words: Sequence[str], *, word_start: bool = False) -> bool:
    """A one-word token occurs inside a word, or across two neighbouring words ('allgemein bildend' matches
    'allgemeinbildend'); with word_start it must begin a word. Several words must follow each other, each a word
    start (numbers exactly: '3' never matches '30')."""
    token_words = normalise_words(token)
    if not token_words:
        return False
    if len(token_words) == 1:
        [wanted] = token_words
        if wanted.isdigit():
            return wanted in words
        if word_start:
            return any(word.startswith(wanted) for word in words)
        pairs = (first + second for first, second in zip(words, words[1:]))
        return any(wanted in word for word in words) or any(wanted in pair for pair in pairs)
    width = len(token_words)
    for start in range(len(words) - width + 1):
        if all(
            words[start + offset] == wanted if wanted.isdigit() else words[start + offset].startswith(wanted)
            for offset, wanted in enumerate(token_words)
        ):
            return True
    return False


def _alternatives_match(entry: str, words: Sequence[str], *, word_start: bool = False) -> bool:
    return any(_token_matches(token, words, word_start=word_start) for token in entry.split("|"))


def _tokens_hold(all_tokens: Iterable[str], none_tokens: Iterable[str], words: Sequence[str]) -> bool:
    return all(_alternatives_match(entry, words) for entry in all_tokens) and not any(
        _alternatives_match(entry, words) for entry in none_tokens
    )


def _is_breakdown_name(words: Sequence[str]) -> bool:
    """'Geschlecht', 'Klassenstufe / Jahrgangsstufe / Schulbesuchsjahr': the level names a breakdown whose values are
    below it. 'Klassenstufe 7' is a value, not a name."""
    return any(word in BREAKDOWN_NAMES for word in words) and all(
        word in BREAKDOWN_NAMES or word in _NAME_FILLERS for word in words
    )


def _is_total(words: Sequence[str]) -> bool:
    return bool(words) and all(word in TOTAL_WORDS for word in words)


def _normalise_unit(unit: str) -> str:
    return _UNIT_ALIASES.get(unit.strip(), " ".join(normalise_words(unit)))


# --------------------------------------------------------------------------------------------------------------------
# Measures


def _table_wide_levels(descriptions: Sequence[Description]) -> set[int]:
    """Depths at which every column of the table carries the same heading (e.g. 'Ausländische Bevölkerung')."""
    depth = max((len(d.levels) for d in descriptions), default=0)
    wide: set[int] = set()
    for index in range(depth):
        texts = {d.levels[index] if index < len(d.levels) else "" for d in descriptions}
        if len(texts) == 1 and texts != {""}:
            wide.add(index)
    return wide


def _measure_matches(spec: MeasureSpec, description: Description, table_wide: set[int]) -> bool:
    words = normalise_words(" ".join(description.levels))
    if not _tokens_hold(spec.all, spec.none, words):
        return False
    if spec.units and description.unit:
        if _normalise_unit(description.unit) not in {_normalise_unit(unit) for unit in spec.units}:
            return False
    if not spec.total:
        return True
    for index, level in enumerate(description.levels):
        level_words = normalise_words(level)
        if (
            not level_words
            or index in table_wide
            or _is_total(level_words)
            or _is_breakdown_name(level_words)
            or any(_alternatives_match(entry, level_words, word_start=True) for entry in spec.all)
        ):
            continue
        return False
    return True


def _expected_de(spec: MeasureSpec) -> str:
    parts = []
    if spec.all:
        parts.append("Beschriftung mit " + " und ".join("»" + entry.replace("|", "« oder »") + "«" for entry in spec.all))
    if spec.none:
        parts.append("ohne " + ", ".join(f"»{entry}«" for entry in spec.none))
    if spec.total:
        parts.append("Gesamtwert (keine Untergruppe)")
    if spec.units:
        parts.append("Einheit " + " oder ".join(spec.units))
    return "; ".join(parts)


def _found_de(descriptions: Sequence[Description], limit: int = 12) -> str:
    shown = [
        f"Spalte {d.column} »{d.label}«" + (f" ({d.unit})" if d.unit else "")
        for d in sorted(descriptions, key=lambda d: d.column)[:limit]
    ]
    more = len(descriptions) - limit
    return "; ".join(shown) + (f"; und {more} weitere" if more > 0 else "")


def _recognise_measures(
    table_id: str, specs: Sequence[MeasureSpec], descriptions: Sequence[Description], header_lines: tuple[int, int]
) -> dict[tuple[tuple[str, ...], str | None], str]:
    where = (
        f"Tabellenkopf (Zeile {header_lines[0]})" if header_lines[0] == header_lines[1]
        else f"Tabellenkopf (Zeilen {header_lines[0]}–{header_lines[1]})"
    )
    table_wide = _table_wide_levels(descriptions)
    matches = {spec.id: [d for d in descriptions if _measure_matches(spec, d, table_wide)] for spec in specs}

    def refuse(message_de: str, detail: str) -> ReaderError:
        return ReaderError(
            f"{where} von »{table_id}«: {message_de} Gefunden: {_found_de(descriptions)}. Vermutlich wurde die "
            "Tabelle mit anderen Merkmalen abgerufen oder ihr Aufbau hat sich geändert; bitte die Tabelle mit allen "
            "Merkmalen erneut herunterladen (sources/README.md nennt, was gebraucht wird).",
            f"{table_id}: {detail}",
            line=header_lines[0],
        )

    missing = [spec for spec in specs if spec.required and not matches[spec.id]]
    if missing:
        raise refuse(
            "Es fehlt " + "; ".join(f"»{spec.label_de}« (erwartet: {_expected_de(spec)})" for spec in missing) + ".",
            f"required measures {[spec.id for spec in missing]} match no column of {[d.label for d in descriptions]}",
        )
    for spec in specs:
        if len(matches[spec.id]) > 1:
            raise refuse(
                f"Mehrere Spalten passen zu »{spec.label_de}«: {_found_de(matches[spec.id])}; es muss genau eine sein.",
                f"measure {spec.id} matches several columns {[d.label for d in matches[spec.id]]}",
            )
    owner: dict[tuple[tuple[str, ...], str | None], str] = {}
    for spec in specs:
        for description in matches[spec.id]:
            key = (description.levels, description.unit)
            if key in owner:
                other = next(s for s in specs if s.id == owner[key])
                raise refuse(
                    f"Die Spalte {description.column} »{description.label}« passt sowohl zu »{other.label_de}« als "
                    f"auch zu »{spec.label_de}«.",
                    f"column {description.label!r} matches measures {owner[key]} and {spec.id}",
                )
            owner[key] = spec.id
    return owner


# --------------------------------------------------------------------------------------------------------------------
# Row dimensions

_AGE_PATTERNS = (
    (re.compile(r"^unter (\d+) jahr(?:e|en)?$"), lambda m: f"0-{m[1]}"),
    (re.compile(r"^(\d+) bis unter (\d+) jahr(?:e|en)?$"), lambda m: f"{m[1]}-{m[2]}"),
    (re.compile(r"^(\d+) bis (\d+) jahr(?:e|en)?$"), lambda m: f"{m[1]}-{int(m[2]) + 1}"),
    (re.compile(r"^(\d+) jahr(?:e|en)? und (?:mehr|aelter|darueber)$"), lambda m: f"{m[1]}-"),
    (re.compile(r"^(\d+) jaehrige$"), lambda m: f"{m[1]}-{int(m[1]) + 1}"),
)


def age_group_id(label: str) -> str | None:
    """'3 bis unter 6 Jahre' -> '3-6', 'unter 3 Jahre' -> '0-3', '90 Jahre und mehr' -> '90-', '1-Jährige' -> '1-2',
    'Insgesamt' -> 'insgesamt'; None for anything else."""
    words = normalise_words(label)
    if _is_total(words):
        return "insgesamt"
    text = " ".join(words)
    for pattern, make in _AGE_PATTERNS:
        match = pattern.match(text)
        if match:
            return make(match)
    return None


def _value_id(spec: DimensionSpec, code: str, label: str) -> list[str]:
    """Every id the cell can stand for (exactly one is a match; none or several is a refusal)."""
    if spec.kind == "age":
        found = age_group_id(label)
        return [found] if found else []
    if spec.kind == "code":
        if not code:
            return ["insgesamt"] if _is_total(normalise_words(label)) else []
        return [code] if re.fullmatch(spec.pattern or r".+", code) else []
    words = normalise_words(label)
    return [
        value_id for value_id, rule in spec.values
        if (rule.total and _is_total(words)) or (rule.all and _tokens_hold(rule.all, rule.none, words))
    ]


def _recognise_dimensions(
    table_id: str,
    specs: Sequence[DimensionSpec],
    rows: dict[tuple[str, ...], int],
    pairs: bool,
) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Assign each declared dimension to the row-dimension position whose values it recognises, then map every
    value. rows: published dimension cells -> first line. pairs: the reader gives (code, label) pairs per dimension
    (flat files); otherwise each position is one column, and a 'code' dimension's label is the column after it."""
    width = max((len(cells) for cells in rows), default=0)
    positions = list(range(0, width, 2)) if pairs else list(range(width))

    def cell(cells: tuple[str, ...], position: int, kind: str) -> tuple[str, str]:
        code = cells[position] if position < len(cells) else ""
        if pairs:
            label = cells[position + 1] if position + 1 < len(cells) else ""
            return code, label
        label = cells[position + 1] if kind == "code" and position + 1 < len(cells) else code
        return (code, label) if kind == "code" else ("", code)

    assigned: dict[str, int] = {}
    used: set[int] = set()
    for spec in specs:
        best, best_share = None, 0.0
        for position in positions:
            if position in used or (spec.kind == "code" and not pairs and position + 1 >= width):
                continue
            distinct = {cell(cells, position, spec.kind) for cells in rows}
            share = sum(1 for code, label in distinct if len(_value_id(spec, code, label)) == 1) / max(len(distinct), 1)
            if share > best_share:
                best, best_share = position, share
        if best is None or best_share < 0.5:
            sample = ", ".join(sorted({f"»{' / '.join(c for c in cells if c)}«" for cells in rows})[:6])
            raise ReaderError(
                f"Die Zeilengliederung »{spec.label_de}« von »{table_id}« wurde nicht gefunden (Zeilen beginnen mit "
                f"{sample or 'keiner weiteren Gliederung'}). Bitte die Tabelle mit dieser Gliederung erneut "
                "herunterladen (sources/README.md).",
                f"{table_id}: no row-dimension position recognises dimension {spec.id} (best share {best_share:.2f})",
            )
        assigned[spec.id] = best
        used.add(best)
        if spec.kind == "code" and not pairs:
            used.add(best + 1)
    extra = [position for position in positions if position not in used]
    if extra:
        position = extra[0]
        values = sorted({cells[position] for cells in rows if position < len(cells) and cells[position]})[:6]
        raise ReaderError(
            f"»{table_id}« hat eine Zeilengliederung mehr als erwartet (Werte wie "
            + ", ".join(f"»{v}«" for v in values)
            + "). Bitte die Tabelle ohne zusätzliche Gliederung herunterladen (sources/README.md).",
            f"{table_id}: row-dimension position {position} is not declared in the catalogue: {values}",
        )

    result: dict[tuple[str, ...], tuple[str, ...]] = {}
    for cells, line in rows.items():
        ids: list[str] = []
        for spec in specs:
            code, label = cell(cells, assigned[spec.id], spec.kind)
            found = _value_id(spec, code, label)
            if len(found) != 1:
                shown = " ".join(part for part in (code, label) if part) or "(leer)"
                known = ", ".join(value_id for value_id, _ in spec.values) if spec.values else (
                    "Altersgruppen wie »unter 3 Jahre«, »3 bis unter 6 Jahre«, »75 Jahre und mehr«"
                    if spec.kind == "age" else f"Schlüssel der Form {spec.pattern}"
                )
                problem = "ist unbekannt" if not found else f"ist nicht eindeutig ({', '.join(found)})"
                raise ReaderError(
                    f"Zeile {line}: Der Wert »{shown}« der Gliederung »{spec.label_de}« {problem}. Bekannt sind: "
                    f"{known}. Bitte den Quellenkatalog (pipelines/catalogue/sources.yml) ergänzen oder die Tabelle "
                    "unverändert herunterladen.",
                    f"{table_id}: line {line}: value {shown!r} of dimension {spec.id} maps to {found}",
                    line=line,
                    value=shown,
                )
            ids.append(found[0])
        result[cells] = tuple(ids)
    return result


# --------------------------------------------------------------------------------------------------------------------
# Public entry point


def recognise(
    table_id: str,
    measures: Sequence[MeasureSpec],
    dimensions: Sequence[DimensionSpec],
    descriptions: Sequence[Description],
    rows: dict[tuple[str, ...], int],
    *,
    header_lines: tuple[int, int] = (1, 1),
    dimension_pairs: bool = False,
) -> Recognised:
    """Map every value column onto a catalogue measure and every row-dimension value onto its id, or refuse the file
    (ReaderError). descriptions: the distinct value columns; rows: the distinct published row-dimension cells with
    the first line they occur in."""
    return Recognised(
        measure_ids=_recognise_measures(table_id, measures, descriptions, header_lines),
        dimension_ids=_recognise_dimensions(table_id, dimensions, rows, dimension_pairs),
    )
