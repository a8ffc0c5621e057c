"""The internal page "Standards" on the served demo data: the data behind every table, chart and download for each
viewer (plain functions of dashboard/standards_data.py against the snapshot), what a KI must not see of the other
centres (names, codes, files - in every frame, note, figure and download), and the page through Streamlit's AppTest
(selections restored from the URL, figures on the page equal to the snapshot, downloads)."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import standards_data as data
from dashboard.common import csv_bytes, excel_bytes
from dashboard.standards_data import StandardsViewer
from tests.conftest import PASSWORDS, PROJECT_ROOT, sign_in
from tests.conftest import read_download_csv as _csv

APP = str(PROJECT_ROOT / "dashboard" / "app.py")
OWN = "KI05966"
LAKI = StandardsViewer.koordinierungsstelle()
KI = StandardsViewer.centre(OWN)
PUBLIC = StandardsViewer()
SVG = "{http://www.w3.org/2000/svg}"


def _svg_tree(markup: str):
    """The <svg> element of a chart's markup (a <style> block precedes it)."""
    from xml.etree import ElementTree

    return ElementTree.fromstring(markup[markup.index("<svg"):])



@pytest.fixture(scope="module")
def served(demo_pipeline):
    """The served tables the page reads, as the serving module returns them (all years)."""
    read = demo_pipeline.serving_frame
    return {
        "evaluations": read("select * from ki_standard_evaluations order by year, ki_ags, standard_order"),
        "standards": read("select * from ki_standards order by standard_order, version"),
        "needs": read("select * from ki_needs_offers order by metric_id, year, ki_ags"),
        "files": read("select distinct m.ki_ags, m.year, m.report_file, f.loaded_at from ki_metrics m left join "
                      "(select file_name, max(loaded_at) as loaded_at from source_files group by 1) f "
                      "on f.file_name = m.report_file where m.report_file is not null"),
        "districts": read("select * from districts where level = 'KI'"),
    }


def _latest(served) -> int:
    return int(served["evaluations"]["year"].max())


# --- the viewer ------------------------------------------------------------------------------------------------------

def test_viewer_roles():
    assert LAKI == StandardsViewer(own_centre=None, names_visible=True)
    assert KI == StandardsViewer(own_centre=OWN, names_visible=False)
    assert LAKI.sees_report_data and KI.sees_report_data and not PUBLIC.sees_report_data
    assert LAKI.sees_centre("KI05111") and LAKI.sees_centre(OWN)
    assert KI.sees_centre(OWN) and not KI.sees_centre("KI05111")
    assert not PUBLIC.sees_centre(OWN)
    assert data.pseudonyms(["KI05111", OWN, "KI05112"], KI, {OWN: "KI Kreis Olpe"}) == {
        "KI05111": "KI 1", OWN: "KI Kreis Olpe", "KI05112": "KI 2"}


def test_the_public_gets_no_report_data(served):
    year = _latest(served)
    evaluations, needs = served["evaluations"], served["needs"]
    metric_id = needs["metric_id"].iloc[0]
    assert data.status_matrix(evaluations, year, PUBLIC).empty
    assert data.status_counts(evaluations, year, PUBLIC).empty
    assert data.missed_by_year(evaluations, PUBLIC).empty
    assert data.centre_options(evaluations, PUBLIC) == {}
    assert data.centre_detail(evaluations, served["standards"], year, OWN, PUBLIC).empty
    assert data.centre_history(evaluations, OWN, PUBLIC).empty
    assert data.needs_offers_frame(needs, metric_id, year, PUBLIC).empty
    assert "keine" in data.report_files_note(served["files"], [year], PUBLIC)


# --- matrix and counts -------------------------------------------------------------------------------------------------

