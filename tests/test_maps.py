"""Maps on the served demo data: the data behind them, the figures (colours, grey units, hover, attribution), the
tile layout of the 53 Kreise, and in a real browser that the choropleth draws offline."""

from __future__ import annotations

import http.server
import math
import threading
from functools import partial

import duckdb
import pandas as pd
import plotly.express as px
import pytest

from dashboard import maps
from dashboard.boundaries import GEMEINDE, KREIS, load_boundaries
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


def test_choropleth_of_the_kreise_diverges_around_nrw_and_greys_out_missing_values(snapshot):
    values, _, districts = snapshot
    rate = one(values, "arbeitslosenquote")
    frame = maps.map_frame(rate, districts, 2024)
    frame.loc[frame["ags"] == "05913", ["value", "status", "value_text"]] = [float("nan"), "gesperrt", "gesperrt"]
    nrw = maps.reference_value(rate, 2024)
    assert nrw == rate[(rate["ags"] == "05") & (rate["year"] == 2024) & (rate["group_id"] == "insgesamt")][
        "value"].item()
    kreise = load_boundaries(KREIS, GEO_DIR).boundaries
    figure = maps.choropleth_figure(frame, kreise, unit="%", direction="lower_is_better", reference=nrw,
                                    selected_ags=OLPE)

    coloured, grey = figure.data
    assert "05913" not in coloured.locations and list(grey.locations) == ["05913"]
    assert len(coloured.locations) == 52
    # Diverging around NRW with equal reach; lower is better, so the scale is reversed (blue = low).
    assert coloured.zmin + coloured.zmax == pytest.approx(2 * nrw)
    assert coloured.colorscale[0][1] == px.colors.diverging.RdBu[-1]  # dark blue at the low end
    assert grey.colorscale[0][1] == maps.COLOUR_MISSING and grey.colorscale[-1][1] == maps.COLOUR_MISSING
    assert grey.customdata[0][0] == "Dortmund" and grey.customdata[0][1] == "gesperrt"
    olpe = list(coloured.locations).index(OLPE)
    assert coloured.customdata[olpe][1] == format_value(frame.set_index("ags").loc[OLPE, "value"], "%")
    assert coloured.customdata[olpe][2] == f"NRW: {format_value(nrw, '%')}"
    assert coloured.marker.line.width[olpe] > coloured.marker.line.width[0 if olpe else 1]
    # Offline: MapLibre on the blank style, and BKG's source note under the map.
    assert figure.layout.map.style == "white-bg"
    assert [a.text for a in figure.layout.annotations] == ["© GeoBasis-DE / BKG 2021 (Daten verändert)"]


def test_choropleth_of_the_gemeinden_of_one_kreis_is_sequential_for_neutral_indicators(snapshot):
    values, _, districts = snapshot
    kita = one(values, "kita_auslaendische_herkunft")
    mettmann = "05158"  # its towns have Jugendämter of their own, so the KiTa figures come per Gemeinde
    frame = maps.map_frame(kita, districts, 2024, level=GEMEINDE, kreis_ags=mettmann)
    with_value = frame[frame["status"].isna()]
    assert len(with_value) >= 5
    gemeinden = load_boundaries(GEMEINDE, GEO_DIR).boundaries.subset(mettmann)
    figure = maps.choropleth_figure(frame, gemeinden, unit="%", direction="neutral",
                                    reference=maps.reference_value(kita, 2024, mettmann), reference_label="Kreis")
    assert sorted(location for trace in figure.data for location in trace.locations) == sorted(gemeinden.ags)
    coloured = figure.data[0]
    assert sorted(coloured.locations) == sorted(with_value["ags"])
    assert coloured.zmin == pytest.approx(with_value["value"].min())
    assert coloured.zmax == pytest.approx(with_value["value"].max())
    assert coloured.colorscale[0][1] == px.colors.sequential.YlGnBu[0]
    # Zoomed to the Kreis: the centre lies inside its bounds.
    centre = figure.layout.map.center
    west, south, east, north = gemeinden.bounds
    assert west < centre.lon < east and south < centre.lat < north

    # Olpe's Gemeinden have no Jugendamt of their own: no KiTa figures, every Gemeinde grey with "keine Daten".
    # All of NRW's Gemeinde boundaries given: the map still shows and zooms to Olpe's.
    frame = maps.map_frame(kita, districts, 2024, level=GEMEINDE, kreis_ags=OLPE)
    all_gemeinden = load_boundaries(GEMEINDE, GEO_DIR).boundaries
    figure = maps.choropleth_figure(frame, all_gemeinden, unit="%")
    coloured, grey = figure.data
    assert len(coloured.locations) == 0 and len(grey.locations) == len(frame)
    assert {line[1] for line in grey.customdata} == {STATUS_NO_DATA}
    west, south, east, north = all_gemeinden.subset(OLPE).bounds
    assert west < figure.layout.map.center.lon < east and south < figure.layout.map.center.lat < north
    assert len(grey.geojson["features"]) == len(frame)  # only the features drawn travel to the browser

    with pytest.raises(ValueError):
        maps.map_frame(values, districts, 2024)  # values of all indicators at once


