"""Maps on the served demo data: the data behind them, the figures (colours, grey units, hover, attribution), the
tile layout of the 53 Kreise, and in a real browser that the choropleth draws offline."""

from __future__ import annotations

import math

import duckdb
import pandas as pd
import pytest

from dashboard import maps
from dashboard.boundaries import GEMEINDE
from dashboard.formatting import format_value
from dashboard.labels import STATUS_NO_DATA, STATUS_SUPPRESSED
from tests.conftest import SHARED_DIR

GEO_DIR = SHARED_DIR / "reference" / "geo"
OLPE = "05966"


@pytest.fixture(scope="module")
def snapshot(demo_pipeline):
    connection = duckdb.connect(str(demo_pipeline.serving_path), read_only=True)
    try:
        values = connection.execute("select * from indicator_values").df()
        indicators = connection.execute("select * from indicators").df()
        districts = connection.execute("select * from districts").df()
    finally:
        connection.close()
    return values, indicators, districts


def one(values: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    return values[values["indicator_id"] == indicator_id]


# ---------------------------------------------------------------------------------------------------------------
# The tile layout (our own, committed CSV)


def test_tile_layout_has_each_kreis_once_on_its_own_square():
    layout = maps.tile_layout()
    kreise = pd.read_csv(SHARED_DIR / "reference" / "nrw_districts.csv", dtype=str)
    kreise = kreise[kreise["ags"].str.len() == 5]
    assert len(layout) == 53 and layout["ags"].is_unique
    assert set(layout["ags"]) == set(kreise["ags"])
    assert not layout.duplicated(["row", "col"]).any()
    assert layout["label"].is_unique and layout["label"].str.fullmatch(r"[A-ZÄÖÜ]{1,3}").all()


def test_tile_layout_is_roughly_geographic():
    """Columns follow the centroids' longitude and rows their latitude (rank correlation), and no Kreis lies on
    the wrong side of another that is clearly west/east or north/south of it."""
    import json

    from shapely.geometry import shape

    document = json.loads((GEO_DIR / "nrw_kreise.geojson").read_text("utf-8"))
    centroids = {f["properties"]["ags"]: shape(f["geometry"]).centroid for f in document["features"]}
    layout = maps.tile_layout().assign(
        lon=lambda t: t["ags"].map(lambda a: centroids[a].x), lat=lambda t: t["ags"].map(lambda a: centroids[a].y)
    )
    assert layout["col"].corr(layout["lon"], method="spearman") > 0.9
    assert layout["row"].corr(-layout["lat"], method="spearman") > 0.9
    for a in layout.itertuples():
        for b in layout.itertuples():
            if b.lon - a.lon > 0.6 * (1 + abs(b.lat - a.lat)):  # b clearly east of a
                assert b.col >= a.col, (a.label, b.label)
            if a.lat - b.lat > 0.45 * (1 + abs(b.lon - a.lon)):  # b clearly south of a
                assert b.row >= a.row, (a.label, b.label)


# ---------------------------------------------------------------------------------------------------------------
# The data behind a map


def test_map_frame_of_the_kreise_holds_the_snapshot_values(snapshot):
    values, _, districts = snapshot
    rate = one(values, "arbeitslosenquote")
    frame = maps.map_frame(rate, districts, 2024)
    assert len(frame) == 53 and set(frame["ags"]) == set(districts[districts["level"] == "Kreis"]["ags"])
    expected = rate[(rate["year"] == 2024) & (rate["group_id"] == "insgesamt")].set_index("ags")["value"]
    olpe = frame.set_index("ags").loc[OLPE]
    assert olpe["value"] == expected[OLPE]
    assert olpe["value_text"] == format_value(expected[OLPE], "%")
    assert olpe["name"] == "Kreis Olpe" and olpe["status"] is None


def test_map_frame_marks_secret_values_gesperrt_and_missing_units_keine_daten(snapshot):
    values, _, districts = snapshot
    rate = one(values, "arbeitslosenquote")
    # BA did not publish the foreigners' rate per Kreis for 2017 (flag '.'): every Kreis is 'gesperrt'.
    frame = maps.map_frame(rate, districts, 2017, group_id="auslaendisch")
    assert (frame["status"] == STATUS_SUPPRESSED).all() and frame["value"].isna().all()
    assert (frame["value_text"] == STATUS_SUPPRESSED).all()

    # Gemeinden of one Kreis: exactly its Gemeinden; those without a row say 'keine Daten'.
    quote = one(values, "mindestsicherungsquote")
    gemeinden = districts[(districts["level"] == "Gemeinde") & districts["ags"].str.startswith(OLPE)]
    frame = maps.map_frame(quote, districts, 2024, level=GEMEINDE, kreis_ags=OLPE)
    assert set(frame["ags"]) == set(gemeinden["ags"])
    everywhere = maps.map_frame(quote, districts, 2024, level=GEMEINDE)
    assert len(everywhere) == (districts["level"] == "Gemeinde").sum()
    have_rows = set(quote[(quote["year"] == 2024) & (quote["level"] == "Gemeinde")]["ags"])
    missing = everywhere[~everywhere["ags"].isin(have_rows)]
    assert len(missing) and (missing["status"] == STATUS_NO_DATA).all()


# ---------------------------------------------------------------------------------------------------------------
# Figures


def test_colour_range_directions(snapshot):
    values, _, districts = snapshot
    frame = maps.map_frame(one(values, "allgemeine_hochschulreife"), districts, 2024)
    higher = maps.colour_range(frame, "higher_is_better", 30.0)
    lower = maps.colour_range(frame, "lower_is_better", 30.0)
    assert higher["colorscale"] == "RdBu" and lower["colorscale"] == "RdBu_r"
    assert higher["zmin"] < frame["value"].min() or math.isclose(higher["zmin"], frame["value"].min())
    assert maps.colour_range(frame, "higher_is_better", None)["colorscale"] == maps.SEQUENTIAL_SCALE
