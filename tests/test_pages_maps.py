"""The pages "Gemeinden" and "Karte" on the served demo data, through Streamlit's AppTest, with and without a
boundaries folder (copies of the shared BKG VG5000 GeoJSON files, made per test); and the functions behind them
(tables, inline SVG maps). Expected values come from the serving snapshot."""

from __future__ import annotations

import io
import re
import shutil
import xml.etree.ElementTree as ElementTree
from html import unescape

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import map_pages, map_svg, maps
from dashboard.boundaries import GEMEINDE, KREIS, load_boundaries
from dashboard.common import suppressed_reason
from dashboard.formatting import format_number, format_value
from tests.conftest import PROJECT_ROOT, SHARED_DIR

APP = str(PROJECT_ROOT / "dashboard" / "app.py")
GEO_DIR = SHARED_DIR / "reference" / "geo"
OLPE = "05966"
METTMANN = "05158"
BKG_NOTE = "© GeoBasis-DE / BKG 2021 (Daten verändert)"


def _reason(served) -> str:
    """The suppression note the pages show: with the threshold the snapshot was built with (5 in the demo)."""
    [(threshold,)] = served.serving("select distinct suppression_threshold from indicators")
    assert threshold == 5  # the default; the dbt unit test of the mart indicators covers another value
    return suppressed_reason(threshold)


@pytest.fixture
def served(demo_pipeline, monkeypatch):
    monkeypatch.setenv("IM_DATA_DIR", str(demo_pipeline.data_dir))
    return demo_pipeline


@pytest.fixture
def with_boundaries(tmp_path, monkeypatch):
    """A boundaries folder as a user would fill it: BKG's Kreise and Gemeinden (copies made for this test)."""
    folder = tmp_path / "gebietsgrenzen"
    folder.mkdir()
    for name in ("nrw_kreise.geojson", "nrw_gemeinden.geojson"):
        shutil.copyfile(GEO_DIR / name, folder / name)
    monkeypatch.setenv("IM_BOUNDARIES_DIR", str(folder))
    return folder


@pytest.fixture
def without_boundaries(tmp_path, monkeypatch):
    folder = tmp_path / "leer"
    folder.mkdir()
    monkeypatch.setenv("IM_BOUNDARIES_DIR", str(folder))
    return folder


@pytest.fixture
def downloads(monkeypatch):
    """What the download buttons hand to Streamlit's media storage, by file name (AppTest runs no server to fetch
    them from). The storage itself stays real: this only records its inputs."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    recorded: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def recording(self, path_or_data, mimetype, kind, filename=None):
        recorded[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", recording)
    return recorded


def open_page(page: str, **params: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    for name, value in params.items():
        app.query_params[name] = value
    app.switch_page(f"views/{page}.py")
    app.run()
    assert not app.exception, [error.message for error in app.exception]
    return app


def query_param(app: AppTest, name: str) -> str:
    value = app.query_params[name]
    return value[0] if isinstance(value, list) else value


def map_svg_of(app: AppTest) -> ElementTree.Element | None:
    """The page's map (inline SVG in a Markdown element), parsed; None when the page draws none."""
    bodies = [element.value for element in app.markdown if 'class="im-map"' in element.value]
    if not bodies:
        return None
    assert len(bodies) == 1, "one map per page"
    return ElementTree.fromstring(bodies[0][bodies[0].index("<svg"):])


SVG = "{http://www.w3.org/2000/svg}"


def areas_of(svg: ElementTree.Element) -> dict[str, str]:
    """AGS -> hover text of every area of the map."""
    return {
        element.get("data-ags"): unescape(element.find(f"{SVG}title").text)
        for element in svg.iter() if element.get("class") == "area"
    }


def selected_of(svg: ElementTree.Element) -> list[str]:
    return [element.get("data-ags") for element in svg.iter() if element.get("class") == "selected"]


def gemeinden_of(demo_pipeline, kreis: str) -> set[str]:
    return {ags for (ags,) in demo_pipeline.serving(
        "select ags from districts where level = 'Gemeinde' and kreis_ags = ?", [kreis])}


