"""The pages Zeitreihen, Vergleich and Steckbriefe on the served demo data: the data behind each chart and download
(plain functions against the snapshot), and each page through Streamlit's AppTest (selections, also restored from
the URL, and the figures on the page against the snapshot)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import charts, comparison, factsheets, series_breaks, timeseries
from dashboard.common import GROUP_NAMES, SUPPRESSED_TEXT
from dashboard.formatting import format_value
from tests.conftest import PROJECT_ROOT
from tests.conftest import read_download_csv as _csv

APP = str(PROJECT_ROOT / "dashboard" / "app.py")


def _catalogue_row(snapshot, indicator_id: str) -> dict:
    return snapshot("select * from indicators where indicator_id = ?", indicator_id).iloc[0].to_dict()


def _open(page: str, **params) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    for name, value in params.items():
        app.query_params[name] = value
    app.switch_page(f"views/{page}.py").run()
    assert not app.exception, app.exception
    return app


def _param(app: AppTest, name: str) -> str:
    value = app.query_params[name]
    return value[0] if isinstance(value, list) else value


# --- Zeitreihen: data behind the chart -------------------------------------------------------------------------------

def test_series_keep_missing_and_suppressed_years_as_gaps(snapshot):
    values = snapshot("select * from indicator_values where indicator_id = 'arbeitslosenquote' "
                      "and group_id = 'auslaendisch'")
    units = timeseries.unit_options(snapshot("select * from districts"))
    frame = timeseries.series_frame(values, units, ["05966", "05"])
    years = sorted(values["year"].unique())
    assert frame.groupby("ags").size().to_dict() == {"05966": len(years), "05": len(years)}
    for row in frame.itertuples():
        served = values[(values["ags"] == row.ags) & (values["year"] == row.year)].iloc[0]
        assert (pd.isna(row.value) and pd.isna(served["value"])) or row.value == served["value"]
    olpe = frame[frame["ags"] == "05966"].set_index("year")["value"]
    assert olpe.isna().sum() == values[(values["ags"] == "05966")]["value"].isna().sum() >= 1  # the BA gap 2017
    assert frame["name"].tolist()[:1] == ["Kreis Olpe"]

    segregation = snapshot("select * from indicator_values where indicator_id = 'kita_segregation' "
                           "and group_id = 'insgesamt'")
    suppressed_ags = segregation[segregation["is_suppressed"] & (segregation["level"] == "Kreis")]["ags"].iloc[0]
    frame = timeseries.series_frame(segregation, units, [suppressed_ags])
    served = segregation[segregation["ags"] == suppressed_ags].set_index("year")
    shown = frame.set_index("year")
    assert shown["is_suppressed"].equals(served["is_suppressed"].reindex(shown.index).fillna(False).astype(bool))
    assert shown.loc[shown["is_suppressed"], "value"].isna().all()  # a gap, never a zero
    [series] = [g for g in _chart(timeseries.lines_svg(frame, "%", [], "Linie")).iter(f"{SVG}g")
                if g.get("class") == "series"]
    assert len(_points(series)) == shown["value"].notna().sum()  # no point for a suppressed or missing year
    runs = (shown["value"].notna() & ~shown["value"].notna().shift(fill_value=False)).sum()
    assert series.find(f"{SVG}path").get("d").count("M") == runs  # the line breaks off at every gap


SVG = "{http://www.w3.org/2000/svg}"


def _chart(markup: str) -> ET.Element:
    """The chart's <svg> of an SVG chart's markup (a legend and style may come before it)."""
    return ET.fromstring(markup[markup.index('<svg class="im-chart'):])


def _points(series: ET.Element) -> dict[int, float]:
    return {int(g.get("data-year")): float(g.get("data-value")) for g in series.iter(f"{SVG}g")
            if g.get("class") == "point"}


def _value_scale(svg: ET.Element):
    """The y position of a value, from the chart's own grid lines (tick value and position)."""
    grid = [(float(line.get("data-value")), float(line.get("y1"))) for line in svg.iter(f"{SVG}line")
            if line.get("class") == "grid"]
    (v0, y0), (v1, y1) = grid[0], grid[-1]
    return lambda value: y0 + (value - v0) / (v1 - v0) * (y1 - y0)


def _breaks(snapshot) -> list[series_breaks.SeriesBreak]:
    """The breaks as the pages read them: from the snapshot's table series_breaks."""
    return series_breaks.from_frame(snapshot("select * from series_breaks"))


