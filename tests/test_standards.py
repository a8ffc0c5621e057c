"""KI quality standards: the catalogue loader (valid file, broken files -> German messages, the override path), the
step that writes it for dbt, and the evaluation on the full demo pipeline (every centre x year x standard, metrics
recomputed from the demo KI report files). The rule types and versioning are unit-tested in dbt
(dbt_project/models/marts/ki/_ki__unit_tests.yml), which the pipeline runs with every build."""

from __future__ import annotations

import copy
import csv
import logging
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import duckdb
import pytest
import yaml

from pipelines.config import PROJECT_ROOT, SHIPPED_STANDARDS_FILE, Settings, get_settings
from pipelines.readers.kreis_templates import read_template
from pipelines.standards import StandardsCatalogueError, load_standards_catalogue, metric_catalogue
from pipelines.standards.catalogue import METRIC_CATALOGUE, RULE_TYPES, offer_metric_by_programme, rule_text_de
from pipelines.standards.land import land_standards
from pipelines.templates.spec import template_specs

DOCS = PROJECT_ROOT / "docs" / "standards.md"
SHIPPED = yaml.safe_load(SHIPPED_STANDARDS_FILE.read_text(encoding="utf-8"))


def write_catalogue(path: Path, document: dict) -> Path:
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def standard(document: dict, standard_id: str) -> dict:
    return next(entry for entry in document["standards"] if entry["id"] == standard_id)


def problems_of(path: Path) -> str:
    with pytest.raises(StandardsCatalogueError) as raised:
        load_standards_catalogue(path)
    return raised.value.message_de


# --------------------------------------------------------------------------------------------------------------
# the shipped catalogue and the metric catalogue
# --------------------------------------------------------------------------------------------------------------
def test_shipped_catalogue_loads_with_every_rule_type_and_a_version_history():
    catalogue = load_standards_catalogue()
    assert catalogue.path == SHIPPED_STANDARDS_FILE and len(catalogue.sha256) == 64
    assert {version.rule.type for s in catalogue.standards for version in s.versions} == set(RULE_TYPES)
    concept = catalogue.standard("integrationskonzept_aktuell")
    assert [(v.version, v.valid_from, v.valid_to, v.rule.max_years) for v in concept.versions] == [
        (1, 2012, 2021, 10), (2, 2022, None, 5)]
    assert concept.version_for(2021).version == 1 and concept.version_for(2022).version == 2
    assert concept.current_version.version == 2 and concept.version_for(2011) is None
    for entry in catalogue.standards:
        assert entry.name_de and entry.explanation_de and entry.evidence_de
        # standards of the founding programme from 2012, those of the TIntG (§§ 8, 9) from 2022
        assert entry.versions[0].valid_from in (2012, 2022), entry.id
        for version in entry.versions:
            # each version cites the law in force in its years: § 7 of the 2012 law until 2021, the TIntG after
            if version.valid_to is not None and version.valid_to <= 2021:
                assert "§ 7 des Teilhabe- und Integrationsgesetzes NRW von 2012" in version.basis_de, entry.id
            else:
                assert version.valid_from >= 2022 and "TIntG) vom 25.11.2021" in version.basis_de, entry.id
    assert "§ 9" in catalogue.standard("kim_steuerung").current_version.basis_de
    assert "§ 27 GO NRW" in catalogue.standard("kooperation_integrationsrat").current_version.basis_de


def test_rules_read_as_german_sentences():
    catalogue = load_standards_catalogue()
    texts = {s.id: rule_text_de(s.current_version.rule) for s in catalogue.standards}
    assert texts["beratung_seiteneinsteiger"].endswith("mindestens 0,5")
    assert texts["personal_im_verhaeltnis_zum_bedarf"].endswith("höchstens 1.500")
    assert texts["kooperation_integrationsrat"] == (
        "Zusammenarbeit mit dem Integrationsrat: ja; gilt nur, wo Gemeinden mit vorgeschriebenem Integrationsrat "
        "mindestens 1")
    assert "höchstens 5 Jahre alt" in texts["integrationskonzept_aktuell"]
    assert texts["angebote_bildungskette"].count(";") == 4  # five stages from 2022: Übergang Schule-Beruf too
    assert texts["kooperation_mso"].endswith("mindestens 1")  # yes/no: a fixed count would fail small areas
    assert texts["kim_steuerung"] == "KIM: Lenkungsgruppe eingerichtet: ja"


