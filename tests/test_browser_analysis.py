"""What a person sees on the pages Zeitreihen, Vergleich and Steckbriefe: the running dashboard in Debian's
Chromium, driven by Playwright. Each test changes a selection, reads a figure on the screen, downloads the CSV and
compares both with the demo snapshot, and saves a screenshot of the whole page."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from dashboard.formatting import format_value
from tests.conftest import choose, download_csv, full_page_screenshot

pytestmark = pytest.mark.browser

def _page(browser, url: str):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="de-DE", accept_downloads=True)
    page.goto(url, wait_until="networkidle")
    return page


def _wait_for_param(page, text: str) -> None:
    page.wait_for_function(f"decodeURIComponent(location.search).includes({text!r})", timeout=30000)


def test_zeitreihen_add_a_kreis_read_its_point_and_download_the_lines(dashboard_url, browser, demo_pipeline):
    page = _page(browser, f"{dashboard_url}/zeitreihen?indikator=auslaenderanteil&gebiete=05966,05")
    page.get_by_role("heading", name="Ausländeranteil (insgesamt)").wait_for(timeout=30000)
    page.get_by_text("Demodaten (synthetisch)").first.wait_for()

    choose(page, "Gebiete", "Gelsenkirchen")
    page.keyboard.press("Escape")
    _wait_for_param(page, "gebiete=05966,05,05513")
    line = page.locator('svg.im-lines g.series[data-ags="05513"]')
    line.wait_for(timeout=30000)
    assert page.locator(".im-legend span[data-ags='05513']").text_content() == "Gelsenkirchen"

    [(year, value)] = demo_pipeline.serving(
        "select year, value from indicator_values where indicator_id = 'auslaenderanteil' and group_id = 'insgesamt' "
        "and ags = '05513' order by year desc limit 1")
    # the point of the latest year: drawn, and on hover the browser shows its title with the German value
    point = line.locator(f'g.point[data-year="{year}"]')
    point.scroll_into_view_if_needed()
    assert point.bounding_box()["width"] > 4
    point.hover()
    assert point.locator("title").text_content() == f"Gelsenkirchen, {year}: {format_value(value, '%')}"
    assert page.locator("svg.im-lines text.break-label").all_text_contents() == ["Zensus 2022"]  # 12411 break

    lines = download_csv(page)
    served = pd.DataFrame(demo_pipeline.serving(
        "select ags, year, value from indicator_values where indicator_id = 'auslaenderanteil' "
        "and group_id = 'insgesamt' and ags in ('05966', '05', '05513')"), columns=["AGS", "Berichtsjahr", "value"])
    merged = lines.merge(served, on=["AGS", "Berichtsjahr"], how="outer", indicator=True)
    assert (merged["_merge"] == "both").all() and len(merged) == len(served)
    assert (merged["Wert"] - merged["value"]).abs().max() < 1e-9
    assert list(dict.fromkeys(lines["Gebiet"])) == ["Kreis Olpe", "Nordrhein-Westfalen", "Gelsenkirchen"]

    full_page_screenshot(page, "zeitreihen.png")
    page.close()


def test_vergleich_change_the_year_read_rank_and_nrw_and_download_the_ranking(dashboard_url, browser, demo_pipeline):
    page = _page(browser, f"{dashboard_url}/vergleich?indikator=auslaenderanteil&gruppe=insgesamt&gebiet=05966")
    page.get_by_role("heading", name=re.compile("^Kreis Olpe: Ausländeranteil")).wait_for(timeout=30000)
    page.get_by_text("Demodaten (synthetisch)").first.wait_for()

    [(latest,)] = demo_pipeline.serving(
        "select max(year) from indicator_values where indicator_id = 'auslaenderanteil' and level = 'Kreis'")
    earlier = latest - 1
    choose(page, "Berichtsjahr", str(earlier))
    _wait_for_param(page, f"jahr={earlier}")
    page.get_by_role("heading", name=re.compile(f"31.12.{earlier}$")).wait_for(timeout=30000)

    [(rank, count, nrw, median)] = demo_pipeline.serving(
        "select rank_nrw, ranked_count_nrw, nrw_value, vergleichstyp_median from indicator_comparisons "
        "where indicator_id = 'auslaenderanteil' and group_id = 'insgesamt' and ags = '05966' and year = ?", [earlier])
    # the page redraws after the change: wait for the new figures, then count them
    page.locator("table tr", has_text="Rang in NRW").filter(has_text=f"{rank} von {count}").wait_for(timeout=30000)
    nrw_text = f"NRW {format_value(nrw, '%')}"
    page.wait_for_function(  # the NRW line is labelled on the distribution (and keyed in both bar tables)
        "(text) => document.querySelector('svg.im-dots text.reference-label')?.textContent === text",
        arg=nrw_text, timeout=30000)
    page.get_by_text(f"Median des Vergleichstyps ({format_value(median, '%')})").wait_for(timeout=30000)
    # the chosen Kreis is the one bold name in the ranking and in its type's table, and the blue diamond
    assert page.locator("table.im-bars b").all_text_contents() == ["Kreis Olpe", "Kreis Olpe"]
    olpe = page.locator('table.im-bars tr[data-ags="05966"]').first
    assert olpe.locator("td").nth(0).text_content() == f"{rank} von {count}"
    assert page.locator("svg.im-dots g.selected").get_attribute("data-ags") == "05966"
    assert page.locator("svg.im-dots g.point").count() == 53

    ranking = download_csv(page, button_index=1)
    served = pd.DataFrame(demo_pipeline.serving(
        "select ags, value, rank_nrw from indicator_comparisons where indicator_id = 'auslaenderanteil' "
        "and group_id = 'insgesamt' and level = 'Kreis' and year = ?", [earlier]), columns=["AGS", "value", "rank"])
    merged = ranking.merge(served, on="AGS")
    assert len(ranking) == 53 and len(merged) == 53 and set(ranking["Berichtsjahr"]) == {earlier}
    assert (merged["Wert"] - merged["value"]).abs().max() < 1e-9 and (merged["Rang"] == merged["rank"]).all()
    assert ranking["Rang"].tolist() == sorted(ranking["Rang"].tolist())

    full_page_screenshot(page, "vergleich.png")
    page.close()


def test_steckbriefe_search_read_the_stand_and_download_the_result(dashboard_url, browser, demo_pipeline):
    page = _page(browser, f"{dashboard_url}/steckbriefe")
    page.get_by_role("heading", name="Steckbriefe").wait_for(timeout=30000)
    [(total,)] = demo_pipeline.serving("select count(*) from indicators")
    page.get_by_text(f"{total} von {total} Indikatoren").wait_for(timeout=30000)

    search = page.get_by_role("textbox", name=re.compile("^Suche"))
    search.fill("Zensus")
    search.press("Enter")
    _wait_for_param(page, "suche=Zensus")
    # the catalogue's texts, and the series breaks shown with each indicator (the census break of 12411 tables)
    matching = sorted({row[0] for row in demo_pipeline.serving(
        "select name_de from indicators where lower(concat_ws(' ', name_de, explanation_de, definition_de, "
        "numerator_de, denominator_de, numerator_tables, denominator_tables, caveats_de, indicator_id, stage)) "
        "like '%zensus%' or numerator_tables like '%12411%' or denominator_tables like '%12411%'")})
    page.get_by_text(f"{len(matching)} von {total} Indikatoren").wait_for(timeout=30000)

    [(first, last)] = demo_pipeline.serving(
        "select min(denominator_stand), max(denominator_stand) from indicator_values "
        "where indicator_id = 'auslaenderanteil' and denominator_source_table = '12411-03-03-4'")
    # the Ausländeranteil's sources, and those of other indicators on the same table (ELB-Quote)
    page.get_by_text(f"Tabelle 12411-03-03-4 – Stand {first:%d.%m.%Y} bis {last:%d.%m.%Y}").first.wait_for(
        timeout=10000)

    downloaded = download_csv(page)
    assert sorted(downloaded["Indikator"]) == matching
    assert downloaded["Lizenz"].str.len().gt(0).all() and downloaded["Definition"].str.len().gt(0).all()

    full_page_screenshot(page, "steckbriefe.png")
    page.close()
