"""The dashboard on the served demo data: the data behind each chart, and the page through Streamlit's AppTest."""

from __future__ import annotations

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.common import BILDUNGSKETTE
from dashboard.formatting import format_value
from tests.conftest import PASSWORDS, PROJECT_ROOT, sign_in

APP = str(PROJECT_ROOT / "dashboard" / "app.py")


@pytest.fixture
def served(demo_pipeline, monkeypatch):
    monkeypatch.setenv("IM_DATA_DIR", str(demo_pipeline.data_dir))
    connection = duckdb.connect(str(demo_pipeline.serving_path), read_only=True)
    values = connection.execute("select * from indicator_values where indicator_id = 'auslaenderanteil'").df()
    districts = connection.execute("select * from districts").df()
    connection.close()
    return values, districts


def _latest(demo_pipeline, indicator_id: str, ags: str):
    return demo_pipeline.serving(
        "select v.year, v.value, v.is_suppressed, c.nrw_value from indicator_values v "
        "join indicator_comparisons c using (indicator_id, ags, year, group_id) "
        "where v.indicator_id = ? and v.ags = ? and v.group_id = 'insgesamt' and (v.value is not null or v.is_suppressed) "
        "order by v.year desc limit 1", [indicator_id, ags],
    )[0]


def test_profile_shows_every_indicator_of_the_chosen_kreis_with_values_from_the_snapshot(served, demo_pipeline):
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception
    assert app.title[0].value == "Kreisprofil"
    assert any("Demodaten (synthetisch)" in warning.value for warning in app.warning)
    unit_box = app.selectbox(key="profile_unit")
    assert len(unit_box.options) == 53 + 54  # Kreise and kreisfreie Städte, and the KIs

    unit_box.select("05513").run()  # Gelsenkirchen
    assert not app.exception
    assert any("Gelsenkirchen" in header.value for header in app.header)
    assert [s.value for s in app.subheader][:5] == list(BILDUNGSKETTE)
    metrics = {metric.label: metric.value for metric in app.metric}
    catalogue = dict(demo_pipeline.serving("select indicator_id, name_de from indicators"))
    units = dict(demo_pipeline.serving("select indicator_id, unit from indicators"))
    for indicator_id in ("auslaenderanteil", "arbeitslosenquote", "uebergang_gymnasium", "seiteneinsteiger"):
        year, value, is_suppressed, nrw = _latest(demo_pipeline, indicator_id, "05513")
        shown = "gesperrt" if is_suppressed else format_value(value, units[indicator_id])
        assert metrics[catalogue[indicator_id]] == shown, indicator_id
    captions = " ".join(caption.value for caption in app.caption)
    year, value, _, nrw = _latest(demo_pipeline, "auslaenderanteil", "05513")
    assert f"NRW {format_value(nrw, '%')}" in captions
    # the headline Ausländeranteil rests on the Fortschreibung alone (IT.NRW: no AZR over Fortschreibung): its
    # tile is the first of the profile, its source the first "Quelle:" caption (the Einbürgerungsquote's later one
    # names the AZR table 12521-03i as its denominator)
    headline_source = next(caption.value for caption in app.caption if caption.value.startswith("Quelle:"))
    assert "12411-03-03-4" in headline_source and "12521-03i" not in headline_source
    assert "dl-de/by-2-0" in captions and "Stand" in captions
    assert app.query_params["gebiet"] in (["05513"], "05513")
    badges = [element.proto.label for element in app.get("badge")] if app.get("badge") else []
    labels = " ".join(badges) or " ".join(m.value for m in app.markdown)
    assert "als NRW" in labels


def test_profile_of_the_ki_staedteregion_aachen_shows_only_exact_values(served, demo_pipeline):
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["gebiet"] = "KI05334"
    app.run()
    assert not app.exception
    assert "ohne die Stadt Aachen" in app.info[0].value
    names = dict(demo_pipeline.serving("select name_de, is_kreis_extract from indicators"))
    shown = [metric.label for metric in app.metric]
    assert shown and all(names[label] for label in shown)  # only Kreis-held extracts can be split exactly


