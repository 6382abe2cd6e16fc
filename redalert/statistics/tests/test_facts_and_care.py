"""Exploitation, organised crime and the route; services and people served; expenses per currency; alert
accountability; the consent rule of the coalition report."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from redalert.care.models import Expense, Service
from redalert.investigation.models import TraffickingEvent, TraffickingFacts
from redalert.statistics.loading import YearData
from redalert.statistics.report import TABLES
from redalert.statistics.scope import coalition_scope, organisation_scope
from redalert.statistics.tests.conftest import local

pytestmark = pytest.mark.django_db


def table(scope, key, year=2014):
    with translation.override("en"):
        return TABLES[key](YearData(scope, year, today=date(2026, 6, 1)))


def figures(built, column="cases"):
    return {row.key: row.cells[column].value for row in built.rows if column in row.cells}


def test_exploitation_and_organised_crime(build, org_a, coordinator):
    a, b, c, d = (build.case(date(2014, 1, n)) for n in (2, 3, 4, 5))
    TraffickingFacts.objects.create(
        case=a, exploitation_types=["SexualExploitation", "ForcedLabour"], organised_crime="yes", updated_by=coordinator
    )
    TraffickingFacts.objects.create(
        case=b, exploitation_types=["SexualExploitation"], organised_crime="no", updated_by=coordinator
    )
    TraffickingFacts.objects.create(case=c, exploitation_types=["NotKnown"], updated_by=coordinator)
    # d: no trafficking facts recorded at all
    scope = organisation_scope(org_a)
    exploitation = table(scope, "exploitation")
    assert figures(exploitation) == {"SexualExploitation": 2, "ForcedLabour": 1, "no-data": 2}
    assert exploitation.row("no-data").cells["cases"].cases == {c.pk, d.pk}
    assert exploitation.footnotes == ["No data: 1 cases with nothing recorded, 1 recorded as not known."]
    assert exploitation.row("SexualExploitation").cells["cases"].denominator == 4
    assert figures(table(scope, "organised_crime")) == {"yes": 1, "no": 1, "no-data": 2}


def test_places_of_origin_transit_and_destination(build, org_a, coordinator, places):
    a, b, c = (build.case(date(2014, 1, n)) for n in (2, 3, 4))

    def stop(case, event_type, place):
        TraffickingEvent.objects.create(case=case, event_type=event_type, place=place, recorded_by=coordinator)

    stop(a, "Recruitment", places["qro_city"])
    stop(a, "Transit", places["tlax_city"])
    stop(a, "Transit", places["tlax"])  # the same state twice: counted once
    stop(a, "Exploitation", places["gt"])
    stop(b, "Recruitment", places["qro"])
    stop(b, "Exploitation", None)  # place not known
    scope = organisation_scope(org_a)
    qro, tlax = f"s{places['qro'].pk}", f"s{places['tlax'].pk}"
    assert figures(table(scope, "places_origin")) == {qro: 2, "no-data": 1}
    assert figures(table(scope, "places_transit")) == {tlax: 1, "no-data": 2}
    destination = table(scope, "places_destination")
    assert figures(destination) == {"cGT": 1, "no-data": 2}
    assert destination.row("no-data").cells["cases"].cases == {b.pk, c.pk}


def test_services_and_people_served(build, org_a, coordinator):
    a, b = build.case(date(2014, 1, 2)), build.case(date(2014, 1, 3))

    def service(case, service_type, on, recipient="victim", relationship=""):
        Service.objects.create(
            case=case,
            service_type=service_type,
            recipient=recipient,
            family_relationship=relationship,
            given_on=on,
            recorded_by=coordinator,
        )

    service(a, "psychological", date(2014, 2, 1))
    service(a, "psychological", date(2014, 3, 1))
    service(a, "psychological", date(2014, 3, 1), "family", "mother")
    service(b, "psychological", date(2014, 12, 31), "family", "sibling")
    service(b, "legal_advice", date(2014, 5, 1))
    service(b, "legal_advice", date(2015, 1, 1))  # next year
    built = table(organisation_scope(org_a), "services")
    psychological = built.row("psychological")
    assert {k: c.value for k, c in psychological.cells.items()} == {"services": 4, "victims": 1, "families": 2}
    assert psychological.case_section == "health"
    legal = built.row("legal_advice")
    assert {k: c.value for k, c in legal.cells.items()} == {"services": 1, "victims": 1, "families": 0}
    assert legal.case_section == "care"
    total = built.row("total")
    assert {k: c.value for k, c in total.cells.items()} == {"services": 5, "victims": 2, "families": 2}


def test_expenses_are_never_added_across_currencies(build, org_a, coordinator):
    a, b = build.case(date(2014, 1, 2)), build.case(date(2014, 1, 3))

    def expense(case, category, amount, currency, on=date(2014, 6, 1)):
        Expense.objects.create(
            case=case,
            category=category,
            amount=Decimal(amount),
            currency=currency,
            spent_on=on,
            recorded_by=coordinator,
        )

    expense(a, "travel_fares", "1500.50", "MXN")
    expense(b, "travel_fares", "499.50", "MXN")
    expense(b, "travel_fares", "80.00", "USD")
    expense(a, "medicine", "250.00", "GTQ")
    expense(a, "medicine", "999.00", "GTQ", on=date(2013, 12, 31))  # the year before
    built = table(organisation_scope(org_a), "expenses")
    assert [c.key for c in built.columns] == ["entries", "GTQ", "MXN", "USD"]
    travel = built.row("travel_fares").cells
    assert travel["entries"].value == 3
    assert (travel["MXN"].value, travel["MXN"].unit) == (Decimal("2000.00"), "MXN")
    assert travel["USD"].value == Decimal("80.00") and travel["USD"].cases == {b.pk}
    assert "GTQ" not in travel
    total = built.row("total").cells
    assert (total["GTQ"].value, total["MXN"].value, total["USD"].value) == (
        Decimal("250.00"),
        Decimal("2000.00"),
        Decimal("80.00"),
    )
    assert total["entries"].value == 4


def test_alert_accountability_per_authority(build, org_a, coordinator):
    from redalert.alerts.models import Acknowledgement, Alert, Authority, AuthorityContact, Delivery, Recipient
    from redalert.outbox.models import OutboundMessage

    case = build.case(date(2014, 1, 2))
    fgr = Authority.objects.create(
        organisation=org_a, name="FGR", level="federal", kind="prosecutor", country_code="MX"
    )
    qro = Authority.objects.create(
        organisation=org_a, name="Fiscalía Querétaro", level="state", kind="prosecutor", country_code="MX"
    )
    contacts = {
        a: AuthorityContact.objects.create(authority=a, channel="email", address=f"{a.pk}@example.org")
        for a in (fgr, qro)
    }
    serial = iter(range(100))

    def issue(number, at, kind="alert", to=(fgr, qro), acks=None):
        alert = Alert.objects.create(
            case=case,
            number=number,
            kind=kind,
            cap_identifier=f"cap-{number}",
            cap_sent=at.isoformat(),
            cap_xml="<alert/>",
            issued_by=coordinator,
            issued_at=at,
        )
        for authority in to:
            recipient = Recipient.objects.create(
                alert=alert,
                authority=authority,
                contact=contacts[authority],
                channel="email",
                address="x@example.org",
                language="es",
            )
            n = next(serial)
            message = OutboundMessage.objects.create(
                to="x@example.org", idempotency_key=f"k{n}", message_id=f"m{n}", status="sent", sent_at=at
            )
            Delivery.objects.create(recipient=recipient, message=message)
            hours = (acks or {}).get(authority.name)
            if hours is not None:
                Acknowledgement.objects.create(recipient=recipient, name="Lic.", at=at + timedelta(hours=hours))
        return alert

    issue(1, local(2014, 2, 1), acks={"FGR": 2})
    issue(2, local(2014, 5, 1), kind="update", acks={"FGR": 10, "Fiscalía Querétaro": 30})
    issue(3, local(2014, 6, 1), kind="cancel")
    issue(4, local(2015, 1, 2), acks={"FGR": 1})  # next year
    scope = organisation_scope(org_a)
    assert figures(table(scope, "alerts"), "alerts") == {"alert": 1, "update": 1, "cancel": 1}
    built = table(scope, "alert_authorities")
    fgr_row = built.row(str(fgr.pk)).cells
    assert (fgr_row["addressed"].value, fgr_row["received"].value, fgr_row["acknowledged"].value) == (2, 2, 2)
    assert fgr_row["median_hours"].value == pytest.approx(6.0)
    assert fgr_row["median_hours"].no_data == 0
    qro_row = built.row(str(qro.pk)).cells
    assert (qro_row["acknowledged"].value, qro_row["acknowledged"].denominator) == (1, 2)
    assert qro_row["median_hours"].value == pytest.approx(30.0)
    assert qro_row["median_hours"].no_data == 1  # received, not acknowledged
    total = built.row("total").cells
    assert (total["addressed"].value, total["acknowledged"].value) == (4, 3)
    assert total["median_hours"].value == pytest.approx(10.0)


def test_coalition_counts_only_cases_consenting_to_statistics(build, org_a, org_b, make_user):
    consenting = build.case(date(2014, 1, 2))
    build.consent_to_statistics(consenting)
    withdrawn = build.case(date(2014, 1, 3))
    build.consent_to_statistics(withdrawn)
    build.consent_to_statistics(withdrawn, "withdrawn")
    build.case(date(2014, 1, 4))  # never asked
    other_org = build.case(date(2014, 1, 5), org=org_b)
    build.consent_to_statistics(other_org)
    outsider = build.case(date(2014, 1, 6), org=org_b)
    build.consent_to_statistics(outsider)
    org_b.coalition_member = False
    org_b.save()

    assert table(organisation_scope(org_a), "worked").row("worked").cells["cases"].value == 3
    coalition = table(coalition_scope(), "worked").row("worked").cells["cases"]
    assert coalition.cases == {consenting.pk}
    org_b.coalition_member = True
    org_b.save()
    assert table(coalition_scope(), "worked").row("worked").cells["cases"].cases == {
        consenting.pk,
        other_org.pk,
        outsider.pk,
    }
