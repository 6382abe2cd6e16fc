"""A whole history imported through the documented columns reproduces an organisation's own published figures.

CATW-LAC published for 2014 (seed 000): 228 cases worked, 78 new and 150 from previous years; 212 female (93 %);
84 located (37 %), 69 alive (82 %) and 15 deceased (18 %); it began 2015 with 144 unresolved cases; legal
assistance and representation in 86 cases; 1,314 victims located in nine years. The history is the generator
redalert/imports/samples/published_history.py (made-up people, 2006–2014), imported with `manage.py
import_cases` into an organisation made with `manage.py create_organisation`, against the real gazetteer
(`manage.py load_places`); the report is read through the statistics service (the page's) and printed by
`manage.py yearly_report` (docs/import.md, "Reproducing a published year").
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Q

from redalert.accounts.models import User
from redalert.cases.models import Case
from redalert.imports.columns import column_for
from redalert.imports.samples import published_history
from redalert.imports.samples.published_history import APPLICATION_DAY, PUBLISHED
from redalert.legal.models import Proceeding
from redalert.statistics.services import view_report
from redalert.statistics.tables import Report

DOC = Path(__file__).resolve().parents[3] / "docs" / "import.md"
YEAR = PUBLISHED["year"]


@pytest.fixture
def imported(db: Any, tmp_path: Path) -> User:
    """The gazetteer, the organisation and its administrator-coordinator, and the history imported."""
    call_command("load_places", stdout=io.StringIO())
    call_command(
        "create_organisation",
        name="Coalición contra la Trata (muestra)",
        code="CATW",
        country="MX",
        admin="ana",
        also_coordinator=True,
        stdout=io.StringIO(),
    )
    path = tmp_path / "historia.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        published_history.write(out)
    printed = io.StringIO()
    call_command("import_cases", str(path), organisation="CATW", user="ana", stdout=printed)
    assert "rechazadas 0" in printed.getvalue() or "rejected 0" in printed.getvalue(), printed.getvalue()
    return User.objects.get(username="ana")


def cell(report: Report, table: str, row: str, column: str = "cases") -> Any:
    [found] = [t for t in report.tables if t.key == table]
    [line] = [r for r in found.rows if r.key == row]
    return line.cells[column]


def whole_percent(value: Decimal | None) -> int:
    """A percentage as the organisation publishes it: a whole number."""
    assert value is not None
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def test_the_history_uses_only_documented_columns():
    text = DOC.read_text(encoding="utf-8")
    for name in published_history.HEADER:
        assert column_for(name) is not None, name
        assert f"`{name}`" in text, name


def test_the_history_is_the_same_on_every_run():
    assert published_history.rows() == published_history.rows()


def check_2014_figures(imported: User) -> None:
    report = view_report(imported, "CATW", YEAR).report
    worked = cell(report, "worked", "worked")
    assert worked.value == PUBLISHED["worked"] == 228
    assert cell(report, "worked", "new").value == PUBLISHED["new"] == 78
    assert cell(report, "worked", "carried_over").value == PUBLISHED["carried_over"] == 150
    assert cell(report, "worked", "reopened").value == 0

    female = cell(report, "sex", "female")
    assert (female.value, female.denominator, whole_percent(female.percent)) == (212, 228, 93)
    assert cell(report, "sex", "male").value + cell(report, "sex", "no-data").value == 228 - 212

    located = cell(report, "outcome", "located")
    assert (located.value, located.denominator, whole_percent(located.percent)) == (84, 228, 37)
    alive, deceased = cell(report, "located_result", "alive"), cell(report, "located_result", "deceased")
    assert (alive.value, alive.denominator, whole_percent(alive.percent)) == (69, 84, 82)
    assert (deceased.value, deceased.denominator, whole_percent(deceased.percent)) == (15, 84, 18)
    assert cell(report, "located_result", "no-data").value == 0

    # 144 = 228 − 84: every case not located in 2014 was still searched for on 31 December (none closed unfound).
    assert cell(report, "outcome", "not_located").value == 228 - 84 == 144
    carried_into_2015 = cell(report, "outcome", "carried_into_next")
    assert carried_into_2015.value == PUBLISHED["carried_into_next"] == 144
    assert cell(report, "outcome", "search_closed").value == 0

    # Legal assistance: proceedings under way at some time in 2014 (of the cases searched for or in follow-up).
    legal = cell(report, "legal", "representation")
    follow_up = cell(report, "follow_up", "follow_up")
    assert legal.value == PUBLISHED["legal_representation"] == 86
    assert legal.denominator == 228 + cell(report, "follow_up", "located_earlier").value
    assert follow_up.value == 84 + cell(report, "follow_up", "located_earlier").value

    # The 2015 report carries over exactly the cases the 2014 report carries into 2015.
    report_2015 = view_report(imported, "CATW", YEAR + 1).report
    carried_over_2015 = cell(report_2015, "worked", "carried_over")
    assert carried_over_2015.value == 144
    assert carried_over_2015.cases == carried_into_2015.cases

    # "114 not located at the time of the grant application": a count on another day than 31 December.
    day = APPLICATION_DAY
    not_located_then = Case.objects.filter(
        Q(located_on__isnull=True) | Q(located_on__gt=day), Q(closed_on__isnull=True) | Q(closed_on__gt=day)
    ).filter(organisation__code="CATW", reported_at__date__lte=day)
    assert not_located_then.count() == PUBLISHED["not_located_at_application"] == 114
    assert set(not_located_then.values_list("pk", flat=True)) < carried_into_2015.cases


def check_nine_years(imported: User) -> None:
    """1,314 located 2006–2014: no report shows a total over years, but a case is located in one year only, so the
    nine reports' "located" add up to it; and every report carries into the next what the next carries over."""
    located = 0
    previous = None
    for year in range(2006, YEAR + 2):
        report = view_report(imported, "CATW", year).report
        worked = cell(report, "worked", "worked")
        new, carried = cell(report, "worked", "new"), cell(report, "worked", "carried_over")
        found, not_found = cell(report, "outcome", "located"), cell(report, "outcome", "not_located")
        assert worked.value == new.value + carried.value, year
        assert not_found.value == worked.value - found.value, year
        alive, deceased = cell(report, "located_result", "alive"), cell(report, "located_result", "deceased")
        assert found.value == alive.value + deceased.value, year
        if previous is not None:
            assert carried.cases == previous, year
        previous = cell(report, "outcome", "carried_into_next").cases
        if year <= YEAR:
            located += found.value
    assert located == PUBLISHED["located_2006_2014"] == 1314


