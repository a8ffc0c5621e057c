"""Breaks in the indicator series, as every page, the PDF and the downloads use them: plain functions on the served
table `series_breaks` (one home: dbt_project/seeds/series_break_catalogue.csv, published one row per break and indicator).

A break is a new basis from a year on (census, a changed law or rule: drawn between the two years), a single year
that is not comparable (double and small Abitur cohorts) or a year without data (drawn on the year itself).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

BREAK_COLUMN = "Bruch in der Reihe"


@dataclass(frozen=True)
class SeriesBreak:
    """One break of one indicator's series."""

    key: str
    indicator_id: str
    x: float  # position on the year axis: between two years (.5) or on the year itself
    first_year: int  # the first reporting year on the new basis, or the year that is not comparable
    kind: str  # neue_grundlage, sonderjahr, luecke
    label: str  # short text on a chart
    text_de: str  # the sentence under a chart, in the Steckbrief, the PDF and the downloads
    source_de: str
    groups: tuple[str, ...] | None = None  # only these groups; None: every group

    def applies_to(self, group_id: str) -> bool:
        return self.groups is None or group_id in self.groups


def from_frame(frame: pd.DataFrame) -> list[SeriesBreak]:
    """The served table as breaks, in the order of their position on the year axis."""
    breaks = []
    for row in frame.sort_values(["indicator_id", "chart_position", "break_id"]).to_dict("records"):
        groups = row.get("group_ids")
        groups = tuple(g for g in groups.split("|") if g) if isinstance(groups, str) else None
        breaks.append(SeriesBreak(
            key=row["break_id"], indicator_id=row["indicator_id"], x=float(row["chart_position"]),
            first_year=int(row["first_year"]), kind=row["kind"], label=row["label_de"], text_de=row["text_de"],
            source_de=row["source_de"], groups=groups or None,
        ))
    return breaks


def of_indicator(breaks: Iterable[SeriesBreak], indicator_id: str, groups: Iterable[str] | None = None) -> list[SeriesBreak]:
    """The breaks of an indicator, for any of the given groups (all groups when None)."""
    wanted = None if groups is None else set(groups)
    return [item for item in breaks if item.indicator_id == indicator_id
            and (wanted is None or item.groups is None or wanted & set(item.groups))]


def within(breaks: Iterable[SeriesBreak], indicator_id: str, group_id: str, years: Iterable[int]) -> list[SeriesBreak]:
    """The breaks to mark on a chart of this indicator and group spanning these years."""
    years = [int(year) for year in years]
    if not years:
        return []
    return [item for item in breaks if item.indicator_id == indicator_id and item.applies_to(group_id)
            and min(years) <= item.x <= max(years)]


def note_for(breaks: Iterable[SeriesBreak], indicator_id: str, group_id: str, year: int) -> str:
    """The break sentence(s) for one row of a download: at the first year on a new basis, or at the year that is not
    comparable or without data; empty otherwise."""
    return " ".join(item.text_de for item in breaks if item.indicator_id == indicator_id
                    and item.applies_to(group_id) and item.first_year == int(year))


def with_break_column(table: pd.DataFrame, breaks: Iterable[SeriesBreak], indicator_ids: Iterable[str],
                      group_ids: Iterable[str], years: Iterable[int]) -> pd.DataFrame:
    """The download table with the column 'Bruch in der Reihe' (one value per row, in the row's order)."""
    breaks = list(breaks)
    notes = [note_for(breaks, indicator, group, year) if pd.notna(year) else ""
             for indicator, group, year in zip(indicator_ids, group_ids, years)]
    return table.assign(**{BREAK_COLUMN: notes})


def text_with_source(item: SeriesBreak) -> str:
    """'<sentence> (Quelle: ...)' for the Steckbriefe and the PDF."""
    return f"{item.text_de} (Quelle: {item.source_de})"
