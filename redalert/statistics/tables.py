"""Report tables and their renderers: the one structure every statistics page and export is built from.

A report is a list of tables; a table is a list of rows; a row has one cell per column. Indicator functions
(redalert.statistics.figures, and the regional indicators) build these objects; the pages, the PDF, the XLSX,
the CSV and the JSON are all rendered from them, so the figures cannot differ between formats.

API (what other modules use):

``Cell(value, denominator=None, no_data=None, cases=None, unit="")``
    ``value``: an ``int`` count, a ``Decimal`` amount, a ``float`` (e.g. a median), or ``None`` when there is no
    figure (a median of nothing). ``denominator``: what the percentage is of (``None``: no percentage).
    ``no_data``: how many records had no data for this figure (``None``: not applicable). ``cases``: the case ids
    behind a count (never exported; the page turns it into a link to the list of those cases for staff who may
    see them). ``unit``: ``""`` for counts, an ISO 4217 code for money (never summed across currencies), ``"h"``
    for hours. ``cell.percent`` is value / denominator × 100 rounded to one decimal (``None`` without one).
``Column(key, label, percent=False)``
    ``percent``: the column's cells carry a denominator and show a percentage.
``Row(key, label, cells, kind="data", case_section="")``
    ``cells`` maps column keys to cells (a missing key is an empty cell). ``kind`` is ``"data"``, ``"total"`` or
    ``"no_data"`` (the records with no data for the table's question: shown apart, never folded into a zero).
    ``case_section`` overrides the table's for the list of cases (e.g. health services).
``Table(key, title, columns, rows, definition="", footnotes=[], chart=None, case_section="general")``
    ``key`` is unique in a report and stable across languages (exports and links use it); ``chart`` is the key of
    the column to draw as a bar chart in the PDF. ``case_section`` names the part of a case file someone must be
    allowed to see to open the list of cases behind the table's counts (``general``, ``investigation``,
    ``legal``, ``health``, ``care``).
``Report(title, tables, meta=[], definitions=[])``
    ``meta`` is a list of (label, value) lines (scope, year, date produced, consent rule); ``definitions`` the
    report-wide definitions printed before the tables.

Helpers: ``count_cell(case_ids, denominator=None, no_data=None)`` (a count with the ids behind it);
``cell.display()`` and ``cell.display_percent()`` (localised text: "1,234", "2,000.50 MXN", "24.7% of 5,000");
``table.row(key)``, ``table.cell(row, column)``, ``table.display_rows()`` (for templates),
``table.section_for(row)``, ``report.table(key)``. Pages render a table with the template
``statistics/_table.html`` (context variable ``table``; a cell with ``link`` set becomes a link).

Renderers: ``to_csv(report) -> str`` (one CSV in long form: one line per cell, with table, row and column keys
and labels, value, unit, percent, denominator, no-data count and row kind), ``to_json(report) -> dict`` (meta,
definitions, tables with their rows and cells; amounts as strings so no decimal is lost), ``to_xlsx(report) ->
bytes`` (a sheet "report" with the meta and definitions, then one sheet per table named by its key, wide: for each
column its value, and for percentage columns the % and the denominator) and ``to_pdf(report) -> bytes``
(ReportLab: the meta, definitions, every table with its definition and footnotes, and a bar chart where the table
asks for one). ``parse_csv(text)`` reads ``to_csv`` back into {(table, row, column): value}.
``download(report, fmt, stem) -> HttpResponse`` renders one of ``FORMATS`` (pdf, json, csv, xlsx) as an attachment
named ``<stem>.<fmt>``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from django.http import HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from redalert.lib.numbers import format_grouped

Number = int | Decimal | float
ROW_KINDS = ("data", "total", "no_data")
ONE_DECIMAL = Decimal("0.1")
DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
CSV_FIELDS = [
    "table",
    "table_title",
    "row",
    "row_label",
    "row_kind",
    "column",
    "column_label",
    "value",
    "unit",
    "percent",
    "denominator",
    "no_data",
]


@dataclass
class Cell:
    value: Number | None
    denominator: int | None = None
    no_data: int | None = None
    cases: AbstractSet[int] | None = None  # a frozenset, or ids loaded when first read (see count_cell)
    unit: str = ""
    link: str = ""  # set by a page for viewers who may open the list of cases; never exported

    @property
    def percent(self) -> Decimal | None:
        if self.value is None or not self.denominator:
            return None
        share = Decimal(str(self.value)) * 100 / Decimal(self.denominator)
        return share.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)

    def display(self) -> str:
        """The value as text in the active language: "1,234", "12,500.00 MXN", "36.5 h", "—" when there is none."""
        if self.value is None:
            return "—"
        language = get_language() or "es"
        if isinstance(self.value, Decimal):
            text = format_grouped(self.value, 2, language=language)
        elif isinstance(self.value, float):
            text = format_grouped(round(self.value, 1), 1, language=language)
        else:
            text = format_grouped(self.value, 0, language=language)
        return f"{text} {self.unit}" if self.unit else text

    def display_percent(self) -> str:
        """ "12.5% of 228" (localised), or "" when the cell has no percentage."""
        percent = self.percent
        if percent is None or self.denominator is None:
            return ""
        return _("%(percent)s%% of %(denominator)s") % {
            "percent": format_grouped(percent, 1, language=get_language() or "es"),
            "denominator": format_grouped(self.denominator, 0, language=get_language() or "es"),
        }


@dataclass
class Column:
    key: str
    label: str
    percent: bool = False


@dataclass
class Row:
    key: str
    label: str
    cells: dict[str, Cell]
    kind: str = "data"
    case_section: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ROW_KINDS:
            raise ValueError(f"Unknown row kind {self.kind!r}")


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[Row]
    definition: str = ""
    footnotes: list[str] = field(default_factory=list)
    chart: str | None = None
    case_section: str = "general"

    def cell(self, row_key: str, column_key: str) -> Cell | None:
        for row in self.rows:
            if row.key == row_key:
                return row.cells.get(column_key)
        return None

    def row(self, row_key: str) -> Row | None:
        return next((r for r in self.rows if r.key == row_key), None)

    @property
    def has_no_data_row(self) -> bool:
        return any(r.kind == "no_data" for r in self.rows)

    def display_rows(self) -> Iterator[tuple[Row, list[tuple[Column, Cell | None]]]]:
        """Rows with their cells in column order, for templates."""
        for row in self.rows:
            yield row, [(column, row.cells.get(column.key)) for column in self.columns]

    def section_for(self, row: Row) -> str:
        return row.case_section or self.case_section


@dataclass
class Report:
    title: str
    tables: list[Table]
    meta: list[tuple[str, str]] = field(default_factory=list)
    definitions: list[str] = field(default_factory=list)

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)


# ---------------------------------------------------------------------------------------------------------------
# Plain values for the machine-readable exports
# ---------------------------------------------------------------------------------------------------------------


def _plain(value: Number | None) -> int | float | str | None:
    """JSON-safe: amounts as strings (no decimal lost), floats rounded to 2 places."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float):
        return round(value, 2)
    return value