def test_matrix_of_the_koordinierungsstelle_is_every_centre_by_name(served):
    evaluations = served["evaluations"]
    year = _latest(served)
    matrix = data.status_matrix(evaluations, year, LAKI)
    rows = evaluations[evaluations["year"] == year]
    assert len(matrix) == rows["ki_ags"].nunique() == 54
    assert matrix["KI"].tolist() == sorted(matrix["KI"])
    standards = data.standard_order(evaluations)
    assert list(matrix.columns[2:2 + len(standards)]) == standards
    for row in rows.itertuples():
        shown = matrix.loc[matrix["AGS"] == row.ki_ags].iloc[0]
        assert shown["KI"] == row.ki_name and shown[row.standard_name_de] == row.status
    per_centre = rows.groupby("ki_ags")["status"].value_counts().unstack(fill_value=0)
    counted = matrix.set_index("AGS")
    assert (counted["Erfüllt"] == per_centre["erfüllt"].reindex(counted.index, fill_value=0)).all()
    assert (counted["Nicht erfüllt"] == per_centre["nicht erfüllt"].reindex(counted.index, fill_value=0)).all()
    assert (counted[list(data.STATUS_COLUMNS.values())].sum(axis=1) == len(standards)).all()

    html = data.status_table_html(matrix, standards, "im-matrix", symbols_only=True)
    assert html.count("<tr>") == 55  # header and 54 centres
    cells = re.findall(r'<td class="status" title="([^"]+)" style="background:([^;]+);[^"]*">([^<]+)</td>', html)
    assert len(cells) == 54 * len(standards)
    for status, colour, symbol in cells:  # colour and symbol say the same, never colour alone
        assert colour == data.STATUS_COLOURS[status] and symbol == data.STATUS_SYMBOLS[status]
    assert len({status for status, _, _ in cells}) >= 2


def test_matrix_of_a_ki_is_its_own_row(served):
    year = _latest(served)
    matrix = data.status_matrix(served["evaluations"], year, KI)
    assert matrix["AGS"].tolist() == [OWN]
    own = served["evaluations"].query("year == @year and ki_ags == @OWN")
    assert matrix.iloc[0][own["standard_name_de"]].tolist() == own["status"].tolist()


def test_counts_per_standard_and_year_equal_the_snapshot(served, snapshot):
    year = _latest(served)
    counts = data.status_counts(served["evaluations"], year, KI)  # counts are the same for every role
    assert counts.equals(data.status_counts(served["evaluations"], year, LAKI))
    expected = snapshot("select standard_name_de, count(*) filter (where status = 'nicht erfüllt') as missed, "
                        "count(*) filter (where status = 'erfüllt') as met, "
                        "count(*) filter (where status <> 'entfällt') as rated "
                        "from ki_standard_evaluations where year = ? group by 1", year).set_index("standard_name_de")
    got = counts.set_index("Standard")
    assert (got["Nicht erfüllt"] == expected["missed"].reindex(got.index)).all()
    assert (got["Erfüllt"] == expected["met"].reindex(got.index)).all()
    assert (got["Bewertete KI"] == expected["rated"].reindex(got.index)).all()
    assert counts["Nicht erfüllt"].is_monotonic_decreasing
    assert counts["Nicht erfüllt"].sum() > 0  # the demo data misses standards: the chart has something to show

    by_year = data.missed_by_year(served["evaluations"], KI)
    expected = snapshot("select year, standard_name_de, count(*) filter (where status = 'nicht erfüllt') as missed "
                        "from ki_standard_evaluations group by all")
    # every year by every standard: a standard not yet in the catalogue that year (the TIntG ones) counts 0
    merged = by_year.merge(expected, how="left", left_on=["Berichtsjahr", "Standard"],
                           right_on=["year", "standard_name_de"])
    assert len(merged) == len(by_year) and merged["missed"].notna().sum() == len(expected)
    assert (merged["Nicht erfüllt"] == merged["missed"].fillna(0)).all()
    html = data.missed_table_html(counts, by_year, data.version_changes(served["standards"]))
    rows = re.findall(r"<tr><td>([^<]+)</td><td><div class=\"im-bar\">(.*?)</div>", html)
    assert [name for name, _ in rows] == counts["Standard"].tolist()
    for (name, bar), record in zip(rows, counts.to_dict("records")):
        written = re.findall(r'title="(\d+) KI ([^"]+)"[^>]*>(\d+)</span>', bar)
        assert {status: int(n) for n, status, _ in written} == {
            status: record[column] for status, column in (("nicht erfüllt", "Nicht erfüllt"), ("erfüllt", "Erfüllt"),
                                                          ("keine Daten", "Keine Daten")) if record[column]}
    # one small line per standard, a mark where the Integrationskonzept's second version starts
    assert html.count("<svg") == len(counts) and html.count("stroke-dasharray") == len(
        data.version_changes(served["standards"]))


# --- one centre ------------------------------------------------------------------------------------------------------------

