"""Empty templates and documentation, generated from kreis_templates.yml.

empty_workbook(id)      the Excel template: one sheet per template sheet (column names in row 1, frozen, number
                        formats, drop-down lists and input hints), a sheet 'Erläuterungen' explaining every column
                        and a hidden sheet 'Listen' holding the allowed values
empty_csv(id, sheet)    the CSV template of one sheet: UTF-8 with BOM, ';', the header line only
markdown_docs()         docs/templates.md (a test keeps the committed file equal to this text)
"""

from __future__ import annotations

import io
from datetime import date

from pipelines.templates.spec import (
    EXPLANATION_SHEET,
    LISTS_SHEET,
    ColumnSpec,
    SheetSpec,
    TemplateSpec,
    csv_file_name,
    template_specs,
)

__all__ = ["column_rules_de", "empty_csv", "empty_workbook", "markdown_docs"]

# Rows of the data sheets that get drop-down lists, input hints and checks (cells are not created, so the file
# stays small).
_LAST_ROW = 5000

_NUMBER_FORMATS = {
    "text": "@",
    "ags": "@",
    "schuljahr": "@",
    "integer": "0",
    "date": "DD.MM.YYYY",
}

_GENERAL_RULES_DE = [
    "Zeile 1 jedes Datenblatts enthält die Spaltennamen. Bitte nicht umbenennen oder löschen (die Reihenfolge "
    "ist frei); Spalten ohne Angaben bleiben leer.",
    "Ab Zeile 2 eine Zeile je Datensatz. Leere Zelle = unbekannt oder nicht erhoben; 0 = keine. Zeichen wie "
    "»-«, ».« oder »x« sind nicht erlaubt.",
    "Zahlen ohne Tausenderpunkt; Dezimalzahlen mit Komma (4,5). Datum als TT.MM.JJJJ. Schuljahr als 2023/24.",
    "Gemeindeschlüssel (AGS) und Schulnummern sind Text: Die führende 0 gehört dazu (05966004). Fehlt sie, weil "
    "Excel sie entfernt hat, wird sie beim Einlesen ergänzt.",
    "Die Angaben sind exakte Einzelangaben und damit vertraulich. Das Produkt zeigt keine kleinen Fallzahlen an "
    "und verhindert, dass sie aus Summen zurückgerechnet werden können.",
]


def column_rules_de(column: ColumnSpec) -> list[str]:
    """The checks the reader applies to a column, in German (for the docs and the Erläuterungen sheet)."""
    rules: list[str] = []
    if column.allowed:
        rules.append(f"Wert aus der Liste »{column.allowed}«")
    if column.pattern_de:
        rules.append(column.pattern_de)
    if column.ags_lengths:
        lengths = " oder ".join(str(length) for length in column.ags_lengths)
        rules.append(f"{lengths} Ziffern, beginnt mit 05 (NRW)")
    if column.type == "schuljahr":
        rules.append("zwei aufeinander folgende Jahre")
    if column.day_month:
        day, month = column.day_month
        rules.append(f"immer der {day:02d}.{month:02d}.")
    if column.min is not None and column.max is not None:
        rules.append(f"von {_number_de(column.min)} bis {_number_de(column.max)}")
    elif column.min is not None:
        rules.append("nicht negativ" if column.min == 0 else f"mindestens {_number_de(column.min)}")
    elif column.max is not None:
        rules.append(f"höchstens {_number_de(column.max)}")
    for other in column.not_above:
        rules.append(f"nicht größer als {other}")
    if column.only_if:
        rules.append(f"nur wenn {column.only_if.column} = {' oder '.join(column.only_if.values)}")
    return rules


def _number_de(value: object) -> str:
    return str(value).replace(".", ",")


def _required_de(column: ColumnSpec) -> str:
    return "ja" if column.required else "nein"


def _spec(template_id: str) -> TemplateSpec:
    specs = template_specs()
    if template_id not in specs:
        raise KeyError(f"unknown template {template_id!r}; known: {', '.join(specs)}")
    return specs[template_id]


# --------------------------------------------------------------------------------------------------------------------
# CSV


