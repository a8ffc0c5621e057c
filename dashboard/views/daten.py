"""Daten & Qualität: what is loaded (source, period, Stand, rows, status), how fresh the pulled GENESIS tables are,
the last pipeline runs, what was rejected and why, the validation results, and the empty templates for the
Kreis-held extracts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import access, serving
from dashboard.common import DOWNLOAD, csv_download, demo_banner, no_snapshot_yet
from dashboard.formatting import format_number
from pipelines.pull.genesis_api import PORTALS
from pipelines.templates.render import empty_csv, empty_workbook
from pipelines.templates.spec import csv_file_name, template_specs


def loaded_files(files: pd.DataFrame) -> None:
    st.subheader("Geladene Dateien")
    families = sorted(files["family"].unique())
    chosen = st.multiselect("Bereich", families, default=families, key="families")
    shown = files[files["family"].isin(chosen)]
    table = pd.DataFrame({
        "Bereich": shown["family"],
        "Quelle": shown["source_id"],
        "Zeitraum": shown["periods"].fillna("–"),
        "Stand": shown["stand"].map(lambda v: f"{v:%d.%m.%Y %H:%M}" if pd.notna(v) else "–"),
        "Zeilen": shown["row_count"].map(format_number),
        "Status": shown["status_de"],
        "Datei": shown["file_name"],
        "Geladen am (UTC)": shown["loaded_at"].map(lambda v: f"{v:%d.%m.%Y %H:%M}"),
        "Demodaten": shown["is_synthetic"].map({True: "ja", False: "nein"}),
    })
    cols = st.columns(3)
    cols[0].metric("Dateien", format_number(len(shown)))
    cols[1].metric("Zeilen", format_number(int(shown["row_count"].sum())))
    cols[2].metric("Ersetzte Fassungen", format_number(int((~shown["is_current"]).sum())))
    st.dataframe(table, hide_index=True, width="stretch")
    csv_download(shown.drop(columns=["archive_path"]), "geladene_dateien.csv", key="download_files")


def _when(value) -> str:
    return f"{pd.Timestamp(value):%d.%m.%Y %H:%M}" if pd.notna(value) else "–"


def freshness(tables: pd.DataFrame) -> None:
    st.subheader("Aktualität der abgerufenen Tabellen")
    if tables.empty:
        st.info(
            "Es wurde noch keine Tabelle automatisch beim GENESIS-Webservice abgefragt. Dafür die Zugangsdaten der "
            "Regionaldatenbank bzw. der Landesdatenbank NRW in den Umgebungsvariablen IM_GENESIS_..._USER und "
            "IM_GENESIS_..._PASSWORD hinterlegen (siehe README, Abschnitt zum nächtlichen Abruf)."
        )
        return
    newer = tables[tables["newer_stand_available"]]
    if len(newer):
        st.warning(
            f"Für {format_number(len(newer))} Tabelle(n) nennt das Portal einen neueren Stand als den geladenen: "
            + ", ".join(newer["table_code"]) + ". Der nächste Abruf lädt ihn, sobald er gelingt."
        )
    st.write(
        "Der nächtliche Abruf fragt je Tabelle zuerst den Stand im Portal ab und lädt nur Tabellen, deren Stand "
        "sich geändert hat."
    )
    table = pd.DataFrame({
        "Portal": tables["portal_id"].map(lambda p: PORTALS[p].name_de if p in PORTALS else p),
        "Tabelle": tables["table_code"],
        "Geladener Stand": tables["loaded_stand"].map(_when),
        "Neuester Stand im Portal": tables["portal_stand"].map(_when),
        "Letzter erfolgreicher Abruf (UTC)": tables["last_successful_pull_at"].map(_when),
        "Letzte Prüfung (UTC)": tables["last_checked_at"].map(_when),
        "Ergebnis": tables["last_outcome"],
        "Hinweis": tables["last_message_de"].fillna(""),
    })
    st.dataframe(table, hide_index=True, width="stretch")


def rejected(rejected_files: pd.DataFrame) -> None:
    st.subheader("Abgelehnte Dateien")
    if rejected_files.empty:
        st.success("Keine Datei wurde abgelehnt.")
        return
    st.write(
        "Diese Dateien liegen im Ordner `quarantine/` mit einem Prüfbericht (`.fehler.txt`). Nach der Korrektur "
        "einfach erneut in den Posteingang legen."
    )
    table = pd.DataFrame({
        "Datei": rejected_files["file_name"],
        "Abgelehnt am (UTC)": rejected_files["rejected_at"].map(lambda v: f"{v:%d.%m.%Y %H:%M}"),
        "Grund": rejected_files["message_de"],
        "Zeile": rejected_files["line"].map(lambda v: "–" if pd.isna(v) else str(int(v))),
        "Spalte": rejected_files["column"].map(lambda v: "–" if pd.isna(v) else str(int(v))),
        "Wert": rejected_files["value"].fillna("–"),
    })
    st.dataframe(table, hide_index=True, width="stretch")


OWN_FILES_ONLY_DE = (
    "Angezeigt werden die öffentlichen Tabellen und die Dateien Ihres Kreises (Schul-, KiTa- und KI-Daten). "
    "Dateien anderer Kreise sieht nur die Landesweite Koordinierungsstelle."
)

RUN_STATUS_DE = {
    "SUCCESS": "erfolgreich", "FAILURE": "fehlgeschlagen", "STARTED": "läuft", "STARTING": "startet",
    "QUEUED": "wartet", "CANCELED": "abgebrochen", "CANCELING": "wird abgebrochen", "NOT_STARTED": "nicht gestartet",
}


def pipeline_runs(runs: pd.DataFrame) -> None:
    st.subheader("Letzte Pipeline-Läufe")
    if runs.empty:
        st.info("Es ist noch kein Pipeline-Lauf verzeichnet.")
        return
    failed = runs[runs["status"] == "FAILURE"]
    if len(failed) and runs.iloc[0]["status"] == "FAILURE":
        st.error(
            "Der letzte Lauf ist fehlgeschlagen; das Dashboard zeigt die zuletzt erfolgreich veröffentlichten Daten. "
            "Einzelheiten in der Dagster-Oberfläche (`make dagster`), Lauf " + runs.iloc[0]["run_id"][:8] + "."
        )
    duration = (runs["ended"] - runs["started"]).dt.total_seconds()
    table = pd.DataFrame({
        "Gestartet (UTC)": runs["started"].map(lambda v: f"{v:%d.%m.%Y %H:%M:%S}" if pd.notna(v) else "–"),
        "Dauer": duration.map(lambda v: f"{format_number(v, 0)} s" if pd.notna(v) else "–"),
        "Status": runs["status"].map(lambda v: RUN_STATUS_DE.get(v, v)),
        "Lauf": runs["run_id"].str[:8],
        "Job": runs["job"],
    })
    st.dataframe(table, hide_index=True, width="stretch")


def _table_de(raw_table: str) -> str:
    """The raw table's name as a user knows the data: the statistics portal, the BA, or the template sheet."""
    if raw_table == "genesis_table_cells":
        return "Amtliche Statistik (GENESIS)"
    if raw_table == "ba_cells":
        return "Bundesagentur für Arbeit"
    template_id, _, sheet = raw_table.removeprefix("tpl_").partition("__")
    template = template_specs().get(template_id)
    return f"Vorlage {template.title if template else template_id}, Blatt {sheet}"