def test_profile_table_and_suppressed_tiles(served, demo_pipeline):
    import pandas as pd

    from dashboard import profile_data, series_breaks

    connection = duckdb.connect(str(demo_pipeline.serving_path), read_only=True)
    profile = connection.execute(
        "select v.*, c.* exclude (indicator_id, ags, level, year, group_id, unit, value) from indicator_values v "
        "left join indicator_comparisons c using (indicator_id, ags, year, group_id) where v.ags = '05966'"
    ).df()
    catalogue = connection.execute("select * from indicators").df()
    gaps = connection.execute("select * from indicator_group_gaps where ags = '05966'").df()
    breaks = series_breaks.from_frame(connection.execute("select * from series_breaks").df())
    connection.close()
    tiles = profile_data.tiles(profile, catalogue, gaps)
    # the profile shows the headline Ausländeranteil (Fortschreibung), not the AZR one beside it
    shown = {tile.indicator_id for tile in tiles}
    assert "auslaenderanteil" in shown and "auslaenderanteil_azr" not in shown
    assert (profile["indicator_id"] == "auslaenderanteil_azr").any()  # it is served, only not as a tile
    assert "Ausländeranteil laut Ausländerzentralregister" not in profile_data.missing_indicators(tiles, catalogue)
    for tile in tiles:
        rows = profile[(profile["indicator_id"] == tile.indicator_id) & (profile["group_id"] == "insgesamt")
                       & (profile["year"] == tile.year)]
        row = rows.iloc[0]
        assert tile.is_suppressed == bool(row["is_suppressed"])
        assert tile.value is None if tile.is_suppressed else tile.value == pytest.approx(row["value"])
        if tile.verdict in ("besser", "schlechter"):
            higher = tile.value > tile.nrw_value
            direction = catalogue.set_index("indicator_id").loc[tile.indicator_id, "direction"]
            assert (tile.verdict == "besser") == (higher == (direction == "higher_is_better"))
    table = profile_data.profile_table(profile, catalogue, breaks)
    assert {"Indikator", "Wert", "Quelle Zähler", "Stand Zähler", "Gesperrt"} <= set(table.columns)
    # the profile's download names the breaks from the served table at the year they happen
    zensus = next(b for b in breaks if b.key == "zensus_2022" and b.indicator_id == "auslaenderanteil")
    at_break = table[(table["Indikator"] == "Ausländeranteil") & (table["Berichtsjahr"] == 2022)]
    assert len(at_break) and (at_break[series_breaks.BREAK_COLUMN] == zensus.text_de).all()
    assert not table.loc[table["Berichtsjahr"] == 2021, series_breaks.BREAK_COLUMN].str.contains("Zensus").any()
    suppressed = table[table["Gesperrt"] == "ja"]
    assert len(suppressed) and suppressed["Wert"].isna().all() and suppressed["Zähler"].isna().all()
    assert isinstance(table, pd.DataFrame) and len(table) == len(profile)


def test_app_restores_the_selection_from_the_url(served):
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["gebiet"] = "05966"
    app.run()
    assert not app.exception
    assert app.selectbox(key="profile_unit").value == "05966"


def test_app_without_snapshot_explains_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("IM_DATA_DIR", str(tmp_path))
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception
    assert "make pipeline" in app.info[0].value


def test_data_page_shows_loaded_files_checks_and_templates(served, demo_pipeline, user_file):
    app = AppTest.from_file(APP, default_timeout=60).run()
    sign_in(app, "laki", PASSWORDS["laki"])  # an internal page: the Koordinierungsstelle signs in first
    app.switch_page("views/daten.py").run()
    assert not app.exception
    assert app.title[0].value == "Daten & Qualität"
    [files_count] = demo_pipeline.serving("select count(*) from source_files")
    assert app.metric[0].value == f"{files_count[0]:,}".replace(",", ".")
    loaded = app.dataframe[0].value
    assert len(loaded) == files_count[0]
    assert set(loaded["Status"]) <= {"aktuell", "aktuell (Revision einer älteren Fassung)", "ersetzt durch eine neuere Fassung"}
    assert any("Keine Datei wurde abgelehnt" in s.value for s in app.success)
    runs = app.dataframe[1].value
    # the demo pipeline's own run, read from Dagster's run storage
    assert runs.iloc[0]["Status"] == "erfolgreich" and runs.iloc[0]["Job"] == "transform_job" and runs.iloc[0]["Dauer"].endswith(" s")
    checks = app.dataframe[2].value
    assert (checks["Regeln"] == checks["erfüllt"]).all()
    labels = [button.label for button in app.get("download_button")]
    assert labels.count("Excel-Vorlage") == 3 and "Prüfbericht (HTML, als ZIP) herunterladen" in labels
