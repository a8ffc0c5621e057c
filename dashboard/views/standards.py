"""Qualitätsstandards (internal): the 54 KIs against the quality standards of the Landesweite Koordinierungsstelle
in one report year - the matrix of centres and standards, the standards most often missed (and over the years), one
centre's detail and history, and each centre's offers against the need of its area.

What a viewer sees is decided in dashboard/standards_data.py: every frame shown or downloaded here comes out of one
of its functions, called with the viewer from viewer_from_session()."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import access, comparison, serving
from dashboard import standards_data as data
from dashboard.common import demo_banner, downloads, footer, published_snapshot, show_svg, url_choice
from dashboard.formatting import format_number

LEGEND = " · ".join(f"{data.STATUS_SYMBOLS[s]} {s}" for s in data.STATUSES) + \
    " (blau: erfüllt, orange: nicht erfüllt, grau: keine Daten)"


def viewer_from_session() -> data.StandardsViewer:
    """Who is looking, from the sign-in (dashboard/access.py): the Koordinierungsstelle sees every centre by name, a
    KI its own centre by name and the others only as counts. access.require() stops everyone else first."""
    user = access.require()
    if user.role == access.ROLE_LAKI:
        return data.StandardsViewer.koordinierungsstelle()
    return data.StandardsViewer.centre(user.ki)


def _matrix_section(evaluations, year, viewer, sources) -> None:
    matrix = data.status_matrix(evaluations, year, viewer)
    order = data.standard_order(evaluations)
    if viewer.names_visible:
        st.subheader(f"Alle KI und Standards, {year}")
    else:
        st.subheader(f"Ihr KI und die Standards, {year}")
        st.caption("Die anderen KI erscheinen nur als anonyme Verteilung (Anzahl je Standard, unten).")
    if matrix.empty:
        st.info(f"Für {year} liegt keine Bewertung vor.")
        return
    st.html(data.status_table_html(matrix, order, "im-matrix", symbols_only=True))
    st.caption(f"{LEGEND}. Erfüllt / Nicht erfüllt / Keine Daten: Anzahl der Standards des KI.  \n{sources}")
    downloads(matrix, f"standards_matrix_{year}", key="standards_matrix_download")


def _missed_section(evaluations, standards, year, viewer, sources, sources_all_years) -> None:
    counts = data.status_counts(evaluations, year, viewer)
    by_year = data.missed_by_year(evaluations, viewer)
    changes = data.version_changes(standards)
    st.subheader(f"Am häufigsten nicht erfüllt, {year}")
    show_svg(data.missed_table_html(counts, by_year, changes))  # a table with small SVG lines
    notes = [f"Anzahl der KI je Standard, oben der am häufigsten nicht erfüllte; {LEGEND}. Die Linie zeigt, wie viele "
             "KI den Standard in jedem Berichtsjahr nicht erfüllt haben; jedes Jahr ist nach der damals gültigen "
             "Fassung bewertet, eine gepunktete Linie markiert eine neue Fassung."]
    notes += [f"Neue Fassung: **{row['Standard']}** ab {row['ab Berichtsjahr']} ({row['Regel']}). {row['Änderung']}"
              for _, row in changes.iterrows()]
    st.caption("  \n".join([*notes, sources]))
    downloads(counts, f"standards_nicht_erfuellt_{year}", key="standards_counts_download")
    st.caption(f"Nicht erfüllt je Berichtsjahr und Standard:  \n{sources_all_years}")
    downloads(by_year, "standards_nicht_erfuellt_je_jahr", key="standards_years_download")


def _centre_section(evaluations, standards, files, year, viewer, names) -> str | None:
    st.subheader("Ein KI im Detail")
    options = data.centre_options(evaluations, viewer)
    if not options:
        st.info("Ihr KI ist in den Bewertungen nicht enthalten.")
        return None
    if viewer.names_visible:
        requested = st.query_params.get("gebiet") or st.session_state.get("_url_gebiet")
        default = comparison.default_unit(requested, "KI", serving.districts())
        ki_ags = url_choice("gebiet", list(options), label="KI", key="standards_centre", format_func=options.get,
                            default=default)
    else:
        ki_ags = viewer.own_centre
    detail = data.centre_detail(evaluations, standards, year, ki_ags, viewer)
    st.markdown(f"**{names[ki_ags]}, Berichtsjahr {year}**")
    if detail.empty:
        st.info(f"Für {names[ki_ags]} liegt für {year} keine Bewertung vor.")
    else:
        st.html(data.status_table_html(detail, ["Status"], "im-detail"))
    file_note = data.centre_files_note(files, ki_ags, [year], viewer)
    st.caption(data.source_line(file_note, data.catalogue_note(standards)))
    downloads(detail, f"standards_{ki_ags}_{year}", key="standards_detail_download")

    history_rows = serving.centre_history(ki_ags)
    history = data.centre_history(history_rows, ki_ags, viewer)
    st.markdown(f"**{names[ki_ags]}: Verlauf**")
    years = [column for column in history.columns if column != "Standard"]
    st.html(data.status_table_html(history, years, "im-history", symbols_only=True))
    notes = [LEGEND + "."] + data.history_notes(history_rows, ki_ags, viewer)
    all_files = data.centre_files_note(files, ki_ags, [int(y) for y in years], viewer)
    st.caption("  \n".join(notes + [data.source_line(all_files, data.catalogue_note(standards))]))
    downloads(history, f"standards_verlauf_{ki_ags}", key="standards_history_download")
    return ki_ags


def _needs_offers_section(needs, files, year, viewer, highlighted) -> None:
    st.subheader(f"Angebot und Bedarf, {year}")
    needs_year = needs[needs["year"] == year]
    options = data.ratio_options(needs_year)
    if not options:
        st.info(f"Für {year} liegen keine Verhältnisse von Angebot und Bedarf vor.")
        return
    metric_id = url_choice("kennzahl", list(options), label="Verhältnis", key="standards_ratio",
                           format_func=options.get)
    frame = data.needs_offers_frame(needs_year, metric_id, year, viewer, highlighted)
    about = needs_year[needs_year["metric_id"] == metric_id].iloc[0]
    unit = about["unit"]
    st.caption(f"{about['explanation_de']} "
               + ("Höher ist besser (mehr Angebot je Bedarf)." if about["higher_is_better"]
                  else "Niedriger ist besser (weniger Bedarf je Angebot)."))
    marked = frame[frame["Hervorgehoben"] == "ja"]
    if len(marked):
        row = marked.iloc[0]
        rank = f"Rang {row['Rang']} von {row['Anzahl im Rang']}" if pd.notna(row["Rang"]) else \
            (row["Hinweis"] or "kein Verhältnis")
        st.markdown(f"**{row['KI']}:** {data.ratio_text(row['Verhältnis'], unit)} · {rank} · Median aller KI "
                    f"{data.ratio_text(row['Median aller KI'], unit)}")
    show_svg(data.needs_offers_svg(frame, unit, about["need_name_de"], viewer,
                                   label=f"Streudiagramm: {options[metric_id]} aller KI im Berichtsjahr {year}"))
    without = frame["Verhältnis"].isna().sum()
    lines = [
        ("Jeder Punkt ist ein KI: waagerecht sein Bedarf, senkrecht sein Verhältnis; Namen beim Zeigen auf einen Punkt."
         if viewer.names_visible else
         "Jeder Punkt ist ein KI in der Reihenfolge seines Rangs. Die anderen KI heißen hier nur „KI 1“, „KI 2“ … "
         "(nach Rang nummeriert); ihr Bedarf wird nicht gezeigt, weil er veröffentlicht ist und das KI verraten würde."),
        "Gestrichelt: Median aller KI; gepunktet: alle KI zusammen (Summe der Angebote zu Summe der Bedarfe)."
        + (f" Ohne Punkt: {format_number(without)} KI ohne Verhältnis." if without else ""),
        f"**Hinweis:** {about['caveat_de']}",
        data.source_line(data.report_files_note(files, [year], viewer),
                         data.need_note(needs_year[needs_year["metric_id"] == metric_id], viewer)),
    ]
    st.caption("  \n".join(lines))
    with st.expander("Werte als Tabelle"):
        st.dataframe(frame, hide_index=True, width="stretch")
    downloads(frame, f"angebot_bedarf_{metric_id}_{year}", key="standards_needs_download")


def main() -> None:
    st.title("Qualitätsstandards der KI")
    st.caption("Intern: die Kommunalen Integrationszentren an den Qualitätsstandards der Landesweiten "
               "Koordinierungsstelle Kommunale Integrationszentren (LaKI) gemessen – je Berichtsjahr nach der damals "
               "gültigen Fassung und der Grundlage, die damals galt (bis 2021 § 7 des Teilhabe- und "
               "Integrationsgesetzes von 2012, ab 2022 §§ 8 und 9 TIntG)")
    info = published_snapshot(needs_indicators=False)
    viewer = viewer_from_session()
    if not viewer.sees_report_data:
        st.info("Diese Seite ist nur für die LaKI und die KI.")
        return
    evaluations = serving.standard_evaluations()
    if evaluations.empty:
        st.info("Es liegen noch keine Bewertungen vor: Es wurden noch keine KI-Jahresberichte geladen.")
        footer(info)
        return
    if bool(info["is_synthetic"]) or bool(evaluations["is_synthetic"].any()):
        demo_banner()
    names = dict(zip(evaluations["ki_ags"], evaluations["ki_name"]))
    if viewer.names_visible:
        st.caption("Ansicht: LaKI – alle KI mit Namen.")
    else:
        own = names.get(viewer.own_centre, "unbekanntes KI")
        st.caption(f"Ansicht: {own} – Ihr KI mit Namen, die anderen KI nur als anonyme Verteilung.")

    standards = serving.ki_standards()
    files = serving.ki_report_files()
    needs = serving.needs_offers()
    years = data.report_years(evaluations)
    year = url_choice("jahr", years, label="Berichtsjahr", key="standards_year", default=years[0])

    counts = data.status_counts(evaluations, year, viewer)
    columns = st.columns(4)
    columns[0].metric("Bewertete KI", format_number(evaluations.loc[evaluations["year"] == year, "ki_ags"].nunique()))
    for column, (label, key) in zip(columns[1:], (("erfüllt", "Erfüllt"), ("nicht erfüllt", "Nicht erfüllt"),
                                                  ("keine Daten", "Keine Daten"))):
        column.metric(f"Bewertungen {label}", format_number(int(counts[key].sum())))

    sources = data.source_line(
        data.report_files_note(files, [year], viewer), data.catalogue_note(standards),
        data.need_note(needs[needs["year"] == year], viewer),
    )
    _matrix_section(evaluations, year, viewer, sources)
    sources_all_years = data.source_line(
        data.report_files_note(files, years, viewer), data.catalogue_note(standards), data.need_note(needs, viewer),
    )
    _missed_section(evaluations, standards, year, viewer, sources, sources_all_years)
    highlighted = _centre_section(evaluations, standards, files, year, viewer, names)
    _needs_offers_section(needs, files, year, viewer, highlighted)
    footer(info)


main()