def test_centre_detail_shows_value_rule_status_and_the_version_note(served):
    evaluations, standards = served["evaluations"], served["standards"]
    # a year judged under an older version: the note is there
    older = evaluations[~evaluations["is_current_version"] & (evaluations["ki_ags"] == OWN)].iloc[0]
    detail = data.centre_detail(evaluations, standards, int(older["year"]), OWN, LAKI)
    # every standard the catalogue had in that year (the TIntG standards start later)
    evaluated_then = evaluations[(evaluations["year"] == older["year"]) & (evaluations["ki_ags"] == OWN)]
    assert len(detail) == evaluated_then["standard_id"].nunique() >= 7
    row = detail[detail["Standard"] == older["standard_name_de"]].iloc[0]
    assert row["Hinweis zur Fassung"].startswith("Bewertet nach der damals gültigen Fassung")
    assert row["Hinweis zur Fassung"] == older["versioning_note_de"] and row["Fassung"] == older["version"]
    assert row["Status"] == older["status"] and row["Regel"] == older["rule_de"]
    served_rows = evaluations[(evaluations["year"] == older["year"]) & (evaluations["ki_ags"] == OWN)]
    assert detail["Status"].tolist() == served_rows.sort_values("standard_order")["status"].tolist()

    year = _latest(served)
    detail = data.centre_detail(evaluations, standards, year, OWN, KI).set_index("Standard")
    latest = evaluations[(evaluations["year"] == year) & (evaluations["ki_ags"] == OWN)].set_index("standard_name_de")
    for name, rule in latest.iterrows():
        shown = detail.loc[name]
        if rule["rule_type"] in ("minimum", "maximum") and pd.notna(rule["value"]):
            number = float(shown["Wert"].split(" ")[0].replace(".", "").replace(",", "."))
            assert number == pytest.approx(rule["value"], rel=1e-3, abs=0.01)
        if rule["rule_type"] == "required_fact" and pd.notna(rule["value"]):
            assert shown["Wert"] == ("ja" if rule["value"] == 1 else "nein")
        assert shown["Erläuterung"] == (rule["detail_de"] if isinstance(rule["detail_de"], str) else "")
    # a KI sees only its own centre's detail and history
    assert data.centre_detail(evaluations, standards, year, "KI05111", KI).empty
    assert data.centre_history(evaluations, "KI05111", KI).empty
    assert data.centre_options(evaluations, KI) == {OWN: latest["ki_name"].iloc[0]}
    assert len(data.centre_options(evaluations, LAKI)) == 54


def test_centre_history_is_the_status_per_year(served):
    history_rows = served["evaluations"][served["evaluations"]["ki_ags"] == OWN]
    history = data.centre_history(history_rows, OWN, KI).set_index("Standard")
    assert list(history.columns) == [str(y) for y in sorted(history_rows["year"].unique())]
    for row in history_rows.itertuples():
        assert history.loc[row.standard_name_de, str(row.year)] == row.status
    notes = data.history_notes(history_rows, OWN, KI)
    older = history_rows[~history_rows["is_current_version"]]
    assert len(notes) == older["standard_id"].nunique() >= 1  # the Integrationskonzept changed its version in 2022
    for name, part in older.groupby("standard_name_de"):  # each note names the years judged differently
        [note] = [note for note in notes if note.startswith(f"**{name}:**")]
        assert all(str(year) in note.split("wäre das Ergebnis")[1] for year in part.loc[
            part["differs_from_current_version"].astype(bool), "year"])
    assert data.history_notes(history_rows, OWN, PUBLIC) == []


# --- needs against offers ------------------------------------------------------------------------------------------------

