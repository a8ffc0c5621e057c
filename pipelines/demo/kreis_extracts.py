"""Writers of the Kreis-held demo extracts in the format of the templates (pipelines/templates/kreis_templates.yml):

* Schulamt school extract (schulamt_schulen): Excel, one workbook per Kreis and Schuljahr, sheets 'schulen' and
  'hsu_sprachen' (plus the template's 'Erläuterungen' and 'Listen'); a few schools leave the optional Erstförderung
  column empty.
* Jugendamt KiTa extract (jugendamt_kitas): CSV form (UTF-8 with BOM, ';', CRLF, the template's header line), one
  file per Kreis and Stichtag 1 March (the Kreisjugendamt and the Jugendämter of its towns in one file).
* KI annual report (ki_jahresbericht): Excel, one workbook per KI and Berichtsjahr.

Demo marker: every school and KiTa row carries DEMO_MARKER in its optional name column ('schulname',
'einrichtung_name', e.g. 'Grundschule Attendorn Am Park (Demodaten (synthetisch))'); every workbook carries it in its
file properties (description and keywords: docProps/core.xml, openpyxl ``workbook.properties.description``).
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
from pathlib import Path

from pipelines.demo.generator import DEMO_MARKER, seeded_rng
from pipelines.demo.ki_reports import ki_report_rows
from pipelines.demo.kitas import kita_extract_rows
from pipelines.demo.schools import school_extract_rows
from pipelines.demo.xlsx import fill_template_xlsx

__all__ = ["DEMO_DESCRIPTION", "write_ki_report", "write_kita_extract", "write_school_extract"]

DEMO_DESCRIPTION = (f"{DEMO_MARKER}: vom Integrationsmonitor NRW erzeugte Vorführdaten. Alle Werte sind erfunden; "
                    "keine Einzelangaben realer Schulen, Einrichtungen oder Kommunalen Integrationszentren.")


def _moment(seed: int, what: str, key: str, year: int, month: int) -> _dt.datetime:
    r = seeded_rng(seed, "xlsx-moment", what, key, year)
    day = _dt.date(year, month, 1) + _dt.timedelta(days=r.randint(0, 40))
    return _dt.datetime.combine(day, _dt.time(r.randint(8, 17), r.randint(0, 59), r.randint(0, 59)))


# Share of schools that leave the optional Erstförderung column empty ('nicht erhoben'), so that the indicator's
# denominator must count only the schools that reported it (the HSU column is left empty by schools.py).
ERSTFOERDERUNG_NOT_REPORTED = 0.04


def _without_some_erstfoerderung(seed: int, year: int, kreis: str, schulen: list[dict]) -> list[dict]:
    r = seeded_rng(seed, "school-extract-erstfoerderung", year, kreis)  # its own draws: other figures stay as they were
    return [row | {"neu_zugewanderte_in_erstfoerderung": None} if r.random() < ERSTFOERDERUNG_NOT_REPORTED else row
            for row in schulen]


def write_school_extract(seed: int, year: int, kreis: str, path: Path, scale: int = 1) -> Path:
    schulen, hsu = school_extract_rows(seed, year, kreis, scale)
    schulen = _without_some_erstfoerderung(seed, year, kreis, schulen)
    data = fill_template_xlsx("schulamt_schulen", {"schulen": schulen, "hsu_sprachen": hsu},
                              _moment(seed, "schulamt", kreis, year + 1, 1),
                              description=DEMO_DESCRIPTION, keywords=DEMO_MARKER)
    path.write_bytes(data)
    return path


def write_ki_report(seed: int, year: int, ki: str, path: Path, scale: int = 1) -> Path:
    rows = ki_report_rows(seed, year, ki, scale)
    data = fill_template_xlsx("ki_jahresbericht", rows, _moment(seed, "ki", ki, year + 1, 2),
                              description=DEMO_DESCRIPTION, keywords=DEMO_MARKER)
    path.write_bytes(data)
    return path


def _kita_header() -> tuple[str, ...]:
    from pipelines.templates.spec import template_specs

    return template_specs()["jugendamt_kitas"].sheet("kitas").header


def write_kita_extract(seed: int, year: int, kreis: str, path: Path, scale: int = 1) -> Path:
    header = _kita_header()
    rows = kita_extract_rows(seed, year, kreis, scale)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if row.get(name) is None else row[name] for name in header])
    path.write_bytes(("\ufeff" + buffer.getvalue()).encode("utf-8"))
    return path