def _cells(report: Report) -> Iterator[tuple[Table, Row, Column, Cell]]:
    for table in report.tables:
        for row in table.rows:
            for column in table.columns:
                cell = row.cells.get(column.key)
                if cell is not None:
                    yield table, row, column, cell


def to_json(report: Report) -> dict[str, Any]:
    return {
        "title": report.title,
        "meta": [{"label": label, "value": value} for label, value in report.meta],
        "definitions": list(report.definitions),
        "tables": [
            {
                "key": table.key,
                "title": table.title,
                "definition": table.definition,
                "footnotes": list(table.footnotes),
                "columns": [{"key": c.key, "label": c.label, "percent": c.percent} for c in table.columns],
                "rows": [
                    {
                        "key": row.key,
                        "label": row.label,
                        "kind": row.kind,
                        "cells": {
                            key: {
                                "value": _plain(cell.value),
                                "unit": cell.unit,
                                "percent": float(cell.percent) if cell.percent is not None else None,
                                "denominator": cell.denominator,
                                "no_data": cell.no_data,
                            }
                            for key, cell in row.cells.items()
                        },
                    }
                    for row in table.rows
                ],
            }
            for table in report.tables
        ],
    }


def to_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for table, row, column, cell in _cells(report):
        writer.writerow(
            {
                "table": table.key,
                "table_title": table.title,
                "row": row.key,
                "row_label": row.label,
                "row_kind": row.kind,
                "column": column.key,
                "column_label": column.label,
                "value": "" if cell.value is None else _plain(cell.value),
                "unit": cell.unit,
                "percent": "" if cell.percent is None else cell.percent,
                "denominator": "" if cell.denominator is None else cell.denominator,
                "no_data": "" if cell.no_data is None else cell.no_data,
            }
        )
    return out.getvalue()