def test_breaks_follow_the_source_tables_and_the_data(snapshot):
    catalogue = snapshot("select * from indicators")
    breaks = _breaks(snapshot)
    all_years = range(2010, 2027)
    for indicator in catalogue.to_dict("records"):
        tables = [t.strip() for column in ("numerator_tables", "denominator_tables")
                  for t in indicator[column].split("|")]
        marked = {b.key for b in series_breaks.within(breaks, indicator["indicator_id"], "insgesamt", all_years)}
        # the Fortschreibung's census breaks on every indicator that rests on it (the Mindestsicherungsquote's
        # published rate has the Fortschreibung as its denominator)
        on_fortschreibung = any(t.startswith("12411") for t in tables) or indicator["indicator_id"] == \
            "mindestsicherungsquote"
        assert ({"zensus_2011", "zensus_2022"} <= marked) == on_fortschreibung, indicator["indicator_id"]
        assert ("zensus_2022" in marked) == on_fortschreibung, indicator["indicator_id"]
        assert "ba_auslaender_2017" not in marked  # only the group ausländisch misses 2017
    by_id = catalogue.set_index("indicator_id", drop=False)
    assert [b.key for b in series_breaks.within(breaks, "arbeitslosenquote", "auslaendisch", range(2012, 2020))] == [
        "ba_auslaender_2017"]
    assert series_breaks.within(breaks, "arbeitslosenquote", "auslaendisch", [2018, 2019]) == []  # not shown
    for leavers in ("allgemeine_hochschulreife", "ohne_hauptschulabschluss", "hochschulreife_nach_staatsangehoerigkeit",
                    "ohne_hsa_nach_staatsangehoerigkeit"):
        keys = {b.key for b in series_breaks.within(breaks, leavers, "insgesamt", all_years)}
        assert {"abitur_doppeljahrgang_2013", "abitur_kleiner_jahrgang_2026"} <= keys, leavers
    assert {b.key for b in series_breaks.of_indicator(breaks, "einbuergerungsquote")} == {"stag_reform_2024"}
    assert "ukraine_sgb2_2022" in {b.key for b in series_breaks.of_indicator(breaks, "sgb2_quote")}
    assert {b.key for b in series_breaks.of_indicator(breaks, "seiteneinsteiger")} == {"erstfoerderung_2023"}
    assert set(by_id.index) >= {b.indicator_id for b in breaks}  # every break names a catalogue indicator

    # the break positions match the data: 21111 rows are rounded from 2019 on, BA has no Kreis value for 2017
    rounded = snapshot("select year, bool_and(is_rounded) as all_rounded, bool_or(is_rounded) as any_rounded "
                       "from indicator_values where numerator_source_table like '21111%' group by year")
    school_break = next(b for b in breaks if b.key == "schule_rundung_2019")
    assert (rounded["all_rounded"] == (rounded["year"] > school_break.x)).all()
    assert (rounded["any_rounded"] == (rounded["year"] > school_break.x)).all()
    missing = snapshot("select year, count(*) as n from indicator_values where indicator_id = 'arbeitslosenquote' "
                       "and group_id = 'auslaendisch' and level = 'Kreis' and value is null group by year")
    assert missing.set_index("year")["n"].to_dict() == {2017: 53}


def test_every_download_of_a_series_names_the_break_at_its_year(snapshot):
    """The downloads read the same served breaks: the row of the first year on a new basis carries the sentence."""
    breaks = _breaks(snapshot)
    values = snapshot("select * from indicator_values where indicator_id = 'auslaenderanteil' and group_id = 'insgesamt'")
    units = timeseries.unit_options(snapshot("select * from districts"))
    frame = timeseries.series_frame(values, units, ["05966", "05"])
    indicator = _catalogue_row(snapshot, "auslaenderanteil")
    table = timeseries.download_table(frame, indicator, "insgesamt", breaks)
    zensus = next(b for b in breaks if b.key == "zensus_2022" and b.indicator_id == "auslaenderanteil")
    noted = table[table[series_breaks.BREAK_COLUMN] != ""]
    assert set(noted["Berichtsjahr"]) == {2022} and (noted[series_breaks.BREAK_COLUMN] == zensus.text_de).all()

    comparisons = snapshot(
        "select c.*, v.numerator, v.denominator, v.is_suppressed, v.flag, v.period_label, v.is_synthetic "
        "from indicator_comparisons c join indicator_values v using (indicator_id, ags, year, group_id) "
        "where c.indicator_id = 'sgb2_quote' and c.group_id = 'auslaendisch' and c.level = 'Kreis'")
    values = snapshot("select * from indicator_values where indicator_id = 'sgb2_quote' "
                      "and group_id = 'auslaendisch' and level = 'Kreis'")
    kreise = comparison.level_units(snapshot("select * from districts"), "Kreis")
    types = snapshot("select * from kreis_vergleichstypen")
    ranking = pd.concat([comparison.ranking_frame(comparisons, values, kreise, year, types) for year in (2021, 2022)])
    compared = comparison.download_table(ranking, _catalogue_row(snapshot, "sgb2_quote"), "auslaendisch", breaks)
    in_2022 = " ".join(b.text_de for b in breaks if b.indicator_id == "sgb2_quote" and b.first_year == 2022)
    assert "Zensus 2022" in in_2022 and "Ukraine" in in_2022  # census and the move to SGB II, both from 2022
    assert (compared.loc[compared["Berichtsjahr"] == 2022, series_breaks.BREAK_COLUMN] == in_2022).all()
    assert (compared.loc[compared["Berichtsjahr"] == 2021, series_breaks.BREAK_COLUMN] == "").all()


