"""The dashboard on the served demo data: the data behind each chart, and the page through Streamlit's AppTest."""

from __future__ import annotations

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import charts
from dashboard.formatting import format_percent
from tests.conftest import PROJECT_ROOT

APP = str(PROJECT_ROOT / "dashboard" / "app.py")


@pytest.fixture
def served(demo_pipeline, monkeypatch):
    monkeypatch.setenv("IM_DATA_DIR", str(demo_pipeline.data_dir))
    connection = duckdb.connect(str(demo_pipeline.serving_path), read_only=True)
    values = connection.execute("select * from indicator_values where indicator_id = 'auslaenderanteil'").df()
    districts = connection.execute("select * from districts").df()
    connection.close()
    return values, districts


def test_trend_frame_holds_kreis_rb_and_nrw(served):
    values, districts = served
    frame = charts.trend_frame(values, districts, "05966")  # Olpe, in RB Arnsberg
    assert set(frame["ags"]) == {"05966", "059", "05"}
    assert frame.groupby("role").size().to_dict() == {"Auswahl": 13, "NRW": 13, "Regierungsbezirk": 13}
    olpe_2024 = values[(values["ags"] == "05966") & (values["year"] == 2024)]["value"].item()
    assert frame[(frame["role"] == "Auswahl") & (frame["year"] == 2024)]["value"].item() == olpe_2024


def test_ranking_frame_ranks_all_53_kreise(served):
    values, districts = served
    frame = charts.ranking_frame(values, districts, 2024)
    assert len(frame) == 53 and frame["rank"].tolist() == list(range(1, 54))
    assert frame["value"].is_monotonic_decreasing
    kreise_2024 = values[(values["year"] == 2024) & values["ags"].str.len().eq(5)]
    assert frame.iloc[0]["value"] == kreise_2024["value"].max()
    figure = charts.ranking_figure(frame, "05966", "%")
    colours = dict(zip(frame["ags"], figure.data[0].marker.color))
    assert colours["05966"] == charts.COLOUR_SELECTED
    assert sum(colour == charts.COLOUR_SELECTED for colour in colours.values()) == 1


def test_app_shows_the_chosen_kreis_with_values_from_the_snapshot(served):
    values, _ = served
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception
    assert app.title[0].value == "Integrationsmonitor NRW"
    assert any("Demodaten (synthetisch)" in warning.value for warning in app.warning)
    kreis_box = app.selectbox[0]
    assert len(kreis_box.options) == 53

    kreis_box.select("05513").run()  # Gelsenkirchen
    app.selectbox[1].select(2020).run()
    assert not app.exception
    assert any("Gelsenkirchen" in header.value for header in app.header)
    expected = values[(values["ags"] == "05513") & (values["year"] == 2020)]["value"].item()
    assert app.metric[0].value == format_percent(expected)
    nrw = values[(values["ags"] == "05") & (values["year"] == 2020)]["value"].item()
    assert app.metric[1].value == format_percent(nrw)
    assert app.query_params["kreis"] == ["05513"] or app.query_params["kreis"] == "05513"
    captions = " ".join(caption.value for caption in app.caption)
    assert "12521-03i" in captions and "Stand:" in captions and "dl-de/by-2-0" in captions


def test_app_restores_the_selection_from_the_url(served):
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["kreis"] = "05966"
    app.query_params["jahr"] = "2016"
    app.run()
    assert not app.exception
    assert app.selectbox[0].value == "05966"
    assert app.selectbox[1].value == 2016


def test_app_without_snapshot_explains_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("IM_DATA_DIR", str(tmp_path))
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception
    assert "make pipeline" in app.info[0].value


def test_data_page_shows_loaded_files_checks_and_templates(served, demo_pipeline):
    app = AppTest.from_file(APP, default_timeout=60).run()
    app.switch_page("views/daten.py").run()
    assert not app.exception
    assert app.title[0].value == "Daten & Qualität"
    [files_count] = demo_pipeline.serving("select count(*) from source_files")
    assert app.metric[0].value == f"{files_count[0]:,}".replace(",", ".")
    loaded = app.dataframe[0].value
    assert len(loaded) == files_count[0]
    assert set(loaded["Status"]) <= {"aktuell", "aktuell (Revision einer älteren Fassung)", "ersetzt durch eine neuere Fassung"}
    assert any("Keine Datei wurde abgelehnt" in s.value for s in app.success)
    checks = app.dataframe[1].value
    assert (checks["Regeln"] == checks["erfüllt"]).all()
    labels = [button.label for button in app.get("download_button")]
    assert labels.count("Excel-Vorlage") == 3 and "Prüfbericht (HTML, als ZIP) herunterladen" in labels
