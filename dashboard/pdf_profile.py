"""The printable Kreisprofil: one Kreis along the whole Bildungskette as a PDF a Dezernent takes to the Kreistag.

Per indicator: the latest value and the one before, the Regierungsbezirk and NRW for comparison, a small trend chart,
the German explanation and definition, and the sources with table code, Stand and licence. A notice on every page
when the figures are synthetic demo data; date of creation and page numbers in the footer.

Built with ReportLab alone: no browser, no network, vector charts, and the Bitstream Vera font that ships inside
ReportLab is embedded (it has the German umlauts; it lacks the narrow no-break space, which becomes a no-break space).
The input is plain data frames as read from the serving snapshot (indicator_values, indicators, districts).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd
import reportlab
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from dashboard.charts import COLOUR_LAND, COLOUR_REGION, COLOUR_SELECTED
from dashboard.formatting import format_change, format_date, format_number, format_value
from dashboard.labels import (
    REPORTING_LABEL, STATUS_SUPPRESSED, group_label, reporting_text, stage_rank, value_status,
)
from dashboard.profile_data import profile_indicators
from dashboard.series_breaks import SeriesBreak, text_with_source, within

FONT = "Vera"
FONT_BOLD = "Vera-Bold"
FONT_ITALIC = "Vera-Italic"
_FONT_FILES = {FONT: "Vera.ttf", FONT_BOLD: "VeraBd.ttf", FONT_ITALIC: "VeraIt.ttf", "Vera-BoldItalic": "VeraBI.ttf"}

DEMO_NOTICE = (
    "Demodaten (synthetisch): Die Zahlen in diesem Profil wurden vom Demodaten-Generator erzeugt und sind keine "
    "amtlichen Statistiken."
)
# Said after the explanation; neutral indicators say in their own explanation that they describe the situation.
DIRECTION_DE = {
    "higher_is_better": "Ein höherer Wert ist günstiger.",
    "lower_is_better": "Ein niedrigerer Wert ist günstiger.",
}
BOUNDARY_NOTE = "Gebietsstand und Schlüssel: © GeoBasis-DE / BKG 2021, dl-de/by-2-0."

PAGE_MARGIN = 18 * mm
TEXT_WIDTH = A4[0] - 2 * PAGE_MARGIN
GREY = colors.HexColor("#555555")
LIGHT = colors.HexColor("#EEEEEE")
WARNING_BACKGROUND = colors.HexColor("#FFF3CD")
WARNING_BORDER = colors.HexColor("#E69F00")


# ---------------------------------------------------------------------------------------------------------------
# The data of the profile (plain functions on data frames)


@dataclass
class IndicatorProfile:
    """One indicator of the profile: the table rows, the trend of its main group and the source lines."""

    indicator: dict
    main_group: str
    latest_year: int
    previous_year: int | None
    latest_label: str  # the period as the source writes it: 31.12.2024, 01.03.2024, 2024
    previous_label: str | None
    table: pd.DataFrame  # group_id, group, kreis_previous, kreis_latest, change, rb_latest, nrw_latest (texts)
    trend: pd.DataFrame  # year, role (Kreis, Regierungsbezirk, NRW), value
    sources: list[str]
    breaks: tuple[SeriesBreak, ...] = ()  # breaks in the series within the years of the trend (served table)


def _groups(indicator: dict) -> list[str]:
    return [group for group in str(indicator.get("groups") or "insgesamt").split("|") if group]


def _cell(rows: pd.DataFrame, ags: str, year: int | None, group: str) -> tuple[str, float | None, str]:
    """(text, value, unit) of one unit, year and group: the German number, or why there is none."""
    if year is None:
        return "–", None, ""
    row = rows[(rows["ags"] == ags) & (rows["year"] == year) & (rows["group_id"] == group)]
    if row.empty:
        return value_status(False, None, None), None, ""
    value = row["value"].iloc[0]
    value = None if pd.isna(value) else float(value)
    flag = row["flag"].iloc[0] if "flag" in row.columns and isinstance(row["flag"].iloc[0], str) else None
    unit = row["unit"].iloc[0]
    status = value_status(True, value, flag)
    return (status if status else format_value(value, unit)), value, unit


def stand_text(stands: pd.Series) -> str:
    stands = pd.to_datetime(stands.dropna()).sort_values()
    if stands.empty:
        return "Stand unbekannt"
    first, last = stands.iloc[0], stands.iloc[-1]
    if first.date() == last.date():
        return f"Stand {format_date(last)}"
    return f"Stände {format_date(first)} bis {format_date(last)}"


def _source_lines(indicator: dict, shown: pd.DataFrame, latest: pd.DataFrame,
                  breaks: tuple[SeriesBreak, ...] = ()) -> list[str]:
    """Zähler and Nenner with table code and Stand (of the latest figures, and the span of the time series), the
    breaks in the series with their sources, the caveats and the licence."""
    lines = []
    for role, label in (("numerator", "Zähler"), ("denominator", "Nenner")):
        tables = []
        for table, part in shown.groupby(f"{role}_source_table", sort=True):
            latest_part = latest[latest[f"{role}_source_table"] == table]
            text = f"Tabelle {table}"
            if len(latest_part):
                text += f", aktueller Wert: {stand_text(latest_part[f'{role}_stand'])}"
            text += f"; Zeitreihe: {stand_text(part[f'{role}_stand'])}"
            tables.append(text)
        description = indicator.get(f"{role}_de") or ""
        if tables or description:
            lines.append(f"{label}: {description} – " + "; ".join(tables) if tables else f"{label}: {description}")
    reporting = reporting_text(latest)
    if reporting:
        lines.append(f"{REPORTING_LABEL}: {reporting}")
    lines += [f"Bruch in der Reihe: {text_with_source(item)}" for item in breaks]
    if indicator.get("caveats_de"):
        lines.append(f"Hinweis: {indicator['caveats_de']}")
    if indicator.get("licence_de"):
        lines.append(f"Lizenz: {indicator['licence_de']}")
    return lines


def indicator_profile(indicator: dict, values: pd.DataFrame, kreis: dict,
                      breaks: list[SeriesBreak] | None = None) -> IndicatorProfile | None:
    """The profile block of one indicator for the Kreis, or None when the Kreis has no row for it; `breaks` are all
    known breaks (serving.series_breaks), of which those within the trend's years are kept."""
    ags, rb_ags = kreis["ags"], kreis["rb_ags"]
    rows = values[(values["indicator_id"] == indicator["indicator_id"]) & values["ags"].isin([ags, rb_ags, "05"])]
    own = rows[rows["ags"] == ags]
    if own.empty:
        return None
    groups = [group for group in _groups(indicator) if group in set(own["group_id"])]
    groups += sorted(set(own["group_id"]) - set(groups))
    main_group = "insgesamt" if "insgesamt" in groups else groups[0]
    years = sorted(own[own["group_id"] == main_group]["year"].unique().tolist())
    latest_year = int(years[-1])
    previous_year = int(years[-2]) if len(years) > 1 else None

    def period_label(year: int | None) -> str | None:
        if year is None:
            return None
        labels = own[own["year"] == year]["period_label"].dropna()
        return str(labels.iloc[0]) if len(labels) else str(year)

    table_rows = []
    for group in groups:
        latest_text, latest_value, unit = _cell(rows, ags, latest_year, group)
        previous_text, previous_value, _ = _cell(rows, ags, previous_year, group)
        change = (format_change(latest_value - previous_value, unit)
                  if latest_value is not None and previous_value is not None else "–")
        table_rows.append({
            "group_id": group,
            "group": group_label(group),
            "kreis_previous": previous_text,
            "kreis_latest": latest_text,
            "change": change,
            "rb_latest": _cell(rows, rb_ags, latest_year, group)[0],
            "nrw_latest": _cell(rows, "05", latest_year, group)[0],
        })

    main = rows[rows["group_id"] == main_group]
    roles = {ags: "Kreis", rb_ags: "Regierungsbezirk", "05": "NRW"}
    trend = main.assign(role=main["ags"].map(roles))[["year", "role", "value"]].sort_values(["role", "year"])
    shown = rows[rows["year"].isin(years) & (rows["group_id"] == main_group) | rows["year"].isin(
        [year for year in (latest_year, previous_year) if year is not None])]
    latest = rows[rows["year"] == latest_year]
    shown_breaks = tuple(within(breaks or [], indicator["indicator_id"], main_group, trend["year"]))
    return IndicatorProfile(
        indicator=indicator,
        main_group=main_group,
        latest_year=latest_year,
        previous_year=previous_year,
        latest_label=period_label(latest_year),
        previous_label=period_label(previous_year),
        table=pd.DataFrame(table_rows),
        trend=trend.reset_index(drop=True),
        sources=_source_lines(indicator, shown, latest.assign(name=latest["ags"].map(
            {ags: kreis.get("display_name", ags), rb_ags: "Regierungsbezirk", "05": "NRW"})), shown_breaks),
        breaks=shown_breaks,
    )