def test_lines_chart_draws_every_value_where_it_belongs_nrw_dashed_distinct_colours_and_the_breaks(snapshot):
    values = snapshot("select * from indicator_values where indicator_id = 'auslaenderanteil' "
                      "and group_id = 'insgesamt'")
    units = timeseries.unit_options(snapshot("select * from districts"))
    chosen = ["05966", "05513", "KI05334", "05"]
    frame = timeseries.series_frame(values, units, chosen)
    breaks = series_breaks.within(_breaks(snapshot), "auslaenderanteil", "insgesamt", frame["year"])
    assert [b.key for b in breaks] == ["zensus_2022"]  # Zensus 2011 lies before the demo years
    markup = timeseries.lines_svg(frame, "%", breaks, "Liniendiagramm")
    svg = _chart(markup)
    series = {g.get("data-name"): g for g in svg.iter(f"{SVG}g") if g.get("class") == "series"}
    assert list(series) == [units.set_index("ags").loc[a, "label"] for a in chosen]
    strokes = {name: g.find(f"{SVG}path") for name, g in series.items()}
    nrw = strokes.pop("Nordrhein-Westfalen")
    assert nrw.get("stroke") == charts.COLOUR_LAND and nrw.get("stroke-dasharray")
    others = [path.get("stroke") for path in strokes.values()]
    assert len(set(others)) == len(others) and charts.COLOUR_LAND not in others
    assert all(f'data-ags="{ags}"' in markup[:markup.index("<svg class")] for ags in chosen)  # the legend

    # every served value is a point, at the height the grid gives its value, with its German hover text
    olpe = values[values["ags"] == "05966"].set_index("year")["value"].dropna()
    points = [g for g in series["Kreis Olpe"].iter(f"{SVG}g") if g.get("class") == "point"]
    assert _points(series["Kreis Olpe"]) == olpe.to_dict()
    y_of = _value_scale(svg)
    for point in points:
        value = float(point.get("data-value"))
        marker_y = float(point.find(f"{SVG}path").get("d").split(",")[1].split("a")[0])  # a circle: M x-r,y a…
        assert abs(marker_y - y_of(value)) < 0.11
        assert point.find(f"{SVG}title").text == f"Kreis Olpe, {point.get('data-year')}: {format_value(value, '%')}"

    labels = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "break-label"]
    assert labels == [b.label for b in breaks] and labels
    year_x = {int(t.text): float(t.get("x")) for t in svg.iter(f"{SVG}text") if t.get("class") == "xtick"}
    for item, line in zip(breaks, [l for l in svg.iter(f"{SVG}line") if l.get("class") == "break"]):
        assert abs(float(line.get("x1")) - (year_x[int(item.x)] + year_x[int(item.x) + 1]) / 2) < 0.11
    ticks = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "ytick"]
    assert ticks[0] == "0\u202f%" and all(t.endswith("\u202f%") and "." not in t for t in ticks)


def test_nice_ticks_cover_the_values_in_round_steps():
    for low, high in [(0, 37.2), (-3.4, 5.1), (0.91, 1.35), (0, 0), (12.5, 12.5), (0, 1915)]:
        ticks = charts.nice_ticks(low, high)
        assert ticks[0] <= low and ticks[-1] >= high and 3 <= len(ticks) <= 8
        steps = {round(b - a, 9) for a, b in zip(ticks, ticks[1:])}
        assert len(steps) == 1
        step = steps.pop()
        assert round(step / 10 ** np.floor(np.log10(step)), 9) in (1, 2, 2.5, 5)
    assert charts.tick_decimals([0, 2.5, 5]) == 1 and charts.tick_decimals([0, 10, 20]) == 0
    assert charts.tick_text(2.5, "%", 1) == "2,5\u202f%" and charts.tick_text(1000, "je 1.000", 0) == "1.000"


def test_quartiles_match_numpy():
    rng = np.random.default_rng(7)
    for size in (1, 2, 5, 53, 54):
        values = rng.normal(10, 4, size).tolist()
        assert np.allclose(charts.quartiles(values), np.percentile(values, [25, 50, 75]))


def test_gap_lines_show_zero_and_negative_values_below_it():
    frame = pd.DataFrame({"ags": ["05966"] * 3, "name": ["Kreis Olpe"] * 3, "year": [2022, 2023, 2024],
                          "gap_difference": [-2.5, 1.0, None]})
    svg = _chart(timeseries.lines_svg(frame, "Prozentpunkte", [], "Lücke", value_column="gap_difference",
                                      zero_line=True))
    y_of = _value_scale(svg)
    zero = [l for l in svg.iter(f"{SVG}line") if l.get("class") == "grid" and float(l.get("data-value")) == 0]
    assert len(zero) == 1 and zero[0].get("stroke") != charts.GRID_COLOUR  # the zero line stands out
    assert y_of(-2.5) > float(zero[0].get("y1"))  # below the zero line
    assert _points(svg.find(f"{SVG}g")) == {2022: -2.5, 2023: 1.0}
    assert [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "axis-title"] == ["Prozentpunkte"]


def test_gap_frame_holds_the_served_gaps(snapshot):
    gaps = snapshot("select * from indicator_group_gaps where indicator_id = 'sgb2_quote'")
    units = timeseries.unit_options(snapshot("select * from districts"))
    frame = timeseries.gap_frame(gaps, units, ["05513", "05"])
    served = gaps[gaps["ags"].isin(["05513", "05"])].set_index(["ags", "year"])["gap_difference"]
    shown = frame.set_index(["ags", "year"])["gap_difference"]
    assert shown.loc[served.index].tolist() == served.tolist()
    assert timeseries.gap_title(gaps) == f"Lücke {GROUP_NAMES['auslaendisch']} – {GROUP_NAMES['deutsch']}"
    table = timeseries.gap_download_table(frame, "SGB-II-Quote")
    assert table["Lücke"].tolist() == frame["gap_difference"].tolist()