def snapshot_rows(demo_pipeline, indicator_id: str, group_id: str, level: str, year: int) -> pd.DataFrame:
    rows = demo_pipeline.serving(
        "select v.ags, v.value, v.numerator, v.denominator, v.is_suppressed, c.rank_in_kreis, c.kreis_value, "
        "c.rank_nrw, c.nrw_value from indicator_values v join indicator_comparisons c "
        "using (indicator_id, ags, year, group_id) "
        "where v.indicator_id = ? and v.group_id = ? and v.level = ? and v.year = ?",
        [indicator_id, group_id, level, year],
    )
    columns = ["ags", "value", "numerator", "denominator", "is_suppressed", "rank_in_kreis", "kreis_value",
               "rank_nrw", "nrw_value"]
    return pd.DataFrame(rows, columns=columns).set_index("ags")


def signed(value: float) -> str:
    return map_pages.signed_number(value, 1)


def read_csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig",
                       dtype={"AGS": str, "Hinweis": str}, keep_default_na=False, na_values=[""])


# ---------------------------------------------------------------------------------------------------------------
# Gemeinden


def test_gemeinden_page_restores_the_url_and_shows_the_snapshot_with_suppressed_gemeinden_gesperrt(
    served, with_boundaries, downloads
):
    app = open_page("gemeinden", gebiet=OLPE, indikator="uebergang_gymnasium", gruppe="auslaendisch", jahr="2024")
    assert app.title[0].value == "Gemeinden"
    assert app.selectbox(key="gemeinden_kreis").value == OLPE
    assert app.selectbox(key="gemeinden_indikator").value == "uebergang_gymnasium"
    assert app.selectbox(key="gemeinden_gruppe").value == "auslaendisch"
    assert app.selectbox(key="gemeinden_jahr").value == 2024
    assert any("Demodaten (synthetisch)" in warning.value for warning in app.warning)

    expected = snapshot_rows(served, "uebergang_gymnasium", "auslaendisch", "Gemeinde", 2024)
    expected = expected[expected.index.str.startswith(OLPE)]
    suppressed = expected[expected["is_suppressed"]]
    assert len(suppressed) and len(expected) > len(suppressed)  # the demo data has both: the test can tell

    table = app.dataframe[0].value.set_index("AGS")
    assert set(table.index) == gemeinden_of(served, OLPE)
    assert list(table.columns) == ["Gemeinde", "Wert (%)", "Zähler", "Nenner", "Rang im Kreis",
                                   "Abstand zum Kreiswert (%-Pkt.)", "Hinweis"]
    for ags, row in expected.iterrows():
        shown = table.loc[ags]
        if row["is_suppressed"]:
            assert shown["Wert (%)"] == "gesperrt" and shown["Hinweis"] == _reason(served)
            assert shown["Zähler"] == shown["Rang im Kreis"] == "–"
        else:
            assert shown["Wert (%)"] == format_number(row["value"], 1)
            assert shown["Zähler"] == format_number(row["numerator"])
            assert shown["Nenner"] == format_number(row["denominator"])
            assert shown["Rang im Kreis"] == str(int(row["rank_in_kreis"]))
            assert shown["Abstand zum Kreiswert (%-Pkt.)"] == signed(row["value"] - row["kreis_value"])
    ranks = [int(rank) for rank in table["Rang im Kreis"] if rank != "–"]
    assert ranks == sorted(ranks) and ranks[0] == 1  # best first, the unranked last

    # The Kreis and NRW for reference, from the snapshot
    [(kreis_value,)] = served.serving(
        "select value from indicator_values where indicator_id = 'uebergang_gymnasium' and group_id = 'auslaendisch' "
        "and ags = ? and year = 2024", [OLPE])
    [(nrw_value,)] = served.serving(
        "select value from indicator_values where indicator_id = 'uebergang_gymnasium' and group_id = 'auslaendisch' "
        "and ags = '05' and year = 2024")
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Kreis Olpe"] == format_value(kreis_value, "%")
    assert metrics["Nordrhein-Westfalen"] == format_value(nrw_value, "%")
    assert metrics["Gemeinden mit Wert"] == f"{len(expected) - len(suppressed)} von {len(table)}"

    # The map: every Gemeinde of the Kreis, the hover says the value or why there is none
    areas = areas_of(map_svg_of(app))
    assert set(areas) == set(table.index)
    for ags, row in expected.iterrows():
        text = "gesperrt" if row["is_suppressed"] else format_value(row["value"], "%")
        assert areas[ags].endswith(f": {text} · Kreis Olpe: {format_value(kreis_value, '%')}")

    captions = " ".join(caption.value for caption in app.caption)
    assert BKG_NOTE in captions and "nrw_gemeinden.geojson" in captions
    assert f"**gesperrt:** {_reason(served)}" in captions
    assert "Schulauszug des Schulamts (Stand: " in captions and "**Lizenz:**" in captions

    # The download holds exactly the rows and columns shown, with the numbers of the snapshot
    csv = read_csv(downloads["gemeinden_05966_uebergang_gymnasium_auslaendisch_2024.csv"]).set_index("AGS")
    assert list(csv.index) == list(table.index) and list(csv.columns) == list(table.columns)
    for ags, row in expected.iterrows():
        if row["is_suppressed"]:
            assert pd.isna(csv.loc[ags, "Wert (%)"]) and csv.loc[ags, "Hinweis"] == _reason(served)
        else:
            assert csv.loc[ags, "Wert (%)"] == pytest.approx(row["value"])
            assert csv.loc[ags, "Zähler"] == row["numerator"]
            assert csv.loc[ags, "Rang im Kreis"] == row["rank_in_kreis"]
    assert [button.label for button in app.get("download_button")] == ["CSV herunterladen", "Excel herunterladen"]