def profile_stages(
    ags: str, indicator_values: pd.DataFrame, indicators: pd.DataFrame, districts: pd.DataFrame,
    breaks: list[SeriesBreak] | None = None,
) -> list[tuple[str, list[IndicatorProfile], list[str]]]:
    """Per stage of the Bildungskette, in order: the indicators with data for the Kreis, and the names of those
    the catalogue lists but that have no data yet."""
    kreis = districts.set_index("ags").loc[ags].to_dict() | {"ags": ags}
    indicators = profile_indicators(indicators)
    catalogue = indicators.assign(_rank=indicators["stage"].map(stage_rank)).sort_values(["_rank", "name_de"])
    stages = []
    for stage, part in catalogue.groupby("stage", sort=False):
        profiles, without = [], []
        for indicator in part.drop(columns="_rank").to_dict("records"):
            profile = indicator_profile(indicator, indicator_values, kreis, breaks)
            if profile is None:
                without.append(indicator["name_de"])
            else:
                profiles.append(profile)
        stages.append((stage, profiles, without))
    return stages


# ---------------------------------------------------------------------------------------------------------------
# The PDF


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(reportlab.__file__).parent / "fonts"
    for name, file_name in _FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / file_name)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic="Vera-BoldItalic")


def _pdf_text(text: str) -> str:
    """Escaped for ReportLab's paragraph markup; the narrow no-break space (not in Vera) as a no-break space."""
    return escape(str(text)).replace("\u202f", "\u00a0")


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=12, alignment=TA_LEFT)
    return {
        "title": ParagraphStyle("title", base, fontName=FONT_BOLD, fontSize=20, leading=25, spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=11, leading=15, textColor=GREY, spaceAfter=10),
        "stage": ParagraphStyle("stage", base, fontName=FONT_BOLD, fontSize=14, leading=18, spaceBefore=10,
                                spaceAfter=6, textColor=colors.HexColor(COLOUR_SELECTED)),
        "indicator": ParagraphStyle("indicator", base, fontName=FONT_BOLD, fontSize=11, leading=14, spaceBefore=8,
                                    spaceAfter=2),
        "body": base,
        "explanation": ParagraphStyle("explanation", base, fontName=FONT_ITALIC, spaceAfter=4),
        "small": ParagraphStyle("small", base, fontSize=7.5, leading=9.5, textColor=GREY),
        "cell": ParagraphStyle("cell", base, fontSize=8, leading=10),
        "cell_head": ParagraphStyle("cell_head", base, fontName=FONT_BOLD, fontSize=8, leading=10),
        "notice": ParagraphStyle("notice", base, fontName=FONT_BOLD, fontSize=9.5, leading=13),
    }