# --- Zeitreihen: the page --------------------------------------------------------------------------------------------

def test_series_page_restores_its_selection_from_the_url_and_shows_the_snapshot(snapshot, media):
    app = _open("zeitreihen", indikator="arbeitslosenquote", gruppe="auslaendisch", gebiete="05966,05513,05")
    assert app.title[0].value == "Zeitreihen"
    assert any("Demodaten (synthetisch)" in warning.value for warning in app.warning)
    assert app.selectbox(key="series_indicator").value == "arbeitslosenquote"
    assert app.selectbox(key="series_group").value == "auslaendisch"
    assert app.multiselect(key="series_units").value == ["05966", "05513", "05"]

    served = snapshot("select ags, year, value from indicator_values where indicator_id = 'arbeitslosenquote' "
                      "and group_id = 'auslaendisch' and ags in ('05966', '05513', '05')")
    table = app.table[0].value.set_index("Gebiet")
    names = {"05966": "Kreis Olpe", "05513": "Gelsenkirchen", "05": "Nordrhein-Westfalen"}
    for row in served.itertuples():
        assert table.loc[names[row.ags], str(row.year)] == format_value(row.value, "%"), (row.ags, row.year)
    assert table.loc["Kreis Olpe", "2017"] == "–"

    captions = " ".join(caption.value for caption in app.caption)
    # the breaks, explained under the chart: read from the snapshot's series_breaks
    gap, ukraine = (next(b for b in _breaks(snapshot) if b.key == key and b.indicator_id == "arbeitslosenquote")
                    for key in ("ba_auslaender_2017", "ukraine_sgb2_2022"))
    assert f"**Bruch in der Reihe:** {gap.text_de}" in captions and ukraine.text_de in captions
    assert "Keine Daten:** Kreis Olpe 2017" in captions
    [(first, last)] = snapshot(
        "select min(numerator_stand), max(numerator_stand) from indicator_values where indicator_id = "
        "'arbeitslosenquote' and group_id = 'auslaendisch' and ags in ('05966', '05513', '05') and value is not null"
    ).itertuples(index=False)
    assert f"Tabelle 13211-02-05-4 (Stände {first:%d.%m.%Y} bis {last:%d.%m.%Y})" in captions
    assert "dl-de/by-2-0" in captions

    downloaded = _csv(media(app, "series_download_csv"))
    assert len(downloaded) == 3 * served["year"].nunique()
    expected = served.assign(Gebiet=served["ags"].map(names)).set_index(["Gebiet", "year"])["value"]
    got = downloaded.set_index(["Gebiet", "Berichtsjahr"])["Wert"]
    np.testing.assert_allclose(got.loc[expected.index].to_numpy(float), expected.to_numpy(float))  # NaN = NaN
    assert set(downloaded["Gruppe"]) == {"ausländisch"}
    noted = downloaded.dropna(subset=[series_breaks.BREAK_COLUMN])
    assert set(noted["Berichtsjahr"]) == {2017, 2022} and (noted.loc[noted["Berichtsjahr"] == 2017,
                                                                      series_breaks.BREAK_COLUMN] == gap.text_de).all()

    app.selectbox(key="series_group").select("insgesamt").run()
    assert not app.exception
    assert _param(app, "gruppe") == "insgesamt"
    assert gap.text_de not in " ".join(c.value for c in app.caption)  # only the group ausländisch misses 2017


def test_series_page_starts_with_the_profile_unit_and_nrw_and_shows_the_gap(snapshot, media):
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["gebiet"] = "05513"
    app.run()  # the Kreisprofil
    app.switch_page("views/zeitreihen.py").run()
    assert not app.exception
    assert app.multiselect(key="series_units").value == ["05513", "05"]
    assert _param(app, "gebiete") == "05513,05"

    app.selectbox(key="series_indicator").select("sgb2_quote").run()
    app.toggle(key="series_show_gap").set_value(True).run()
    assert not app.exception
    assert _param(app, "luecke") == "ja"
    assert any(s.value.startswith("Lücke ausländisch – deutsch") for s in app.subheader)
    gaps = snapshot("select ags, year, gap_difference from indicator_group_gaps where indicator_id = 'sgb2_quote' "
                    "and ags = '05513'")
    gap_table = app.table[1].value.set_index("Gebiet")
    for row in gaps.itertuples():
        assert gap_table.loc["Gelsenkirchen", str(row.year)] == format_value(row.gap_difference, "Prozentpunkte")
    downloaded = _csv(media(app, "series_gap_download_csv"))
    gelsenkirchen = downloaded[downloaded["AGS"] == "05513"].set_index("Berichtsjahr")["Lücke"]
    np.testing.assert_allclose(gelsenkirchen.loc[gaps["year"]].to_numpy(float), gaps["gap_difference"].to_numpy(float))


# --- Vergleich -------------------------------------------------------------------------------------------------------