def test_needs_offers_for_the_koordinierungsstelle(served):
    needs, year = served["needs"], _latest(served)
    metric_id = "beratungsfaelle_je_seiteneinsteiger"
    frame = data.needs_offers_frame(needs, metric_id, year, LAKI, highlighted="KI05513")
    served_rows = needs[(needs["metric_id"] == metric_id) & (needs["year"] == year)].set_index("ki_ags")
    assert len(frame) == len(served_rows) == 54
    got = frame.set_index("AGS")
    assert (got["KI"] == served_rows["ki_name"].reindex(got.index)).all()
    pd.testing.assert_series_equal(got["Verhältnis"], served_rows["ratio"].reindex(got.index), check_names=False)
    pd.testing.assert_series_equal(got["Bedarf"], served_rows["need_value"].reindex(got.index), check_names=False)
    assert frame["Rang"].dropna().is_monotonic_increasing
    assert frame.loc[frame["Hervorgehoben"] == "ja", "AGS"].tolist() == ["KI05513"]
    chart = _svg_tree(data.needs_offers_svg(frame, served_rows["unit"].iloc[0], "Bedarf", LAKI, label="Test"))
    assert chart.get("data-x-scale") == "log"
    [median, *_] = chart.findall(f".//{SVG}line[@class='reference']")
    assert float(median.get("data-value")) == pytest.approx(served_rows["median_ratio"].iloc[0])
    points = list(chart.iter(f"{SVG}g"))
    shown = served_rows[served_rows["ratio"].notna() & (served_rows["need_value"] > 0)]  # log axis: need > 0
    assert len([g for g in points if "point" in g.get("class", "")]) == len(shown) > 40
    assert [g.get("data-name") for g in points if g.get("class") == "point selected"] == [
        served_rows.loc["KI05513", "ki_name"]]
    titles = {g.get("data-name"): g.find(f"{SVG}title").text for g in points if g.get("data-name")}
    ratio = served_rows.loc["KI05513", "ratio"]
    assert titles[served_rows.loc["KI05513", "ki_name"]].startswith(f"{served_rows.loc['KI05513', 'ki_name']}: "
                                                                     f"{data.ratio_text(ratio, shown['unit'].iloc[0])}")


def test_needs_offers_for_a_ki_show_the_others_only_as_ranked_ratios(served):
    needs, year = served["needs"], _latest(served)
    for metric_id in needs["metric_id"].unique():
        frame = data.needs_offers_frame(needs, metric_id, year, KI, highlighted="KI05111")
        served_rows = needs[(needs["metric_id"] == metric_id) & (needs["year"] == year)]
        own = served_rows[served_rows["ki_ags"] == OWN].iloc[0]
        mine = frame[frame["AGS"] == OWN].iloc[0]
        assert mine["KI"] == own["ki_name"] and mine["Hervorgehoben"] == "ja"  # always the own centre
        assert mine["Bedarf"] == own["need_value"] and mine["Angebot"] == own["offer_value"]
        others = frame[frame["AGS"] != OWN]
        assert others["AGS"].isna().all() and others["Bedarf"].isna().all() and others["Angebot"].isna().all()
        assert others["Hinweis"].isna().all()
        assert others["KI"].tolist() == [f"KI {n}" for n in range(1, len(others) + 1)]
        # numbered in the order of the ratios shown, nothing else
        ranked = others["Verhältnis"].dropna()
        ascending = not bool(own["higher_is_better"])
        assert ranked.tolist() == sorted(ranked, reverse=not ascending)
        assert sorted(frame["Verhältnis"].dropna()) == pytest.approx(sorted(served_rows["ratio"].dropna()))


# --- nothing of the other centres reaches a KI ---------------------------------------------------------------------------

def _forbidden(served, own: str) -> list[re.Pattern]:
    """Names, codes and report files of every other centre, as patterns (a 5-digit code not inside a number)."""
    evaluations, districts = served["evaluations"], served["districts"]
    patterns = []
    others = evaluations[evaluations["ki_ags"] != own].drop_duplicates("ki_ags")
    for row in others.itertuples():
        patterns.append(re.compile(re.escape(row.ki_ags) + r"(?!\d)"))  # KI05334 is not KI05334002
        patterns.append(re.compile(rf"(?<![\d,.]){re.escape(row.ki_id)}(?!\d)"))
        patterns.append(re.compile(re.escape(row.ki_name) + r"(?![\w-])"))
    for row in districts[districts["ags"] != own].itertuples():
        patterns.append(re.compile(re.escape(row.display_name) + r"(?![\w-])"))
    for name in served["files"].loc[served["files"]["ki_ags"] != own, "report_file"].unique():
        patterns.append(re.compile(re.escape(name)))
    return patterns


def _texts_of_frame(frame: pd.DataFrame) -> list[str]:
    return [str(column) for column in frame.columns] + [str(value) for value in frame.to_numpy().ravel()]


