"""Regional context shared by the demo families: foreign population shares per model unit and Gemeinde (from the
AZR model of generator.py) and the social profile (profile_social.csv).

The families derive their values from these so that they are plausible relative to each other per Kreis: foreign
pupils and KiTa children of foreign origin follow the foreign population share, unemployment, SGB II and the
Mindestsicherungsquote follow the social profile (high in the Ruhr cities, low in rural Kreise).
"""

from __future__ import annotations

import csv
import math
from functools import lru_cache
from pathlib import Path

from pipelines.demo.generator import (
    AACHEN_KREIS,
    AACHEN_REST,
    CITIZENSHIPS,
    alloc_units,
    foreigners_year,
    nrw_geography,
    population_year,
    seeded_rng,
    unit_population,
)
from pipelines.demo.geography import alloc_unit_of

__all__ = ["gemeinde_foreign_share", "social_profile", "unit_foreign_share", "unit_of_profile_row"]

_SOCIAL_CSV = Path(__file__).resolve().parent / "profile_social.csv"


@lru_cache(maxsize=64)
def unit_foreign_share(seed: int, year: int) -> dict[str, float]:
    """Foreigners (AZR, exact) / population on 31.12. of year per model unit (Kreise, Stadt Aachen, rest of the
    StädteRegion Aachen)."""
    foreigners = foreigners_year(seed, year)
    pop = population_year(seed, year)
    codes = [c[0] for c in CITIZENSHIPS]
    out: dict[str, float] = {}
    for u in alloc_units():
        total = sum(sum(foreigners[(u, c)]) for c in codes)
        out[u] = total / unit_population(pop, u)
    return out


@lru_cache(maxsize=1)
def _gemeinde_affinity(seed: int) -> dict[str, float]:
    """Fixed factor per Gemeinde: larger towns of a unit have a higher foreign share than its villages."""
    geo = nrw_geography()
    pop = population_year(seed, 2018)
    out: dict[str, float] = {}
    for k in geo.kreise:
        for g in geo.gemeinden_of[k]:
            noise = math.exp(seeded_rng(seed, "gaff", g).gauss(0.0, 0.12))
            out[g] = (pop[g] / 30_000) ** 0.18 * noise
    return out


@lru_cache(maxsize=64)
def gemeinde_foreign_share(seed: int, year: int) -> dict[str, float]:
    """Foreign population share per Gemeinde, consistent with its unit: the population-weighted mean over the
    Gemeinden of a unit equals the unit's share."""
    geo = nrw_geography()
    pop = population_year(seed, year)
    unit_share = unit_foreign_share(seed, year)
    aff = _gemeinde_affinity(seed)
    members: dict[str, list[str]] = {}
    for k in geo.kreise:
        for g in geo.gemeinden_of[k]:
            members.setdefault(alloc_unit_of(g), []).append(g)
    out: dict[str, float] = {}
    for unit, gems in members.items():
        weight = sum(pop[g] * aff[g] for g in gems)
        total = sum(pop[g] for g in gems)
        for g in gems:
            out[g] = min(0.6, unit_share[unit] * aff[g] * total / weight)
    return out


@lru_cache(maxsize=1)
def social_profile() -> dict[str, dict[str, float]]:
    """Per model unit (Kreise with 05334 = StädteRegion without the city, and 05334002): unemployment and
    Mindestsicherungsquote 2019 in percent (plausibility values)."""
    with _SOCIAL_CSV.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    out = {}
    for r in rows:
        unit = AACHEN_REST if r["ags"] == AACHEN_KREIS else r["ags"]
        out[unit] = {"unemployment": float(r["unemployment_2019_pct"]),
                     "mindestsicherung": float(r["mindestsicherung_2019_pct"])}
    missing = set(alloc_units()) - set(out)
    if missing:
        raise ValueError(f"profile_social.csv lacks {sorted(missing)}")
    return out


def unit_of_profile_row(ags: str) -> str:
    """Model unit of a profile / KI code: 05334 means the StädteRegion without the city."""
    return AACHEN_REST if ags == AACHEN_KREIS else ags

