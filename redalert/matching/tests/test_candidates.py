"""candidates_for over the index: indexed lookups, the organisation's open cases only, kept by the follower."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from redalert.cases.choices import CaseStatus
from redalert.cases.lifecycle import TransitionRequest, transition
from redalert.cases.models import MissingPerson
from redalert.cases.services import save_changes
from redalert.matching.candidates import candidates_for
from redalert.matching.compare import Reason
from redalert.matching.facts import PersonFacts
from redalert.matching.models import CandidateKey
from redalert.testing import record_consent

pytestmark = pytest.mark.django_db


def lupita(places, **changes):
    values = dict(
        given_names="Lupita",
        first_surname="Hernandez",
        second_surname="Lopes",
        birth_date=date(2008, 5, 14),
        event_date=date(2026, 3, 2),
        place_id=places["qro_city"].pk,
    )
    values.update(changes)
    return PersonFacts(**values)


def test_a_case_created_a_second_ago_is_found_with_swapped_surnames_and_a_nickname(
    make_case, org_a, coordinator, places
):
    case = make_case(
        org_a, coordinator, given_names="María Guadalupe", first_surname="López", second_surname="Hernández"
    )
    found = candidates_for(org_a, lupita(places, given_names="Lupita"))
    assert [c.case_id for c in found] == [case.pk]
    assert Reason.SURNAMES_SWAPPED in found[0].comparison.reasons
    assert candidates_for(org_a, lupita(places), exclude_case_ids=[case.pk]) == []


def test_another_organisations_cases_never_appear(make_case, org_a, org_b, coordinator, make_user, places):
    make_case(org_b, make_user(org_b, "coordinator"), given_names="Guadalupe", first_surname="Hernández")
    assert candidates_for(org_a, lupita(places, given_names="Guadalupe")) == []


def test_closed_or_located_cases_leave_the_index_and_edits_move_it(make_case, org_a, coordinator, places):
    case = make_case(org_a, coordinator, given_names="Guadalupe", first_surname="Hernández")
    assert candidates_for(org_a, lupita(places))
    person = MissingPerson.objects.get(case=case)
    person.given_names = "Rocío"
    save_changes(case, [case, person], actor=coordinator)
    assert candidates_for(org_a, lupita(places)) == []
    assert candidates_for(org_a, lupita(places, given_names="Rocio"))
    record_consent(case, "open_file", coordinator)
    transition(case, TransitionRequest(CaseStatus.CLOSED, reason="duplicado de otro expediente"), coordinator)
    assert not CandidateKey.objects.filter(case=case).exists()
    assert candidates_for(org_a, lupita(places, given_names="Rocio")) == []


def test_the_rebuild_reports_nothing_after_the_follower_and_repairs_a_lost_index(make_case, org_a, coordinator):
    make_case(org_a, coordinator)
    out = StringIO()
    call_command("rebuild_matching_index", stdout=out)
    assert "0 key(s) changed" in out.getvalue()
    lost = CandidateKey.objects.count()
    CandidateKey.objects.all().delete()
    out = StringIO()
    call_command("rebuild_matching_index", stdout=out)
    assert f"{lost} key(s) changed" in out.getvalue()


def test_the_index_stores_digests_not_names(make_case, org_a, coordinator):
    case = make_case(org_a, coordinator)
    values = list(CandidateKey.objects.filter(case=case).values_list("digest", flat=True))
    assert values and all(isinstance(v, int) for v in values)


def test_a_key_shared_by_more_cases_than_the_fanout_is_not_looked_up(
    make_case, org_a, coordinator, places, monkeypatch
):
    from redalert.matching import candidates

    namesakes = [
        make_case(org_a, coordinator, given_names="Guadalupe", first_surname="Hernández", second_surname="López")
        for _ in range(2)
    ]
    facts = lupita(places, given_names="Guadalupe", second_surname="Lopez")
    assert {c.case_id for c in candidates_for(org_a, facts)} == {c.pk for c in namesakes}
    monkeypatch.setattr(candidates, "KEY_FANOUT", 1)
    # Every key of the query is shared by both namesakes: none is read.
    assert candidates.shortlist(org_a.pk, facts) == []
    assert candidates_for(org_a, facts) == []
    monkeypatch.setattr(candidates, "KEY_FANOUT", 2)
    assert set(candidates.shortlist(org_a.pk, facts)) == {c.pk for c in namesakes}