def _comparison_inputs(snapshot, indicator_id: str, group_id: str, level: str):
    comparisons = snapshot(
        "select c.*, v.numerator, v.denominator, v.is_suppressed, v.flag, v.period_label, v.is_synthetic "
        "from indicator_comparisons c join indicator_values v using (indicator_id, ags, year, group_id) "
        "where c.indicator_id = ? and c.group_id = ? and c.level = ?", indicator_id, group_id, level)
    values = snapshot("select * from indicator_values where indicator_id = ? and group_id = ?", indicator_id, group_id)
    districts = snapshot("select * from districts")
    types = snapshot("select * from kreis_vergleichstypen")
    return comparisons, values, districts, types


@pytest.mark.parametrize("level, count", [("Kreis", 53), ("KI", 54)])
def test_ranking_follows_the_served_ranks_and_puts_missing_values_last(snapshot, level, count):
    comparisons, values, districts, types = _comparison_inputs(snapshot, "ohne_hsa_nach_staatsangehoerigkeit",
                                                               "auslaendisch", level)
    units = comparison.level_units(districts, level)
    year = comparison.years_with_values(comparisons)[0]
    frame = comparison.ranking_frame(comparisons, values, units, year, types)
    assert len(frame) == count and frame["ags"].is_unique
    ranked = frame[frame["rank_nrw"].notna()]
    assert ranked["rank_nrw"].is_monotonic_increasing
    assert frame["rank_nrw"].notna().tolist() == sorted(frame["rank_nrw"].notna().tolist(), reverse=True)
    served = comparisons[comparisons["year"] == year].set_index("ags")["value"]
    shown = frame.set_index("ags")["value"]
    assert shown.reindex(served.index).equals(served)
    assert shown.drop(served.index).isna().all()  # units without a row in that year: no value, no bar
    assert frame["numerator_source_table"].dropna().eq("tpl_schulamt_schulen__schulen").all()

    selected = ranked["ags"].iloc[len(ranked) // 2]
    nrw = frame["nrw_value"].dropna().iloc[0]
    table = ET.fromstring(comparison.bar_table_html(frame, selected, "%", nrw, label="Rangfolge").split("</style>")[1])
    rows = table.findall("tbody/tr")
    assert [row.get("data-ags") for row in rows] == frame["ags"].tolist()
    assert [row.get("data-ags") for row in rows if row.find("td/b") is not None] == [selected]
    by_ags = frame.set_index("ags")
    for row in rows:
        served = by_ags.loc[row.get("data-ags")]
        text = row.findall("td")[2].text
        bar = [span for span in row.iter("span") if span.get("class") == "value"]
        if served["is_suppressed"]:
            assert text == SUPPRESSED_TEXT and not bar
        elif pd.isna(served["value"]):
            assert text == "–" and not bar
        else:
            assert text == format_value(served["value"], "%")
            width = float(bar[0].get("style").split("width:")[1].split("%")[0])
            assert abs(width - served["value"] / max(ranked["value"].max(), nrw) * 100) < 0.01
    marks = [span.get("style") for span in rows[0].iter("span") if span.get("class") == "mark"]
    assert len(marks) == 1 and "dashed" in marks[0]

    svg = _chart(comparison.distribution_svg(frame, selected, "%", nrw, "Verteilung"))
    points = {g.get("data-ags"): float(g.get("data-value")) for g in svg.iter(f"{SVG}g") if "point" in g.get("class")}
    assert points == ranked.set_index("ags")["value"].to_dict()
    [chosen] = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "point selected"]
    assert chosen.get("data-ags") == selected
    assert [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "reference-label"] == [
        f"NRW {format_value(nrw, '%')}"]
    box = svg.find(f"{SVG}rect")
    lower, _, upper = np.percentile(ranked["value"], [25, 50, 75])
    x_of = {float(t.text.replace("\u202f%", "").replace(",", ".")): float(t.get("x"))
            for t in svg.iter(f"{SVG}text") if t.get("class") == "xtick"}
    (v0, x0), (v1, x1) = min(x_of.items()), max(x_of.items())
    assert abs(float(box.get("x")) - (x0 + (lower - v0) / (v1 - v0) * (x1 - x0))) < 0.11
    assert abs(float(box.get("x")) + float(box.get("width")) - (x0 + (upper - v0) / (v1 - v0) * (x1 - x0))) < 0.15


def test_bars_of_negative_values_point_left_of_zero():
    frame = pd.DataFrame({"ags": ["a", "b", "c"], "name": ["A", "B", "C"], "value": [4.0, -2.0, None],
                          "is_suppressed": [False, False, True], "rank_nrw": [1, 2, None],
                          "ranked_count_nrw": [2, 2, None]})
    table = ET.fromstring(comparison.bar_table_html(frame, "b", "Prozentpunkte").split("</style>")[1])
    bars = {row.get("data-ags"): [s for s in row.iter("span") if s.get("class") == "value"]
            for row in table.findall("tbody/tr")}
    style = {ags: dict(part.split(":") for part in spans[0].get("style").split(";")) for ags, spans in bars.items()
             if spans}
    assert style["a"]["left"] == style["b"]["width"] == "33.33%" and style["b"]["left"] == "0.00%"
    assert style["a"]["width"] == "66.67%" and not bars["c"]


