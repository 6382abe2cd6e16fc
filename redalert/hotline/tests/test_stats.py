"""The hotline's statistics: the seed-001 tables with their no-data counts ("not asked" is not "no", unknown is not
zero), small-cell suppression for publishing, the page and CSV scoped to the organisation."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from redalert.hotline import actions, stats
from redalert.hotline.models import Contact
from redalert.statistics.tables import parse_csv


def _at(year, month, day=10):
    return timezone.make_aware(datetime(year, month, day, 12, 0))


@pytest.fixture
def year_of_contacts(org_a, call_taker, places):
    """Four contacts of 2026 and one of 2025 (not counted)."""
    made = []
    for month, channel, relation, place, victims, indicators in [
        (1, "phone", "family", places["qro_city"], 3, {"control:PhysicalAbuse": "yes", "recruitment:AtWork": "no"}),
        (1, "whatsapp", "", places["tlax"], None, {"control:PhysicalAbuse": "no"}),
        (2, "phone", "herself", None, 1, {}),
        (3, "sms", "anonymous", places["gt"], 0, {"venue:massage": "yes"}),
    ]:
        contact = actions.open_contact(
            org_a, by=call_taker, channel=channel, caller_relation=relation, started_at=_at(2026, month)
        )
        values = {"place": place, "victims": victims, "indicators": indicators}
        if victims == 3:
            values.update(victims_female=3, victims_minors=2)
        actions.save_details(contact, values, by=call_taker)
        made.append(contact)
    actions.open_contact(org_a, by=call_taker, channel="phone", started_at=_at(2025, 12, 31))
    return made


def _value(report, table, row, column):
    cell = report.table(table).cell(row, column)
    return None if cell is None else cell.value


def test_contacts_per_month_by_channel_and_by_who_called(org_a, year_of_contacts):
    report = stats.build(org_a.pk, 2026, title="t")
    assert _value(report, "contacts-channel", "01", "phone") == 1
    assert _value(report, "contacts-channel", "01", "whatsapp") == 1
    assert _value(report, "contacts-channel", "total", "total") == 4  # the 2025 contact is not counted
    assert _value(report, "contacts-relation", "01", "family") == 1
    assert _value(report, "contacts-relation", "01", stats.NOT_ASKED) == 1
    assert _value(report, "contacts-relation", "total", "herself") == 1


def test_places_with_their_no_data_row(org_a, year_of_contacts, case, call_taker):
    actions.link_new_report(year_of_contacts[0], case, by=call_taker)
    report = stats.build(org_a.pk, 2026, title="t")
    assert _value(report, "places-state", "Querétaro", "contacts") == 1
    assert _value(report, "places-state", "Querétaro", "cases") == 1
    assert _value(report, "places-state", "Tlaxcala", "contacts") == 1
    assert _value(report, "places-state", "no-data", "contacts") == 2  # no place, and a country only
    assert _value(report, "places-country", "MX", "contacts") == 2
    assert _value(report, "places-country", "GT", "contacts") == 1
    assert _value(report, "places-country", "no-data", "contacts") == 1


def test_unknown_victims_are_no_data_never_zero(org_a, year_of_contacts):
    report = stats.build(org_a.pk, 2026, title="t")
    described = report.table("victims").cell("described", "value")
    assert described.value == 4 and described.no_data == 1
    assert _value(report, "victims", "contacts", "value") == 2  # the contact that said 0 describes none
    assert _value(report, "victims", "no-data", "value") == 1
    female = report.table("demographics").cell("victims_female", "value")
    assert female.value == 3 and female.no_data == 1  # the contact with 1 victim gave no breakdown by sex


def test_not_asked_is_counted_apart_from_no(org_a, year_of_contacts):
    report = stats.build(org_a.pk, 2026, title="t")
    abuse = report.table("control").row("PhysicalAbuse")
    assert abuse.cells["yes"].value == 1 and abuse.cells["no"].value == 1
    assert abuse.cells[stats.NOT_ASKED].value == 2
    assert abuse.cells["yes"].denominator == 2  # a percentage of the contacts asked
    assert _value(report, "control", "no-data", "yes") == 2  # nothing of the list asked
    assert _value(report, "recruitment", "AtWork", "no") == 1
    assert _value(report, "recruitment", "no-data", "yes") == 3
    assert _value(report, "venues", "massage", "yes") == 1


def test_publishing_hides_small_cells_with_secondary_suppression(org_a, call_taker):
    for n in range(12):
        actions.open_contact(org_a, by=call_taker, channel="phone", started_at=_at(2026, 1, 1 + n))
    for n in range(3):
        actions.open_contact(org_a, by=call_taker, channel="sms", started_at=_at(2026, 1, 20 + n))
    report = stats.suppressed(stats.build(org_a.pk, 2026, title="t"))
    table = report.table("contacts-channel")
    assert table.cell("01", "phone").value == 12 and table.cell("01", "whatsapp").value == 0  # zeros are published
    assert table.cell("01", "sms").value is None  # 3 contacts: hidden
    # and enough others that it cannot be worked out from the month's total
    assert table.cell("01", "total").value is None or table.cell("total", "sms").value is None
    hidden = [cell for row in table.rows for cell in row.cells.values() if cell.value is None]
    assert len(hidden) >= 2 and all(cell.denominator is None for row in table.rows for cell in row.cells.values())


def test_the_page_and_csv_are_for_readers_of_the_organisation_only(
    client_for, analyst, call_taker, org_a, year_of_contacts, org_b, make_user
):
    assert client_for(call_taker).get(reverse("hotline:statistics")).status_code == 404
    client = client_for(analyst)
    page = client.get(reverse("hotline:statistics"), {"year": "2026"})
    assert page.status_code == 200
    response = client.get(reverse("hotline:statistics"), {"year": "2026", "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    values = parse_csv(response.content.decode())
    assert values[("contacts-channel", "total", "total")] == "4"
    assert values[("control", "PhysicalAbuse", stats.NOT_ASKED)] == "2"
    assert values[("victims", "no-data", "value")] == "1"
    other = client_for(make_user(org_b, "analyst")).get(
        reverse("hotline:statistics"), {"year": "2026", "format": "csv"}
    )
    assert parse_csv(other.content.decode())[("contacts-channel", "total", "total")] == "0"
    assert client.get(reverse("hotline:statistics"), {"year": "abc"}).status_code == 400
    published = client.get(reverse("hotline:statistics"), {"year": "2026", "publishable": "on", "format": "csv"})
    assert parse_csv(published.content.decode())[("contacts-channel", "total", "total")] == ""  # 4 < 11: hidden
    assert Contact.objects.filter(organisation=org_a).count() == 5