def _numbered_canvas(footer_left: str, demo: bool):
    """A canvas that knows the page count when it saves: 'Seite 2 von 7' in every footer."""

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._page_states: list[dict] = []

        def showPage(self):  # noqa: N802 (ReportLab's name)
            self._page_states.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._page_states)
            for state in self._page_states:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            super().save()

        def _footer(self, total: int) -> None:
            self.saveState()
            self.setFont(FONT, 7.5)
            self.setFillColor(GREY)
            self.setStrokeColor(LIGHT)
            self.line(PAGE_MARGIN, 13 * mm, A4[0] - PAGE_MARGIN, 13 * mm)
            self.drawString(PAGE_MARGIN, 9 * mm, footer_left)
            self.drawRightString(A4[0] - PAGE_MARGIN, 9 * mm, f"Seite {self._pageNumber} von {total}")
            if demo:
                self.setFillColor(colors.HexColor("#B35806"))
                self.setFont(FONT_BOLD, 7.5)
                self.drawCentredString(A4[0] / 2, A4[1] - 10 * mm, "Demodaten (synthetisch) – keine amtlichen Zahlen")
            self.restoreState()

    return NumberedCanvas


def _trend_drawing(profile: IndicatorProfile, kreis_name: str, rb_name: str, width: float, height: float) -> Drawing:
    """Lines of the Kreis, its Regierungsbezirk and NRW over the years (gaps where a value is missing)."""
    drawing = Drawing(width, height)
    trend = profile.trend.dropna(subset=["value"])
    if trend.empty:
        drawing.add(String(4, height / 2, "Keine Zeitreihe", fontName=FONT, fontSize=8, fillColor=GREY))
        return drawing
    unit = profile.indicator.get("unit") or ""
    years = sorted(profile.trend["year"].unique().tolist())
    styles = {
        "Kreis": (colors.HexColor(COLOUR_SELECTED), 1.8, None),
        "Regierungsbezirk": (colors.HexColor(COLOUR_REGION), 1.1, (3, 2)),
        "NRW": (colors.HexColor(COLOUR_LAND), 1.1, (1, 1.5)),
    }
    series, series_styles = [], []
    for role in ("NRW", "Regierungsbezirk", "Kreis"):  # the Kreis drawn last, on top
        part = profile.trend[profile.trend["role"] == role].set_index("year")["value"]
        segment = []
        for year in years:
            value = part.get(year)
            if value is None or pd.isna(value):
                if segment:
                    series.append(segment)
                    series_styles.append(styles[role])
                segment = []
            else:
                segment.append((year, float(value)))
        if segment:
            series.append(segment)
            series_styles.append(styles[role])

    low, high = float(trend["value"].min()), float(trend["value"].max())
    low = min(0.0, low)
    high = high + (high - low) * 0.08 or 1.0
    decimals = 2 if unit == "Verhältnis" else (0 if high - low >= 5 else 1)
    plot = LinePlot()
    plot.x, plot.y = 30, 26
    plot.width, plot.height = width - 38, height - 34
    plot.data = series
    for index, (colour, line_width, dash) in enumerate(series_styles):
        plot.lines[index].strokeColor = colour
        plot.lines[index].strokeWidth = line_width
        if dash:
            plot.lines[index].strokeDashArray = dash
        plot.lines[index].symbol = makeMarker("FilledCircle", size=2.2 if line_width > 1.5 else 1.6,
                                              fillColor=colour, strokeColor=colour)
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = years[0] - 0.3, years[-1] + 0.3
    step = 1 if len(years) <= 7 else 2 if len(years) <= 14 else 4
    plot.xValueAxis.valueSteps = years[::-1][::step][::-1]
    plot.xValueAxis.labelTextFormat = lambda value: str(int(round(value)))
    plot.xValueAxis.labels.fontName = FONT
    plot.xValueAxis.labels.fontSize = 6.5
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax = low, high
    plot.yValueAxis.labelTextFormat = lambda value: format_number(value, decimals)
    plot.yValueAxis.labels.fontName = FONT
    plot.yValueAxis.labels.fontSize = 6.5
    plot.yValueAxis.visibleGrid = True
    plot.yValueAxis.gridStrokeColor = LIGHT
    plot.yValueAxis.gridStrokeWidth = 0.5
    drawing.add(plot)
    for item in profile.breaks:  # dotted vertical line with its short label, as on the dashboard's charts
        x = plot.x + (item.x - plot.xValueAxis.valueMin) / (plot.xValueAxis.valueMax - plot.xValueAxis.valueMin) \
            * plot.width
        drawing.add(Line(x, plot.y, x, plot.y + plot.height, strokeColor=GREY, strokeWidth=0.6,
                         strokeDashArray=(1, 1.5)))
        drawing.add(String(x + 1.5, plot.y + plot.height - 6, item.label, fontName=FONT, fontSize=5.5,
                           fillColor=GREY))

    legend = [("Kreis", kreis_name), ("Regierungsbezirk", rb_name), ("NRW", "NRW")]
    x = 30
    for role, label in legend:
        colour, line_width, dash = styles[role]
        drawing.add(Line(x, 6, x + 12, 6, strokeColor=colour, strokeWidth=line_width, strokeDashArray=dash))
        text = String(x + 15, 3.5, label, fontName=FONT, fontSize=6.5, fillColor=GREY)
        drawing.add(text)
        x += 15 + pdfmetrics.stringWidth(label, FONT, 6.5) + 10
    unit_label = {"%": "in %", "Prozentpunkte": "in %-Punkten"}.get(unit, unit)
    drawing.add(String(2, height - 6, unit_label, fontName=FONT, fontSize=6.5, fillColor=GREY))
    return drawing