def empty_csv(template_id: str, sheet: str) -> bytes:
    """The CSV template of one sheet: UTF-8 with BOM, ';' separated, only the header line (CRLF)."""
    spec = _spec(template_id).sheet(sheet)
    return ("\ufeff" + ";".join(spec.header) + "\r\n").encode("utf-8")


# --------------------------------------------------------------------------------------------------------------------
# Excel


def empty_workbook(template_id: str) -> bytes:
    """The Excel template (.xlsx) of a template, without data rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    template = _spec(template_id)
    workbook = Workbook()
    workbook.remove(workbook.active)
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")

    # Allowed values: one column per value list on the hidden sheet 'Listen'.
    list_ranges: dict[str, str] = {}
    lists_sheet_values: list[tuple[str, list[str]]] = []
    for sheet in template.sheets:
        for column in sheet.columns:
            if column.allowed and column.allowed not in list_ranges:
                letter = get_column_letter(len(lists_sheet_values) + 1)
                values = [allowed.value for allowed in column.allowed_values]
                lists_sheet_values.append((column.allowed, values))
                list_ranges[column.allowed] = f"{LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}"

    for sheet in template.sheets:
        worksheet = workbook.create_sheet(sheet.name)
        worksheet.append(list(sheet.header))
        for index, column in enumerate(sheet.columns, start=1):
            letter = get_column_letter(index)
            cell = worksheet.cell(row=1, column=index)
            cell.font = header_font
            cell.fill = header_fill
            dimension = worksheet.column_dimensions[letter]
            dimension.width = min(max(len(column.name), len(column.example), 10) + 3, 48)
            if column.type == "decimal":
                dimension.number_format = "0." + "0" * (column.decimals or 2)
            else:
                dimension.number_format = _NUMBER_FORMATS[column.type]
            validation = _validation(column, letter, list_ranges)
            worksheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{_LAST_ROW}")
        worksheet.freeze_panes = "A2"

    _explanations(workbook.create_sheet(EXPLANATION_SHEET), template, header_font, header_fill, Alignment)

    lists = workbook.create_sheet(LISTS_SHEET)
    for index, (name, values) in enumerate(lists_sheet_values, start=1):
        lists.cell(row=1, column=index, value=name).font = header_font
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=index, value=value)
        lists.column_dimensions[get_column_letter(index)].width = max(len(v) for v in values) + 3
    lists.sheet_state = "hidden"

    # The reader takes the template version from here (a CSV file has no place for it).
    workbook.properties.identifier = template.id
    workbook.properties.version = str(template.version)
    workbook.properties.title = template.title
    workbook.properties.subject = f"Vorlage {template.id}, Version {template.version}"
    workbook.properties.creator = "Integrationsmonitor NRW"
    workbook.active = 0

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _validation(column: ColumnSpec, letter: str, list_ranges: dict[str, str]):
    """Drop-down list or range check for a column, always with the column's explanation as input hint."""
    from openpyxl.utils.datetime import to_excel
    from openpyxl.worksheet.datavalidation import DataValidation

    hint = f"{column.label}. {column.explanation}"
    if column.unit:
        hint += f" Einheit: {column.unit}."
    options = dict(
        allow_blank=True,
        showInputMessage=True,
        promptTitle=_cut(column.name, 32),
        prompt=_cut(hint, 255),
        showErrorMessage=True,
        errorTitle="Ungültige Eingabe",
    )
    rules = "; ".join(column_rules_de(column))
    error = _cut(f"{column.label}: {column.type_de}" + (f"; {rules}" if rules else "") + ".", 255)
    if column.allowed:
        return DataValidation(type="list", formula1=list_ranges[column.allowed], error=error, **options)
    if column.type in ("integer", "decimal") and column.min is not None:
        kind = "whole" if column.type == "integer" else "decimal"
        if column.max is not None:
            return DataValidation(
                type=kind,
                operator="between",
                formula1=str(column.min),
                formula2=str(column.max),
                error=error,
                **options,
            )
        return DataValidation(
            type=kind, operator="greaterThanOrEqual", formula1=str(column.min), error=error, **options
        )
    if column.type == "date":
        if column.day_month:
            day, month = column.day_month
            formula = f"AND(DAY({letter}2)={day},MONTH({letter}2)={month})"
            return DataValidation(type="custom", formula1=formula, error=error, **options)
        return DataValidation(
            type="date",
            operator="between",
            formula1=str(int(to_excel(date(1950, 1, 1)))),
            formula2=str(int(to_excel(date(2100, 12, 31)))),
            error=error,
            **options,
        )
    if column.type == "ags" and len(column.ags_lengths) == 1:
        return DataValidation(
            type="textLength", operator="equal", formula1=str(column.ags_lengths[0]), error=error, **options
        )
    return DataValidation(**{**options, "showErrorMessage": False})