def test_gemeinden_page_without_boundaries_shows_the_table_and_says_where_to_get_them(served, without_boundaries):
    app = open_page("gemeinden", gebiet=OLPE, indikator="mindestsicherungsquote")
    assert map_svg_of(app) is None
    assert "Keine Gebietsgrenzen für die Gemeinden" in app.info[0].value
    assert str(without_boundaries) in app.info[0].value
    help_text = " ".join(element.value for element in app.markdown)
    assert "gdz.bkg.bund.de" in help_text and "VG5000" in help_text and "VG250" in help_text
    table = app.dataframe[0].value
    assert set(table["AGS"]) == gemeinden_of(served, OLPE)
    year = app.selectbox(key="gemeinden_jahr").value
    expected = snapshot_rows(served, "mindestsicherungsquote", "insgesamt", "Gemeinde", year)
    shown = table.set_index("AGS")["Wert (%)"]
    assert all(shown[ags] == format_number(expected.loc[ags, "value"], 1) for ags in shown.index)
    assert BKG_NOTE not in " ".join(caption.value for caption in app.caption)


def test_gemeinden_page_for_a_kreisfreie_stadt_points_to_the_kreis_level(served, with_boundaries):
    app = open_page("gemeinden", gebiet="05111")
    assert "Düsseldorf ist eine kreisfreie Stadt" in app.info[0].value
    assert not app.dataframe and map_svg_of(app) is None
    links = {link.proto.page: link.proto.query_string for link in app.page_link}
    assert links["karte"] == "ebene=kreise&gebiet=05111"


def test_gemeinden_page_follows_a_new_kreis_and_hands_it_on_to_the_map_page(served, with_boundaries):
    app = open_page("gemeinden")  # defaults: Kreis Olpe, the first indicator with Gemeinde values
    app.selectbox(key="gemeinden_kreis").select(METTMANN).run()
    assert not app.exception
    assert query_param(app, "gebiet") == METTMANN
    indicator_id = app.selectbox(key="gemeinden_indikator").value
    year = app.selectbox(key="gemeinden_jahr").value
    table = app.dataframe[0].value.set_index("AGS")
    assert set(table.index) == gemeinden_of(served, METTMANN)
    assert set(areas_of(map_svg_of(app))) == set(table.index)
    expected = snapshot_rows(served, indicator_id, "insgesamt", "Gemeinde", year)
    value_column = next(column for column in table.columns if column.startswith("Wert"))
    for ags in table.index:
        if ags in expected.index and not expected.loc[ags, "is_suppressed"]:
            assert table.loc[ags, value_column] == format_number(expected.loc[ags, "value"],
                                                                 map_pages.value_decimals("%"))

    # The reader keeps Kreis and indicator on the map page
    app.switch_page("views/karte.py").run()
    assert not app.exception
    assert app.selectbox(key="karte_kreis").value == METTMANN
    assert app.selectbox(key="karte_indikator").value == indicator_id
    assert selected_of(map_svg_of(app)) == [METTMANN]


def test_a_ki_chosen_on_the_profile_becomes_its_kreis(served, with_boundaries):
    app = open_page("gemeinden", gebiet="KI05334002")  # the Stadt Aachen's own KI
    assert app.selectbox(key="gemeinden_kreis").value == "05334"
    assert query_param(app, "gebiet") == "05334"
    assert "05334002" in set(app.dataframe[0].value["AGS"])


# ---------------------------------------------------------------------------------------------------------------
# Karte


