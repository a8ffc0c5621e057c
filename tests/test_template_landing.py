"""Filled Kreis templates flow through the real landing step into their raw tables; bad ones are quarantined."""

from __future__ import annotations

from pipelines.config import Settings
from pipelines.landing import land_inbox
from tests.test_kreis_templates import csv_bytes, example_row, fill_workbook, excel_values, schulen_rows


def _settings(workspace) -> Settings:
    return Settings(sources_dir=workspace.sources_dir, data_dir=workspace.data_dir)


def test_filled_templates_land_in_their_raw_tables(workspace):
    rows = schulen_rows(3)
    workbook = fill_workbook("schulamt_schulen", {"schulen": [excel_values("schulamt_schulen", "schulen", r) for r in rows]})
    (workspace.inbox / "schulen.xlsx").write_bytes(workbook)
    (workspace.inbox / "kitas.csv").write_bytes(csv_bytes("jugendamt_kitas", "kitas", [example_row("jugendamt_kitas", "kitas")]))
    report = land_inbox(_settings(workspace))
    assert sorted(report.loaded) == ["kitas.csv", "schulen.xlsx"], report
    schools = workspace.warehouse(
        "select schulnummer, schueler_insgesamt, source_line from raw.tpl_schulamt_schulen__schulen order by source_line"
    )
    assert [(number, int(pupils)) for number, pupils, _ in schools] == [
        (row["schulnummer"], int(row["schueler_insgesamt"])) for row in rows
    ]
    assert [line for *_, line in schools] == [2, 3, 4]
    assert workspace.warehouse("select count(*) from raw.tpl_jugendamt_kitas__kitas") == [(1,)]
    files = dict(workspace.warehouse("select file_name, source_id from raw.source_files"))
    assert files == {"schulen.xlsx": "schulamt_schulen", "kitas.csv": "jugendamt_kitas"}


def test_template_with_unknown_gemeinde_or_renamed_column_is_quarantined(workspace):
    unknown = example_row("jugendamt_kitas", "kitas", gemeinde_ags="05966099")
    (workspace.inbox / "unbekannte_gemeinde.csv").write_bytes(csv_bytes("jugendamt_kitas", "kitas", [unknown]))
    header = ["kinder_u3" if name == "kinder_unter_3" else name for name in
              csv_bytes("jugendamt_kitas", "kitas", []).decode("utf-8-sig").strip().split(";")]
    renamed = example_row("jugendamt_kitas", "kitas")
    renamed["kinder_u3"] = renamed.pop("kinder_unter_3")
    (workspace.inbox / "umbenannt.csv").write_bytes(csv_bytes("jugendamt_kitas", "kitas", [renamed], header=header))
    report = land_inbox(_settings(workspace))
    assert sorted(report.rejected) == ["umbenannt.csv", "unbekannte_gemeinde.csv"]
    messages = dict(workspace.warehouse("select file_name, message_de from raw.rejected_files"))
    assert "05966099" in messages["unbekannte_gemeinde.csv"] and "gemeinde_ags" in messages["unbekannte_gemeinde.csv"]
    assert "kinder_unter_3" in messages["umbenannt.csv"]
    assert workspace.warehouse("select count(*) from raw.tpl_jugendamt_kitas__kitas") == [(0,)]