def _value_table(profile: IndicatorProfile, kreis_name: str, rb_name: str, styles: dict) -> Table:
    head, cell = styles["cell_head"], styles["cell"]

    def p(text: str, style=cell) -> Paragraph:
        return Paragraph(_pdf_text(text), style)

    # Two header rows: the Kreis's name spans its three columns, so that long names need not wrap.
    header_top = [p("", head), p(kreis_name, head), "", "", p("Vergleich", head), ""]
    header = [
        p("Gruppe", head),
        p(profile.previous_label or "–", head),
        p(profile.latest_label, head),
        p("Veränderung", head),
        p(f"{rb_name} {profile.latest_label}", head),
        p(f"NRW {profile.latest_label}", head),
    ]
    body = [
        [p(row.group), p(row.kreis_previous), p(row.kreis_latest, head), p(row.change), p(row.rb_latest),
         p(row.nrw_latest)]
        for row in profile.table.itertuples()
    ]
    widths = [0.22, 0.145, 0.145, 0.17, 0.17, 0.15]
    table = Table([header_top, header] + body, colWidths=[TEXT_WIDTH * share for share in widths], repeatRows=2)
    table.setStyle(TableStyle([
        ("SPAN", (1, 0), (3, 0)),
        ("SPAN", (4, 0), (5, 0)),
        ("BACKGROUND", (0, 0), (-1, 1), LIGHT),
        ("LINEBELOW", (1, 0), (3, 0), 0.4, GREY),
        ("LINEBELOW", (4, 0), (5, 0), 0.4, GREY),
        ("LINEBELOW", (0, 1), (-1, 1), 0.6, GREY),
        ("LINEBELOW", (0, -1), (-1, -1), 0.4, LIGHT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def _indicator_block(profile: IndicatorProfile, kreis_name: str, rb_name: str, styles: dict,
                     lead: list | None = None) -> list:
    """The flowables of one indicator; `lead` (the stage heading) is kept on the same page as the block."""
    indicator = profile.indicator
    heading = indicator["name_de"]
    if profile.main_group != "insgesamt":
        heading += f" ({group_label(profile.main_group)})"
    text = [
        Paragraph(f"<b>Definition:</b> {_pdf_text(indicator.get('definition_de') or '')}", styles["body"]),
        Spacer(1, 3),
    ] + [Paragraph(_pdf_text(line), styles["small"]) for line in profile.sources]
    chart_width = 72 * mm
    chart = _trend_drawing(profile, kreis_name, rb_name, chart_width, 46 * mm)
    lower = Table([[chart, text]], colWidths=[chart_width + 4 * mm, TEXT_WIDTH - chart_width - 4 * mm])
    lower.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, 0), 0)]))
    head = [
        Paragraph(_pdf_text(heading), styles["indicator"]),
        Paragraph(_pdf_text(f"{indicator.get('explanation_de') or ''} "
                            f"{DIRECTION_DE.get(indicator.get('direction'), '')}"), styles["explanation"]),
        _value_table(profile, kreis_name, rb_name, styles),
        Spacer(1, 4),
    ]
    # Headings never stand alone at a page end.
    return [KeepTogether((lead or []) + head + [lower]), Spacer(1, 6)]


