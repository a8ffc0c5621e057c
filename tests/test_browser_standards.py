"""What a person sees on the internal page "Standards": the running dashboard in Debian's Chromium, driven by
Playwright. The Koordinierungsstelle changes the year, reads the counts on the screen and downloads the matrix; a KI
sees its own centre by name and the others only as "KI 1", "KI 2" ... Both compare with the demo snapshot and save a
screenshot of the whole page."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from tests.conftest import choose, download_csv, full_page_screenshot, sign_in_keeping_cookie

pytestmark = pytest.mark.browser

OWN = "KI05966"


def _page(browser, dashboard: str, username: str, path: str):
    """A new tab, signed in as `username` (an internal page), on `path`."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="de-DE", accept_downloads=True)
    page.goto(dashboard, wait_until="networkidle")
    sign_in_keeping_cookie(page, username)
    page.goto(dashboard + path, wait_until="networkidle")
    return page


def _metric(page, label: str) -> str:
    metric = page.locator("[data-testid=stMetric]").filter(has_text=label)
    return metric.locator("[data-testid=stMetricValue]").text_content().strip()


def test_koordinierungsstelle_changes_the_year_reads_the_counts_and_downloads_the_matrix(
        auth_dashboard, browser, demo_pipeline):
    [(latest,)] = demo_pipeline.serving("select max(year) from ki_standard_evaluations")
    earlier = latest - 3
    page = _page(browser, auth_dashboard, "laki", "/standards")
    page.get_by_role("heading", name=f"Alle KI und Standards, {latest}").wait_for(timeout=30000)
    page.get_by_text("Demodaten (synthetisch)").first.wait_for()

    choose(page, "Berichtsjahr", str(earlier))
    page.wait_for_function(f"location.search.includes('jahr={earlier}')", timeout=30000)
    page.get_by_role("heading", name=f"Am häufigsten nicht erfüllt, {earlier}").wait_for(timeout=30000)

    counts = dict(demo_pipeline.serving(
        "select status, count(*) from ki_standard_evaluations where year = ? group by 1", [earlier]))
    page.wait_for_function(
        "(n) => Array.from(document.querySelectorAll('[data-testid=stMetric]')).some(m => "
        "m.textContent.includes('nicht erfüllt') && m.querySelector('[data-testid=stMetricValue]').textContent.trim() "
        "=== n)", arg=str(counts["nicht erfüllt"]), timeout=30000)
    assert _metric(page, "Bewertungen nicht erfüllt") == str(counts["nicht erfüllt"])
    assert _metric(page, "Bewertungen erfüllt") == str(counts["erfüllt"])

    # the most often missed standard is the top row, its count written on the orange part of its bar
    [(top_standard, top_count)] = demo_pipeline.serving(
        "select standard_name_de, count(*) as n from ki_standard_evaluations where year = ? and status = 'nicht erfüllt' "
        "group by 1, standard_order order by n desc, standard_order limit 1", [earlier])
    top = page.locator("table.im-missed tbody tr").first
    assert top.locator("td").first.inner_text() == top_standard
    assert top.locator(".im-bar span").first.inner_text() == str(top_count)
    assert top.locator(".im-bar span").first.get_attribute("title") == f"{top_count} KI nicht erfüllt"
    assert top.locator("svg").count() == 1  # its small line over the years
    # the matrix has a row per centre, each status with its symbol
    assert page.locator("table.im-matrix tbody tr").count() == 54
    assert set(page.locator("table.im-matrix td.status").all_inner_texts()) <= {"✓", "✗", "?", "–"}  # – entfällt

    matrix = download_csv(page)
    served = pd.DataFrame(demo_pipeline.serving(
        "select ki_ags, standard_name_de, status from ki_standard_evaluations where year = ?", [earlier]),
        columns=["AGS", "Standard", "Status"])
    shown = matrix.melt(id_vars=["KI", "AGS"], value_vars=sorted(served["Standard"].unique()), var_name="Standard",
                        value_name="Status")
    merged = shown.merge(served, on=["AGS", "Standard"], suffixes=("", "_served"))
    assert len(matrix) == 54 and len(merged) == len(served)
    assert (merged["Status"] == merged["Status_served"]).all()

    full_page_screenshot(page, "standards.png")
    page.close()


def test_a_ki_sees_its_own_centre_and_the_others_only_as_numbers(auth_dashboard, browser, demo_pipeline):
    [(own_name,)] = demo_pipeline.serving("select name from districts where ags = ?", [OWN])
    others = [name for (name,) in demo_pipeline.serving(
        "select name from districts where level = 'KI' and ags <> ?", [OWN])]
    page = _page(browser, auth_dashboard, "ki-olpe", "/standards")  # the KI Olpe (KI05966) signed in
    page.get_by_role("heading", name=re.compile("^Ihr KI und die Standards")).wait_for(timeout=30000)
    page.get_by_role("heading", name=re.compile("^Angebot und Bedarf")).wait_for(timeout=30000)
    page.locator("svg.im-scatter").first.wait_for(timeout=30000)

    # the ratio chart: the own centre by name, every other point only "KI n", also in the text shown on hover
    labels = page.locator("svg.im-scatter g.point").evaluate_all("gs => gs.map(g => g.dataset.name)")
    titles = page.locator("svg.im-scatter g.point title").all_text_contents()
    assert own_name in labels and len(labels) > 40
    assert all(label == own_name or re.fullmatch(r"KI \d+", label) for label in labels)
    assert all(re.match(rf"(KI \d+|{re.escape(own_name)}): ", title) for title in titles)
    page_text = page.locator("[data-testid=stMain]").inner_text()
    assert own_name in page_text
    assert not [name for name in others if re.search(re.escape(name) + r"(?![\w-])", page_text)]

    needs = download_csv(page, button_index=-1)  # the last table: offers and needs
    assert needs["AGS"].dropna().tolist() == [OWN]
    assert needs.loc[needs["AGS"].isna(), "KI"].str.fullmatch(r"KI \d+").all()

    full_page_screenshot(page, "standards_ki.png")
    page.close()
