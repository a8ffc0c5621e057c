"""Deterministic .xlsx output for the demo: filled Kreis templates and normalised openpyxl workbooks.

openpyxl stamps the current time into docProps/core.xml and into every zip entry, so two runs never give the same
bytes. :func:`normalize_xlsx` rewrites both with a fixed moment. :func:`fill_template_xlsx` writes a filled
template fast: it takes the empty Excel template of pipelines/templates/render.py once (sheets, column formats,
drop-down lists, the sheets 'Erläuterungen' and 'Listen', the template id and version in the file properties)
and inserts the data rows into the sheet XML directly, as Excel would store typed-in values (inline strings,
numbers, dates as serial numbers with the column's date format). That is about ten times faster than opening
the template with openpyxl for each of the ~1,400 workbooks of the demo.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from xml.sax.saxutils import escape

__all__ = ["fill_template_xlsx", "normalize_xlsx"]

_ZIP_TIME = (2025, 1, 1, 0, 0, 0)
_EXCEL_EPOCH = _dt.date(1899, 12, 30)


def _iso(moment: _dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _patch_core(xml: str, moment: _dt.datetime, description: str | None, keywords: str | None) -> str:
    for tag in ("created", "modified"):
        xml = re.sub(rf"(<dcterms:{tag}\b[^>]*>)[^<]*(</dcterms:{tag}>)", rf"\g<1>{_iso(moment)}\g<2>", xml)
    for tag, value in (("dc:description", description), ("cp:keywords", keywords)):
        if value is None:
            continue
        element = f"<{tag}>{escape(value)}</{tag}>"
        if re.search(rf"<{tag}\b", xml):
            xml = re.sub(rf"<{tag}\b[^>]*>.*?</{tag}>|<{tag}\b[^>]*/>", lambda _m: element, xml, flags=re.DOTALL)
        else:
            xml = xml.replace("</cp:coreProperties>", element + "</cp:coreProperties>")
    return xml


def _write_zip(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            archive.writestr(info, data, compresslevel=6)
    return buffer.getvalue()


def normalize_xlsx(data: bytes, moment: _dt.datetime, *, description: str | None = None,
                   keywords: str | None = None) -> bytes:
    """The same workbook with fixed zip timestamps and created/modified = moment (optionally description and
    keywords in the file properties): byte-identical for identical content."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = [(info.filename, archive.read(info.filename)) for info in archive.infolist()]
    out = []
    for name, content in entries:
        if name == "docProps/core.xml":
            content = _patch_core(content.decode("utf-8"), moment, description, keywords).encode("utf-8")
        out.append((name, content))
    return _write_zip(out)


# --------------------------------------------------------------------------------------------------------------
# Filled templates
# --------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Sheet:
    path: str  # zip entry of the worksheet
    columns: dict[str, tuple[str, str | None]]  # column name -> (letter, style index or None)


@dataclass(frozen=True)
class _Template:
    entries: tuple[tuple[str, bytes], ...]
    sheets: dict[str, _Sheet]


def _letter(index: int) -> str:
    out = ""
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def _attrs(tag: str) -> dict[str, str]:
    return dict(re.findall(r'([\w:]+)="([^"]*)"', tag))


@lru_cache(maxsize=8)
def _template(template_id: str) -> _Template:
    from pipelines.templates.render import empty_workbook

    with zipfile.ZipFile(io.BytesIO(empty_workbook(template_id))) as archive:
        entries = tuple((info.filename, archive.read(info.filename)) for info in archive.infolist())
    files = dict(entries)
    workbook = files["xl/workbook.xml"].decode("utf-8")
    rels = files["xl/_rels/workbook.xml.rels"].decode("utf-8")
    targets = {a["Id"]: a["Target"] for a in map(_attrs, re.findall(r"<Relationship\b[^>]*>", rels))}
    sheets: dict[str, _Sheet] = {}
    for tag in re.findall(r"<sheet\b[^>]*>", workbook):
        a = _attrs(tag)
        target = targets[a["r:id"]].lstrip("/")
        path = target if target.startswith("xl/") else f"xl/{target}"
        xml = files[path].decode("utf-8")
        styles: dict[int, str] = {}
        for col in re.findall(r"<col\b[^>]*>", xml):
            c = _attrs(col)
            if "style" in c:
                for i in range(int(c["min"]), int(c["max"]) + 1):
                    styles[i] = c["style"]
        first_row = re.search(r"<row\b[^>]*>(.*?)</row>", xml, flags=re.DOTALL)
        columns: dict[str, tuple[str, str | None]] = {}
        if first_row:
            for cell in re.finditer(r'<c\b[^>]*\br="([A-Z]+)1"[^>]*>(.*?)</c>', first_row.group(1), flags=re.DOTALL):
                text = "".join(re.findall(r"<t\b[^>]*>([^<]*)</t>", cell.group(2)))
                letter = cell.group(1)
                index = 0
                for ch in letter:
                    index = index * 26 + ord(ch) - 64
                columns[text] = (letter, styles.get(index))
        sheets[a["name"]] = _Sheet(path=path, columns=columns)
    return _Template(entries=entries, sheets=sheets)


def _cell_xml(ref: str, style: str | None, value: object) -> str:
    s = f' s="{style}"' if style is not None else ""
    if isinstance(value, str):
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{escape(value)}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return f'<c r="{ref}"{s}><v>{(value - _EXCEL_EPOCH).days}</v></c>'
    if isinstance(value, (int, Decimal)):
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    if isinstance(value, float):
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    raise TypeError(f"cannot write {value!r} into a cell")


def fill_template_xlsx(template_id: str, rows: dict[str, list[dict]], moment: _dt.datetime, *,
                       description: str | None = None, keywords: str | None = None) -> bytes:
    """The Excel template of template_id with the given rows (per sheet: dicts column name -> value; None or a
    missing key leaves the cell empty) below the header row of each sheet."""
    template = _template(template_id)
    replaced: dict[str, bytes] = {}
    for sheet_name, sheet_rows in rows.items():
        sheet = template.sheets[sheet_name]
        unknown = {key for row in sheet_rows for key in row} - set(sheet.columns)
        if unknown:
            raise KeyError(f"{template_id}/{sheet_name}: no columns {sorted(unknown)} in the template")
        order = sorted(sheet.columns.items(), key=lambda item: (len(item[1][0]), item[1][0]))
        parts = []
        for number, row in enumerate(sheet_rows, start=2):
            cells = [_cell_xml(f"{letter}{number}", style, row[name])
                     for name, (letter, style) in order if row.get(name) is not None]
            parts.append(f'<row r="{number}">' + "".join(cells) + "</row>")
        xml = dict(template.entries)[sheet.path].decode("utf-8")
        last_letter = order[-1][1][0] if order else "A"
        xml = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:{last_letter}{len(sheet_rows) + 1}" />',
                     xml, count=1)
        body = "".join(parts)
        if "</sheetData>" in xml:
            xml = xml.replace("</sheetData>", body + "</sheetData>", 1)
        else:
            xml = re.sub(r"<sheetData\s*/>", lambda _m: f"<sheetData>{body}</sheetData>", xml, count=1)
        replaced[sheet.path] = xml.encode("utf-8")
    out = []
    for name, content in template.entries:
        if name in replaced:
            content = replaced[name]
        elif name == "docProps/core.xml":
            content = _patch_core(content.decode("utf-8"), moment, description, keywords).encode("utf-8")
        out.append((name, content))
    return _write_zip(out)
