"""Steckbriefe: every indicator of the catalogue in words, with the source tables and the data versions (Stand)
loaded for them; plain functions on the served catalogue and indicator_source_versions()."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from dashboard.common import GROUP_NAMES, table_label, stage_rank, stage_section
from dashboard.formatting import format_number
from dashboard.series_breaks import SeriesBreak, of_indicator, text_with_source

ALL_STAGES = "alle"

DIRECTION_TEXT = {
    "higher_is_better": "Höher ist besser",
    "lower_is_better": "Niedriger ist besser",
    "neutral": "Ohne Wertung: beschreibt die Lage, weder höher noch niedriger ist besser",
}
LEVEL_TEXT = {
    "Land": "Land NRW",
    "Regierungsbezirk": "Regierungsbezirke",
    "Kreis": "Kreise und kreisfreie Städte",
    "Gemeinde": "Gemeinden",
    "KI": "Kommunale Integrationszentren",
}
ROLE_TEXT = {"numerator": "Zähler", "denominator": "Nenner"}


def year_ranges(years: Iterable[int]) -> str:
    """[2012, 2013, 2014, 2016] -> '2012–2014, 2016'."""
    years = sorted({int(y) for y in years})
    if not years:
        return "–"
    ranges, start, previous = [], years[0], years[0]
    for year in years[1:] + [None]:
        if year is not None and year == previous + 1:
            previous = year
            continue
        ranges.append(str(start) if start == previous else f"{start}–{previous}")
        if year is not None:
            start = previous = year
    return ", ".join(ranges)


def catalogue_tables(indicator: pd.Series | dict, role: str) -> list[str]:
    return [t.strip() for t in str(indicator[f"{role}_tables"] or "").split("|") if t.strip()]


def _stand(value) -> str:
    return f"{pd.Timestamp(value):%d.%m.%Y}"


def version_text(version: pd.Series | None) -> str:
    """What is loaded of one table for one role: 'Stand 02.05.2013 bis 25.06.2025 (13 Fassungen, Berichtsjahre
    2012–2024)', or that nothing is loaded."""
    if version is None:
        return "noch nicht geladen"
    if version["first_stand"] == version["last_stand"]:
        stand = f"Stand {_stand(version['first_stand'])}"
    else:
        stand = f"Stand {_stand(version['first_stand'])} bis {_stand(version['last_stand'])}"
    count = int(version["stand_count"])
    files = int(version["file_count"])
    details = [f"{format_number(count)} {'Fassung' if count == 1 else 'Fassungen'}",
               f"{format_number(files)} {'Datei' if files == 1 else 'Dateien'}",
               f"Berichtsjahre {year_ranges(version['years'])}"]
    return f"{stand} ({', '.join(details)})"