def validation(results: pd.DataFrame, full_report: bool) -> None:
    st.subheader("Prüfungen (Great Expectations)")
    if results.empty:
        st.info("Es liegen noch keine Prüfergebnisse vor.")
        return
    checked_at = results["checked_at"].max()
    failed = results[~results["success"]]
    summary = results.groupby(["raw_table", "source_id"]).agg(
        Regeln=("success", "size"), erfüllt=("success", "sum"), Zeilen=("row_count", "max")
    ).reset_index().rename(columns={"source_id": "Quelle", "raw_table": "Tabelle"})
    summary["Tabelle"] = summary["Tabelle"].map(_table_de)
    st.write(
        f"Letzte Prüfung: {checked_at:%d.%m.%Y %H:%M} (UTC) – {len(results) - len(failed)} von {len(results)} "
        "Regeln erfüllt. Jede Datei wird beim Laden geprüft und, so wie sie gespeichert wurde, vor ihrer ersten "
        "Veröffentlichung noch einmal; je Quelle und Regel steht hier die letzte Prüfung."
    )
    st.dataframe(summary, hide_index=True, width="stretch")
    with st.expander("Alle Regeln im Einzelnen"):
        st.dataframe(
            results[["source_id", "rule_de", "column", "success", "unexpected_count"]].rename(columns={
                "source_id": "Quelle", "rule_de": "Regel", "column": "Spalte", "success": "erfüllt",
                "unexpected_count": "Abweichungen"}),
            hide_index=True, width="stretch",
        )
    # the Data Docs quote unexpected values of every file, also of other Kreise's extracts: Koordinierungsstelle only
    report = serving.validation_report() if full_report else None
    if report:
        st.download_button("Prüfbericht (HTML, als ZIP) herunterladen", report, file_name="pruefbericht.zip",
                           mime="application/zip", key="download_report", **DOWNLOAD)


def templates() -> None:
    st.subheader("Vorlagen für eigene Daten des Kreises")
    st.write(
        "Schulamt, Jugendamt und Kommunales Integrationszentrum liefern ihre Daten in diesen Vorlagen. "
        "Ausgefüllt einfach in den Posteingang legen; die Spalten sind im Blatt »Erläuterungen« beschrieben."
    )
    for template in template_specs().values():
        with st.container(border=True):
            st.markdown(f"**{template.title}** (Version {template.version})  \n{template.description}")
            columns = st.columns(1 + len(template.sheets))
            columns[0].download_button("Excel-Vorlage", empty_workbook(template.id), file_name=f"{template.id}.xlsx",
                                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                       key=f"xlsx_{template.id}", **DOWNLOAD)
            for column, sheet in zip(columns[1:], template.sheets):
                name = csv_file_name(template, sheet.name)
                column.download_button(f"CSV {sheet.name}", empty_csv(template.id, sheet.name), file_name=name,
                                       mime="text/csv", key=f"csv_{name}", **DOWNLOAD)


def main() -> None:
    user = access.require()  # internal page (second line of defence after the navigation)
    st.title("Daten & Qualität")
    try:
        info = serving.snapshot_info()
    except serving.SnapshotMissing:
        no_snapshot_yet()
        templates()
        return
    all_files = serving.source_files()
    files = access.visible_files(all_files, user)
    if bool(info["is_synthetic"]) or bool(files["is_synthetic"].any()):
        demo_banner()
    st.caption(f"Veröffentlicht am {pd.Timestamp(info['published_at']):%d.%m.%Y %H:%M} (UTC)")
    if len(files) < len(all_files):
        st.info(OWN_FILES_ONLY_DE, icon=":material/lock:")
    loaded_files(files)
    freshness(serving.table_freshness())
    pipeline_runs(serving.pipeline_runs())
    rejected(access.visible_files(serving.rejected_files(), user))
    validation(serving.validation_results(), full_report=user.rights.centre_names == "alle")
    templates()


main()
