"""The staff case search: every criterion, and results only from cases the user may see."""

from datetime import date

import pytest
from django.urls import reverse

from redalert.cases.services import add_team_member
from redalert.investigation.models import LinkedPerson
from redalert.investigation.search import CaseQuery, search_cases
from redalert.investigation.services import save_linked_person


@pytest.fixture
def cases(make_case, org_a, org_b, coordinator, make_user, places):
    other = make_user(org_b, "coordinator")
    return {
        "maria": make_case(org_a, coordinator, given_names="María José", first_surname="López", second_surname="Núñez"),
        "ana": make_case(
            org_a,
            coordinator,
            given_names="Ana",
            first_surname="Pérez",
            aliases="La Güera",
            last_seen_on=date(2025, 12, 1),
            last_seen_place=places["tlax_city"],
        ),
        "foreign": make_case(
            org_b, other, given_names="María José", first_surname="López", last_seen_place=places["gt"]
        ),
    }


def refs(user, **criteria):
    return {c.reference for c in search_cases(user, CaseQuery(**criteria))}


def test_name_search_is_accent_insensitive_over_both_surnames_and_aliases(cases, coordinator):
    maria, ana = cases["maria"].reference, cases["ana"].reference
    assert refs(coordinator, q="maria nunez") == {maria}
    assert refs(coordinator, q="LÓPEZ, María") == {maria}
    assert refs(coordinator, q="guera") == {ana}
    assert refs(coordinator, q="maria perez") == set()
    assert refs(coordinator, q=maria.lower()) == {maria}
    assert cases["foreign"].reference not in refs(coordinator, q="maria lopez")


def test_filters(cases, coordinator, places, make_user, org_a):
    maria, ana = cases["maria"].reference, cases["ana"].reference
    assert refs(coordinator, state=places["tlax"]) == {ana}
    assert refs(coordinator, place=places["qro_city"]) == {maria}
    assert refs(coordinator, place=places["mx"]) == {maria, ana}
    assert refs(coordinator, seen_from=date(2026, 1, 1)) == {maria}
    assert refs(coordinator, seen_to=date(2026, 1, 1)) == {ana}
    assert refs(coordinator, status="reported") == {maria, ana}
    lawyer = make_user(org_a, "lawyer")
    add_team_member(cases["ana"], lawyer, actor=coordinator)
    assert refs(coordinator, assigned=lawyer) == {ana}


def test_linked_people_names_count_only_where_the_user_sees_the_investigation(cases, coordinator, make_user, org_a):
    suspect = LinkedPerson(link="suspect", name="Ramiro Castañeda", aliases="El Flaco")
    save_linked_person(cases["ana"], suspect, actor=coordinator)
    ana = cases["ana"].reference
    assert refs(coordinator, q="el flaco") == {ana}  # coordinator: on the team of the case she reported
    assert refs(coordinator, q="castaneda ramiro") == {ana}
    assert refs(coordinator, q="castaneda maria") == set()
    caseworker = make_user(org_a, "caseworker")
    add_team_member(cases["ana"], caseworker, actor=coordinator)
    assert refs(caseworker, q="el flaco") == set()  # no access to the investigation section
    investigator = make_user(org_a, "field_investigator")
    assert refs(investigator, q="el flaco") == set()  # not on the team
    add_team_member(cases["ana"], investigator, actor=coordinator)
    assert refs(investigator, q="el flaco") == {ana}


def test_the_list_page_searches_with_all_filters_and_is_audited(client_for, cases, coordinator, places):
    client = client_for(coordinator)
    response = client.get(
        reverse("cases:list"),
        {"q": "ana", "state": places["tlax"].pk, "seen_from": "2025-01-01", "seen_to": "2026-01-01"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert [c.reference for c in response.context["page"]] == [cases["ana"].reference]
    bad = client.get(
        reverse("cases:list"), {"seen_from": "2026-02-01", "seen_to": "2026-01-01"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "before its start" in bad.content.decode()


def test_another_organisation_finds_nothing_of_ours(client_for, cases, make_user, org_b):
    other = make_user(org_b, "caseworker", username="cw-b")
    assert refs(other, q="ana") == set()
    assert refs(other, q="maria") == {cases["foreign"].reference}