@pytest.mark.parametrize("own", [OWN, "KI05334002"])
def test_a_ki_sees_no_other_centre_by_name_or_code(served, own):
    viewer = StandardsViewer.centre(own)
    evaluations, standards, needs, files = served["evaluations"], served["standards"], served["needs"], served["files"]
    own_name = evaluations.loc[evaluations["ki_ags"] == own, "ki_name"].iloc[0]
    standard_names = data.standard_order(evaluations)
    frames, texts = [], []
    years = data.report_years(evaluations)
    for year in (years[0], years[-1]):
        matrix = data.status_matrix(evaluations, year, viewer)
        counts = data.status_counts(evaluations, year, viewer)
        frames += [matrix, counts, data.centre_detail(evaluations, standards, year, own, viewer)]
        texts.append(data.status_table_html(matrix, standard_names, "im-matrix", symbols_only=True))
        for metric_id in needs["metric_id"].unique():
            frame = data.needs_offers_frame(needs, metric_id, year, viewer, highlighted="KI05111")
            frames.append(frame)
            unit = needs.loc[needs["metric_id"] == metric_id, "unit"].iloc[0]
            texts.append(data.needs_offers_svg(frame, unit, "Bedarf", viewer, label="Test"))
        texts += [data.report_files_note(files, [year], viewer), data.need_note(needs[needs["year"] == year], viewer),
                  data.centre_files_note(files, own, [year], viewer)]
    by_year = data.missed_by_year(evaluations, viewer)
    history = data.centre_history(evaluations, own, viewer)
    frames += [by_year, history]
    texts += data.history_notes(evaluations, own, viewer) + [data.catalogue_note(standards)]
    texts.append(data.missed_table_html(counts, by_year, data.version_changes(standards)))
    texts.append(data.status_table_html(history, [c for c in history.columns if c != "Standard"], "im-history"))
    # what the download buttons deliver, read back
    for frame in frames:
        texts += _texts_of_frame(frame)
        texts.append(csv_bytes(frame).decode("utf-8-sig"))
        texts += _texts_of_frame(pd.read_excel(io.BytesIO(excel_bytes(frame, "daten")), dtype=str))
    every_text = "\n".join(texts)
    assert own_name in every_text and own in every_text  # the own centre is there, by name and code
    leaks = {pattern.pattern for pattern in _forbidden(served, own) if pattern.search(every_text)}
    assert not leaks, leaks
    # and the check itself finds a name where one is: the Koordinierungsstelle's matrix names the others
    laki_text = "\n".join(_texts_of_frame(data.status_matrix(evaluations, years[0], LAKI)))
    assert any(pattern.search(laki_text) for pattern in _forbidden(served, own))


# --- the page --------------------------------------------------------------------------------------------------------------

def _open(username: str, **params) -> AppTest:
    """The page for a signed-in user (an internal page: the navigation has it only after sign-in)."""
    app = AppTest.from_file(APP, default_timeout=60).run()
    sign_in(app, username, PASSWORDS[username])
    for name, value in params.items():
        app.query_params[name] = value
    app.switch_page("views/standards.py").run()
    assert not app.exception, app.exception
    return app


def _param(app: AppTest, name: str) -> str:
    value = app.query_params[name]
    return value[0] if isinstance(value, list) else value


