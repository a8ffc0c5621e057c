"""Pieces every page uses: the demo banner, selections kept in the URL, CSV and Excel downloads, the source note
under a chart, the order of the Bildungskette."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from dashboard import access, serving
from dashboard.formatting import format_number, format_stand
from dashboard.labels import (  # noqa: F401 (re-exported for the pages)
    BILDUNGSKETTE, GROUP_LABELS_DE, REPORTING_LABEL, STATUS_SUPPRESSED, reporting_text, stage_rank, stage_section,
    table_label,
)

DEMO_BANNER = (
    "**Demodaten (synthetisch)** – Die angezeigten Zahlen wurden vom Demodaten-Generator erzeugt und sind "
    "keine amtlichen Statistiken. Für echte Zahlen die Downloads der Landesdatenbank NRW in den Posteingang legen."
)

# Labels shared with the PDF and the maps live in dashboard/labels.py.
GROUP_NAMES = GROUP_LABELS_DE

SUPPRESSED_TEXT = STATUS_SUPPRESSED
SUPPRESSED_REASON_DE = (
    "Gesperrt (Geheimhaltung): Die Zahl beruht auf {few} oder würde zusammen mit den anderen veröffentlichten Zahlen "
    "eine solche Zahl verraten."
)


def suppressed_reason(threshold: int | None = None) -> str:
    """Why a figure of the Kreis-held extracts is not shown, with the threshold the published data were suppressed
    with (`threshold`, else the snapshot's: IM_SUPPRESSION_THRESHOLD of the build, default 5)."""
    threshold = threshold if threshold is not None else serving.suppression_threshold()
    few = f"weniger als {format_number(threshold)} Fällen" if threshold else "sehr wenigen Fällen"
    return SUPPRESSED_REASON_DE.format(few=few)


def published_snapshot(*, needs_indicators: bool = True) -> dict:
    """The published snapshot's info (serving.snapshot_info); without a snapshot, or (for pages that show
    indicators) with a snapshot that holds no indicator value yet, the page says why and what to do, and stops."""
    try:
        info = serving.snapshot_info()
    except serving.SnapshotMissing:
        no_snapshot_yet()
        st.stop()
    if needs_indicators and not info.get("indicator_value_count"):
        no_indicators_yet(int(info.get("rejected_file_count") or 0))
        st.stop()
    return info


def show_svg(markup: str) -> None:
    """Show a chart drawn as inline SVG (one line of markup, see dashboard/charts.py). Markdown with HTML, not
    st.html: st.html removes inline SVG."""
    st.markdown(markup, unsafe_allow_html=True)


def demo_banner() -> None:
    st.warning(DEMO_BANNER, icon="⚠️")


def no_snapshot_yet() -> None:
    st.info(
        "Es sind noch keine Daten veröffentlicht: Die Pipeline ist noch nicht gelaufen. Bitte die Downloads in den "
        "Posteingang legen (`sources/inbox/`) und die Pipeline ausführen (`make pipeline`)."
    )


def no_indicators_yet(rejected_count: int) -> None:
    """The pipeline ran, but no file gave an indicator value (fresh install, every file rejected, or only tables
    that need another table beside them): say so, and point to the rejected files and their reasons."""
    lines = ["**Noch keine Kennzahlen veröffentlicht.** Aus den geladenen Dateien ließ sich noch keine Kennzahl "
             "berechnen."]
    if rejected_count:
        lines.append(
            f"{rejected_count} Datei(en) wurden abgelehnt. Die Gründe stehen auf der Seite **Daten & Qualität** "
            "(nach der Anmeldung) und im Ordner `quarantine/` (je Datei ein Prüfbericht `.fehler.txt`); nach der "
            "Korrektur die Datei erneut in den Posteingang legen."
        )
    lines.append(
        "Manche Tabellen ergeben erst zusammen eine Kennzahl (z. B. der Ausländeranteil laut "
        "Ausländerzentralregister: 12521-03i mit 12411-15i oder 12411-01-01-4); welche Tabellen gebraucht werden, "
        "steht in `sources/README.md`."
    )
    st.info("\n\n".join(lines))
    if rejected_count and access.current_user().rights.internal:
        rejected = serving.rejected_files()
        st.dataframe(
            pd.DataFrame({"Datei": rejected["file_name"], "Grund": rejected["message_de"],
                          "Zeile": rejected["line"].map(lambda v: "–" if pd.isna(v) else str(int(v)))}),
            hide_index=True, width="stretch",
        )


def url_choice(
    param: str,
    options: Sequence,
    *,
    label: str,
    key: str,
    format_func: Callable = str,
    default=None,
    widget: Callable = st.selectbox,
    **widget_args,
):
    """A selectbox (or radio) whose choice lives in the URL (?param=...) so that a link shows the same view, and in
    the session so that it stays when the reader moves to another page."""
    options = list(options)
    if not options:
        return None
    by_text = {str(option): option for option in options}
    requested = st.query_params.get(param) or st.session_state.get(f"_url_{param}")
    chosen = by_text.get(str(requested)) if requested is not None else None
    if chosen is None:
        chosen = default if default in options else options[0]
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]
    value = widget(label, options, index=options.index(chosen), format_func=format_func, key=key, **widget_args)
    st.query_params[param] = str(value)
    st.session_state[f"_url_{param}"] = str(value)
    return value


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?|[+-]?\d+(\.\d+)?")


