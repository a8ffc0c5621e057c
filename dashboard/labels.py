"""German labels the maps and the Kreisprofil share: stages of the Bildungskette in order, groups, and what to say
when a unit has no value."""

from __future__ import annotations

# The Bildungskette as pages and the PDF show it: section title -> the catalogue's stages (column `stage`), in
# reading order from the population to the labour market.
BILDUNGSKETTE: dict[str, tuple[str, ...]] = {
    "Ausgangslage": ("Demografie",),
    "Familie und KiTa": ("Familie/KiTa", "KiTa"),
    "Schule": ("Primarstufe", "Schule", "Übergang", "Sekundarstufe I", "Sekundarstufe II"),
    "Ausbildung und Beruf": ("Ausbildung", "Beruf"),
    "Lebensunterhalt": ("Lebensunterhalt",),
}
STAGE_ORDER = [stage for stages in BILDUNGSKETTE.values() for stage in stages]

GROUP_LABELS_DE = {
    "insgesamt": "insgesamt",
    "deutsch": "deutsch",
    "auslaendisch": "ausländisch",
    "luecke_auslaendisch_insgesamt": "Abstand ausländisch zu insgesamt",
    "luecke_auslaendisch_deutsch": "Abstand ausländisch zu deutsch",
    "u3": "unter 3 Jahren",
    "3_bis_schuleintritt": "3 Jahre bis Schuleintritt",
    "grundschulen": "Grundschulen",
    "hauptschulen": "Hauptschulen",
    "realschulen": "Realschulen",
    "mehrere_bildungsgaenge": "Schularten mit mehreren Bildungsgängen",  # Sekundar-, Gemeinschafts-, PRIMUS-Schulen
    "gesamtschulen": "Gesamtschulen",
    "gymnasien": "Gymnasien",
    "foerderschulen": "Förderschulen",
}

STATUS_SUPPRESSED = "gesperrt"
STATUS_NO_DATA = "keine Daten"
STATUS_NOTHING = "nichts vorhanden"
STATUS_LATER = "fällt später an"

# Symbols of the official statistics (docs/sources.md, Symbols) on a row without a value.
_STATUS_BY_FLAG = {"-": STATUS_NOTHING, "...": STATUS_LATER}


def stage_rank(stage: str) -> int:
    """Position along the Bildungskette; stages the list does not know yet come last."""
    return STAGE_ORDER.index(stage) if stage in STAGE_ORDER else len(STAGE_ORDER)


def stage_section(stage: str) -> str:
    """The section of the Bildungskette a catalogue stage belongs to."""
    return next((section for section, stages in BILDUNGSKETTE.items() if stage in stages), "Weitere")


def group_label(group_id: str) -> str:
    return GROUP_LABELS_DE.get(group_id, group_id.replace("_", " "))


def value_status(has_row: bool, value: float | None, flag: str | None) -> str | None:
    """None when there is a value; otherwise what to show instead: a row without a value is 'gesperrt' (secret,
    locked or not published: '.', 'x', '/', '*', or suppressed by us), unless its symbol says 'nothing there' or
    'comes later'; no row at all is 'keine Daten'."""
    if not has_row:
        return STATUS_NO_DATA
    if value is not None and value == value:
        return None
    return _STATUS_BY_FLAG.get(flag or "", STATUS_SUPPRESSED)


def table_label(table: str) -> str:
    """A source table as a reader knows it: the official table code, or who delivered a Kreis-held extract."""
    if table.startswith("tpl_schulamt"):
        return "Schulauszug des Schulamts"
    if table.startswith("tpl_jugendamt"):
        return "KiTa-Auszug des Jugendamts"
    if table.startswith("tpl_ki"):
        return "Jahresbericht des KI"
    if table.startswith("ba_"):
        return "Statistik der Bundesagentur für Arbeit"
    return f"Tabelle {table}"



REPORTING_LABEL = "Schulen mit Angabe (das Feld ist im Schulauszug freiwillig)"


def reporting_text(rows) -> str | None:
    """For indicators on an optional field of the Schulamt extract (indicator_values.reporting_units): how many
    schools of each unit reported it, e.g. 'Kreis Olpe 2024/25: 95 von 98'; None for other indicators. `rows` are
    served indicator rows (one year or several, with a column name or ags); the latest year of each unit is named."""
    if "reporting_units" not in getattr(rows, "columns", ()) or rows["reporting_units"].isna().all():
        return None
    known = rows.dropna(subset=["reporting_units"]).sort_values("year")
    name_column = "name" if "name" in known.columns else "ags"
    parts = []
    for _, unit_rows in known.groupby(name_column, sort=False):
        row = unit_rows.iloc[-1]
        period = row["period_label"] if isinstance(row.get("period_label"), str) else row["year"]
        parts.append(f"{row[name_column]} {period}: {int(row['reporting_units'])} von "
                     f"{int(row['reporting_units_total'])}")
    return "; ".join(parts)