def test_type_members_and_position_come_from_the_served_comparisons(snapshot):
    comparisons, values, districts, types = _comparison_inputs(snapshot, "arbeitslosenquote", "insgesamt", "Kreis")
    units = comparison.level_units(districts, "Kreis")
    frame = comparison.ranking_frame(comparisons, values, units, 2024, types)
    row = frame[frame["ags"] == "05513"].iloc[0]
    members = comparison.type_members(frame, row["vergleichstyp_id"])
    assert set(members["ags"]) == set(types[types["vergleichstyp_id"] == row["vergleichstyp_id"]]["ags"])
    assert members["rank_in_vergleichstyp"].tolist() == sorted(members["rank_in_vergleichstyp"].tolist())
    markup = comparison.bar_table_html(members, "05513", "%", row["nrw_value"], row["vergleichstyp_median"])
    header = ET.fromstring(markup.split("</style>")[1]).find("thead")
    assert "".join(header.itertext()).endswith(
        f"NRW {format_value(row['nrw_value'], '%')}Median des Typs {format_value(row['vergleichstyp_median'], '%')}")

    table = comparison.position_table(row, "Kreis").set_index("Kennzahl")["Wert"]
    assert table["Wert"] == format_value(row["value"], "%")
    assert table["Rang in NRW"] == f"{int(row['rank_nrw'])} von {int(row['ranked_count_nrw'])}"
    assert table["Rang im Vergleichstyp"] == (
        f"{int(row['rank_in_vergleichstyp'])} von {int(row['ranked_count_in_vergleichstyp'])}")
    assert table["NRW"] == format_value(row["nrw_value"], "%")
    assert table["Median des Vergleichstyps"] == format_value(row["vergleichstyp_median"], "%")


def test_default_unit_maps_between_kreis_and_ki(snapshot):
    districts = snapshot("select * from districts")
    kis = districts[districts["level"] == "KI"].set_index("ags")
    for ki, kreis in kis["kreis_ags"].items():
        assert comparison.default_unit(ki, "Kreis", districts) == kreis
    kreise = districts[districts["level"] == "Kreis"].set_index("ags")
    for kreis, ki in kreise["ki_ags"].items():
        assert comparison.default_unit(kreis, "KI", districts) == ki
    assert comparison.default_unit("05966", "Kreis", districts) == "05966"
    assert comparison.default_unit(None, "Kreis", districts) == comparison.DEFAULT_UNIT


def test_compare_page_shows_the_position_from_the_snapshot_and_switches_to_the_kis(snapshot, media):
    app = _open("vergleich", indikator="uebergang_gymnasium", gruppe="auslaendisch", jahr="2023", gebiet="05513")
    assert app.selectbox(key="compare_indicator").value == "uebergang_gymnasium"
    assert app.selectbox(key="compare_group").value == "auslaendisch"
    assert app.selectbox(key="compare_year").value == 2023
    assert app.selectbox(key="compare_unit_Kreis").value == "05513"
    assert any("Demodaten (synthetisch)" in warning.value for warning in app.warning)

    [served] = snapshot(
        "select * from indicator_comparisons where indicator_id = 'uebergang_gymnasium' and group_id = 'auslaendisch' "
        "and year = 2023 and ags = '05513'").to_dict("records")
    position = app.table[0].value.set_index("Kennzahl")["Wert"]
    assert position["Wert"] == format_value(served["value"], "%")
    assert position["Rang in NRW"] == f"{served['rank_nrw']} von {served['ranked_count_nrw']}"
    assert position["Rang im Vergleichstyp"] == (
        f"{served['rank_in_vergleichstyp']} von {served['ranked_count_in_vergleichstyp']}")
    assert position["NRW"] == format_value(served["nrw_value"], "%")
    assert position["Median des Vergleichstyps"] == format_value(served["vergleichstyp_median"], "%")
    description = snapshot("select vergleichstyp_description_de from kreis_vergleichstypen where ags = '05513'")
    assert any(description.iloc[0, 0] in markdown.value for markdown in app.markdown)

    ranking = _csv(media(app, "compare_ranking_download_csv"))
    all_kreise = snapshot(
        "select ags, value, rank_nrw from indicator_comparisons where indicator_id = 'uebergang_gymnasium' "
        "and group_id = 'auslaendisch' and year = 2023 and level = 'Kreis'")
    assert len(ranking) == 53
    merged = ranking.merge(all_kreise, left_on="AGS", right_on="ags")
    np.testing.assert_allclose(merged["Wert"].to_numpy(float), merged["value"].to_numpy(float))
    assert (merged["Rang"] == merged["rank_nrw"]).all()
    position_csv = _csv(media(app, "compare_position_download_csv"))
    assert position_csv["AGS"].tolist() == ["05513"] and position_csv["Rang"].item() == served["rank_nrw"]

    app.selectbox(key="compare_level").select("KI").run()
    assert not app.exception
    assert _param(app, "ebene") == "KI" and _param(app, "gebiet") == "KI05513"
    [served_ki] = snapshot(
        "select rank_nrw, ranked_count_nrw from indicator_comparisons where indicator_id = 'uebergang_gymnasium' "
        "and group_id = 'auslaendisch' and year = 2023 and ags = 'KI05513'").to_dict("records")
    position = app.table[0].value.set_index("Kennzahl")["Wert"]
    assert position["Rang in NRW"] == f"{served_ki['rank_nrw']} von {served_ki['ranked_count_nrw']}"
    assert len(_csv(media(app, "compare_ranking_download_csv"))) == 54