def test_metric_catalogue_matches_the_report_template_and_the_indicators():
    sheets = {sheet.name: sheet for sheet in template_specs()["ki_jahresbericht"].sheets}
    programmes = [v.value for v in sheets["programme"].column("programm").allowed_values]
    partner_types = [v.value for v in sheets["kooperationen"].column("partnertyp").allowed_values]
    # every programme of the template has its yes/no offer metric, so every programme can be named in a stage
    assert sorted(offer_metric_by_programme()) == sorted(programmes)
    with METRIC_CATALOGUE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    indicators = {}
    with (PROJECT_ROOT / "dbt_project" / "seeds" / "indicator_catalogue.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            indicators[row["indicator_id"]] = row["groups"].split("|")
    for row in rows:
        if row["metric_source"] == "programme":
            assert row["report_item"] in programmes, row["metric_id"]
            assert row["report_field"] in ("angebot", "gruppen", "teilnehmende", "beratungsfaelle", "schulen")
        if row["metric_source"] == "kooperationen":
            assert row["report_item"] in partner_types, row["metric_id"]
        if row["metric_source"] == "bedarf":
            assert row["offer_metric_id"] in metric_catalogue(), row["metric_id"]
            assert row["need_group_id"] in indicators[row["need_indicator_id"]], row["metric_id"]


def test_docs_file_is_up_to_date():
    from pipelines.standards.docs import markdown_docs

    assert DOCS.read_text(encoding="utf-8") == markdown_docs(), (
        "docs/standards.md is stale: run `python -m pipelines.standards docs > docs/standards.md`"
    )


# --------------------------------------------------------------------------------------------------------------
# broken files: every problem reported at once, in German, naming standard, version and key
# --------------------------------------------------------------------------------------------------------------
def broken(mutate) -> dict:
    document = copy.deepcopy(SHIPPED)
    mutate(document)
    return document


BROKEN_CASES = {
    "unknown_metric": (
        lambda d: standard(d, "kooperation_mso")["versions"][0]["rule"].update(metric="mso_partnerr"),
        "Standard 'kooperation_mso', Fassung 1, Regel (minimum): Kennzahl 'mso_partnerr' gibt es nicht.",
    ),
    "metric_of_the_wrong_kind": (
        lambda d: standard(d, "integrationskonzept_aktuell")["versions"][1]["rule"].update(metric="vzae_insgesamt"),
        "Kennzahl 'vzae_insgesamt' ist eine Zahl, die Regel braucht ein Datum.",
    ),
    "threshold_with_decimal_comma": (
        lambda d: standard(d, "beratung_seiteneinsteiger")["versions"][0]["rule"].update(threshold="0,5"),
        "threshold muss eine Zahl sein (Dezimalpunkt, z. B. 0.5; gefunden: '0,5').",
    ),
    "unknown_rule_type": (
        lambda d: standard(d, "kooperation_mso")["versions"][0]["rule"].update(type="mindestens"),
        "type muss eine dieser Regelarten sein: minimum, maximum, required_fact, max_age_years, offer_in_every_stage",
    ),
    "overlapping_versions": (
        lambda d: standard(d, "integrationskonzept_aktuell")["versions"][1].update(valid_from=2021),
        "Fassung 2: gilt ab 2021, Fassung 1 gilt aber bis 2021; die Zeiträume dürfen sich nicht überschneiden.",
    ),
    "open_version_before_another": (
        lambda d: standard(d, "integrationskonzept_aktuell")["versions"][0].pop("valid_to"),
        "Fassung 1: valid_to fehlt, obwohl Fassung 2 folgt",
    ),
    "versions_out_of_order": (
        lambda d: standard(d, "integrationskonzept_aktuell")["versions"][1].update(version=3),
        "die Fassungen müssen in der Datei als 1, 2, 3 ... aufeinander folgen (gefunden: 1, 3)",
    ),
    "valid_to_before_valid_from": (
        lambda d: standard(d, "kooperation_mso")["versions"][0].update(valid_to=2010),
        "Standard 'kooperation_mso', Fassung 1: valid_to (2010) liegt vor valid_from (2012).",
    ),
    "unknown_programme": (
        lambda d: standard(d, "angebote_bildungskette")["versions"][0]["rule"]["stages"][0].update(
            programmes=["Griffbereit", "Rucksack Kita"]),
        "Stufe 'Familie': unbekanntes Programm 'Rucksack Kita'.",
    ),
    "required_not_yes_or_no": (
        lambda d: standard(d, "kooperation_integrationsrat")["versions"][0]["rule"].update(required="vielleicht"),
        "required muss ja oder nein sein (gefunden: 'vielleicht').",
    ),
    "duplicate_id": (
        lambda d: standard(d, "kooperation_mso").update(id="kooperation_integrationsrat"),
        "Standard 'kooperation_integrationsrat': die Kennung kommt mehrfach vor",
    ),
    "typo_in_a_key": (
        lambda d: standard(d, "kooperation_mso")["versions"][0].update(valid_form=2012),
        "Standard 'kooperation_mso', Fassung 1: unbekannter Schlüssel 'valid_form'",
    ),
    "missing_text": (
        lambda d: standard(d, "kooperation_mso").pop("evidence_de"),
        "Standard 'kooperation_mso': evidence_de fehlt oder ist leer",
    ),
    "wrong_schema_version": (
        lambda d: d.update(schema_version=2),
        "schema_version muss 1 sein (gefunden: 2).",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN_CASES))
def test_broken_catalogue_is_rejected_with_a_german_message(tmp_path, caplog, case):
    mutate, expected = BROKEN_CASES[case]
    path = write_catalogue(tmp_path / "standards.yml", broken(mutate))
    with caplog.at_level(logging.ERROR, logger="pipelines.standards"):
        message = problems_of(path)
    assert message.startswith(f"Der Standardkatalog {path} kann nicht verwendet werden (1 Fehler)")
    assert expected in message
    assert expected in caplog.text  # the log has the detail too


def test_all_problems_are_reported_at_once(tmp_path):
    def mutate(document):
        for case in ("unknown_metric", "threshold_with_decimal_comma", "unknown_programme"):
            BROKEN_CASES[case][0](document)

    message = problems_of(write_catalogue(tmp_path / "standards.yml", broken(mutate)))
    assert "(3 Fehler)" in message and message.count("\n- ") == 3


def test_yaml_syntax_error_names_line_and_column_and_logs_the_parser_detail(tmp_path, caplog):
    path = tmp_path / "standards.yml"
    path.write_text("schema_version: 1\nstandards:\n  - id: a\n\tname_de: x\n", encoding="utf-8")
    with caplog.at_level(logging.ERROR, logger="pipelines.standards"):
        message = problems_of(path)
    assert "kein gültiges YAML in Zeile 4, Spalte 1" in message
    assert "found character '\\t' that cannot start any token" in caplog.text


def test_missing_file_and_wrong_encoding(tmp_path):
    assert "nicht lesbar oder fehlt" in problems_of(tmp_path / "gibt_es_nicht.yml")
    latin1 = tmp_path / "latin1.yml"
    latin1.write_bytes(SHIPPED_STANDARDS_FILE.read_text(encoding="utf-8").encode("latin-1", errors="replace"))
    assert "nicht in UTF-8 gespeichert" in problems_of(latin1)


def test_check_command(tmp_path):
    good = subprocess.run([sys.executable, "-m", "pipelines.standards", "check"], cwd=PROJECT_ROOT,
                          capture_output=True, text=True)
    assert good.returncode == 0 and "Standardkatalog in Ordnung" in good.stdout
    assert "12 Standards, 19 Fassungen" in good.stdout
    path = write_catalogue(tmp_path / "eigener.yml", broken(BROKEN_CASES["unknown_metric"][0]))
    bad = subprocess.run([sys.executable, "-m", "pipelines.standards", "check", str(path)], cwd=PROJECT_ROOT,
                         capture_output=True, text=True)
    assert bad.returncode == 1 and "Kennzahl 'mso_partnerr' gibt es nicht" in bad.stderr


def test_override_path_from_im_standards_file(monkeypatch, tmp_path):
    monkeypatch.delenv("IM_STANDARDS_FILE", raising=False)
    assert get_settings().standards_file == SHIPPED_STANDARDS_FILE
    own = tmp_path / "laki" / "standards.yml"
    monkeypatch.setenv("IM_STANDARDS_FILE", str(own))
    assert get_settings().standards_file == own
    monkeypatch.setenv("IM_STANDARDS_FILE", "eigene/standards.yml")  # relative to the project folder
    assert get_settings().standards_file == PROJECT_ROOT / "eigene" / "standards.yml"


# --------------------------------------------------------------------------------------------------------------
# writing the catalogue into the warehouse for dbt
# --------------------------------------------------------------------------------------------------------------
def settings_with(tmp_path: Path, catalogue: Path) -> Settings:
    return Settings(sources_dir=tmp_path / "sources", data_dir=tmp_path / "data", standards_file=catalogue)


def raw_rows(settings: Settings, sql: str) -> list[tuple]:
    connection = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def test_land_writes_one_row_per_version_and_stage_programme(tmp_path):
    settings = settings_with(tmp_path, SHIPPED_STANDARDS_FILE)
    report = land_standards(settings)
    assert (report.standards, report.versions, report.changed_in_place) == (12, 19, [])
    versions = raw_rows(settings, "select standard_id, version, valid_from, valid_to, rule_type, threshold, "
                                  "required_value from raw.ki_standards order by standard_order, version")
    assert versions[:2] == [("integrationskonzept_aktuell", 1, 2012, 2021, "max_age_years", 10.0, None),
                            ("integrationskonzept_aktuell", 2, 2022, None, "max_age_years", 5.0, None)]
    assert ("kooperation_integrationsrat", 1, 2012, 2021, "required_fact", None, True) in versions
    assert ("angebote_bildungskette", 2, 2022, None, "offer_in_every_stage", 5.0, None) in versions
    [condition] = raw_rows(settings, "select distinct condition_metric_id, condition_minimum from raw.ki_standards "
                                     "where condition_metric_id is not null")
    assert condition == ("gemeinden_mit_pflicht_integrationsrat", 1.0)
    stages = raw_rows(settings, "select stage_de, programm, metric_id from raw.ki_standard_stages order by all")
    assert ("Familie", "Griffbereit", "angebot_griffbereit") in stages and len(stages) == 7 + 8 + 2
    assert ("Übergang Schule-Beruf", "Übergang Schule-Beruf", "angebot_uebergang_schule_beruf") in stages
    # the same catalogue again changes nothing, not even the time it was loaded (a rerun of the pipeline is a no-op)
    before = raw_rows(settings, "select * from raw.ki_standards order by all")
    land_standards(settings)
    assert raw_rows(settings, "select * from raw.ki_standards order by all") == before


def test_threshold_edited_in_place_is_reported_and_a_new_version_is_not(tmp_path):
    own = tmp_path / "standards.yml"
    settings = settings_with(tmp_path, write_catalogue(own, SHIPPED))
    land_standards(settings)
    edited = broken(lambda d: standard(d, "kooperation_mso")["versions"][0]["rule"].update(threshold=12))
    report = land_standards(settings_with(tmp_path, write_catalogue(own, edited)))
    assert len(report.changed_in_place) == 1 and "'kooperation_mso', Fassung 1" in report.changed_in_place[0]

    def new_version(document):
        versions = standard(document, "kooperation_mso")["versions"]
        versions[-1]["valid_to"] = 2023
        versions.append({"version": 3, "valid_from": 2024, "note_de": "Strenger.", "basis_de": "Beschluss der LaKI.",
                         "rule": {"type": "minimum", "metric": "mso_partner", "threshold": 12}})

    land_standards(settings_with(tmp_path, write_catalogue(own, SHIPPED)))  # back to the shipped rules
    report = land_standards(settings_with(tmp_path, write_catalogue(own, broken(new_version))))
    assert report.changed_in_place == [] and report.versions == 20


def test_broken_file_leaves_the_previous_catalogue_in_the_warehouse(tmp_path):
    own = tmp_path / "standards.yml"
    settings = settings_with(tmp_path, write_catalogue(own, SHIPPED))
    land_standards(settings)
    before = raw_rows(settings, "select * exclude (loaded_at) from raw.ki_standards order by all")
    write_catalogue(own, broken(BROKEN_CASES["overlapping_versions"][0]))
    with pytest.raises(StandardsCatalogueError):
        land_standards(settings)
    assert raw_rows(settings, "select * exclude (loaded_at) from raw.ki_standards order by all") == before


# --------------------------------------------------------------------------------------------------------------
# end to end on the demo pipeline
# --------------------------------------------------------------------------------------------------------------
STATUSES = {"erfüllt", "nicht erfüllt", "keine Daten", "entfällt"}


def test_every_centre_year_and_standard_is_evaluated(demo_pipeline):
    catalogue = load_standards_catalogue()
    centres = [row[0] for row in demo_pipeline.serving("select ags from districts where level = 'KI'")]
    years = range(2012, 2025)
    rows = demo_pipeline.serving(
        "select ki_ags, year, standard_id, version, status, has_report from ki_standard_evaluations")
    assert len(centres) == 54
    # a standard is evaluated in the years one of its versions covers (the TIntG ones from 2022)
    expected = {(ki, year, s.id) for ki in centres for year in years for s in catalogue.standards
                if s.version_for(year) is not None}
    assert len(rows) == len(expected) and {(r[0], r[1], r[2]) for r in rows} == expected
    for ki_ags, year, standard_id, version, status, has_report in rows:
        assert version == catalogue.standard(standard_id).version_for(year).version
        assert status in STATUSES and has_report  # the demo has a report for every centre and year


def test_counts_per_standard_in_the_latest_year_separate_the_centres(demo_pipeline):
    counts = Counter(demo_pipeline.serving(
        "select standard_id, status from ki_standard_evaluations where year = 2024"))
    for entry in load_standards_catalogue().standards:
        met, missed = counts[(entry.id, "erfüllt")], counts[(entry.id, "nicht erfüllt")]
        assert met + missed + counts[(entry.id, "keine Daten")] + counts[(entry.id, "entfällt")] == 54
        assert met >= 3 and missed >= 3, (entry.id, met, missed)  # the demo lets each standard tell centres apart


def test_versioning_is_visible_in_the_evaluations(demo_pipeline):
    rows = demo_pipeline.serving(
        "select year, version_id, is_current_version, status, status_current_version, differs_from_current_version, "
        "versioning_note_de from ki_standard_evaluations where standard_id = 'integrationskonzept_aktuell'")
    for year, version_id, is_current, status, status_now, differs, note in rows:
        assert version_id == ("integrationskonzept_aktuell.v1" if year <= 2021 else "integrationskonzept_aktuell.v2")
        assert is_current == (year >= 2022) and differs == (status != status_now)
        assert (note is None) == is_current
        if not is_current:
            assert note.startswith("Bewertet nach der damals gültigen Fassung 1 (")
            assert ("wäre das Ergebnis: " + status_now) in note if differs else "käme zum selben Ergebnis" in note
    # 10 years allowed then, 5 now: some past years were met then and would not be now, never the other way round
    changed = Counter((status, status_now) for _y, _v, _c, status, status_now, differs, _n in rows if differs)
    assert changed[("erfüllt", "nicht erfüllt")] > 0 and set(changed) == {("erfüllt", "nicht erfüllt")}


def plus_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one: 28 February, as DuckDB's date arithmetic does
        return day.replace(year=day.year + years, day=28)


def demo_report(demo_files, ki: str, year: int) -> dict[str, list[dict]]:
    (path,) = [p for p in demo_files if p.name == f"demo_ki_jahresbericht_{ki}_{year}.xlsx"]
    return read_template(path.read_bytes(), path.name).sheets


@pytest.mark.parametrize("ki", ["05966", "05111", "05334002"])
def test_metrics_recomputed_from_the_demo_report_files(demo_pipeline, demo_files, ki):
    year = 2024
    sheets = demo_report(demo_files, ki, year)
    (stamm,) = sheets["stammdaten"]
    programmes = {row["programm"]: row for row in sheets["programme"]}
    partners = {row["partnertyp"]: row["anzahl"] for row in sheets["kooperationen"]}
    metrics = dict(demo_pipeline.serving(
        "select metric_id, value from ki_metrics where ki_ags = ? and year = ?", [f"KI{ki}", year]))
    vzae = float(stamm["vzae_landesfoerderung"] + stamm["vzae_kommunal"] + (stamm["vzae_sonstige"] or 0))
    assert metrics["vzae_insgesamt"] == pytest.approx(vzae)
    assert metrics["mso_partner"] == partners.get("Migrantenselbstorganisation (MSO)", 0)
    assert metrics["kooperation_integrationsrat"] == (1 if partners.get("Integrationsrat", 0) > 0 else 0)
    rucksack = programmes.get("Rucksack KiTa", {}).get("gruppen", 0)
    advice = programmes["Beratung neu zugewanderter Schüler/-innen"]["beratungsfaelle"]

    def need(indicator: str, group: str) -> int:
        (value,) = demo_pipeline.serving(
            "select numerator from indicator_values where ags = ? and year = ? and indicator_id = ? and group_id = ?",
            [f"KI{ki}", year, indicator, group])[0]
        return value

    children, newcomers = need("kita_familiensprache", "3_bis_schuleintritt"), need("seiteneinsteiger", "insgesamt")
    pupils_zwg = need("schueler_zuwanderungsgeschichte", "insgesamt")
    assert metrics["rucksack_kita_gruppen_je_1000_kinder_familiensprache"] == pytest.approx(rucksack * 1000 / children)
    assert metrics["beratungsfaelle_je_seiteneinsteiger"] == pytest.approx(advice / newcomers)
    assert metrics["schueler_zuwanderungsgeschichte_je_vzae"] == pytest.approx(pupils_zwg / vzae)

    # the verdicts follow from these figures and the current rules
    status = dict(demo_pipeline.serving(
        "select standard_id, status from ki_standard_evaluations where ki_ags = ? and year = ?", [f"KI{ki}", year]))
    verdict = {True: "erfüllt", False: "nicht erfüllt"}
    decided = stamm["integrationskonzept_beschlossen_am"]
    assert status["integrationskonzept_aktuell"] == (
        "keine Daten" if decided is None else verdict[plus_years(decided, 5) >= date(year, 12, 31)])
    assert status["kooperation_mso"] == verdict[partners.get("Migrantenselbstorganisation (MSO)", 0) >= 1]
    assert status["beratung_seiteneinsteiger"] == verdict[advice / newcomers >= 0.5]
    assert status["rucksack_kita_versorgung"] == verdict[rucksack * 1000 / children >= 2]
    assert status["personal_im_verhaeltnis_zum_bedarf"] == verdict[pupils_zwg / vzae <= 1500]
    offered = {name for name, row in programmes.items()
               if any((row.get(k) or 0) > 0 for k in ("gruppen", "teilnehmende", "beratungsfaelle", "schulen"))}
    stages = [{"Griffbereit"}, {"Rucksack KiTa", "Fortbildungen pädagogische Fachkräfte"},
              {"Rucksack Schule", "HSU-Koordination"},
              {"Schule ohne Rassismus - Schule mit Courage", "Beratung neu zugewanderter Schüler/-innen"},
              {"Übergang Schule-Beruf"}]
    assert status["angebote_bildungskette"] == verdict[all(stage & offered for stage in stages)]
    assert status["koordinierung_integrationsarbeit"] == verdict[
        {"Koordinierung Ämter und Träger", "Koordinierung Ehrenamt"} <= offered]


@pytest.mark.parametrize("ki", ["05966", "05111", "05334002", "05513"])
def test_kim_and_land_posts_evaluated_on_the_demo_reports(demo_pipeline, demo_files, ki):
    """The sheet tintg (KIM § 9 TIntG, Land-funded posts, Gemeinden with a mandatory Integrationsrat) read back from
    the demo report files, and the verdicts that follow."""
    year = 2024
    sheets = demo_report(demo_files, ki, year)
    metrics = dict(demo_pipeline.serving(
        "select metric_id, value from ki_metrics where ki_ags = ? and year = ?", [f"KI{ki}", year]))
    status = dict(demo_pipeline.serving(
        "select standard_id, status from ki_standard_evaluations where ki_ags = ? and year = ?", [f"KI{ki}", year]))
    partners = {row["partnertyp"]: row["anzahl"] for row in sheets["kooperationen"]}
    cooperates = partners.get("Integrationsrat", 0) > 0
    if not sheets["tintg"]:
        for metric in ("kim_lenkungsgruppe", "kim_case_management_vzae", "gemeinden_mit_pflicht_integrationsrat"):
            assert metrics[metric] is None
        assert status["kim_steuerung"] == "keine Daten"
        assert status["kooperation_integrationsrat"] == ("erfüllt" if cooperates else "keine Daten")
        return
    (tintg,) = sheets["tintg"]
    yes = {"ja": 1.0, "nein": 0.0}
    assert metrics["kim_lenkungsgruppe"] == yes[tintg["kim_lenkungsgruppe"]]
    assert metrics["kim_handlungskonzept"] == yes[tintg["kim_handlungskonzept"]]
    assert metrics["kim_case_management_vzae"] == pytest.approx(float(tintg["kim_case_management_vzae"]))
    assert metrics["kim_case_management_faelle"] == tintg["kim_case_management_faelle"]
    assert metrics["kim_vzae_auslaenderbehoerde"] == pytest.approx(float(tintg["kim_vzae_auslaenderbehoerde"]))
    assert metrics["kim_vzae_einbuergerungsbehoerde"] == pytest.approx(
        float(tintg["kim_vzae_einbuergerungsbehoerde"]))
    kinds = ("lehrkraefte", "fachkraefte", "verwaltung")
    approved = sum(float(tintg[f"landesstellen_{kind}"]) for kind in kinds)
    filled = sum(float(tintg[f"landesstellen_{kind}_besetzt"]) for kind in kinds)
    assert metrics["landesstellen_bewilligt_vzae"] == pytest.approx(approved)
    assert metrics["landesstellen_unbesetzt_vzae"] == pytest.approx(approved - filled)
    assert metrics["landesstellen_besetzt_anteil"] == pytest.approx(filled / approved * 100)
    verdict = {True: "erfüllt", False: "nicht erfüllt"}
    assert status["kim_steuerung"] == verdict[tintg["kim_lenkungsgruppe"] == "ja"]
    assert status["kim_handlungskonzept"] == verdict[tintg["kim_handlungskonzept"] == "ja"]
    assert status["kim_case_management"] == verdict[float(tintg["kim_case_management_vzae"]) >= 1]
    assert status["landesstellen_besetzt"] == verdict[filled / approved * 100 >= 90]
    mandatory = tintg["gemeinden_mit_pflicht_integrationsrat"]
    assert metrics["gemeinden_mit_pflicht_integrationsrat"] == mandatory
    assert status["kooperation_integrationsrat"] == ("entfällt" if mandatory < 1 else verdict[cooperates])


def test_a_centre_without_a_mandatory_integrationsrat_is_not_failed_for_it(demo_pipeline):
    """§ 27 GO NRW: an Integrationsrat is mandatory only in a Gemeinde with at least 5,000 foreign residents. A KI
    whose report says no Gemeinde of its area reaches that is never 'nicht erfüllt' for the cooperation, also where
    it reports none; where nobody says, a missing cooperation is 'keine Daten'."""
    rows = demo_pipeline.serving(
        "select e.ki_ags, e.year, e.status, e.detail_de, c.value as cooperation, m.value as mandatory "
        "from ki_standard_evaluations e "
        "join ki_metrics c on c.ki_ags = e.ki_ags and c.year = e.year and c.metric_id = 'kooperation_integrationsrat' "
        "join ki_metrics m on m.ki_ags = e.ki_ags and m.year = e.year "
        "and m.metric_id = 'gemeinden_mit_pflicht_integrationsrat' "
        "where e.standard_id = 'kooperation_integrationsrat'")
    not_mandatory = [(status, detail) for _, _, status, detail, _, mandatory in rows if mandatory == 0]
    assert not_mandatory, "the demo has centres without a mandatory Integrationsrat"
    assert all(status == "entfällt" and detail.startswith("Gilt hier nicht") for status, detail in not_mandatory)
    unknown_without = [status for _, _, status, _, cooperation, mandatory in rows
                       if mandatory is None and cooperation == 0]
    assert unknown_without and set(unknown_without) == {"keine Daten"}
    applies = [status for _, _, status, _, _, mandatory in rows if mandatory is None or mandatory >= 1]
    assert "entfällt" not in applies and "nicht erfüllt" in applies


def test_needs_offers_are_comparable_across_centres(demo_pipeline):
    rows = demo_pipeline.serving(
        "select metric_id, year, ki_ags, offer_value, need_value, ratio, all_ki_ratio, median_ratio, rank, "
        "ranked_count, higher_is_better, missing_reason_de from ki_needs_offers")
    assert len({r[0] for r in rows}) == 7 and len(rows) == 7 * 54 * 13
    by_metric_year: dict[tuple, list] = {}
    for row in rows:
        by_metric_year.setdefault((row[0], row[1]), []).append(row)
    for (metric_id, year), group in by_metric_year.items():
        valued = [r for r in group if r[5] is not None]
        assert group[0][9] == len(valued)
        ratios = sorted(r[5] for r in valued)
        assert group[0][7] == pytest.approx((ratios[(len(ratios) - 1) // 2] + ratios[len(ratios) // 2]) / 2)
        best = max(valued, key=lambda r: r[5]) if group[0][10] else min(valued, key=lambda r: r[5])
        assert best[8] == 1
        for r in group:
            assert (r[5] is None) == (r[11] is not None), (metric_id, year, r)
    # the StädteRegion Aachen without the Stadt Aachen: the family language comes from the Jugendamt extract (exact
    # counts of its own Gemeinden), so its Rucksack ratio is there in every year
    aachen = [r for r in rows if r[2] == "KI05334" and r[0] == "rucksack_kita_gruppen_je_1000_kinder_familiensprache"]
    assert len(aachen) == 13 and all(r[5] is not None and r[4] > 0 and r[11] is None for r in aachen)


# --------------------------------------------------------------------------------------------------------------
# wiring: the catalogue asset feeds dbt in the warehouse pool; a broken catalogue stops the run before publishing
# --------------------------------------------------------------------------------------------------------------
def test_catalogue_asset_feeds_dbt_and_publish_waits_for_the_evaluations():
    from dagster import AssetKey

    from pipelines.definitions import RAW_STANDARD_STAGES, RAW_STANDARDS, WAREHOUSE_POOL, defs

    graph = defs.resolve_asset_graph()
    assert graph.get(RAW_STANDARDS).pools == {WAREHOUSE_POOL}
    assert RAW_STANDARDS in graph.get(AssetKey(["staging", "stg_standards__versions"])).parent_keys
    assert RAW_STANDARD_STAGES in graph.get(AssetKey(["staging", "stg_standards__stages"])).parent_keys
    publish = graph.get(AssetKey(["serving_snapshot"]))
    assert {AssetKey(["marts", name]) for name in ("ki_metrics", "ki_needs_offers", "ki_standards",
                                                    "ki_standard_evaluations")} <= publish.parent_keys


def test_broken_catalogue_stops_the_pipeline_with_the_german_message(workspace, tmp_path):
    path = write_catalogue(tmp_path / "eigener_katalog.yml", broken(BROKEN_CASES["overlapping_versions"][0]))
    env = {**workspace.env(), "IM_STANDARDS_FILE": str(path)}
    result = subprocess.run([sys.executable, "-m", "pipelines.run"], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert f"Der Standardkatalog {path} kann nicht verwendet werden" in result.stderr
    assert BROKEN_CASES["overlapping_versions"][1] in result.stderr
    assert not workspace.serving_path.exists()  # nothing published
