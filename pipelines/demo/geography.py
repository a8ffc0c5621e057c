"""Geography shared by the demo families: which Gemeinden a table row covers, the row lists and region labels of the
GENESIS layouts (Regionaldatenbank and Landesdatenbank NRW, as in their real downloads), and the Jugendämter (named
in the KiTa extract).

Everything here is structure, not values: it does not depend on the seed. The Jugendämter follow a fixed rule on
the model population of the default seed (see :func:`jugendaemter`), so their codes are the same for every seed.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipelines.demo.generator import (
    AACHEN_CITY,
    AACHEN_KREIS,
    AACHEN_REST,
    DEFAULT_SEED,
    DISSOLVED_CITY,
    DISSOLVED_KREIS,
    NRW,
    nrw_geography,
    population_year,
)

__all__ = [
    "Row",
    "alloc_unit_of",
    "gemeinden_of_row",
    "jugendaemter",
    "jugendamt_of",
    "kreis_of",
    "ldb_gemeinde_rows",
    "ldb_kreis_rows",
    "rdb_rows",
]

# Kreisangehörige Städte with at least this population (model, 31.12.2018, default seed) have their own Jugendamt.
JUGENDAMT_MIN_POP = 25_000
# ... and these towns as well (smaller towns with an own Jugendamt exist, such as Altena: JH05962004).
JUGENDAMT_EXTRA = frozenset({"05962004"})


@dataclass(frozen=True)
class Row:
    """One row of a GENESIS table: region code, label as written (with indentation) and its kind.

    kind: 'dg', 'land', 'rb', 'kreis', 'city' (Stadt Aachen inside the StädteRegion), 'gemeinde' or 'dissolved'
    (05313, 05354 and the former Gemeinden of 05354: all cells '-')."""

    code: str
    label: str
    kind: str


@lru_cache(maxsize=1)
def _kreis_of() -> dict[str, str]:
    geo = nrw_geography()
    return {g: k for k in geo.kreise for g in geo.gemeinden_of[k]}


def kreis_of(gemeinde: str) -> str:
    """The Kreis / kreisfreie Stadt (5 digits) of a Gemeinde (8 digits)."""
    return _kreis_of()[gemeinde]


def alloc_unit_of(gemeinde: str) -> str:
    """The unit of the foreigners model: the Kreis, or Stadt Aachen / the rest of the StädteRegion Aachen."""
    kreis = kreis_of(gemeinde)
    if kreis == AACHEN_KREIS:
        return AACHEN_CITY if gemeinde == AACHEN_CITY else AACHEN_REST
    return kreis


# --------------------------------------------------------------------------------------------------------------
# Jugendämter
# --------------------------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def jugendaemter() -> dict[str, list[tuple[str, str, tuple[str, ...]]]]:
    """Per Kreis (not for kreisfreie Städte): [(code, label, Gemeinden)] in code order.

    Towns with an own Jugendamt: ``JH<8-digit AGS>`` 'Jugendamt <Name>'; the rest of the Kreis:
    ``JH<Kreis AGS>999`` 'Kreisjugendamt <Kreis name>' (absent when every Gemeinde has its own Jugendamt, as in
    the Kreise Mettmann or Recklinghausen). Stadt Aachen is a town with its own Jugendamt (JH05334002)."""
    geo = nrw_geography()
    pop = population_year(DEFAULT_SEED, 2018)
    out: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {}
    for k in geo.kreise:
        if geo.kreisfrei(k):
            continue
        own = [g for g in geo.gemeinden_of[k] if pop[g] >= JUGENDAMT_MIN_POP or g in JUGENDAMT_EXTRA]
        rest = tuple(g for g in geo.gemeinden_of[k] if g not in own)
        rows = [(f"JH{g}", f"Jugendamt {geo.name(g)}", (g,)) for g in own]
        if rest:
            rows.append((f"JH{k}999", f"Kreisjugendamt {geo.name(k)}", rest))
        out[k] = rows
    return out


@lru_cache(maxsize=1)
def _jugendamt_of() -> dict[str, str]:
    geo = nrw_geography()
    out: dict[str, str] = {}
    for k in geo.kreise:
        if geo.kreisfrei(k):
            for g in geo.gemeinden_of[k]:
                out[g] = k  # the kreisfreie Stadt is its own Jugendamt: no JH row in the tables
            continue
        for code, _label, gems in jugendaemter()[k]:
            for g in gems:
                out[g] = code
    return out


def jugendamt_of(gemeinde: str) -> str:
    """The JH code of the Jugendamt of a Gemeinde, or the 5-digit code of a kreisfreie Stadt."""
    return _jugendamt_of()[gemeinde]


# --------------------------------------------------------------------------------------------------------------
# Which Gemeinden a row covers
# --------------------------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _coverage() -> dict[str, tuple[str, ...]]:
    geo = nrw_geography()
    cover: dict[str, tuple[str, ...]] = {}
    for k in geo.kreise:
        cover[k] = tuple(geo.gemeinden_of[k])
        for g in geo.gemeinden_of[k]:
            cover[g] = (g,)
    for rb in geo.rbs:
        cover[rb] = tuple(g for k in geo.kreise_of_rb[rb] for g in geo.gemeinden_of[k])
    cover[NRW] = tuple(g for rb in geo.rbs for g in cover[rb])
    return cover


def gemeinden_of_row(code: str) -> tuple[str, ...]:
    """The Gemeinden (8-digit AGS) that a row code covers: NRW, RB, Kreis, Gemeinde or Stadt Aachen. Dissolved
    units and pseudo-units cover none."""
    return _coverage().get(code, ())


# --------------------------------------------------------------------------------------------------------------
# Row lists and region labels of the portals (as in the real downloads)
# --------------------------------------------------------------------------------------------------------------
_GEMEINDE_LABELS_CSV = Path(__file__).resolve().parent / "gemeinde_labels.csv"

# Regionaldatenbank label styles: exports until 2024 ('Düsseldorf, Kreisfreie Stadt') and since the relaunch of
# 2025 ('Düsseldorf, kreisfreie Stadt', 'Städteregion Aachen, Kreis'): (kreisfreie Stadt suffix, StädteRegion
# Aachen, Stadt Aachen).
RDB_2017 = (", Kreisfreie Stadt", "Städteregion Aachen (einschl. Stadt Aachen)", "Aachen, krfr. Stadt")
RDB_2025 = (", kreisfreie Stadt", "Städteregion Aachen, Kreis", "Aachen, kreisfreie Stadt")


def _kreis_label(ags: str, city_suffix: str, aachen: str) -> str:
    geo = nrw_geography()
    name = geo.name(ags)
    if ags == AACHEN_KREIS:
        return aachen
    if geo.kreisfrei(ags):
        return name + city_suffix
    return name if "kreis" in name.lower() else f"{name}, Kreis"


def _ldb_label(ags: str) -> str:
    """Kreis label of the Landesdatenbank NRW ('Düsseldorf, krfr. Stadt', 'Olpe, Kreis')."""
    return _kreis_label(ags, ", krfr. Stadt", "Städteregion Aachen (einschl. Stadt Aachen)")


@lru_cache(maxsize=1)
def _gemeinde_labels() -> dict[str, str]:
    with _GEMEINDE_LABELS_CSV.open(encoding="utf-8", newline="") as fh:
        return {r["ags"]: r["label"] for r in csv.DictReader(line for line in fh if not line.startswith("#"))}


def _gemeinde_label(ags: str) -> str:
    """Gemeinde label of the Landesdatenbank NRW: 'Attendorn, Stadt', 'Finnentrop'; the members of the StädteRegion
    Aachen with ' (ab 21.10.2009)'."""
    label = _gemeinde_labels().get(ags, nrw_geography().name(ags))
    return f"{label} (ab 21.10.2009)" if ags.startswith(AACHEN_KREIS) else label


def rdb_rows(style: tuple[str, str, str] = RDB_2017, *, dg: bool = True) -> list[Row]:
    """Regionaldatenbank 'Kreise und krfr. Städte': DG (0 spaces), NRW (2), RB (4), Kreise (6); after the
    StädteRegion Aachen the Stadt Aachen (05334002) and the dissolved Kreis Aachen (05354). The other Länder of a
    real download are left out."""
    geo = nrw_geography()
    city_suffix, aachen, aachen_city = style
    rows: list[Row] = [Row("DG", "Deutschland", "dg")] if dg else []
    rows.append(Row(NRW, "  Nordrhein-Westfalen", "land"))
    for rb in geo.rbs:
        rows.append(Row(rb, f"    {geo.name(rb)}, Regierungsbezirk", "rb"))
        for k in geo.kreise_of_rb[rb]:
            rows.append(Row(k, "      " + _kreis_label(k, city_suffix, aachen), "kreis"))
            if k == AACHEN_KREIS:
                rows.append(Row(AACHEN_CITY, f"      {aachen_city}", "city"))
                rows.append(Row(DISSOLVED_KREIS, "      Aachen, Kreis", "dissolved"))
    return rows


def _ldb_kreise(rb: str) -> list[str]:
    geo = nrw_geography()
    kreise = list(geo.kreise_of_rb[rb])
    if rb == "053":
        kreise = sorted([*kreise, DISSOLVED_CITY, DISSOLVED_KREIS])
    return kreise


def ldb_kreis_rows() -> list[Row]:
    """Landesdatenbank NRW 'kreisfreie Städte und Kreise' as 12521-03i: NRW (0), RB (2), Kreise incl. the dissolved
    05313/05354 (4); no row of the Stadt Aachen."""
    geo = nrw_geography()
    rows = [Row(NRW, "Nordrhein-Westfalen", "land")]
    for rb in geo.rbs:
        rows.append(Row(rb, f"  {geo.name(rb)}, Regierungsbezirk", "rb"))
        for k in _ldb_kreise(rb):
            if k == DISSOLVED_CITY:
                rows.append(Row(k, "    Aachen, krfr. Stadt", "dissolved"))
            elif k == DISSOLVED_KREIS:
                rows.append(Row(k, "    Aachen, Kreis", "dissolved"))
            else:
                rows.append(Row(k, f"    {_ldb_label(k)}", "kreis"))
    return rows


def ldb_gemeinde_rows(*, dissolved: bool = True) -> list[Row]:
    """Landesdatenbank NRW 'Gemeinden' in the order of 12411-15i: NRW (0), RB (2), Kreise (4, kreisfreie Städte
    only as this row), Gemeinden (6); with ``dissolved`` the former 05313 / 05354 and the former Gemeinden of 05354
    (all cells '-', as 12411-15i lists them; 22811-01i does not)."""
    geo = nrw_geography()
    rows = [Row(NRW, "Nordrhein-Westfalen", "land")]
    for rb in geo.rbs:
        rows.append(Row(rb, f"  {geo.name(rb)}, Regierungsbezirk", "rb"))
        for k in _ldb_kreise(rb):
            if k == DISSOLVED_CITY:
                if dissolved:
                    rows.append(Row(k, "    Aachen, krfr. Stadt", "dissolved"))
                continue
            if k == DISSOLVED_KREIS:
                if dissolved:
                    rows.append(Row(k, "    Aachen, Kreis", "dissolved"))
                    for g in geo.gemeinden_of[AACHEN_KREIS]:
                        if g != AACHEN_CITY:  # the former Gemeinden of the Kreis Aachen, labelled as then
                            label = _gemeinde_labels().get(g, geo.name(g))
                            rows.append(Row(DISSOLVED_KREIS + g[5:], f"      {label}", "dissolved"))
                continue
            rows.append(Row(k, f"    {_ldb_label(k)}", "kreis"))
            if geo.kreisfrei(k):
                continue
            for g in geo.gemeinden_of[k]:
                rows.append(Row(g, f"      {_gemeinde_label(g)}", "gemeinde"))
    return rows