def test_karte_of_the_kreise_on_boundaries_ranks_the_snapshot_values(served, with_boundaries, downloads):
    app = open_page("karte", indikator="arbeitslosenquote", gruppe="insgesamt", jahr="2024", gebiet=OLPE,
                    ebene="kreise")
    assert app.radio(key="karte_ebene").options == ["Kreise und kreisfreie Städte"]  # BA publishes no Gemeinden
    assert any("Gemeinden: nicht verfügbar" in caption.value for caption in app.caption)

    expected = snapshot_rows(served, "arbeitslosenquote", "insgesamt", "Kreis", 2024)
    svg = map_svg_of(app)
    assert svg.get("data-level") == KREIS
    areas = areas_of(svg)
    assert set(areas) == set(expected.index) and len(areas) == 53
    nrw = expected["nrw_value"].iloc[0]
    olpe = format_value(expected.loc[OLPE, "value"], "%")
    assert areas[OLPE] == f"Kreis Olpe: {olpe} · NRW: {format_value(nrw, '%')}"
    assert selected_of(svg) == [OLPE]

    table = app.dataframe[0].value
    assert len(table) == 53 and list(table.columns) == ["Rang in NRW", "Gebiet", "AGS", "Wert (%)",
                                                        "Abstand zu NRW (%-Pkt.)", "Hinweis"]
    for row in table.itertuples(index=False):
        assert row[0] == str(int(expected.loc[row.AGS, "rank_nrw"]))
        assert row[3] == format_number(expected.loc[row.AGS, "value"], 1)
        assert row[4] == signed(expected.loc[row.AGS, "value"] - nrw)
    assert [int(rank) for rank in table["Rang in NRW"]] == sorted(int(rank) for rank in table["Rang in NRW"])

    metrics = {metric.label: metric for metric in app.metric}
    assert metrics["Nordrhein-Westfalen"].value == format_value(nrw, "%")
    assert metrics["Kreis Olpe"].value == format_value(expected.loc[OLPE, "value"], "%")
    assert metrics["Kreis Olpe"].proto.delta == f"Rang {int(expected.loc[OLPE, 'rank_nrw'])} von 53 Kreisen"

    captions = " ".join(caption.value for caption in app.caption)
    assert BKG_NOTE in captions and "nrw_kreise.geojson" in captions
    assert "Tabelle 13211-02-05-4 (Stand: " in captions and "dl-de/by-2-0" in captions

    csv = read_csv(downloads["karte_kreise_arbeitslosenquote_insgesamt_2024.csv"])
    assert list(csv["AGS"]) == list(table["AGS"]) and list(csv.columns) == list(table.columns)
    assert list(csv["Wert (%)"]) == pytest.approx(list(expected.loc[csv["AGS"], "value"]))
    assert list(csv["Rang in NRW"]) == list(expected.loc[csv["AGS"], "rank_nrw"])


def test_karte_of_all_gemeinden_with_kreisfreie_staedte_and_suppressed_values(served, with_boundaries, downloads):
    app = open_page("karte", indikator="uebergang_gymnasium", gruppe="auslaendisch", jahr="2024", gebiet=OLPE,
                    ebene="gemeinden")
    assert app.radio(key="karte_ebene").value == "gemeinden"
    svg = map_svg_of(app)
    assert svg.get("data-level") == GEMEINDE
    areas = areas_of(svg)
    all_gemeinden = {ags for (ags,) in served.serving("select ags from districts where level = 'Gemeinde'")}
    assert set(areas) == all_gemeinden
    assert selected_of(svg) == [OLPE]  # the outline of the Kreis around its Gemeinden

    expected = snapshot_rows(served, "uebergang_gymnasium", "auslaendisch", "Gemeinde", 2024)
    kreise = snapshot_rows(served, "uebergang_gymnasium", "auslaendisch", "Kreis", 2024)
    table = app.dataframe[0].value.set_index("AGS")
    assert set(table.index) == all_gemeinden
    suppressed = expected[expected["is_suppressed"]].index
    assert len(suppressed) and (table.loc[suppressed, "Wert (%)"] == "gesperrt").all()
    assert (table.loc[suppressed, "Hinweis"] == _reason(served)).all()
    ranked = expected[expected["rank_nrw"].notna()]
    assert (table.loc[ranked.index, "Rang in NRW"] == [str(int(rank)) for rank in ranked["rank_nrw"]]).all()
    # Düsseldorf is a kreisfreie Stadt: on the Gemeinde map with the city's value, without a Gemeinde rank
    assert "05111000" not in expected.index
    assert table.loc["05111000", "Wert (%)"] == format_number(kreise.loc["05111", "value"], 1)
    assert table.loc["05111000", "Rang in NRW"] == "–"
    assert table.loc["05111000", "Hinweis"] == map_pages.KREISFREIE_STADT_NOTE
    assert areas["05111000"].startswith(f"Düsseldorf: {format_value(kreise.loc['05111', 'value'], '%')}")

    csv = read_csv(downloads["karte_gemeinden_uebergang_gymnasium_auslaendisch_2024.csv"]).set_index("AGS")
    assert len(csv) == len(all_gemeinden) and csv.loc[suppressed, "Wert (%)"].isna().all()

    # Back to the Kreise: the URL follows
    app.radio(key="karte_ebene").set_value("kreise").run()
    assert not app.exception
    assert query_param(app, "ebene") == "kreise"
    assert len(areas_of(map_svg_of(app))) == 53