def _explanations(worksheet, template: TemplateSpec, header_font, header_fill, alignment_class) -> None:
    from openpyxl.styles import Font

    wrap = alignment_class(wrap_text=True, vertical="top")
    worksheet.append([f"{template.title}: Vorlage {template.id}, Version {template.version}"])
    worksheet["A1"].font = Font(bold=True, size=14)
    worksheet.append([f"Lieferung: {template.source}"])
    worksheet.append([template.description])
    worksheet.append([])
    for rule in _GENERAL_RULES_DE:
        worksheet.append([rule])
    worksheet.append([])
    titles = [
        "Blatt", "Spalte", "Bezeichnung", "Typ", "Einheit", "Pflicht", "Erlaubte Werte und Regeln", "Beispiel",
        "Erläuterung",
    ]
    worksheet.append(titles)
    header_row = worksheet.max_row
    for index in range(1, len(titles) + 1):
        cell = worksheet.cell(row=header_row, column=index)
        cell.font = header_font
        cell.fill = header_fill
    for sheet in template.sheets:
        for column in sheet.columns:
            rules = column_rules_de(column)
            if column.allowed_values:
                rules = [f"{rules[0]}: " + "; ".join(value.value for value in column.allowed_values)] + rules[1:]
            worksheet.append(
                [
                    sheet.name,
                    column.name,
                    column.label,
                    column.type_de,
                    column.unit or "",
                    _required_de(column),
                    "; ".join(rules),
                    column.example,
                    column.explanation,
                ]
            )
            for cell in worksheet[worksheet.max_row]:
                cell.alignment = wrap
                cell.number_format = "@"
    worksheet.append([])
    worksheet.append(["Blätter"])
    worksheet.cell(row=worksheet.max_row, column=1).font = header_font
    for sheet in template.sheets:
        required = "Pflichtblatt" if sheet.required else "freiwillig"
        worksheet.append(
            [sheet.name, sheet.title, f"{required}; Schlüssel: {sheet.key_de}", "", "", "", "", "", sheet.description]
        )
    worksheet.append([])
    worksheet.append(["Wertelisten", "Wert", "Bedeutung"])
    for cell in worksheet[worksheet.max_row][:3]:
        cell.font = header_font
    seen: set[str] = set()
    for sheet in template.sheets:
        for column in sheet.columns:
            if column.allowed and column.allowed not in seen:
                seen.add(column.allowed)
                for value in column.allowed_values:
                    worksheet.append([column.allowed, value.value, value.label])
    for letter, width in zip("ABCDEFGHI", (14, 30, 40, 20, 10, 8, 40, 22, 70)):
        worksheet.column_dimensions[letter].width = width
    worksheet.freeze_panes = None


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------------------------------------------------
# Markdown


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def markdown_docs() -> str:
    """docs/templates.md: every template, sheet and column, and the value lists."""
    templates = template_specs()
    lines = [
        "# Vorlagen für Daten, die der Kreis selbst hält",
        "",
        "<!-- Generated from pipelines/templates/kreis_templates.yml by "
        "`python -m pipelines.templates docs > docs/templates.md`; do not edit. -->",
        "",
        "Für drei Lieferungen gibt es kein öffentliches Format; das Produkt legt je eine Vorlage fest:",
        "",
    ]
    for template in templates.values():
        lines.append(f"- [{template.title}](#{template.id}) (`{template.id}`, Version {template.version})")
    lines += [
        "",
        "Jede Vorlage gibt es als Excel-Arbeitsmappe (`.xlsx`) und als CSV. Leere Vorlagen erzeugen:",
        "",
        "```sh",
        "python -m pipelines.templates xlsx <vorlage> <datei.xlsx>",
        "python -m pipelines.templates csv <vorlage> <blatt> <datei.csv>",
        "```",
        "",
        "## Allgemeine Regeln",
        "",
    ]
    lines += [f"- {rule}" for rule in _GENERAL_RULES_DE]
    lines += [
        "- Excel: ein Tabellenblatt je Blatt der Vorlage, mit dem Namen des Blatts. Das Blatt "
        f"»{EXPLANATION_SHEET}« erklärt jede Spalte; das ausgeblendete Blatt »{LISTS_SHEET}« enthält die "
        "Wertelisten für die Auswahllisten. Die Vorlagenversion steht in den Dateieigenschaften.",
        "- CSV: je Blatt eine Datei, UTF-8 mit BOM (ohne BOM und Windows-1252 werden auch gelesen), Trennzeichen "
        "Semikolon, Dezimalkomma, erste Zeile = Spaltennamen. Dateiname bei Vorlagen mit einem Blatt "
        "`<vorlage>.csv`, sonst `<vorlage>__<blatt>.csv`. Der Name ist nur ein Vorschlag: Erkannt wird die Datei an "
        "ihrer Kopfzeile, die für jedes Blatt verschieden ist. Bezüge zwischen Blättern (z. B. Programme zu "
        "Stammdaten) prüft das Einlesen nur in der Excel-Form.",
        "- Beim Einlesen wird jede Zeile geprüft (Typ, Liste, Bereich, Teil nicht größer als Gesamtzahl, doppelte "
        "Schlüssel). Fehler werden mit Zeile und Spalte gemeldet; eine Datei mit Fehlern wird nicht geladen.",
        "",
    ]
    for template in templates.values():
        lines += _template_markdown(template)
    lines += ["## Wertelisten", ""]
    seen: set[str] = set()
    for template in templates.values():
        for sheet in template.sheets:
            for column in sheet.columns:
                if not column.allowed or column.allowed in seen:
                    continue
                seen.add(column.allowed)
                lines += [f"### {column.allowed}", "", "| Wert | Bedeutung |", "|---|---|"]
                lines += [f"| `{_cell(value.value)}` | {_cell(value.label)} |" for value in column.allowed_values]
                lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _template_markdown(template: TemplateSpec) -> list[str]:
    lines = [
        f'<a id="{template.id}"></a>',
        "",
        f"## {template.title}",
        "",
        f"Vorlage `{template.id}`, Version {template.version}. Lieferung: {template.source}.",
        "",
        " ".join(template.description.split()),
        "",
    ]
    for sheet in template.sheets:
        lines += _sheet_markdown(template, sheet)
    return lines


