"""Who sees which map: the user's own organisation only; analysts aggregates only; coalition maps with consent."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from redalert.audit.models import AuditEntry
from redalert.consent.choices import Decision, Purpose
from redalert.maps.tests.conftest import geojson
from redalert.testing import record_consent

LAYERS = ("subdivisions", "hexagons", "routes")


@pytest.fixture
def cases_of_both(make_case, org_a, org_b, coordinator, make_user, places, route):
    """Two cases of A in Querétaro (one with a route); one of B in Tlaxcala."""
    first = make_case(org_a, coordinator)
    route(first, coordinator, "Exploitation", "tlax")
    make_case(org_a, coordinator)
    coordinator_b = make_user(org_b, "coordinator")
    make_case(org_b, coordinator_b, last_seen_place=places["tlax_city"])
    return first


def counts(data):
    return {f["properties"]["code"]: f["properties"]["cases"] for f in data["features"] if f["properties"]["cases"]}


def test_each_organisation_sees_only_its_own_cases(client_for, make_user, org_a, org_b, cases_of_both):
    assert counts(geojson(client_for(make_user(org_a, "caseworker")), "subdivisions")) == {"MX-QUE": 2}
    other = client_for(make_user(org_b, "field_investigator"))
    assert counts(geojson(other, "subdivisions")) == {"MX-TLA": 1}
    assert [f["properties"]["cases"] for f in geojson(other, "hexagons", zoom=9)["features"]] == [1]
    assert geojson(other, "routes")["features"] == []  # A's route is not B's
    # No parameter reaches another organisation's cases.
    assert counts(geojson(other, "subdivisions", organisation=org_a.pk, org=org_a.pk)) == {"MX-TLA": 1}


def test_an_organisation_without_cases_gets_empty_layers(client_for, make_user, cases_of_both):
    from redalert.accounts.models import Organisation

    empty = Organisation.objects.create(name="Sin casos", code="SC", country="HN")
    client = client_for(make_user(empty, "analyst"))
    for name in LAYERS:
        assert geojson(client, name)["features"] == []


def test_analysts_get_counts_without_links(client_for, analyst, coordinator, cases_of_both):
    analyst_client = client_for(analyst)
    for name in LAYERS:
        data = geojson(analyst_client, name, zoom=9)
        text = json.dumps(data)
        assert "/cases/" not in text and '"url"' not in text
        for feature in data["features"]:
            assert set(feature["properties"]) <= {"code", "name", "cases", "origin", "destination"}
    page = analyst_client.get(reverse("maps:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "/cases/" not in page.split('id="main"')[1].split("<script")[0].replace('href="/cases/"', "")
    assert "María" not in page and cases_of_both.reference not in page


def test_case_workers_may_drill_down_to_the_case_search(client_for, coordinator, cases_of_both, places):
    data = geojson(client_for(coordinator), "subdivisions", year_from=2026, year_to=2026)
    [queretaro] = [f for f in data["features"] if f["properties"]["code"] == "MX-QUE"]
    url = queretaro["properties"]["url"]
    assert url == f"/cases/?place_1={places['qro'].pk}&seen_from=2026-01-01&seen_to=2026-12-31"
    listing = client_for(coordinator).get(url)
    assert len(listing.context["page"]) == 2


@pytest.mark.parametrize("role", ["administrator", "public_editor"])
def test_roles_without_maps_get_404(client_for, make_user, org_a, role):
    client = client_for(make_user(org_a, role))
    assert client.get(reverse("maps:index")).status_code == 404
    for name in LAYERS:
        assert client.get(reverse(f"maps:{name}")).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("maps:subdivisions"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_coalition_maps_are_for_coalition_analysts_only(client_for, coordinator, analyst, org_a):
    for name in LAYERS:
        assert client_for(coordinator).get(reverse(f"maps:{name}"), {"scope": "coalition"}).status_code == 404
    org_a.coalition_member = False
    org_a.save()
    assert client_for(analyst).get(reverse("maps:subdivisions"), {"scope": "coalition"}).status_code == 404
    assert client_for(analyst).get(reverse("maps:subdivisions"), {"scope": "everything"}).status_code == 404


def test_coalition_maps_count_only_cases_consenting_to_statistics(
    client_for, analyst, coordinator, make_case, make_user, org_a, org_b, places
):
    coordinator_b = make_user(org_b, "coordinator")
    consenting_a = make_case(org_a, coordinator)
    record_consent(consenting_a, Purpose.STATISTICS, coordinator)
    make_case(org_a, coordinator)  # no consent recorded
    withdrawn_b = make_case(org_b, coordinator_b, last_seen_place=places["tlax_city"])
    record_consent(withdrawn_b, Purpose.STATISTICS, coordinator_b)
    consenting_b = make_case(org_b, coordinator_b, last_seen_place=places["tlax_city"])
    record_consent(consenting_b, Purpose.STATISTICS, coordinator_b)
    client = client_for(analyst)
    assert counts(geojson(client, "subdivisions", scope="coalition")) == {"MX-QUE": 1, "MX-TLA": 2}
    record_consent(withdrawn_b, Purpose.STATISTICS, coordinator_b, Decision.WITHDRAWN)
    assert counts(geojson(client, "subdivisions", scope="coalition")) == {"MX-QUE": 1, "MX-TLA": 1}
    # The organisation's own map counts all its cases, consent to statistics or not.
    assert counts(geojson(client, "subdivisions")) == {"MX-QUE": 2}
    # Non-member organisations are left out of the coalition's map.
    org_b.coalition_member = False
    org_b.save()
    assert counts(geojson(client, "subdivisions", scope="coalition")) == {"MX-QUE": 1}


def test_every_map_request_is_audited_without_case_data(client_for, analyst, cases_of_both):
    client = client_for(analyst)
    client.get(reverse("maps:index"), {"sex": "female"})
    geojson(client, "hexagons", sex="female")
    entries = list(AuditEntry.objects.filter(actor=analyst).order_by("id"))
    assert [e.detail["map"] for e in entries] == ["page", "hexagons"]
    assert entries[1].detail == {"map": "hexagons", "scope": "organisation", "filters": "sex=female"}
    assert all(e.case_id is None for e in entries)