def test_karte_without_boundaries_draws_the_tile_map_and_offers_no_gemeinden(served, without_boundaries):
    app = open_page("karte", indikator="mindestsicherungsquote", ebene="gemeinden", gebiet=OLPE)
    assert app.radio(key="karte_ebene").options == ["Kreise und kreisfreie Städte"]
    assert query_param(app, "ebene") == "kreise"
    assert "Kachelraster" in app.info[0].value
    assert any(caption.value.startswith("Gemeinden: nicht verfügbar – Keine Gebietsgrenzen für die Gemeinden")
               for caption in app.caption)
    svg = map_svg_of(app)
    assert svg.get("data-level") == "Kachel" and len(areas_of(svg)) == 53 and selected_of(svg) == [OLPE]
    captions = " ".join(caption.value for caption in app.caption)
    assert "Schematische Kachelkarte in eigener Anordnung" in captions
    assert "(Daten verändert)" not in captions
    assert len(app.dataframe[0].value) == 53


def test_karte_tells_values_the_source_withholds_from_our_own_suppression(served, without_boundaries):
    # BA did not publish the foreigners' unemployment rate per Kreis for 2017 (symbol '.'): not our suppression.
    [(withheld, ours)] = served.serving(
        "select count(*) filter (where flag = '.' and not is_suppressed), count(*) filter (where is_suppressed) "
        "from indicator_values where indicator_id = 'arbeitslosenquote' and group_id = 'auslaendisch' "
        "and year = 2017 and level = 'Kreis'")
    assert withheld == 53 and ours == 0
    app = open_page("karte", indikator="arbeitslosenquote", gruppe="auslaendisch", jahr="2017", gebiet=OLPE)
    table = app.dataframe[0].value
    assert (table["Wert (%)"] == "gesperrt").all()
    assert (table["Hinweis"] == map_pages.SOURCE_WITHHELD_NOTES["."]).all()
    captions = [caption.value for caption in app.caption]
    assert f"**gesperrt:** {map_pages.SOURCE_WITHHELD_NOTES['.']}" in captions
    assert not any(_reason(served) in caption for caption in captions)
    assert {metric.label: metric.value for metric in app.metric}["Kreis Olpe"] == "gesperrt"


def test_karte_follows_a_new_indicator(served, with_boundaries):
    app = open_page("karte", indikator="arbeitslosenquote", gruppe="auslaendisch", gebiet=OLPE)
    app.selectbox(key="karte_indikator").select("einbuergerungsquote").run()
    assert not app.exception
    assert query_param(app, "indikator") == "einbuergerungsquote"
    assert app.selectbox(key="karte_gruppe").value == "insgesamt"  # 'ausländisch' does not exist for it
    assert app.subheader[0].value.startswith("Einbürgerungsquote")
    year = app.selectbox(key="karte_jahr").value
    [(latest,)] = served.serving(
        "select max(year) from indicator_values where indicator_id = 'einbuergerungsquote' and level = 'Kreis'")
    assert year == latest
    expected = snapshot_rows(served, "einbuergerungsquote", "insgesamt", "Kreis", year)
    table = app.dataframe[0].value.set_index("AGS")
    assert table.loc[OLPE, "Wert (%)"] == format_number(expected.loc[OLPE, "value"], 1)


# ---------------------------------------------------------------------------------------------------------------
# The functions behind the pages