def test_compare_page_names_suppressed_units_instead_of_drawing_zeros(snapshot):
    app = _open("vergleich", indikator="kita_segregation", gruppe="insgesamt", ebene="Kreis")
    year = app.selectbox(key="compare_year").value
    suppressed = snapshot(
        "select d.display_name from indicator_values v join districts d using (ags) where v.indicator_id = "
        "'kita_segregation' and v.group_id = 'insgesamt' and v.level = 'Kreis' and v.year = ? and v.is_suppressed "
        "order by d.display_name", year)["display_name"].tolist()
    assert suppressed, "the demo data suppress KiTa-Segregation in some Kreise"
    captions = " ".join(caption.value for caption in app.caption)
    assert f"{SUPPRESSED_TEXT}: " + ", ".join(suppressed) in captions


# --- Steckbriefe -----------------------------------------------------------------------------------------------------

def test_year_ranges():
    assert factsheets.year_ranges([2014, 2012, 2013, 2016, 2018, 2019]) == "2012–2014, 2016, 2018–2019"
    assert factsheets.year_ranges([]) == "–"


def test_factsheet_table_has_every_indicator_with_its_loaded_versions(snapshot):
    catalogue = snapshot("select * from indicators")
    versions = snapshot(
        "select indicator_id, role, source_table, min(stand) as first_stand, max(stand) as last_stand, "
        "count(distinct stand) as stand_count, count(distinct source_file) as file_count, "
        "min(year) as first_year, max(year) as last_year, list(distinct year order by year) as years from ("
        " select indicator_id, 'numerator' as role, numerator_source_table as source_table, numerator_stand as stand,"
        " numerator_source_file as source_file, year from indicator_values union all"
        " select indicator_id, 'denominator', denominator_source_table, denominator_stand, denominator_source_file,"
        " year from indicator_values) where source_table is not null group by all")
    sources = snapshot("select * from source_tables")
    served_breaks = _breaks(snapshot)
    table = factsheets.factsheet_table(catalogue, versions, sources, served_breaks)
    assert sorted(table["Kennung"]) == sorted(catalogue["indicator_id"])
    # the SGB-II indicator rests on the BA Excel table, which no real download verified; the Ausländeranteil not
    verified = dict(zip(sources["source_id"], sources["verified"]))
    assert not verified["ba_sgb2_elb_staatsangehoerigkeit"] and verified["12411-03-03-4"]
    formats = table.set_index("Kennung")["Formatprüfung"]
    assert formats["sgb2_quote"].startswith(factsheets.UNVERIFIED_TEXT)
    assert "ba_sgb2_elb_staatsangehoerigkeit" in formats["sgb2_quote"]
    assert formats["auslaenderanteil"] == factsheets.VERIFIED_TEXT
    row = table.set_index("Kennung").loc["auslaenderanteil"]
    [(numerator_table, first, last, years)] = snapshot(
        "select any_value(numerator_source_table), min(numerator_stand), max(numerator_stand), list(distinct year) "
        "from indicator_values where indicator_id = 'auslaenderanteil'").itertuples(index=False)
    assert (f"Zähler Tabelle {numerator_table}: Stand {first:%d.%m.%Y} bis {last:%d.%m.%Y}"
            in row["Geladene Datenstände"])
    assert f"Berichtsjahre {factsheets.year_ranges(years)})" in row["Geladene Datenstände"]
    assert row["Berichtsjahre mit Daten"] == factsheets.year_ranges(years)
    loaded = set(snapshot("select distinct denominator_source_table from indicator_values "
                          "where indicator_id = 'auslaenderanteil'").iloc[:, 0])
    for source in catalogue.set_index("indicator_id").loc["auslaenderanteil", "denominator_tables"].split("|"):
        source = source.strip()
        not_loaded = f"Nenner Tabelle {source}: noch nicht geladen" in row["Geladene Datenstände"]
        assert not_loaded == (source not in loaded)
    directions = dict(zip(catalogue["indicator_id"], catalogue["direction"]))
    for kennung, richtung in zip(table["Kennung"], table["Richtung"]):
        assert richtung == factsheets.DIRECTION_TEXT[directions[kennung]]
    assert not table["Gruppen"].str.contains("auslaendisch|luecke_").any()  # German words, not ids
    breaks = table.set_index("Kennung")["Brüche in der Reihe"]
    for indicator in catalogue.to_dict("records"):
        charted = {series_breaks.text_with_source(b) for group in indicator["groups"].split("|")
                   for b in series_breaks.within(served_breaks, indicator["indicator_id"], group, range(2000, 2100))}
        # the same breaks as on the Zeitreihen charts, each with its source
        assert set(factsheets.series_breaks(indicator, served_breaks)) == charted
        assert all(text in breaks[indicator["indicator_id"]] for text in charted)
        if not charted:
            assert breaks[indicator["indicator_id"]] == "keine bekannten"
    assert "Zensus 2022" in breaks["mindestsicherungsquote"] and "27.06.2024" in breaks["einbuergerungsquote"]

    zensus = set(snapshot(
        "select indicator_id from indicators where lower(concat_ws(' ', name_de, explanation_de, definition_de, "
        "numerator_de, denominator_de, numerator_tables, denominator_tables, caveats_de, indicator_id, stage)) "
        "like '%zensus%'")["indicator_id"]) | {
        i["indicator_id"] for i in catalogue.to_dict("records")
        if "Zensus" in " ".join(factsheets.series_breaks(i, served_breaks))}
    assert zensus and set(factsheets.filter_factsheets(table, factsheets.ALL_STAGES, "Zensus")["Kennung"]) == zensus
    school = factsheets.filter_factsheets(table, "Sekundarstufe I", "")
    assert set(school["Kennung"]) == set(catalogue[catalogue["stage"] == "Sekundarstufe I"]["indicator_id"])