def figures(rows: list[dict[str, str]], table: str) -> dict[str, dict[str, str]]:
    return {r["row"]: r for r in rows if r["table"] == table and r["column"] == "cases"}


def check_the_command(tmp_path: Path) -> None:
    out = tmp_path / "catw-2014.json"
    call_command("yearly_report", organisation="CATW", year=YEAR, fmt="json", output=str(out), user="ana")
    tables = {t["key"]: {r["key"]: r["cells"] for r in t["rows"]} for t in json.loads(out.read_text())["tables"]}
    expected = {
        ("worked", "worked"): (228, 228),
        ("worked", "new"): (78, 228),
        ("worked", "carried_over"): (150, 228),
        ("sex", "female"): (212, 228),
        ("outcome", "located"): (84, 228),
        ("outcome", "carried_into_next"): (144, 228),
        ("located_result", "alive"): (69, 84),
        ("located_result", "deceased"): (15, 84),
    }
    for (table, row), (value, denominator) in expected.items():
        cases = tables[table][row]["cases"]
        assert (cases["value"], cases["denominator"]) == (value, denominator), (table, row)
    assert tables["legal"]["representation"]["cases"]["value"] == 86
    assert [round(tables[t][r]["cases"]["percent"]) for t, r in [("sex", "female"), ("outcome", "located")]] == [
        93,
        37,
    ]

    csv_out = tmp_path / "catw-2015.csv"
    call_command("yearly_report", organisation="CATW", year=YEAR + 1, fmt="csv", output=str(csv_out), language="en")
    rows = list(csv.DictReader(io.StringIO(csv_out.read_text(encoding="utf-8-sig"))))
    assert figures(rows, "worked")["carried_over"]["value"] == "144"
    assert figures(rows, "worked")["carried_over"]["row_label"] == "Carried over from 2014"


def check_representation_before_the_complaint(imported: User) -> None:
    """Representation that began before the complaint was filed counts from the day it began."""
    report = view_report(imported, "CATW", YEAR).report
    cases = cell(report, "legal", "representation").cases
    before_complaint = [
        p.case_id for p in Proceeding.objects.filter(case__in=cases, complaint_filed_on__gt=date(YEAR, 12, 31))
    ]
    assert before_complaint, "the history has representations begun years before their complaint"


def test_the_imported_history_reproduces_the_published_figures(imported, tmp_path):
    """One import (it takes a while), every published figure checked on it."""
    check_representation_before_the_complaint(imported)
    check_2014_figures(imported)
    check_nine_years(imported)
    check_the_command(tmp_path)
