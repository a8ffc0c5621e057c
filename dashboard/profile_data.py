"""What the Kreisprofil shows, as plain functions on the serving data (tested without a browser): the units one can
choose, one tile per indicator, the table behind the profile, and the PDF."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from dashboard.labels import GROUP_LABELS_DE as GROUP_NAMES
from dashboard.labels import stage_rank, stage_section, table_label
from dashboard.series_breaks import SeriesBreak, with_break_column

# Differences smaller than this (in the indicator's unit) count as "wie NRW".
SAME_AS_NRW = 0.05


@dataclass
class Tile:
    indicator_id: str
    name: str
    explanation: str
    section: str
    unit: str
    year: int
    period_label: str
    value: float | None
    is_suppressed: bool
    change_previous: float | None
    change_5_years: float | None
    change_unit: str
    nrw_value: float | None
    rb_value: float | None
    verdict: str  # besser / schlechter / gleich / neutral
    trend_years: list[int] = field(default_factory=list)
    trend: list[float | None] = field(default_factory=list)
    trend_nrw: list[float | None] = field(default_factory=list)
    gap: float | None = None
    gap_unit: str = ""
    gap_label: str = ""
    source_text: str = ""


def profile_units(districts: pd.DataFrame) -> pd.DataFrame:
    """Kreise, kreisfreie Städte and the KIs whose area is not simply a Kreis, with a label for the picker.

    A KI serving exactly one Kreis has that Kreis's profile; it is listed under its own name too, so that a centre
    finds itself."""
    kreise = districts[districts["level"] == "Kreis"].assign(note="")
    centres = districts[districts["level"] == "KI"].copy()
    area_names = districts.set_index("ags")["display_name"]
    centres["note"] = centres.apply(
        lambda c: (
            f"{c['display_name']}: zuständig für {area_names.get(c['area_ags'], c['area_ags'])}; "
            "die Werte sind die dieses Gebiets."
            if c["area_ags"] != c["ags"]
            else f"{c['display_name']}: zuständig für die StädteRegion ohne die Stadt Aachen (die Stadt hat ein eigenes KI). "
            "Werte gibt es hier nur, wo sie sich exakt aus den Gemeinden bilden lassen."
        ),
        axis=1,
    )
    units = pd.concat([kreise, centres], ignore_index=True)
    units["label"] = units["display_name"]
    return units.sort_values(["level", "display_name"], key=lambda c: c.map({"Kreis": 0, "KI": 1}) if c.name == "level" else c)[
        ["ags", "display_name", "level", "label", "note", "area_ags"]
    ].reset_index(drop=True)


def _verdict(value: float | None, nrw_value: float | None, direction: str) -> str:
    if direction == "neutral" or value is None or nrw_value is None or pd.isna(value) or pd.isna(nrw_value):
        return "neutral"
    if abs(value - nrw_value) < SAME_AS_NRW:
        return "gleich"
    higher = value > nrw_value
    return "besser" if higher == (direction == "higher_is_better") else "schlechter"


def _optional(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _source_text(row: pd.Series, licence: str) -> str:
    tables = dict.fromkeys(t for t in (row["numerator_source_table"], row["denominator_source_table"]) if t)
    stands = sorted({pd.Timestamp(s) for s in (row["numerator_stand"], row["denominator_stand"]) if pd.notna(s)})
    stand = f", Stand {stands[-1]:%d.%m.%Y}" if stands else ""
    licence_short = "dl-de/by-2-0" if "dl-de/by-2-0" in licence else "eigene Daten des Kreises"
    names = ", ".join(table_label(t).removeprefix("Tabelle ") for t in tables)
    return f"Quelle: {names}{stand}; {licence_short}"


def profile_indicators(catalogue: pd.DataFrame) -> pd.DataFrame:
    """The catalogue's indicators the Kreisprofil shows (column in_profile: not the Ausländeranteil laut
    Ausländerzentralregister beside the headline one); every indicator for a catalogue without the column."""
    if "in_profile" not in catalogue.columns:
        return catalogue
    return catalogue[catalogue["in_profile"].fillna(True).astype(bool)]


def tiles(profile: pd.DataFrame, catalogue: pd.DataFrame, gaps: pd.DataFrame) -> list[Tile]:
    """One tile per indicator of the profile (profile_indicators) the unit has (group insgesamt), in the order of
    the Bildungskette."""
    result = []
    overall = profile[profile["group_id"] == "insgesamt"]
    overall = overall[overall["value"].notna() | overall["is_suppressed"]].sort_values("year")
    # Split once: a boolean filter per indicator on these Arrow-backed frames was a tenth of the server's time.
    rows_of = dict(tuple(overall.groupby("indicator_id", sort=False)))
    gaps_of = {key: part for key, part in gaps.groupby(["indicator_id", "year"], sort=False)}
    for indicator in profile_indicators(catalogue).sort_values("stage", key=lambda s: s.map(stage_rank)).itertuples():
        rows = rows_of.get(indicator.indicator_id)
        if rows is None:
            continue
        latest = rows.iloc[-1]
        gap_row = gaps_of.get((indicator.indicator_id, latest["year"]), gaps.iloc[:0])
        gap = _optional(gap_row["gap_difference"].iloc[0]) if len(gap_row) else None
        value = None if latest["is_suppressed"] else _optional(latest["value"])
        result.append(Tile(
            indicator_id=indicator.indicator_id,
            name=indicator.name_de,
            explanation=indicator.explanation_de,
            section=stage_section(indicator.stage),
            unit=indicator.unit,
            year=int(latest["year"]),
            period_label=str(latest["period_label"]),
            value=value,
            is_suppressed=bool(latest["is_suppressed"]),
            change_previous=_optional(latest.get("change_previous_year")),
            change_5_years=_optional(latest.get("change_5_years")),
            change_unit=latest.get("change_unit") or indicator.unit,
            nrw_value=_optional(latest.get("nrw_value")),
            rb_value=_optional(latest.get("rb_value")),
            verdict=_verdict(value, _optional(latest.get("nrw_value")), indicator.direction),
            trend_years=[int(y) for y in rows["year"]],
            trend=[_optional(v) for v in rows["value"]],
            trend_nrw=[_optional(v) for v in rows["nrw_value"]] if "nrw_value" in rows else [],
            gap=gap,
            gap_unit=gap_row["gap_unit"].iloc[0] if gap is not None else "",
            gap_label=(f"{GROUP_NAMES['auslaendisch']} – {GROUP_NAMES[gap_row['reference_group_id'].iloc[0]]}"
                       if gap is not None else ""),
            source_text=_source_text(latest, indicator.licence_de),
        ))
    return result


def missing_indicators(shown: list[Tile], catalogue: pd.DataFrame) -> list[str]:
    have = {tile.indicator_id for tile in shown}
    return [row.name_de for row in profile_indicators(catalogue).itertuples() if row.indicator_id not in have]


def profile_table(profile: pd.DataFrame, catalogue: pd.DataFrame, breaks: list[SeriesBreak]) -> pd.DataFrame:
    """Every figure of the profile with its sources and the break in the series at the year it happens, as the
    CSV/Excel download offers it (German headers)."""
    names = catalogue.set_index("indicator_id")["name_de"]
    frame = profile.assign(
        indikator=profile["indicator_id"].map(names),
        gruppe=profile["group_id"].map(lambda g: GROUP_NAMES.get(g, g)),
        gesperrt=profile["is_suppressed"].map({True: "ja", False: "nein"}),
    )
    columns = {
        "indikator": "Indikator", "gruppe": "Gruppe", "year": "Berichtsjahr", "period_label": "Zeitraum",
        "value": "Wert", "unit": "Einheit", "numerator": "Zähler", "denominator": "Nenner", "gesperrt": "Gesperrt",
        "flag": "Zeichen", "nrw_value": "NRW", "rb_value": "Regierungsbezirk", "rank_nrw": "Rang in NRW",
        "ranked_count_nrw": "Anzahl im Rang", "change_previous_year": "Veränderung zum Vorjahr",
        "change_5_years": "Veränderung in 5 Jahren", "vergleichstyp_name_de": "Vergleichstyp",
        "numerator_source_table": "Quelle Zähler", "numerator_stand": "Stand Zähler",
        "denominator_source_table": "Quelle Nenner", "denominator_stand": "Stand Nenner",
        "numerator_source_file": "Datei Zähler", "denominator_source_file": "Datei Nenner",
        "is_synthetic": "Demodaten",
    }
    present = [c for c in columns if c in frame.columns]
    return with_break_column(frame[present].rename(columns=columns), breaks, profile["indicator_id"],
                             profile["group_id"], profile["year"])