def test_factsheet_page_lists_the_catalogue_searches_from_the_url_and_downloads_what_it_shows(snapshot, media):
    app = _open("steckbriefe")
    catalogue = snapshot("select indicator_id, name_de, stage from indicators")
    assert sorted(e.label for e in app.expander) == sorted(catalogue["name_de"])
    assert any("Demodaten (synthetisch)" in warning.value for warning in app.warning)
    full = _csv(media(app, "factsheet_download_csv"))
    assert sorted(full["Kennung"]) == sorted(catalogue["indicator_id"])

    app = _open("steckbriefe", suche="zensus")
    assert app.text_input(key="factsheet_search").value == "zensus"
    shown = [e.label for e in app.expander]
    assert shown and len(shown) < len(catalogue)
    downloaded = _csv(media(app, "factsheet_download_csv"))
    assert sorted(downloaded["Indikator"]) == sorted(shown)
    [(first, last)] = snapshot(
        "select min(denominator_stand), max(denominator_stand) from indicator_values "
        "where indicator_id = 'auslaenderanteil'").itertuples(index=False)
    text = " ".join(m.value for m in app.expander[shown.index("Ausländeranteil")].markdown)
    assert f"Tabelle 12411-03-03-4 – Stand {first:%d.%m.%Y} bis {last:%d.%m.%Y}" in text
    assert "Zensus 2022" in text and "nationalitaet-und-integration" in text  # the break and IT.NRW's page
    assert "dl-de/by-2-0" in text and "Ohne Wertung" in text

    app.text_input(key="factsheet_search").input("").run()
    app.selectbox(key="factsheet_stage").select("Sekundarstufe I").run()
    assert not app.exception
    assert _param(app, "stufe") == "Sekundarstufe I" and "suche" not in app.query_params
    expected = catalogue[catalogue["stage"] == "Sekundarstufe I"]["name_de"]
    assert sorted(e.label for e in app.expander) == sorted(expected)


def test_compare_page_keeps_the_type_of_a_ki_without_values(snapshot):
    # the KI of the StädteRegion without the Stadt Aachen has no Ausländeranteil (not exactly computable)
    [(missing,)] = snapshot("select count(*) from indicator_values where indicator_id = 'auslaenderanteil' "
                            "and ags = 'KI05334'").itertuples(index=False)
    assert missing == 0
    app = _open("vergleich", indikator="auslaenderanteil", ebene="KI", gebiet="KI05334")
    position = app.table[0].value.set_index("Kennzahl")["Wert"]
    assert position["Wert"] == "–" and position["Rang in NRW"] == "–"
    year = app.selectbox(key="compare_year").value
    [(name, description, median)] = snapshot(
        "select t.vergleichstyp_name_de, t.vergleichstyp_description_de, max(c.vergleichstyp_median) "
        "from kreis_vergleichstypen t join indicator_comparisons c using (vergleichstyp_id) "
        "where t.ags = '05334' and c.indicator_id = 'auslaenderanteil' and c.group_id = 'insgesamt' "
        "and c.level = 'Kreis' and c.year = ? group by all", year).itertuples(index=False)
    assert position["Vergleichstyp"] == name
    assert position["Median des Vergleichstyps"] == format_value(median, "%")
    assert any(description in markdown.value for markdown in app.markdown)
    assert not app.info


def test_optional_school_fields_say_how_many_schools_reported_them(snapshot, media):
    """Erstförderung is an optional field of the Schulamt extract: the chart's source note and the download say how
    many schools of each unit reported it (served reporting_units of reporting_units_total)."""
    app = _open("zeitreihen", indikator="seiteneinsteiger", gruppe="insgesamt", gebiete="05966,05")
    assert not app.exception
    [(period, reported, of_all)] = snapshot(
        "select period_label, reporting_units, reporting_units_total from indicator_values "
        "where indicator_id = 'seiteneinsteiger' and group_id = 'insgesamt' and ags = '05966' "
        "order by year desc limit 1").itertuples(index=False)
    assert 0 < reported < of_all  # the demo has schools that left the field empty
    captions = " ".join(caption.value for caption in app.caption)
    assert f"Schulen mit Angabe (das Feld ist im Schulauszug freiwillig):** Kreis Olpe {period}: {reported} von " \
        f"{of_all}" in captions
    downloaded = _csv(media(app, "series_download_csv"))
    latest = downloaded[downloaded["Gebiet"] == "Kreis Olpe"].sort_values("Berichtsjahr").iloc[-1]
    assert (latest["Schulen mit Angabe"], latest["Schulen insgesamt"]) == (reported, of_all)