def parse_csv(text: str) -> dict[tuple[str, str, str], str]:
    """{(table, row, column): value as written} from `to_csv`'s output."""
    return {(r["table"], r["row"], r["column"]): r["value"] for r in csv.DictReader(io.StringIO(text))}


# ---------------------------------------------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------------------------------------------


def _sheet_title(key: str, used: set[str]) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = "".join("_" if ch in "[]:*?/\\" else ch for ch in key)[:31] or "table"
    title, n = base, 2
    while title.lower() in used:
        suffix = f"_{n}"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def _xlsx_value(value: Number | None) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def to_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    book = Workbook()
    about = book.active
    assert about is not None
    about.title = "report"
    used = {"report"}
    about.append([report.title])
    about["A1"].font = Font(bold=True, size=14)
    for label, value in report.meta:
        about.append([label, value])
    if report.definitions:
        about.append([])
        about.append([_("Definitions")])
        for text in report.definitions:
            about.append([text])
    about.append([])
    about.append([_("Table"), _("Sheet")])
    titles: dict[str, str] = {}
    for table in report.tables:
        titles[table.key] = _sheet_title(table.key, used)
        about.append([table.title, titles[table.key]])
    about.column_dimensions["A"].width = 60
    about.column_dimensions["B"].width = 40

    for table in report.tables:
        sheet = book.create_sheet(titles[table.key])
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True, size=12)
        if table.definition:
            sheet.append([table.definition])
        sheet.append([])
        show_no_data = {
            c.key: not table.has_no_data_row and any((r.cells.get(c.key) or Cell(None)).no_data for r in table.rows)
            for c in table.columns
        }
        header: list[str] = [""]
        for column in table.columns:
            header.append(column.label)
            if column.percent:
                header += ["%", _("of")]
            if show_no_data[column.key]:
                header.append(_("no data"))
        sheet.append(header)
        for cell_ref in sheet[sheet.max_row]:
            cell_ref.font = bold
        for row in table.rows:
            line: list[Any] = [row.label]
            for column in table.columns:
                cell = row.cells.get(column.key)
                line.append(_xlsx_value(cell.value) if cell else None)
                if column.percent:
                    line += [float(cell.percent) if cell and cell.percent is not None else None]
                    line += [cell.denominator if cell else None]
                if show_no_data[column.key]:
                    line.append(cell.no_data if cell else None)
            sheet.append(line)
            if row.kind != "data":
                label_font = Font(bold=row.kind == "total", italic=row.kind == "no_data")
                sheet.cell(row=sheet.max_row, column=1).font = label_font
        for note in table.footnotes:
            sheet.append([note])
        sheet.column_dimensions["A"].width = 48
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------------------------------------------


def _pdf_fonts() -> tuple[str, str]:
    """DejaVu Sans (every Latin letter and symbol the report uses) where installed, else Helvetica."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    regular, bold = DEJAVU_DIR / "DejaVuSans.ttf", DEJAVU_DIR / "DejaVuSans-Bold.ttf"
    if regular.is_file() and bold.is_file():
        if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
        return "DejaVuSans", "DejaVuSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def _chart(table: Table, font: str, width: float) -> Any | None:
    """A horizontal bar chart of the table's chart column over its data rows (None if nothing to draw)."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    if table.chart is None:
        return None
    points = [
        (row.label, float(cell.value))
        for row in table.rows
        if row.kind == "data"
        and (cell := row.cells.get(table.chart)) is not None
        and isinstance(cell.value, int | float | Decimal)
    ]
    if not points or not any(v for _label, v in points):
        return None
    points = points[:15]
    bar = 14
    label_width = 150
    height = bar * len(points) + 30
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width, 20
    chart.width, chart.height = width - label_width - 20, bar * len(points)
    chart.data = [[v for _label, v in reversed(points)]]
    chart.categoryAxis.categoryNames = [label[:32] for label, _v in reversed(points)]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = colors.HexColor("#b00020")
    chart.bars[0].strokeColor = None
    drawing.add(chart)
    return drawing


