"""The pages "Gemeinden" and "Karte" as a person sees them: the running dashboard in Debian's Chromium, driven by
Playwright, on the demo snapshot; once with a boundaries folder (copies of the shared BKG GeoJSON files) and once
without (tile map). Screenshots land in test-artifacts/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from dashboard.formatting import format_value
from tests.conftest import ARTIFACTS, SHARED_DIR, settle, start_dashboard, stop_dashboard

pytestmark = pytest.mark.browser

GEO_DIR = SHARED_DIR / "reference" / "geo"
OLPE = "05966"
METTMANN = "05158"
AREAS = "svg.im-map .area"
RUNNING = '[data-testid="stStatusWidget"]'


@pytest.fixture(scope="module")
def dashboard_with_boundaries(demo_pipeline, tmp_path_factory):
    folder = tmp_path_factory.mktemp("gebietsgrenzen")
    for name in ("nrw_kreise.geojson", "nrw_gemeinden.geojson"):
        shutil.copyfile(GEO_DIR / name, folder / name)
    process, url = start_dashboard({**demo_pipeline.env(), "IM_BOUNDARIES_DIR": str(folder)},
                                   tmp_path_factory.mktemp("log") / "streamlit.log")
    yield url
    stop_dashboard(process)


@pytest.fixture(scope="module")
def dashboard_without_boundaries(demo_pipeline, tmp_path_factory):
    folder = tmp_path_factory.mktemp("keine_gebietsgrenzen")
    process, url = start_dashboard({**demo_pipeline.env(), "IM_BOUNDARIES_DIR": str(folder)},
                                   tmp_path_factory.mktemp("log") / "streamlit.log")
    yield url
    stop_dashboard(process)


def _new_page(browser):
    return browser.new_page(viewport={"width": 1400, "height": 1000}, locale="de-DE", accept_downloads=True)


def _wait_for_areas(page, count: int, prefix: str = "") -> None:
    page.wait_for_function(
        f"() => {{ const areas = [...document.querySelectorAll({AREAS!r})];"
        f" return areas.length === {count} && areas.every(a => a.dataset.ags.startsWith({prefix!r})); }}",
        timeout=30000,
    )
    page.wait_for_selector(RUNNING, state="detached", timeout=30000)


def _area_title(page, ags: str) -> str:
    return page.locator(f'{AREAS}[data-ags="{ags}"] > title').text_content()


def _metric(page, label: str) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return metric.locator('[data-testid="stMetricValue"]').inner_text()


def _download_csv(page, tmp_path: Path) -> pd.DataFrame:
    # the run that follows a changed selection must have finished: until then the page still shows the button of
    # the previous run (with the previous data) beside or instead of the new one
    settle(page)
    with page.expect_download(timeout=30000) as download:
        page.get_by_role("button", name="CSV herunterladen").click()
    target = tmp_path / download.value.suggested_filename
    download.value.save_as(target)
    return pd.read_csv(target, sep=";", decimal=",", encoding="utf-8-sig", dtype={"AGS": str, "Hinweis": str},
                       keep_default_na=False, na_values=[""])


def _screenshot(page, name: str) -> None:
    """The whole page: Streamlit scrolls inside its main area, so the window grows to its height first."""
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": int(height) + 40})
    page.wait_for_timeout(300)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def _snapshot(demo_pipeline, sql: str, params: list) -> pd.DataFrame:
    connection_rows = demo_pipeline.serving(sql, params)
    return pd.DataFrame(connection_rows, columns=["ags", "name", "value", "is_suppressed"]).set_index("ags")


GEMEINDE_VALUES = (
    "select v.ags, d.display_name, v.value, v.is_suppressed from indicator_values v join districts d using (ags) "
    "where v.indicator_id = ? and v.group_id = ? and v.year = ? and v.level = 'Gemeinde' and d.kreis_ags = ?"
)


def test_gemeinden_page_pick_a_kreis_see_its_map_and_download_the_table(
    dashboard_with_boundaries, browser, demo_pipeline, tmp_path
):
    page = _new_page(browser)
    page.goto(f"{dashboard_with_boundaries}/gemeinden?gebiet={OLPE}&indikator=uebergang_gymnasium"
              "&gruppe=auslaendisch&jahr=2024")
    page.get_by_role("heading", name="Gemeinden", exact=True).wait_for(timeout=30000)
    olpe = _snapshot(demo_pipeline, GEMEINDE_VALUES, ["uebergang_gymnasium", "auslaendisch", 2024, OLPE])
    _wait_for_areas(page, len(olpe), OLPE)
    page.get_by_text("Demodaten (synthetisch)").first.wait_for()
    suppressed = olpe[olpe["is_suppressed"]].index[0]
    assert ": gesperrt · Kreis Olpe: " in _area_title(page, suppressed)

    # Another Kreis
    page.get_by_role("combobox").first.click()
    page.keyboard.type("Mettmann")
    page.keyboard.press("Enter")
    mettmann = _snapshot(demo_pipeline, GEMEINDE_VALUES, ["uebergang_gymnasium", "auslaendisch", 2024, METTMANN])
    _wait_for_areas(page, len(mettmann), METTMANN)
    assert f"gebiet={METTMANN}" in page.url
    shown = mettmann[~mettmann["is_suppressed"]].iloc[0]
    assert _area_title(page, shown.name).startswith(f"{shown['name']}: {format_value(shown['value'], '%')} · ")
    [(kreis_value,)] = demo_pipeline.serving(
        "select value from indicator_values where indicator_id = 'uebergang_gymnasium' and group_id = 'auslaendisch' "
        "and year = 2024 and ags = ?", [METTMANN])
    assert _metric(page, "Kreis Mettmann") == format_value(kreis_value, "%")
    page.get_by_text("© GeoBasis-DE / BKG 2021 (Daten verändert)").first.wait_for()

    table = _download_csv(page, tmp_path).set_index("AGS")
    assert set(table.index) == set(mettmann.index)
    for ags, row in mettmann.iterrows():
        if row["is_suppressed"]:
            assert pd.isna(table.loc[ags, "Wert (%)"]) and table.loc[ags, "Hinweis"].startswith("Gesperrt")
        else:
            assert table.loc[ags, "Wert (%)"] == pytest.approx(row["value"])

    _screenshot(page, "gemeinden_mettmann.png")
    page.close()


def test_karte_switch_to_all_gemeinden_and_download_the_ranking(
    dashboard_with_boundaries, browser, demo_pipeline, tmp_path
):
    page = _new_page(browser)
    page.goto(f"{dashboard_with_boundaries}/karte?indikator=mindestsicherungsquote&gebiet={OLPE}&ebene=kreise"
              "&jahr=2024")
    page.get_by_role("heading", name="Karte", exact=True).wait_for(timeout=30000)
    _wait_for_areas(page, 53)
    assert page.locator(f'svg.im-map .selected[data-ags="{OLPE}"]').count() == 1
    [(nrw,)] = demo_pipeline.serving(
        "select value from indicator_values where indicator_id = 'mindestsicherungsquote' and group_id = 'insgesamt' "
        "and year = 2024 and ags = '05'")
    assert _metric(page, "Nordrhein-Westfalen") == format_value(nrw, "%")

    page.get_by_role("radiogroup").get_by_text("Gemeinden", exact=True).click()
    [(gemeinden,)] = demo_pipeline.serving("select count(*) from districts where level = 'Gemeinde'")
    _wait_for_areas(page, gemeinden)
    assert "ebene=gemeinden" in page.url
    [(value,)] = demo_pipeline.serving(
        "select value from indicator_values where indicator_id = 'mindestsicherungsquote' and group_id = 'insgesamt' "
        "and year = 2024 and ags = '05966004'")
    assert _area_title(page, "05966004") == f"Attendorn: {format_value(value, '%')} · NRW: {format_value(nrw, '%')}"

    table = _download_csv(page, tmp_path)
    assert len(table) == gemeinden
    expected = dict(demo_pipeline.serving(
        "select ags, value from indicator_values where indicator_id = 'mindestsicherungsquote' "
        "and group_id = 'insgesamt' and year = 2024 and level = 'Gemeinde'"))
    with_value = table[table["AGS"].map(lambda ags: expected.get(ags) is not None)]
    assert len(with_value) > 300
    assert list(with_value["Wert (%)"]) == pytest.approx([expected[ags] for ags in with_value["AGS"]])
    without = table[table["AGS"].map(lambda ags: ags in expected and expected[ags] is None)]
    assert without["Wert (%)"].isna().all()
    ranks = table["Rang in NRW"].dropna()
    assert ranks.is_monotonic_increasing and ranks.iloc[0] == 1  # lower is better: rank 1 (lowest) first

    _screenshot(page, "karte_gemeinden.png")
    page.close()


def test_karte_without_boundaries_shows_the_tile_map(dashboard_without_boundaries, browser, demo_pipeline):
    page = _new_page(browser)
    page.goto(f"{dashboard_without_boundaries}/karte?indikator=arbeitslosenquote&gebiet={OLPE}")
    page.get_by_role("heading", name="Karte", exact=True).wait_for(timeout=30000)
    _wait_for_areas(page, 53)
    assert page.locator("svg.im-map").get_attribute("data-level") == "Kachel"
    page.get_by_text("Schematische Kachelkarte in eigener Anordnung").first.wait_for()
    page.get_by_text("Keine Gebietsgrenzen für die Kreise").first.wait_for()
    year, value = demo_pipeline.serving(
        "select year, value from indicator_values where indicator_id = 'arbeitslosenquote' and group_id = 'insgesamt' "
        "and ags = ? and value is not null order by year desc limit 1", [OLPE])[0]
    assert _area_title(page, OLPE).startswith(f"Kreis Olpe: {format_value(value, '%')}")
    assert _metric(page, "Kreis Olpe") == format_value(value, "%")
    _screenshot(page, "karte_kacheln.png")
    page.close()