def _overview(stages, styles: dict) -> Table:
    head, cell = styles["cell_head"], styles["cell"]
    rows = [[Paragraph("Stufe", head), Paragraph("Indikator", head), Paragraph("Zeitpunkt", head),
             Paragraph("Kreis", head), Paragraph("Veränderung", head), Paragraph("NRW", head)]]
    for stage, profiles, _ in stages:
        for profile in profiles:
            main = profile.table[profile.table["group_id"] == profile.main_group].iloc[0]
            rows.append([Paragraph(_pdf_text(stage), cell), Paragraph(_pdf_text(profile.indicator["name_de"]), cell),
                         Paragraph(_pdf_text(profile.latest_label), cell),
                         Paragraph(_pdf_text(main["kreis_latest"]), head), Paragraph(_pdf_text(main["change"]), cell),
                         Paragraph(_pdf_text(main["nrw_latest"]), cell)])
    widths = [0.17, 0.33, 0.12, 0.11, 0.16, 0.11]
    table = Table(rows, colWidths=[TEXT_WIDTH * share for share in widths], repeatRows=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, GREY),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, LIGHT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table


def build_kreisprofil_pdf(
    ags: str,
    indicator_values: pd.DataFrame,
    indicators: pd.DataFrame,
    districts: pd.DataFrame,
    *,
    created: datetime | None = None,
    is_synthetic: bool | None = None,
    breaks: list[SeriesBreak] | None = None,
) -> bytes:
    """The Kreisprofil of one Kreis (5-digit AGS) or KI (its code, e.g. KI05334) as PDF bytes.

    indicator_values, indicators, districts: the serving snapshot's tables of those names (all rows, or at least
    those of the Kreis, its Regierungsbezirk and NRW). created: the date printed as "erstellt am" (default: now).
    breaks: the known breaks in the series (serving.series_breaks), marked on the trends and named with the sources.
    is_synthetic: print the demo-data notice; default: when any of the Kreis's figures is marked synthetic.
    """
    _register_fonts()
    styles = _styles()
    created = created or datetime.now()
    district_index = districts.set_index("ags")
    if ags not in district_index.index or district_index.loc[ags, "level"] not in ("Kreis", "KI"):
        raise ValueError(f"{ags} is not a Kreis, kreisfreie Stadt or KI of the districts table")
    kreis_name = str(district_index.loc[ags, "display_name"])
    kind = str(district_index.loc[ags, "kind"])
    rb_ags = str(district_index.loc[ags, "rb_ags"])
    rb_name = str(district_index.loc[rb_ags, "display_name"]) if rb_ags in district_index.index else rb_ags
    rb_short = rb_name.replace("Regierungsbezirk ", "RB ")
    relevant = indicator_values[indicator_values["ags"].isin([ags, rb_ags, "05"])]
    if is_synthetic is None:
        own = relevant[relevant["ags"] == ags]
        is_synthetic = bool(own["is_synthetic"].fillna(False).astype(bool).any()) if "is_synthetic" in own else False

    stages = profile_stages(ags, relevant, indicators, districts, breaks)
    story: list = [
        Paragraph(_pdf_text(f"Kreisprofil {kreis_name}"), styles["title"]),
        Paragraph(_pdf_text(f"Integration entlang der Bildungskette · {kind}, {rb_name} · erstellt am "
                            f"{format_date(created)}"), styles["subtitle"]),
    ]
    if is_synthetic:
        notice = Table([[Paragraph(_pdf_text(DEMO_NOTICE), styles["notice"])]], colWidths=[TEXT_WIDTH])
        notice.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), WARNING_BACKGROUND),
                                    ("BOX", (0, 0), (-1, -1), 1, WARNING_BORDER),
                                    ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
        story += [notice, Spacer(1, 8)]
    story += [
        Paragraph(_pdf_text(
            f"Je Indikator: der jüngste Wert des Kreises und der des Vorjahres, zum Vergleich der {rb_name} und "
            "Nordrhein-Westfalen, die Entwicklung über die Jahre, Erklärung, Definition und Quellen. "
            f"„{STATUS_SUPPRESSED}“: Wert geheim gehalten oder nicht veröffentlicht; „keine Daten“: für diesen "
            "Zeitpunkt nicht geliefert; „nichts vorhanden“: kein Fall (z. B. keine Schule dieser Art). Anteile "
            "ändern sich in Prozentpunkten (%-Pkt.)."), styles["body"]),
        Spacer(1, 8),
        Paragraph("Übersicht", styles["stage"]),
        _overview(stages, styles),
    ]
    for stage, profiles, without in stages:
        lead = [Paragraph(_pdf_text(stage), styles["stage"])]
        if without:
            lead.append(Paragraph(_pdf_text("Noch ohne Daten für diesen Kreis: " + ", ".join(without) + "."),
                                  styles["small"]))
        if not profiles:
            story += [CondPageBreak(25 * mm)] + lead
        for index, profile in enumerate(profiles):
            story += _indicator_block(profile, kreis_name, rb_short, styles, lead if index == 0 else None)
    story += [Spacer(1, 10), Paragraph(_pdf_text(BOUNDARY_NOTE), styles["small"])]

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=PAGE_MARGIN, rightMargin=PAGE_MARGIN, topMargin=PAGE_MARGIN,
        bottomMargin=PAGE_MARGIN, title=f"Kreisprofil {kreis_name}", author="Integrationsmonitor NRW",
        subject="Integration entlang der Bildungskette", creator="Integrationsmonitor NRW",
    )
    footer = f"Integrationsmonitor NRW · Kreisprofil {kreis_name} · erstellt am {format_date(created)}"
    document.build(story, canvasmaker=_numbered_canvas(footer, is_synthetic))
    return buffer.getvalue()
