"""The staff case search: every criterion, and results only from cases the user may see.

The text search has two ways to the same results (redalert.investigation.search): one statement with subqueries
(SQLite) and each kind of match's ids collected first (PostgreSQL). The tests of the text search run both ways on
whichever database runs the tests, so that each backend's own way is checked against the other.
"""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from redalert.cases.models import MissingPerson
from redalert.cases.services import add_team_member
from redalert.investigation import search
from redalert.investigation.models import LinkedPerson
from redalert.investigation.search import CaseQuery, search_cases
from redalert.investigation.services import save_linked_person
from redalert.testing import follow_changes


@pytest.fixture(params=["one statement", "ids first"], autouse=True)
def search_path(request, monkeypatch):
    monkeypatch.setattr(search, "_materialise_ids", lambda: request.param == "ids first")
    return request.param


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
    follow_changes()  # linked people's names reach the search through the workers
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


@pytest.fixture
def names(make_case, org_a, org_b, coordinator, make_user):
    """Cases reported a day apart (the first is the oldest) and one of another organisation with the same names."""
    other = make_user(org_b, "coordinator")
    start = timezone.make_aware(datetime(2026, 1, 1, 9, 0))
    people = [
        {"given_names": "María José", "first_surname": "López", "second_surname": "Núñez"},
        {"given_names": "Ana", "first_surname": "Pérez", "second_surname": "Ruiz", "aliases": "La Güera, Chela"},
        {"given_names": "Mariana", "first_surname": "Ortiz", "second_surname": "Núñez"},
        {"given_names": "Rosa", "first_surname": "Gómez", "second_surname": "Martínez"},
    ]
    cases = {
        p["given_names"]: make_case(org_a, coordinator, reported_at=start + timedelta(days=i), **p)
        for i, p in enumerate(people)
    }
    cases["foreign"] = make_case(
        org_b, other, given_names="María Mariana", first_surname="Núñez", second_surname="Gómez", aliases="La Güera"
    )
    return cases


def listed(user, **criteria):
    """References in the order of the list, and the count the pager would show."""
    results = search_cases(user, CaseQuery(**criteria))
    return [c.reference for c in results], results.count()


def test_a_single_word_is_found_anywhere_in_names_surnames_and_aliases_of_her_organisation(names, coordinator):
    maria, ana, mariana, rosa = (names[k].reference for k in ("María José", "Ana", "Mariana", "Rosa"))
    assert listed(coordinator, q="núñez") == ([mariana, maria], 2)  # second surnames; newest report first
    assert listed(coordinator, q="MARI") == ([mariana, maria], 2)  # part of a word, any case, no accents needed
    assert listed(coordinator, q="martinez") == ([rosa], 1)
    assert listed(coordinator, q="güera") == ([ana], 1)  # an alias
    assert listed(coordinator, q="chela") == ([ana], 1)  # the second alias
    assert listed(coordinator, q="gomez") == ([rosa], 1)  # never the other organisation's "Núñez Gómez"
    assert listed(coordinator, q="zzz") == ([], 0)


def test_every_word_must_match_the_same_missing_person(names, coordinator):
    assert listed(coordinator, q="mariana nunez") == ([names["Mariana"].reference], 1)
    assert listed(coordinator, q="ana lopez") == ([], 0)  # "ana" is in Mariana, "lopez" in María José's name


def test_a_reference_prefix_finds_every_case_it_starts(names, coordinator):
    references = [names[k].reference for k in ("Rosa", "Mariana", "Ana", "María José")]
    prefix = references[0].rsplit("-", 1)[0]  # RBA-2026
    assert listed(coordinator, q=prefix.lower()) == (references, 4)
    assert listed(coordinator, q=references[2]) == ([references[2]], 1)