def _sheet_markdown(template: TemplateSpec, sheet: SheetSpec) -> list[str]:
    required = "Pflichtblatt" if sheet.required else "freiwilliges Blatt"
    lines = [
        f"### Blatt `{sheet.name}`: {sheet.title}",
        "",
        " ".join(sheet.description.split()),
        "",
        f"- {required}; Schlüssel (jede Kombination nur einmal): {sheet.key_de} "
        f"({', '.join(f'`{name}`' for name in sheet.key)})",
    ]
    if sheet.parent:
        lines.append(
            f"- Bezug: Jede Kombination {', '.join(f'`{name}`' for name in sheet.parent.columns)} muss im Blatt "
            f"`{sheet.parent.sheet}` vorkommen (nur in der Excel-Form geprüft)"
        )
    lines += [
        f"- CSV-Datei: `{csv_file_name(template, sheet.name)}`; Kopfzeile:",
        "",
        "```text",
        ";".join(sheet.header),
        "```",
        "",
        "| Spalte | Bezeichnung | Typ | Einheit | Pflicht | Regeln | Beispiel | Erläuterung |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for column in sheet.columns:
        rules = column_rules_de(column)
        if column.allowed:
            rules[0] = f"Wert aus der Liste [{column.allowed}](#{column.allowed})"
        lines.append(
            f"| `{column.name}` | {_cell(column.label)} | {_cell(column.type_de)} | {_cell(column.unit or '')} | "
            f"{_required_de(column)} | {_cell('; '.join(rules))} | `{_cell(column.example)}` | "
            f"{_cell(column.explanation)} |"
        )
    lines.append("")
    return lines