def source_lines(indicator: pd.Series | dict, versions: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(role, table label, what is loaded) for the catalogue's tables of an indicator and any further table the
    loaded data name."""
    own = versions[versions["indicator_id"] == indicator["indicator_id"]]
    lines = []
    for role in ("numerator", "denominator"):
        loaded = own[own["role"] == role].set_index("source_table")
        for table in dict.fromkeys(catalogue_tables(indicator, role) + loaded.index.tolist()):
            version = loaded.loc[table] if table in loaded.index else None
            lines.append((ROLE_TEXT[role], table_label(table), version_text(version)))
    return lines


def series_breaks(indicator: pd.Series | dict, breaks: list[SeriesBreak]) -> list[str]:
    """The known breaks (served table series_breaks) in any of the indicator's series, for the groups it has, each
    with its source."""
    groups = {g.strip() for g in str(indicator["groups"]).split("|")}
    return [text_with_source(item) for item in of_indicator(breaks, indicator["indicator_id"], groups)]


UNVERIFIED_TEXT = "Format nicht an einem echten Download geprüft"
VERIFIED_TEXT = "an echten Downloads geprüft"


def _source_id(table: str) -> str:
    """The catalogue id of a table named in the indicator catalogue: a Kreis template's raw table
    'tpl_<template>__<sheet>' belongs to the template '<template>'."""
    if table.startswith("tpl_") and "__" in table:
        return table[len("tpl_"):].split("__", 1)[0]
    return table


def unverified_tables(indicator: pd.Series | dict, sources: pd.DataFrame) -> list[str]:
    """The indicator's source tables whose format was not checked against a real download (source_tables.verified
    false, or a table the source catalogue does not list)."""
    verified = dict(zip(sources["source_id"], sources["verified"])) if not sources.empty else {}
    tables = catalogue_tables(indicator, "numerator") + catalogue_tables(indicator, "denominator")
    return [table for table in dict.fromkeys(tables) if not verified.get(_source_id(table), False)]


def format_check_text(indicator: pd.Series | dict, sources: pd.DataFrame) -> str:
    if sources.empty:  # a snapshot published before the source catalogue was served
        return ""
    unverified = unverified_tables(indicator, sources)
    if not unverified:
        return VERIFIED_TEXT
    return f"{UNVERIFIED_TEXT} ({', '.join(unverified)}): Aufbau nach den Konventionen des Portals, bitte mit dem " \
        "eigenen Download abgleichen."


def factsheet_table(catalogue: pd.DataFrame, versions: pd.DataFrame, sources: pd.DataFrame,
                    breaks: list[SeriesBreak]) -> pd.DataFrame:
    """One row per indicator in the order of the Bildungskette, every field in German, as shown and downloaded."""
    rows = []
    ordered = catalogue.assign(_order=catalogue["stage"].map(stage_rank)).sort_values(["_order", "name_de"])
    for indicator in ordered.to_dict("records"):
        own = versions[versions["indicator_id"] == indicator["indicator_id"]]
        years = sorted({int(y) for years in own["years"] for y in years})
        lines = source_lines(indicator, versions)
        rows.append({
            "Abschnitt": stage_section(indicator["stage"]),
            "Stufe": indicator["stage"],
            "Indikator": indicator["name_de"],
            "Erklärung": indicator["explanation_de"],
            "Definition": indicator["definition_de"],
            "Zähler": indicator["numerator_de"],
            "Nenner": indicator["denominator_de"],
            "Einheit": indicator["unit"],
            "Richtung": DIRECTION_TEXT.get(indicator["direction"], indicator["direction"]),
            "Gruppen": ", ".join(GROUP_NAMES.get(g.strip(), g.strip()) for g in indicator["groups"].split("|")),
            "Unterste Ebene": LEVEL_TEXT.get(indicator["lowest_level"], indicator["lowest_level"]),
            "Zeitraum": indicator["period_kind_de"],
            "Herkunft": "Eigene Daten des Kreises (Vorlage)" if indicator["is_kreis_extract"] else "Amtliche Statistik",
            "Quellen Zähler": ", ".join(catalogue_tables(indicator, "numerator")),
            "Quellen Nenner": ", ".join(catalogue_tables(indicator, "denominator")),
            "Geladene Datenstände": "; ".join(f"{role} {table}: {text}" for role, table, text in lines),
            "Berichtsjahre mit Daten": year_ranges(years),
            "Brüche in der Reihe": " ".join(series_breaks(indicator, breaks)) or "keine bekannten",
            "Formatprüfung": format_check_text(indicator, sources),
            "Hinweise": indicator["caveats_de"],
            "Lizenz": indicator["licence_de"],
            "Kennung": indicator["indicator_id"],
        })
    return pd.DataFrame(rows)


def stage_options(catalogue: pd.DataFrame) -> list[str]:
    """'alle' and the catalogue's stages in the order of the Bildungskette."""
    stages = sorted(catalogue["stage"].unique(), key=stage_rank)
    return [ALL_STAGES] + stages


SEARCHED_COLUMNS = ("Indikator", "Erklärung", "Definition", "Zähler", "Nenner", "Quellen Zähler", "Quellen Nenner",
                    "Brüche in der Reihe", "Hinweise", "Kennung", "Stufe", "Abschnitt")


def filter_factsheets(table: pd.DataFrame, stage: str, search: str) -> pd.DataFrame:
    """The indicators of one stage (or all) whose texts contain every word of the search (any case)."""
    shown = table if stage == ALL_STAGES else table[table["Stufe"] == stage]
    text = shown[list(SEARCHED_COLUMNS)].astype(str).agg(" ".join, axis=1).str.casefold()
    for word in search.casefold().split():
        shown, text = shown[text.str.contains(word, regex=False)], text[text.str.contains(word, regex=False)]
    return shown.reset_index(drop=True)