def _metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def test_page_for_the_koordinierungsstelle_restores_the_url_and_shows_the_snapshot(snapshot, media, user_file):
    app = _open("laki", jahr="2016", gebiet="KI05513", kennzahl="hsu_teilnehmende_je_100_schueler_zuwanderungsgeschichte")
    assert app.selectbox(key="standards_year").value == 2016
    assert app.selectbox(key="standards_centre").value == "KI05513"
    assert app.selectbox(key="standards_ratio").value == "hsu_teilnehmende_je_100_schueler_zuwanderungsgeschichte"
    assert any(text.value.startswith("**Demodaten (synthetisch)**") for text in app.warning)

    counts = snapshot("select status, count(*) as n from ki_standard_evaluations where year = 2016 group by 1")
    counts = dict(zip(counts["status"], counts["n"]))
    metrics = _metrics(app)
    assert metrics["Bewertete KI"] == "54"
    assert metrics["Bewertungen nicht erfüllt"] == str(counts.get("nicht erfüllt", 0))
    assert metrics["Bewertungen erfüllt"] == str(counts.get("erfüllt", 0))

    matrix = _csv(media(app, "standards_matrix_download_csv"))
    served = snapshot("select ki_ags, standard_name_de, status from ki_standard_evaluations where year = 2016")
    assert len(matrix) == 54
    got = matrix.melt(id_vars=["KI", "AGS"], value_vars=sorted(served["standard_name_de"].unique()),
                      var_name="standard_name_de", value_name="status")
    merged = got.merge(served, left_on=["AGS", "standard_name_de"], right_on=["ki_ags", "standard_name_de"])
    assert len(merged) == len(served) and (merged["status_x"] == merged["status_y"]).all()

    detail = _csv(media(app, "standards_detail_download_csv"))
    gelsenkirchen = snapshot("select status from ki_standard_evaluations where year = 2016 and ki_ags = 'KI05513' "
                             "order by standard_order")
    assert detail["Status"].tolist() == gelsenkirchen["status"].tolist()
    shown = [element.value for element in app.get("html")]
    detail_html = next(html for html in shown if "im-detail" in html)
    assert re.findall(r'<td class="status" title="([^"]+)"', detail_html) == gelsenkirchen["status"].tolist()
    history = _csv(media(app, "standards_history_download_csv"))
    years = snapshot("select distinct year from ki_standard_evaluations order by 1")["year"].astype(str).tolist()
    assert list(history.columns) == ["Standard", *years]

    needs = _csv(media(app, "standards_needs_download_csv"))
    ratios = snapshot("select ki_ags, ratio from ki_needs_offers where year = 2016 and metric_id = ?",
                      "hsu_teilnehmende_je_100_schueler_zuwanderungsgeschichte").set_index("ki_ags")["ratio"]
    assert len(needs) == 54
    assert needs.set_index("AGS")["Verhältnis"].sort_index().to_numpy() == pytest.approx(
        ratios.sort_index().to_numpy(), nan_ok=True)
    assert needs.loc[needs["Hervorgehoben"] == "ja", "AGS"].tolist() == ["KI05513"]

    app.selectbox(key="standards_year").set_value(2024).run()
    assert not app.exception and _param(app, "jahr") == "2024" and _param(app, "gebiet") == "KI05513"
    latest = snapshot("select count(*) as n from ki_standard_evaluations where year = 2024 and status = 'nicht erfüllt'")
    assert _metrics(app)["Bewertungen nicht erfüllt"] == str(latest["n"].iloc[0])


def test_page_for_a_ki_shows_its_own_centre_and_no_other_by_name(snapshot, media, user_file):
    app = _open("ki-olpe", jahr="2024", gebiet="KI05111")  # the KI Olpe (KI05966) asks for another centre
    assert not [box for box in app.selectbox if box.key == "standards_centre"]  # no choice of another centre
    own_name = snapshot("select name from districts where ags = ?", OWN)["name"].iloc[0]
    assert any(own_name in caption.value for caption in app.caption)
    matrix = _csv(media(app, "standards_matrix_download_csv"))
    assert matrix["AGS"].tolist() == [OWN]
    detail = _csv(media(app, "standards_detail_download_csv"))
    own = snapshot("select status from ki_standard_evaluations where year = 2024 and ki_ags = ? "
                   "order by standard_order", OWN)
    assert detail["Status"].tolist() == own["status"].tolist()
    needs = _csv(media(app, "standards_needs_download_csv"))
    assert needs["AGS"].dropna().tolist() == [OWN]
    assert needs.loc[needs["AGS"] != OWN, "KI"].str.fullmatch(r"KI \d+").all()
    others = snapshot("select name from districts where level = 'KI' and ags <> ?", OWN)["name"]
    page_text = "\n".join([element.value for element in [*app.caption, *app.markdown, *app.subheader]]
                          + [element.value for element in app.get("html")]
                          + [text for table in app.table for text in _texts_of_frame(table.value)])
    assert own_name in page_text
    assert not [name for name in others if re.search(re.escape(name) + r"(?![\w-])", page_text)]


def test_page_without_a_role_shows_no_report_data(snapshot, user_file):
    # the page script run without sign-in (the navigation would not even offer it): it stops before any data
    app = AppTest.from_file(str(PROJECT_ROOT / "dashboard" / "views" / "standards.py"), default_timeout=60).run()
    assert not app.exception
    assert not app.metric and not app.get("html") and not app.get("download_button")
    assert any("nur für angemeldete" in info.value for info in app.info)
