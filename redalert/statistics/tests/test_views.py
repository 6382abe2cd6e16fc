"""The report pages: who sees which report (wrong organisation or role → 404), case links only for staff who may
open the cases, downloads that read back to the figures on the page, audit entries."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from redalert.audit.models import AuditAction, AuditEntry
from redalert.care.models import Expense
from redalert.consent.choices import Purpose
from redalert.legal.services import open_proceeding
from redalert.testing import record_consent

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
YEAR = 2014


def report_url(org, year=YEAR):
    return reverse("statistics:report", args=[org.code, year])


@pytest.fixture
def data(build, org_a, coordinator, make_user):
    """Three cases worked in 2014 (two women, one of unknown sex), an expense, and a legal proceeding on a case whose
    team is a caseworker and a lawyer (the coordinator is not on it)."""
    caseworker = make_user(org_a, "caseworker")
    first = build.case(date(2014, 3, 1), sex="female")
    second = build.case(date(2014, 4, 1), sex="female")
    build.locate(second, date(2014, 5, 1))
    unknown = build.case(date(2013, 6, 1), sex="unknown")
    outside_team = build.make_case(
        org_a,
        caseworker,
        reported_at=first.reported_at,
        last_seen_on=date(2014, 2, 27),
        given_names="Otra",
        sex="female",
    )
    for case in (first, outside_team):
        record_consent(case, Purpose.LEGAL_REPRESENTATION, coordinator)
        open_proceeding(case, actor=coordinator, authority="state_prosecutor", complaint_filed_on=date(2014, 5, 5))
    Expense.objects.create(
        case=first,
        category="travel_fares",
        amount=Decimal("1234.50"),
        currency="MXN",
        spent_on=date(2014, 7, 1),
        recorded_by=coordinator,
    )
    return {"first": first, "second": second, "unknown": unknown, "outside_team": outside_team}


@pytest.mark.parametrize("role", ["coordinator", "analyst", "administrator"])
def test_the_organisation_report_is_for_coordinators_analysts_and_administrators(
    data, org_a, make_user, client_for, role
):
    user = make_user(org_a, role, username=f"u-{role}")
    response = client_for(user).get(report_url(org_a), **EN)
    assert response.status_code == 200
    assert "Cases worked in 2014" in response.content.decode()


@pytest.mark.parametrize("role", ["caseworker", "lawyer", "health", "field_investigator", "public_editor"])
def test_other_roles_get_a_404(data, org_a, make_user, client_for, role):
    client = client_for(make_user(org_a, role, username=f"u-{role}"))
    assert client.get(report_url(org_a), **EN).status_code == 404
    assert client.get(reverse("statistics:download", args=[org_a.code, YEAR, "csv"])).status_code == 404
    assert client.get(reverse("statistics:index")).status_code == 404


def test_another_organisation_gets_a_404(data, org_a, org_b, make_user, client_for):
    for role in ("coordinator", "analyst", "administrator"):
        client = client_for(make_user(org_b, role, username=f"b-{role}"))
        assert client.get(report_url(org_a), **EN).status_code == 404
        assert client.get(reverse("statistics:download", args=[org_a.code, YEAR, "pdf"])).status_code == 404
        cases = reverse("statistics:cases", args=[org_a.code, YEAR, "sex", "female", "cases"])
        assert client.get(cases).status_code == 404


def test_the_coalition_report_is_for_analysts_of_coalition_members(data, org_a, org_b, make_user, client_for):
    url = reverse("statistics:coalition_report", args=[YEAR])
    assert client_for(make_user(org_a, "analyst")).get(url, **EN).status_code == 200
    assert client_for(make_user(org_a, "coordinator", username="c2")).get(url).status_code == 404
    org_b.coalition_member = False
    org_b.save()
    assert client_for(make_user(org_b, "analyst", username="outsider")).get(url).status_code == 404


def test_coalition_report_counts_only_consenting_cases_and_has_no_links(
    data, org_a, make_user, client_for, coordinator
):
    record_consent(data["first"], Purpose.STATISTICS, coordinator)
    analyst = make_user(org_a, "analyst")
    body = client_for(analyst).get(reverse("statistics:coalition_report", args=[YEAR]), **EN).content.decode()
    assert "/statistics/organisation/" not in body  # no links to case lists
    assert "consent to “use in statistics” is granted" in body
    figures = json.loads(client_for(analyst).get(reverse("statistics:coalition_download", args=[YEAR, "json"])).content)
    worked = figures["tables"][0]["rows"][0]["cells"]["cases"]
    assert worked["value"] == 1


def test_staff_who_open_cases_get_links_analysts_and_administrators_do_not(data, org_a, make_user, client_for):
    link = f"/statistics/organisation/{org_a.code}/{YEAR}/cases/"
    coordinator_page = client_for(org_a.members.get(username="coordinator-rba")).get(report_url(org_a), **EN)
    assert link in coordinator_page.content.decode()
    for role in ("analyst", "administrator"):
        page = client_for(make_user(org_a, role, username=f"x-{role}")).get(report_url(org_a), **EN)
        assert link not in page.content.decode()
        listing = reverse("statistics:cases", args=[org_a.code, YEAR, "sex", "female", "cases"])
        assert client_for(org_a.members.get(username=f"x-{role}")).get(listing).status_code == 404


def test_the_list_behind_a_count_is_audited(data, org_a, coordinator, client_for):
    url = reverse("statistics:cases", args=[org_a.code, YEAR, "sex", "female", "cases"])
    response = client_for(coordinator).get(url, **EN)
    body = response.content.decode()
    assert response.status_code == 200
    for name in ("first", "second", "outside_team"):
        assert data[name].reference in body
    assert data["unknown"].reference not in body
    entry = AuditEntry.objects.filter(actor=coordinator, action=AuditAction.VIEW, detail__list="statistics").get()
    assert entry.detail["figure"] == "sex/female/cases"
    assert sorted(entry.detail["cases"]) == sorted(data[n].pk for n in ("first", "second", "outside_team"))


def test_a_legal_list_shows_only_the_cases_of_ones_team(data, org_a, coordinator, client_for):
    url = reverse("statistics:cases", args=[org_a.code, YEAR, "legal", "complaints", "cases"])
    body = client_for(coordinator).get(url, **EN).content.decode()
    assert data["first"].reference in body
    assert data["outside_team"].reference not in body
    assert "1 more case behind this figure is in a part of the case file you do not see" in body


@pytest.mark.parametrize(
    "path",
    [
        ("statistics:report", ["RBA", 1989]),
        ("statistics:report", ["RBA", 2999]),
        ("statistics:download", ["RBA", YEAR, "docx"]),
        ("statistics:cases", ["RBA", YEAR, "nothing", "female", "cases"]),
        ("statistics:cases", ["RBA", YEAR, "sex", "nobody", "cases"]),
        ("statistics:cases", ["RBA", YEAR, "sex", "female", "nothing"]),
    ],
)
def test_what_does_not_exist_is_a_404(data, coordinator, client_for, path):
    name, args = path
    assert client_for(coordinator).get(reverse(name, args=args)).status_code == 404


def test_choosing_a_report(data, org_a, coordinator, client_for):
    client = client_for(coordinator)
    page = client.get(reverse("statistics:index"), **EN)
    assert page.status_code == 200
    assert str(date.today().year - 1) in page.content.decode()
    chosen = client.get(reverse("statistics:index"), {"scope": "organisation", "year": "2014"})
    assert chosen.status_code == 302 and chosen["Location"] == report_url(org_a)
    wrong = client.get(reverse("statistics:index"), {"scope": "organisation", "year": "1200"}, **EN)
    assert wrong.status_code == 200 and "Choose a year from 1990 to" in wrong.content.decode()
    foreign = client.get(reverse("statistics:index"), {"scope": "coalition", "year": "2014"}, **EN)
    assert foreign.status_code == 200 and "Select a valid choice" in foreign.content.decode()


class _PageTables(HTMLParser):
    """{table key: {row label: [first text of each cell]}} from the report page."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, dict[str, list[str]]] = {}
        self.table = ""
        self.row: list[str] | None = None
        self.label: str | None = None
        self.in_cell = False
        self.in_label = False
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "section" and (attributes.get("id") or "").startswith("t-"):
            self.table = attributes["id"][2:]
            self.tables[self.table] = {}
        elif tag == "tr" and self.table and (attributes.get("class") or "").startswith("row-"):
            self.row, self.label = [], None
        elif tag == "th" and self.row is not None:
            self.in_label, self.text = True, ""
        elif tag == "td" and self.row is not None:
            self.in_cell, self.text = True, ""
        elif tag == "span" and self.in_cell:
            self.in_cell = False  # percentages and no-data notes follow the value
            self.row.append(self.text.strip())
            self.text = "\0"

    def handle_endtag(self, tag: str) -> None:
        if tag == "th" and self.in_label:
            self.label, self.in_label = self.text.strip(), False
        elif tag == "td" and self.row is not None:
            if self.in_cell:
                self.row.append(self.text.strip())
            self.in_cell = False
        elif tag == "tr" and self.row is not None:
            self.tables[self.table][self.label or ""] = self.row
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.in_cell or self.in_label:
            self.text += data