def test_kreis_of_unit(served):
    from dashboard import serving

    districts = serving.districts()
    assert map_pages.kreis_of_unit(OLPE, districts) == OLPE
    assert map_pages.kreis_of_unit("05966004", districts) == OLPE
    assert map_pages.kreis_of_unit("KI05334002", districts) == "05334"
    assert map_pages.kreis_of_unit("KI05334", districts) == "05334"
    assert map_pages.kreis_of_unit("05", districts) is None
    assert map_pages.kreis_of_unit("99999", districts) is None


def test_indicator_choices_follow_the_bildungskette(served):
    from dashboard import serving
    from dashboard.labels import stage_rank
    from dashboard.selections import indicator_options

    catalogue = serving.indicators()
    ordered = indicator_options(catalogue)["indicator_id"].tolist()
    stages = catalogue.set_index("indicator_id").loc[ordered, "stage"].map(stage_rank).tolist()
    assert stages == sorted(stages) and set(ordered) == set(catalogue["indicator_id"])
    gemeinde_level = indicator_options(map_pages.gemeinde_indicators(catalogue))["indicator_id"].tolist()
    assert set(gemeinde_level) == set(catalogue.loc[catalogue["lowest_level"] == "Gemeinde", "indicator_id"])
    assert "arbeitslosenquote" not in gemeinde_level


def test_svg_maps_colour_grey_and_outline(served):
    from dashboard import serving

    values = serving.indicator_values("uebergang_gymnasium", "auslaendisch")
    districts = serving.districts()
    frame = maps.map_frame(values, districts, 2024, level=GEMEINDE, kreis_ags=OLPE, group_id="auslaendisch")
    assert frame["status"].notna().any() and frame["status"].isna().any()
    boundaries = load_boundaries(GEMEINDE, GEO_DIR).boundaries
    shown = frame.loc[frame["status"].isna(), "value"]
    reference = (shown.min() + shown.max()) / 2  # a reference inside the values: both ends of the scale in use
    svg = ElementTree.fromstring(map_svg.choropleth_svg(frame, boundaries, unit="%", direction="higher_is_better",
                                                        reference=reference, selected_ags=OLPE).split("</style>")[1])
    fills = {element.get("data-ags"): element.get("fill") for element in svg.iter() if element.get("class") == "area"}
    assert set(fills) == set(frame["ags"])
    missing = set(frame.loc[frame["status"].notna(), "ags"])
    assert {fills[ags] for ags in missing} == {maps.COLOUR_MISSING}
    assert maps.COLOUR_MISSING not in {fills[ags] for ags in set(fills) - missing}
    # Higher is better on RdBu: the highest value is the bluest, the lowest the reddest.
    with_value = frame[frame["status"].isna()].sort_values("value")

    def rgb(ags):
        return [int(part) for part in re.findall(r"\d+", fills[ags])]

    lowest, highest = rgb(with_value["ags"].iloc[0]), rgb(with_value["ags"].iloc[-1])
    assert highest[2] > highest[0] and lowest[0] > lowest[2]
    assert selected_of(svg) == [OLPE]
    assert BKG_NOTE in "".join(svg.itertext())

    # The tile map: 53 squares with the vehicle registration code
    kreise = maps.map_frame(values, districts, 2024, group_id="auslaendisch")
    tiles = ElementTree.fromstring(map_svg.tile_map_svg(kreise, unit="%").split("</style>")[1])
    labels = {element.get("data-ags"): element.find(f"{SVG}text").text
              for element in tiles.iter() if element.get("class") == "area"}
    assert len(labels) == 53 and labels[OLPE] == "OE"
    assert "Daten verändert" not in "".join(tiles.itertext())


def test_display_table_matches_the_download_cell_for_cell(served):
    from dashboard import serving

    districts = serving.districts()
    comparisons = serving.comparisons("uebergang_gymnasium", "auslaendisch", "Gemeinde")
    rows = map_pages.gemeinde_rows(comparisons, districts, OLPE, 2024)
    table = map_pages.gemeinde_table(rows, "%")
    shown = map_pages.display_table(table, rows["status"], "%")
    assert list(shown.columns) == list(table.columns) and list(shown["AGS"]) == list(table["AGS"])
    for (_, number), (_, text), status in zip(table.iterrows(), shown.iterrows(), rows["status"]):
        if isinstance(status, str):
            assert text["Wert (%)"] == status
        else:
            assert text["Wert (%)"] == format_number(number["Wert (%)"], 1)
            assert text["Rang im Kreis"] == str(number["Rang im Kreis"])
