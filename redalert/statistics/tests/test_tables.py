"""The table structure and its renderers: CSV, JSON and XLSX read back to the same figures; the PDF is a PDF with
its charts."""

from __future__ import annotations

import io
import json
from decimal import Decimal

from django.utils import translation
from openpyxl import load_workbook

from redalert.statistics.tables import (
    Cell,
    Column,
    Report,
    Row,
    Table,
    count_cell,
    parse_csv,
    to_csv,
    to_json,
    to_pdf,
    to_xlsx,
)


def sample() -> Report:
    sex = Table(
        "sex",
        "Sex",
        [Column("cases", "Cases", percent=True)],
        [
            Row("female", "Female", {"cases": count_cell({1, 2, 3}, 5, 1)}),
            Row("male", "Male", {"cases": count_cell({4}, 5, 1)}),
            Row("no-data", "No data: sex not known", {"cases": count_cell({5}, 5)}, kind="no_data"),
        ],
        definition="Cases worked by sex.",
        footnotes=["A note."],
        chart="cases",
    )
    money = Table(
        "expenses",
        "Humanitarian expenses",
        [Column("entries", "Entries"), Column("MXN", "MXN"), Column("USD", "USD")],
        [
            Row("travel", "Travel fares", {"entries": Cell(3), "MXN": Cell(Decimal("2000.50"), unit="MXN")}),
            Row(
                "total",
                "Total",
                {
                    "entries": Cell(4),
                    "MXN": Cell(Decimal("2000.50"), unit="MXN"),
                    "USD": Cell(Decimal("80.00"), unit="USD"),
                },
                kind="total",
            ),
        ],
    )
    hours = Table(
        "acks", "Acks", [Column("median", "Median")], [Row("fgr", "FGR", {"median": Cell(None, no_data=2, unit="h")})]
    )
    return Report("Yearly report 2014: Test", [sex, money, hours], meta=[("Year", "2014")], definitions=["Worked: …"])


def test_percent_is_rounded_half_up_and_absent_without_a_denominator():
    assert str(Cell(2, denominator=3).percent) == "66.7"
    assert str(Cell(1, denominator=8).percent) == "12.5"
    assert (
        Cell(1).percent is None and Cell(0, denominator=0).percent is None and Cell(None, denominator=4).percent is None
    )
    with translation.override("en"):
        assert Cell(1234, denominator=5000).display() == "1,234"
        assert Cell(1234, denominator=5000).display_percent() == "24.7% of 5,000"
        assert Cell(Decimal("2000.5"), unit="MXN").display() == "2,000.50 MXN"
        assert Cell(None).display() == "—"
    with translation.override("es"):  # outside a member's request, the language decides (CLDR's Spanish)
        assert Cell(Decimal("2000.5"), unit="MXN").display() == "2.000,50 MXN"


def test_csv_reads_back_to_the_same_figures():
    report = sample()
    text = to_csv(report)
    figures = parse_csv(text)
    assert figures[("sex", "female", "cases")] == "3"
    assert figures[("sex", "no-data", "cases")] == "1"
    assert figures[("expenses", "total", "MXN")] == "2000.50"
    assert figures[("expenses", "total", "USD")] == "80.00"
    assert ("expenses", "travel", "USD") not in figures  # an empty cell is not a zero
    assert figures[("acks", "fgr", "median")] == ""
    header = text.splitlines()[0].split(",")
    assert header[:3] == ["table", "table_title", "row"] and "denominator" in header and "no_data" in header
    first = text.splitlines()[1]
    assert first.startswith("sex,Sex,female,Female,data,cases,Cases,3,,60.0,5,1")


def test_json_keeps_amounts_exact_and_says_what_each_percent_is_of():
    data = json.loads(json.dumps(to_json(sample())))
    sex = data["tables"][0]
    female = sex["rows"][0]["cells"]["cases"]
    assert female == {"value": 3, "unit": "", "percent": 60.0, "denominator": 5, "no_data": 1}
    assert sex["rows"][2]["kind"] == "no_data"
    assert data["tables"][1]["rows"][1]["cells"]["MXN"]["value"] == "2000.50"
    assert data["meta"] == [{"label": "Year", "value": "2014"}]
    assert data["definitions"] == ["Worked: …"]


def test_xlsx_has_one_sheet_per_table_with_the_same_figures():
    with translation.override("en"):
        book = load_workbook(io.BytesIO(to_xlsx(sample())))
    assert book.sheetnames == ["report", "sex", "expenses", "acks"]
    rows = [list(r) for r in book["sex"].iter_rows(values_only=True)]
    header = next(r for r in rows if r[1] == "Cases")
    assert header[:4] == [None, "Cases", "%", "of"] or header[:4] == ["", "Cases", "%", "of"]
    female = next(r for r in rows if r[0] == "Female")
    assert female[1:4] == [3, 60.0, 5]
    money = [list(r) for r in book["expenses"].iter_rows(values_only=True)]
    total = next(r for r in money if r[0] == "Total")
    assert total[1:4] == [4, 2000.5, 80.0]
    about = [r[0] for r in book["report"].iter_rows(values_only=True)]
    assert "Yearly report 2014: Test" in about


def test_pdf_is_a_pdf_with_a_chart():
    with translation.override("en"):
        pdf = to_pdf(sample())
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 2000


def test_sheet_names_are_unique_and_short():
    long = Table("x" * 40, "Long", [Column("c", "C")], [Row("r", "R", {"c": Cell(1)})])
    other = Table("x" * 40 + "y", "Long 2", [Column("c", "C")], [Row("r", "R", {"c": Cell(1)})])
    book = load_workbook(io.BytesIO(to_xlsx(Report("T", [long, other]))))
    assert book.sheetnames[1:] == ["x" * 31, "x" * 29 + "_2"]