def test_downloads_have_the_same_figures_as_the_page(data, org_a, coordinator, client_for):
    client = client_for(coordinator)
    parser = _PageTables()
    parser.feed(client.get(report_url(org_a), **EN).content.decode())
    page = parser.tables

    exported = json.loads(client.get(reverse("statistics:download", args=[org_a.code, YEAR, "json"]), **EN).content)
    csv_response = client.get(reverse("statistics:download", args=[org_a.code, YEAR, "csv"]), **EN)
    assert csv_response["Content-Disposition"] == f'attachment; filename="redalert-rba-{YEAR}.csv"'
    csv_rows = list(csv.DictReader(io.StringIO(csv_response.content.decode())))
    book = load_workbook(
        io.BytesIO(client.get(reverse("statistics:download", args=[org_a.code, YEAR, "xlsx"]), **EN).content)
    )
    pdf = client.get(reverse("statistics:download", args=[org_a.code, YEAR, "pdf"]), **EN)
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    by_csv = {(r["table"], r["row"], r["column"]): r for r in csv_rows}
    compared = 0
    for table in exported["tables"]:
        assert set(page[table["key"]]) == {row["label"] for row in table["rows"]}
        sheet = [list(r) for r in book[table["key"]].iter_rows(values_only=True)]
        for row in table["rows"]:
            on_page = page[table["key"]][row["label"]]
            in_sheet = next(r for r in sheet if r[0] == row["label"])
            for index, column in enumerate(table["columns"]):
                cell = row["cells"].get(column["key"])
                from_csv = by_csv.get((table["key"], row["key"], column["key"]))
                if cell is None:
                    assert from_csv is None and on_page[index] == ""
                    continue
                value = cell["value"]
                assert from_csv["value"] == ("" if value is None else str(value))
                assert from_csv["denominator"] == ("" if cell["denominator"] is None else str(cell["denominator"]))
                if isinstance(value, int):
                    assert on_page[index] == f"{value:,}"
                    assert value in in_sheet
                    compared += 1
    assert compared > 40
    assert page["sex"]["Female"][0] == "3"
    assert page["expenses"]["Travel fares"][1] == "1,234.50 MXN"
    assert [
        r["value"] for r in csv_rows if r["table"] == "expenses" and r["row"] == "total" and r["column"] == "MXN"
    ] == ["1234.50"]
    assert set(
        AuditEntry.objects.filter(actor=coordinator, action=AuditAction.EXPORT).values_list("detail__format", flat=True)
    ) == {"json", "csv", "xlsx", "pdf"}


def test_an_analyst_switches_the_year_of_the_coalition_report(data, org_a, make_user, client_for):
    client = client_for(make_user(org_a, "analyst"))
    page = client.get(reverse("statistics:coalition_report", args=[YEAR]), **EN).content.decode()
    assert 'name="scope" value="coalition"' in page
    chosen = client.get(reverse("statistics:index"), {"scope": "coalition", "year": "2015"})
    assert chosen["Location"] == reverse("statistics:coalition_report", args=[2015])
    mine = client.get(reverse("statistics:index"), {"scope": "organisation", "year": "2015"})
    assert mine["Location"] == reverse("statistics:report", args=[org_a.code, 2015])