def _inert_cell(value):
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP's rule), so Excel and
    LibreOffice show it as text; numbers, and text that is only a number (-12,5) or one symbol (the official "-"),
    stay as they are."""
    if (isinstance(value, str) and len(value) > 1 and value.startswith(FORMULA_STARTS)
            and not _PLAIN_NUMBER.fullmatch(value)):
        return "'" + value
    return value


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as every CSV and Excel download writes it: no cell, header included, that a spreadsheet would
    execute (file names and labels come from outside, e.g. `=HYPERLINK(...) 12521.csv`); number columns untouched."""
    result = frame.copy()
    result.columns = [_inert_cell(column) for column in result.columns]
    for position in range(result.shape[1]):
        column = result.iloc[:, position]
        if pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column):
            result.isetitem(position, column.map(_inert_cell))
    return result


def excel_bytes(frame: pd.DataFrame, sheet_name: str) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:  # openpyxl stores a text starting with "=" as formula
        spreadsheet_safe(frame).to_excel(writer, index=False, sheet_name=sheet_name[:31])
    return buffer.getvalue()


def csv_bytes(frame: pd.DataFrame) -> bytes:
    # Semicolon and decimal comma: opens correctly in a German Excel. CRLF line ends, so that a cell holding a CR
    # is quoted too (with LF alone, the csv module leaves it bare and it splits the row).
    return spreadsheet_safe(frame).to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n").encode("utf-8-sig")


# Every download button: on_click="ignore" (a click starts no rerun). With a rerun, the Excel button's deferred file
# (Streamlit registers a new id for it in every run and drops the old one at the end of the run) raced the download
# request the same click sent, and some clicks got "Deferred file not found".
DOWNLOAD = {"on_click": "ignore"}


def csv_download(frame: pd.DataFrame, file_name: str, key: str, label: str = "Daten als CSV herunterladen") -> None:
    frame = access.download_frame(frame, serving.source_files)  # no file names for the public
    st.download_button(label, csv_bytes(frame), file_name=file_name, mime="text/csv", key=key, **DOWNLOAD)


def downloads(frame: pd.DataFrame, base_name: str, key: str) -> None:
    """CSV and Excel of the data behind a chart or table; the Excel file is only built when it is asked for."""
    frame = access.download_frame(frame, serving.source_files)  # no file names for the public
    left, right = st.columns(2)
    with left:
        st.download_button(
            "CSV herunterladen", csv_bytes(frame), file_name=f"{base_name}.csv", mime="text/csv",
            key=f"{key}_csv", icon=":material/download:", **DOWNLOAD,
        )
    with right:
        st.download_button(
            "Excel herunterladen", lambda: excel_bytes(frame, base_name), file_name=f"{base_name}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"{key}_xlsx",
            icon=":material/table_view:", **DOWNLOAD,
        )


def value_columns(frame: pd.DataFrame) -> dict[str, pd.Series]:
    """The download columns of served indicator rows that every page shares (German headers, numbers unformatted):
    the unit, the period, the value with its counts, whether it is suppressed, the source's symbol."""
    return {
        "Gebiet": frame["name"],
        "AGS": frame["ags"],
        "Berichtsjahr": frame["year"],
        "Zeitraum": frame["period_label"],
        "Wert": frame["value"],
        "Einheit": frame["unit"],
        "Zähler": frame["numerator"],
        "Nenner": frame["denominator"],
        "Gesperrt": frame["is_suppressed"].map({True: "ja", False: "nein"}),
        "Zeichen": frame["flag"],
        # indicators on an optional field of the Schulamt extract: how many schools reported it
        **({"Schulen mit Angabe": frame["reporting_units"], "Schulen insgesamt": frame["reporting_units_total"]}
           if "reporting_units" in frame.columns else {}),
    }


def source_columns(frame: pd.DataFrame) -> dict[str, pd.Series]:
    """The download columns that trace a row to its source tables and their Stand."""
    return {
        "Quelle Zähler": frame["numerator_source_table"],
        "Stand Zähler": frame["numerator_stand"],
        "Quelle Nenner": frame["denominator_source_table"],
        "Stand Nenner": frame["denominator_stand"],
    }


def stand_text(stands: pd.Series) -> str:
    """One Stand, or the range of Stände when a chart spans several downloads (one per reporting year)."""
    stands = pd.to_datetime(stands.dropna()).sort_values()
    if stands.empty:
        return "Stand unbekannt"
    first, last = stands.iloc[0].to_pydatetime(), stands.iloc[-1].to_pydatetime()
    if first == last:
        return format_stand(first)
    return f"Stände {first:%d.%m.%Y} bis {last:%d.%m.%Y}"


def source_note(indicator: dict, shown: pd.DataFrame) -> str:
    """Definition, source tables with their Stand and file, caveats and licence for the rows a chart shows."""
    lines = [f"**Definition:** {indicator['definition_de']}"]
    for role, label in (("numerator", "Zähler"), ("denominator", "Nenner")):
        parts = shown.dropna(subset=[f"{role}_source_table"]) if len(shown) else shown
        tables = "; ".join(
            f"{table_label(table)} ({stand_text(part[f'{role}_stand'])})"
            for table, part in parts.groupby(f"{role}_source_table")
        ) or "–"
        lines.append(f"**{label}:** {indicator[f'{role}_de']} – {tables}")
    reporting = reporting_text(shown)
    if reporting:
        lines.append(f"**{REPORTING_LABEL}:** {reporting}")
    lines.append(f"**Hinweis:** {indicator['caveats_de']}")
    lines.append(f"**Lizenz:** {indicator['licence_de']}")
    return "  \n".join(lines)


def footer(info: dict) -> None:
    st.divider()
    st.caption(
        f"Datenstand der Veröffentlichung: {pd.Timestamp(info['published_at']):%d.%m.%Y %H:%M} (UTC). "
        "Gebietsstand und Schlüssel: © GeoBasis-DE / BKG 2021, dl-de/by-2-0."
    )
