"""What the pages "Gemeinden" and "Karte" show: plain functions on the serving data (tested without a browser), and
the few Streamlit pieces both pages share (the Kreis picker that keeps the reader's Kreis across pages, the indicator
picker in the order of the Bildungskette, the cached map figure).

Tables come twice from one frame: `*_rows` hold the numbers (the CSV/Excel download, German column names), and
`display_table` turns the same rows and columns into German text for the screen (12,5; 1.915; "gesperrt").
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import map_svg as map_svg_module
from dashboard import maps, serving
from dashboard.boundaries import GEMEINDE, KREIS, BoundaryLoad
from dashboard.common import show_svg, suppressed_reason, url_choice
from dashboard.formatting import format_number, format_stand
from dashboard.labels import (
    STATUS_LATER, STATUS_NO_DATA, STATUS_NOTHING, STATUS_SUPPRESSED, table_label, value_status,
)

# Levels of the map page, as they appear in the URL (?ebene=...).
LEVEL_KREISE = "kreise"
LEVEL_GEMEINDEN = "gemeinden"
LEVEL_LABELS = {LEVEL_KREISE: "Kreise und kreisfreie Städte", LEVEL_GEMEINDEN: "Gemeinden"}
BOUNDARY_LEVEL = {LEVEL_KREISE: KREIS, LEVEL_GEMEINDEN: GEMEINDE}

DEFAULT_KREIS = "05966"  # Kreis Olpe, as on the Kreisprofil
DEFAULT_INDICATOR = "mindestsicherungsquote"  # given for every Gemeinde
BKG_OPEN_DATA_URL = "https://gdz.bkg.bund.de/index.php/default/open-data.html"
BOUNDARIES_HELP = (
    "Gebietsgrenzen gibt es kostenlos beim Bundesamt für Kartographie und Geodäsie (BKG): "
    f"[Open Data, Verwaltungsgebiete]({BKG_OPEN_DATA_URL}) – „VG5000“ (1:5 000 000, genügt für diese "
    "Karten) oder „VG250“, jeweils „Ebenen“, als Shapefile-ZIP oder GeoPackage; die heruntergeladene Datei "
    "unverändert in den Ordner für Gebietsgrenzen legen. Lizenz dl-de/by-2-0, Quellenvermerk "
    "„© GeoBasis-DE / BKG“."
)
TILE_MAP_NOTE = (
    "Schematische Kachelkarte in eigener Anordnung: ein gleich großes Quadrat je Kreis oder kreisfreier Stadt, "
    "grob nach Lage angeordnet (Kürzel: Kfz-Kennzeichen); keine amtlichen Gebietsgrenzen, Flächen nicht "
    "maßstäblich."
)

# What the table says for a unit without a value: our own suppression (is_suppressed) has suppressed_reason(); a
# value the source itself withholds says which symbol it carries (docs/sources.md, Symbols).
STATUS_NOTES = {
    STATUS_NO_DATA: "Keine Daten: Die Quelle enthält für dieses Gebiet und Jahr keinen Wert.",
    STATUS_NOTHING: "Nichts vorhanden (Zeichen „-“ der amtlichen Statistik).",
    STATUS_LATER: "Fällt später an (Zeichen „...“ der amtlichen Statistik).",
}
SOURCE_WITHHELD_NOTES = {
    ".": "Gesperrt durch die Quelle: unbekannt oder geheim zu halten (Zeichen „.“ der amtlichen Statistik).",
    "x": "Gesperrt durch die Quelle: Tabellenfach gesperrt, weil die Aussage nicht sinnvoll ist (Zeichen „x“).",
    "/": "Gesperrt durch die Quelle: Zahlenwert nicht sicher genug (Zeichen „/“).",
    "*": "Gesperrt durch die Quelle: statistische Geheimhaltung der Bundesagentur für Arbeit (Zeichen „*“).",
}
KREISFREIE_STADT_NOTE = (
    "Kreisfreie Stadt: zugleich Gemeinde; Wert der Stadt (Ebene der Kreise), ohne Rang unter den Gemeinden."
)


# ---------------------------------------------------------------------------------------------------------------
# Choices


def kreis_of_unit(code: str | None, districts: pd.DataFrame) -> str | None:
    """The Kreis or kreisfreie Stadt (5-digit AGS) of a unit someone chose elsewhere: a Kreis itself, a Gemeinde's
    or a Kommunales Integrationszentrum's Kreis (KI05334002, the Stadt Aachen's KI, gives the StädteRegion 05334)."""
    if not code:
        return None
    row = districts[districts["ags"] == str(code)]
    if row.empty:
        return None
    kreis = row["kreis_ags"].iloc[0]
    return str(kreis) if isinstance(kreis, str) and kreis else None


def gemeinde_indicators(catalogue: pd.DataFrame) -> pd.DataFrame:
    """The catalogue rows of the indicators the sources give per Gemeinde."""
    return catalogue[catalogue["lowest_level"] == "Gemeinde"]


def years_with_rows(comparisons: pd.DataFrame) -> list[int]:
    """Years in which the level has a row (a value, or a reason why not), newest first."""
    return sorted({int(year) for year in comparisons["year"].dropna()}, reverse=True)


def can_map_gemeinden(indicator: dict, gemeinde_boundaries: BoundaryLoad) -> bool:
    return indicator.get("lowest_level") == "Gemeinde" and gemeinde_boundaries.boundaries is not None


# ---------------------------------------------------------------------------------------------------------------
# Numbers of a table in German


def value_decimals(unit: str) -> int:
    return 2 if unit == "Verhältnis" else 1


def unit_header(unit: str) -> str:
    return {"%": "%", "Prozentpunkte": "%-Pkt."}.get(unit, unit)


def difference_header(unit: str) -> str:
    """Shares and rates differ in percentage points."""
    return "%-Pkt." if unit in ("%", "Prozentpunkte") else unit


def rank_meaning(rows: pd.DataFrame, direction: str) -> str:
    """What rank 1 is, from the snapshot's rank_order (best first in the indicator's direction; neutral: highest)."""
    orders = rows["rank_order"].dropna() if "rank_order" in rows else pd.Series(dtype=str)
    lowest = bool(len(orders)) and orders.iloc[0] == "lowest_first"
    which = "der niedrigste Wert" if lowest else "der höchste Wert"
    return f"Rang 1 ist {which}" + (" (ohne Wertung)." if direction == "neutral" else " (der beste).")


def _optional(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def signed_number(value: float | None, decimals: int) -> str:
    if value is None or pd.isna(value):
        return "–"
    text = format_number(abs(value), decimals)
    sign = "±" if text == format_number(0, decimals) else ("+" if value > 0 else "−")
    return f"{sign}{text}"


def _status_of(frame: pd.DataFrame) -> pd.Series:
    """Why a unit has no value (None when it has one). Kept as object dtype: pandas' string dtype would turn None
    into NaN, which reads as true."""
    statuses = [value_status(bool(has_row), _optional(value), flag if isinstance(flag, str) else None)
                for has_row, value, flag in zip(frame["has_row"], frame["value"], frame["flag"])]
    return pd.Series(statuses, index=frame.index, dtype=object)


def _is_status(status) -> bool:
    return isinstance(status, str) and status != ""


def status_note(status, flag, is_suppressed, suppressed: str) -> str:
    """Why a unit has no value, for the table's column "Hinweis" ('' when it has one); `suppressed`: the note of our
    own suppression (common.suppressed_reason)."""
    if not _is_status(status):
        return ""
    if status == STATUS_SUPPRESSED and not is_suppressed and isinstance(flag, str):
        return SOURCE_WITHHELD_NOTES.get(flag, suppressed)
    if status == STATUS_SUPPRESSED:
        return suppressed
    return STATUS_NOTES.get(status, status)


def _notes_of(frame: pd.DataFrame) -> pd.Series:
    reason = suppressed_reason()  # once per table: it reads the snapshot's threshold
    return pd.Series([status_note(status, flag, not pd.isna(suppressed) and bool(suppressed), reason)
                      for status, flag, suppressed in zip(frame["status"], frame["flag"], frame["is_suppressed"])],
                     index=frame.index, dtype=object)


# ---------------------------------------------------------------------------------------------------------------
# Gemeinden of one Kreis


def gemeinde_rows(comparisons: pd.DataFrame, districts: pd.DataFrame, kreis_ags: str, year: int) -> pd.DataFrame:
    """One row per Gemeinde of the Kreis in `year`, from indicator_comparisons joined with the values (what
    serving.comparisons returns for the level Gemeinde): ags, name, value, numerator, denominator, rank_in_kreis,
    ranked_count_in_kreis, kreis_value, difference (value - kreis_value), status (None or why there is no value:
    'gesperrt', 'keine Daten', ...), note (the reason in a sentence), unit. Ranked Gemeinden first (best first),
    then those without a value, each by name."""
    gemeinden = districts[(districts["level"] == "Gemeinde") & (districts["kreis_ags"] == kreis_ags)]
    gemeinden = gemeinden[["ags", "display_name"]].rename(columns={"display_name": "name"})
    rows = comparisons[comparisons["year"] == year][
        ["ags", "value", "numerator", "denominator", "flag", "is_suppressed", "unit", "rank_in_kreis",
         "ranked_count_in_kreis", "kreis_value"]
    ].assign(has_row=True)
    frame = gemeinden.merge(rows, on="ags", how="left")
    frame["has_row"] = frame["has_row"].eq(True)
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype(float)
    frame["status"] = _status_of(frame)
    frame["note"] = _notes_of(frame)
    frame["difference"] = frame["value"] - pd.to_numeric(frame["kreis_value"], errors="coerce").astype(float)
    frame["_unranked"] = frame["rank_in_kreis"].isna()
    frame = frame.sort_values(["_unranked", "rank_in_kreis", "name"], na_position="last")
    return frame.drop(columns=["_unranked", "has_row"]).reset_index(drop=True)


def gemeinde_table(rows: pd.DataFrame, unit: str) -> pd.DataFrame:
    """The table of the Gemeinden page with German headers and numbers (the download)."""
    return pd.DataFrame({
        "Gemeinde": rows["name"],
        "AGS": rows["ags"],
        f"Wert ({unit_header(unit)})": rows["value"],
        "Zähler": rows["numerator"].astype("Int64"),
        "Nenner": rows["denominator"].astype("Int64"),
        "Rang im Kreis": rows["rank_in_kreis"].astype("Int64"),
        f"Abstand zum Kreiswert ({difference_header(unit)})": rows["difference"],
        "Hinweis": rows["note"],
    })


# ---------------------------------------------------------------------------------------------------------------
# All units of a level (the map page)


def with_kreisfreie_staedte_as_gemeinden(values: pd.DataFrame, districts: pd.DataFrame) -> pd.DataFrame:
    """indicator_values (or comparisons) rows plus, for each kreisfreie Stadt, its row of the level Kreis once more
    under the AGS of the Gemeinde it is (05111 -> 05111000): a map of all Gemeinden has no holes for the cities.
    Cities that already have Gemeinde rows keep them."""
    cities = districts[(districts["level"] == "Gemeinde") & districts["kreisfrei"].eq(True)][["ags", "kreis_ags"]]
    have = set(values.loc[values["level"] == "Gemeinde", "ags"])
    cities = cities[~cities["ags"].isin(have)]
    city_rows = values[(values["level"] == "Kreis") & values["ags"].isin(set(cities["kreis_ags"]))]
    as_gemeinden = city_rows.merge(cities.rename(columns={"ags": "gemeinde_ags", "kreis_ags": "ags"}), on="ags")
    as_gemeinden = as_gemeinden.assign(ags=as_gemeinden["gemeinde_ags"], level="Gemeinde").drop(columns="gemeinde_ags")
    return pd.concat([values, as_gemeinden], ignore_index=True)


def ranking_rows(comparisons: pd.DataFrame, districts: pd.DataFrame, year: int, level: str) -> pd.DataFrame:
    """One row per unit of the level in `year` (the 53 Kreise, or all Gemeinden with the kreisfreie Städte as
    Gemeinden): ags, name, kreis_name (Gemeinden), value, rank_nrw, ranked_count_nrw, nrw_value, difference
    (value - NRW), status, unit, note. Sorted by value in the indicator's direction (rank 1 first), those without a
    value last.

    `comparisons`: serving.comparisons rows of the level (for Gemeinden: of the levels Gemeinde and Kreis)."""
    boundary_level = BOUNDARY_LEVEL[level]
    rows = comparisons[comparisons["year"] == year]
    city_gemeinden: set[str] = set()
    if level == LEVEL_GEMEINDEN:
        before = set(rows.loc[rows["level"] == "Gemeinde", "ags"])
        rows = with_kreisfreie_staedte_as_gemeinden(rows, districts)
        rows = rows[rows["level"] == "Gemeinde"]
        city_gemeinden = set(rows["ags"]) - before
    units = districts[districts["level"] == boundary_level][["ags", "display_name", "kreis_ags"]]
    names = districts.set_index("ags")["display_name"]
    frame = units.rename(columns={"display_name": "name"}).merge(
        rows[["ags", "value", "flag", "is_suppressed", "unit", "rank_nrw", "ranked_count_nrw", "nrw_value",
              "rank_order"]]
        .assign(has_row=True),
        on="ags", how="left",
    )
    frame["has_row"] = frame["has_row"].eq(True)
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype(float)
    frame["status"] = _status_of(frame)
    frame["kreis_name"] = frame["kreis_ags"].map(names)
    frame["is_kreisfreie_stadt"] = frame["ags"].isin(city_gemeinden)
    frame.loc[frame["is_kreisfreie_stadt"], ["rank_nrw", "ranked_count_nrw"]] = pd.NA
    frame["difference"] = frame["value"] - pd.to_numeric(frame["nrw_value"], errors="coerce").astype(float)
    frame["note"] = _notes_of(frame)
    frame.loc[frame["is_kreisfreie_stadt"] & frame["status"].isna(), "note"] = KREISFREIE_STADT_NOTE
    orders = frame["rank_order"].dropna()
    ascending = bool(len(orders)) and orders.iloc[0] == "lowest_first"
    frame = frame.sort_values(["value", "name"], ascending=[ascending, True], na_position="last")
    return frame.drop(columns=["has_row", "kreis_ags"]).reset_index(drop=True)


def withheld_notes(rows: pd.DataFrame) -> list[str]:
    """The distinct reasons of the units shown as 'gesperrt' (our suppression, or the source's symbol)."""
    return list(dict.fromkeys(rows.loc[rows["status"] == STATUS_SUPPRESSED, "note"]))


def ranking_table(rows: pd.DataFrame, unit: str, level: str) -> pd.DataFrame:
    """The ranked table of the map page with German headers and numbers (the download)."""
    columns = {"Rang in NRW": rows["rank_nrw"].astype("Int64"), "Gebiet": rows["name"]}
    if level == LEVEL_GEMEINDEN:
        columns["Kreis"] = rows["kreis_name"]
    columns |= {
        "AGS": rows["ags"],
        f"Wert ({unit_header(unit)})": rows["value"],
        f"Abstand zu NRW ({difference_header(unit)})": rows["difference"],
        "Hinweis": rows["note"],
    }
    return pd.DataFrame(columns)


def display_table(table: pd.DataFrame, statuses: pd.Series, unit: str) -> pd.DataFrame:
    """The same rows and columns as German text: values 12,5; counts 1.915; differences +1,2; a unit without a
    value shows why ('gesperrt', 'keine Daten') in the value column."""
    decimals = value_decimals(unit)
    shown = table.copy()
    for column in shown.columns:
        if column.startswith("Wert"):
            shown[column] = [status if _is_status(status) else format_number(_optional(value), decimals)
                             for value, status in zip(table[column], statuses)]
        elif column.startswith("Abstand"):
            shown[column] = [signed_number(_optional(value), decimals) for value in table[column]]
        elif column in ("Zähler", "Nenner"):
            shown[column] = [format_number(_optional(value)) for value in table[column]]
        elif column.startswith("Rang"):
            shown[column] = ["–" if pd.isna(value) else str(int(value)) for value in table[column]]
    return shown


# ---------------------------------------------------------------------------------------------------------------
# Source lines


def short_source(indicator: dict, shown: pd.DataFrame) -> str:
    """One line under a map: source tables with their latest Stand, and the licence (the full note is under the
    table next to or below it)."""
    parts = []
    for role in ("numerator", "denominator"):
        for table, part in shown.dropna(subset=[f"{role}_source_table"]).groupby(f"{role}_source_table"):
            stands = pd.to_datetime(part[f"{role}_stand"].dropna())
            stand = format_stand(stands.max().to_pydatetime()) if len(stands) else "Stand unbekannt"
            text = f"{table_label(table)} ({stand})"
            if text not in parts:
                parts.append(text)
    licence = str(indicator.get("licence_de") or "")
    licence = "dl-de/by-2-0" if "dl-de/by-2-0" in licence else licence
    return f"Quelle: {'; '.join(parts) or '–'} · Lizenz: {licence}"


# ---------------------------------------------------------------------------------------------------------------
# Streamlit pieces both pages share


def choose_kreis(kreise: pd.DataFrame, districts: pd.DataFrame, *, key: str, label: str) -> str:
    """The Kreis, kept in the URL and session under `gebiet` as on the Kreisprofil: a KI or Gemeinde chosen there
    becomes its Kreis here."""
    requested = st.query_params.get("gebiet") or st.session_state.get("_url_gebiet")
    kreis = kreis_of_unit(requested, districts)
    if kreis is not None and kreis != requested:
        st.query_params["gebiet"] = kreis
    names = dict(zip(kreise["ags"], kreise["display_name"]))
    return url_choice("gebiet", kreise["ags"].tolist(), label=label, key=key, format_func=names.get,
                      default=DEFAULT_KREIS)


def choose_year(years: list[int], *, key: str) -> int | None:
    return url_choice("jahr", years, label="Jahr", key=key, default=years[0] if years else None)


def boundary_token(loaded: BoundaryLoad) -> tuple | None:
    """Identifies the boundaries a map was drawn on (load_boundaries returns a new object once the folder's files
    change), so that a cached map is never shown on replaced boundaries."""
    if loaded.boundaries is None:
        return None
    return id(loaded.boundaries), loaded.boundaries.source_name, loaded.boundaries.bounds


@st.cache_data(max_entries=64, show_spinner=False)
def map_svg(
    indicator_id: str, group_id: str, year: int, level: str, kreis_ags: str, scope: str, snapshot_version: float,
    boundaries_key: tuple | None, _loaded: BoundaryLoad,
) -> str:
    """The map as inline SVG (dashboard/map_svg.py), drawn once per choice and snapshot and shared by all sessions
    (all 396 Gemeinden take about 0.1 s to draw). `snapshot_version` and `boundaries_key` are cache keys only.

    scope 'kreis': the Gemeinden of `kreis_ags`, coloured around the Kreis's value (NRW's if the Kreis has none);
    scope 'nrw': all units of the level, coloured around NRW, with the Kreis `kreis_ags` outlined.
    """
    indicator = serving.indicator(indicator_id)
    values = serving.indicator_values(indicator_id, group_id)
    districts = serving.districts()
    unit = values["unit"].dropna().iloc[0] if values["unit"].notna().any() else indicator["unit"]
    direction = indicator["direction"]
    if scope == "kreis":
        frame = maps.map_frame(values, districts, year, level=GEMEINDE, kreis_ags=kreis_ags, group_id=group_id)
        reference = maps.reference_value(values, year, kreis_ags, group_id)
        label = districts.set_index("ags").loc[kreis_ags, "display_name"]
        if reference is None:
            reference, label = maps.reference_value(values, year, "05", group_id), "NRW"
        return map_svg_module.choropleth_svg(
            frame, _loaded.boundaries, unit=unit, direction=direction, reference=reference, reference_label=label,
            label=f"Karte: {indicator['name_de']} in den Gemeinden von {label}, {year}",
        )
    if level == LEVEL_GEMEINDEN:
        values = with_kreisfreie_staedte_as_gemeinden(values, districts)
    frame = maps.map_frame(values, districts, year, level=BOUNDARY_LEVEL[level], group_id=group_id)
    options = dict(unit=unit, direction=direction, reference=maps.reference_value(values, year, "05", group_id),
                   selected_ags=kreis_ags, label=f"Karte: {indicator['name_de']}, {LEVEL_LABELS[level]}, {year}")
    if level == LEVEL_GEMEINDEN:
        return map_svg_module.choropleth_svg(frame, _loaded.boundaries, **options)
    return map_svg_module.kreise_map_svg(frame, _loaded, **options)


def show_map(indicator_id: str, group_id: str, year: int, level: str, kreis_ags: str, scope: str,
             loaded: BoundaryLoad) -> None:
    svg = map_svg(indicator_id, group_id, int(year), level, kreis_ags, scope, serving.snapshot_version(),
                  boundary_token(loaded), loaded)
    show_svg(svg)