def test_colour_range_directions(snapshot):
    values, _, districts = snapshot
    frame = maps.map_frame(one(values, "allgemeine_hochschulreife"), districts, 2024)
    higher = maps.colour_range(frame, "higher_is_better", 30.0)
    lower = maps.colour_range(frame, "lower_is_better", 30.0)
    assert higher["colorscale"] == "RdBu" and lower["colorscale"] == "RdBu_r"
    assert higher["zmin"] < frame["value"].min() or math.isclose(higher["zmin"], frame["value"].min())
    assert maps.colour_range(frame, "higher_is_better", None)["colorscale"] == maps.SEQUENTIAL_SCALE


def test_tile_map_places_each_kreis_and_greys_out_suppressed_ones(snapshot):
    values, _, districts = snapshot
    rate = one(values, "arbeitslosenquote")
    frame = maps.map_frame(rate, districts, 2024)
    frame.loc[frame["ags"] == "05315", ["value", "status", "value_text"]] = [float("nan"), "gesperrt", "gesperrt"]
    figure = maps.tile_map_figure(frame, unit="%", direction="lower_is_better",
                                  reference=maps.reference_value(rate, 2024), selected_ags=OLPE)
    coloured, grey = figure.data
    layout = maps.tile_layout().set_index("ags")
    row, col = layout.loc[OLPE, ["row", "col"]]
    assert coloured.z[row][col] == frame.set_index("ags").loc[OLPE, "value"]
    assert coloured.text[row][col] == "OE" and coloured.customdata[row][col][0] == "Kreis Olpe"
    row, col = layout.loc["05315", ["row", "col"]]
    assert coloured.z[row][col] is None and grey.z[row][col] == 0
    assert grey.customdata[row][col][:2] == ["Köln", "gesperrt"]
    tiles = sum(cell is not None for trace in figure.data for line in trace.z for cell in line)
    assert tiles == 53
    assert figure.layout.yaxis.scaleanchor == "x"  # squares
    assert len(figure.layout.shapes) == 1  # the outline of the selected Kreis


# ---------------------------------------------------------------------------------------------------------------
# In a real browser: the map draws without any request leaving the machine


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.mark.browser
@pytest.mark.browser
def test_choropleth_renders_offline_in_chromium(snapshot, tmp_path, browser):
    values, _, districts = snapshot
    rate = one(values, "arbeitslosenquote")
    frame = maps.map_frame(rate, districts, 2024)
    figure = maps.choropleth_figure(frame, load_boundaries(KREIS, GEO_DIR).boundaries, unit="%",
                                    direction="lower_is_better", reference=maps.reference_value(rate, 2024))
    figure.write_html(tmp_path / "map.html", include_plotlyjs=True, full_html=True)

    # Served over HTTP as Streamlit does (MapLibre's web workers do not start from file:// pages).
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    outside = []
    try:
        # the session's Chromium (conftest): one Playwright instance per test session
        page = browser.new_page(viewport={"width": 900, "height": 650})
        page.on("request", lambda request: outside.append(request.url)
                if not request.url.startswith((origin, "data:", "blob:")) else None)
        page.goto(f"{origin}/map.html")
        page.wait_for_function(
            "() => { const gd = document.querySelector('.js-plotly-plot');"
            " const map = gd && gd._fullLayout.map && gd._fullLayout.map._subplot.map;"
            " return map && map.loaded() && map.queryRenderedFeatures().length > 0; }",
            timeout=30_000,
        )
        rendered = page.evaluate(
            "() => new Set(document.querySelector('.js-plotly-plot')._fullLayout.map._subplot.map"
            ".queryRenderedFeatures().map(f => f.layer.id)).size"
        )
        page.close()
    finally:
        server.shutdown()
    assert rendered >= 1
    assert outside == []


def test_kreise_map_uses_boundaries_when_there_and_tiles_otherwise(snapshot, tmp_path):
    values, _, districts = snapshot
    frame = maps.map_frame(one(values, "einbuergerungsquote"), districts, 2024)
    with_boundaries = maps.kreise_map_figure(frame, load_boundaries(KREIS, GEO_DIR), unit="%")
    assert with_boundaries.data[0].type == "choroplethmap"
    loaded = load_boundaries(KREIS, tmp_path)  # an empty folder
    assert loaded.boundaries is None and "Kachelraster" in loaded.message_de
    without = maps.kreise_map_figure(frame, loaded, unit="%")
    assert without.data[0].type == "heatmap" and not without.layout.annotations[0].text.startswith("©")
    # No reference value: the hover has no comparison line.
    assert "customdata[2]" not in without.data[0].hovertemplate