def to_pdf(report: Report) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable
    from reportlab.platypus.flowables import Flowable

    regular, bold = _pdf_fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=8.5, leading=11)
    small = ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5, textColor=colors.HexColor("#444444"))
    cell_style = ParagraphStyle("cell", parent=body, fontSize=8, leading=10)
    heading = ParagraphStyle("h2", parent=body, fontName=bold, fontSize=11, leading=14, spaceBefore=8, spaceAfter=3)
    title = ParagraphStyle("h1", parent=body, fontName=bold, fontSize=15, leading=19, spaceAfter=6)

    def para(text: str, style: ParagraphStyle = body) -> Paragraph:
        from xml.sax.saxutils import escape

        return Paragraph(escape(text), style)

    width = A4[0] - 30 * mm
    story: list[Flowable] = [para(report.title, title)]
    for label, value in report.meta:
        story.append(para(f"{label}: {value}"))
    if report.definitions:
        story.append(para(_("Definitions"), heading))
        for text in report.definitions:
            story.append(para(f"• {text}", small))
    for table in report.tables:
        block: list[Flowable] = [para(table.title, heading)]
        if table.definition:
            block.append(para(table.definition, small))
        header: list[Any] = [""]
        for column in table.columns:
            header.append(para(column.label, cell_style))
        data: list[list[Any]] = [header]
        for row in table.rows:
            line: list[Any] = [para(row.label, cell_style)]
            for column in table.columns:
                cell = row.cells.get(column.key)
                if cell is None:
                    line.append("")
                    continue
                text = cell.display()
                if column.percent and cell.display_percent():
                    text += f"\n{cell.display_percent()}"
                if cell.no_data and not table.has_no_data_row:
                    text += "\n" + _("no data: %(n)s") % {"n": cell.no_data}
                line.append(text)
            data.append(line)
        first = width * 0.38
        rest = (width - first) / max(len(table.columns), 1)
        grid = PdfTable(data, colWidths=[first] + [rest] * len(table.columns), repeatRows=1)
        style = [
            ("FONT", (0, 0), (-1, -1), regular, 8),
            ("LEADING", (0, 0), (-1, -1), 10),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#cccccc")),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f0f0")),
        ]
        for index, row in enumerate(table.rows, start=1):
            if row.kind == "no_data":
                style.append(("TEXTCOLOR", (0, index), (-1, index), colors.HexColor("#555555")))
                style.append(("BACKGROUND", (0, index), (-1, index), colors.HexColor("#fafafa")))
            elif row.kind == "total":
                style.append(("FONT", (1, index), (-1, index), bold, 8))
        grid.setStyle(TableStyle(style))
        block.append(grid)
        for note in table.footnotes:
            block.append(para(note, small))
        chart = _chart(table, regular, width)
        story.append(KeepTogether(block[:3]))
        story.extend(block[3:])
        if chart is not None:
            story.append(Spacer(1, 4))
            story.append(chart)
        story.append(Spacer(1, 6))

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(regular, 7)
        canvas.drawString(15 * mm, 8 * mm, report.title[:120])
        canvas.drawRightString(A4[0] - 15 * mm, 8 * mm, str(doc.page))
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=14 * mm,
        bottomMargin=16 * mm,
        title=report.title,
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


FORMATS: dict[str, str] = {
    "pdf": "application/pdf",
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def download(report: Report, fmt: str, stem: str) -> HttpResponse:
    """The report as an attachment in one of FORMATS (KeyError for any other)."""
    import json

    content_type = FORMATS[fmt]
    body: bytes
    if fmt == "pdf":
        body = to_pdf(report)
    elif fmt == "xlsx":
        body = to_xlsx(report)
    elif fmt == "csv":
        body = to_csv(report).encode("utf-8")
    else:
        body = json.dumps(to_json(report), ensure_ascii=False, indent=1).encode("utf-8")
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


def case_set(cases: Iterable[int]) -> AbstractSet[int]:
    """The ids as a frozenset, unless they are already an immutable set that knows its size without its members
    (redalert.statistics.worked.CaseIds: counted by the database, loaded only for a list of cases)."""
    if isinstance(cases, AbstractSet) and not isinstance(cases, set):
        return cases
    return frozenset(cases)


def count_cell(cases: Iterable[int], denominator: int | None = None, no_data: int | None = None) -> Cell:
    """A count of cases with its case ids (the usual cell of a case-based table)."""
    ids = case_set(cases)
    return Cell(len(ids), denominator=denominator, no_data=no_data, cases=ids)