def test_linked_people_words_must_all_belong_to_one_linked_person(names, coordinator, org_b, make_user):
    rosa = names["Rosa"]
    for name, alias in [("Ramiro Castañeda", "El Flaco"), ("Julián Ortiz", "")]:
        save_linked_person(rosa, LinkedPerson(link="suspect", name=name, aliases=alias), actor=coordinator)
    other = names["foreign"].created_by  # on the team of her organisation's case
    save_linked_person(names["foreign"], LinkedPerson(link="suspect", name="Ramiro Castañeda"), actor=other)
    follow_changes()
    assert listed(coordinator, q="castañeda") == ([rosa.reference], 1)
    assert listed(coordinator, q="flaco ramiro") == ([rosa.reference], 1)  # alias and name of the same person
    assert listed(coordinator, q="ramiro ortiz") == ([], 0)  # two different linked people
    assert listed(coordinator, q="julian") == ([rosa.reference], 1)
    assert listed(coordinator, q="casta") == ([], 0)  # linked people's names match whole words only
    # "ortiz" is a linked person's surname in Rosa's case and Mariana's own surname.
    assert listed(coordinator, q="ortiz") == ([rosa.reference, names["Mariana"].reference], 2)
    assert listed(other, q="ramiro") == ([names["foreign"].reference], 1)
    off_team = make_user(org_b, "coordinator", username="coord-b")
    assert listed(off_team, q="ramiro") == ([], 0)


def test_the_count_is_the_number_of_cases_listed_for_every_user_and_criterion(
    names, coordinator, org_a, org_b, make_user, places
):
    save_linked_person(names["Ana"], LinkedPerson(link="suspect", name="Julián Ortiz"), actor=coordinator)
    follow_changes()
    caseworker = make_user(org_a, "caseworker")  # sees every case, no investigation section
    investigator = make_user(org_a, "field_investigator")  # investigation of her team's cases only
    add_team_member(names["Mariana"], investigator, actor=coordinator)
    users = [coordinator, caseworker, investigator, make_user(org_a, "analyst"), make_user(org_b, "caseworker")]
    queries = [
        {"q": "ortiz"},
        {"q": "nunez"},
        {"q": "a"},
        {"q": "ortiz", "status": "reported"},
        {"q": "ortiz", "seen_from": date(2026, 3, 2)},
        {"q": "nunez", "state": places["qro"]},
        {"q": "nunez", "assigned": investigator},
        {"q": "RBA-2026"},
        {},
    ]
    for user in users:
        for criteria in queries:
            references, count = listed(user, **criteria)
            assert count == len(references), (user.username, criteria)
    assert listed(caseworker, q="ortiz")[1] == 1  # Mariana Ortiz, not Ana's linked Julián Ortiz
    assert listed(coordinator, q="ortiz")[1] == 2
    assert listed(investigator, q="ortiz")[1] == 1  # Ana's case is not hers


def test_the_person_keeps_the_organisation_of_her_case(names, org_a, org_b):
    assert set(MissingPerson.objects.values_list("organisation_id", flat=True)) == {org_a.pk, org_b.pk}
    assert MissingPerson.objects.get(case=names["foreign"]).organisation_id == org_b.pk


def test_the_list_pages_through_all_matches_with_the_right_count(client_for, names, coordinator, monkeypatch):
    monkeypatch.setattr("redalert.cases.views.PAGE_SIZE", 1)
    client = client_for(coordinator)
    first = client.get(reverse("cases:list"), {"q": "nunez"}, HTTP_ACCEPT_LANGUAGE="en")
    second = client.get(reverse("cases:list"), {"q": "nunez", "page": 2}, HTTP_ACCEPT_LANGUAGE="en")
    assert first.context["page"].paginator.count == 2
    assert [c.reference for c in first.context["page"]] == [names["Mariana"].reference]
    assert [c.reference for c in second.context["page"]] == [names["María José"].reference]
    assert "Page 2 of 2" in second.content.decode()
    assert names["María José"].person.full_name in second.content.decode()
