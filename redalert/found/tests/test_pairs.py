"""Pairs proposed, refreshed when a record or a case changes (the follower and the rebuild), confirmed through the
lifecycle, rejected for good."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from redalert.audit.models import AuditEntry
from redalert.cases.lifecycle import TransitionError, TransitionRequest, transition
from redalert.cases.models import TimelineEvent, TimelineKind
from redalert.found import services
from redalert.found.choices import CandidateStatus, FoundReason
from redalert.found.models import Candidate
from redalert.investigation.models import Outcome
from redalert.testing import assert_rebuilds_find_nothing, follow_changes


def test_a_record_with_a_nickname_is_proposed_the_open_case_by_name(searched_case, coordinator, make_found):
    found = make_found(coordinator, names="María Fernanda")
    pair = Candidate.objects.get(found=found)
    assert pair.case_id == searched_case.pk and pair.status == CandidateStatus.PROPOSED
    assert pair.score >= 0.7 and "same_name" in pair.reasons and FoundReason.DESCRIPTION_ONLY not in pair.reasons


def test_a_nameless_record_is_proposed_by_description(searched_case, coordinator, make_found):
    found = make_found(coordinator, names="")
    pair = Candidate.objects.get(found=found)
    assert pair.case_id == searched_case.pk and FoundReason.DESCRIPTION_ONLY in pair.reasons


def test_another_organisations_cases_are_never_proposed(searched_case, org_b, make_user, make_found):
    """Organisation B records a girl who fits A's case exactly: B is proposed nothing of A's."""
    found = make_found(make_user(org_b, "coordinator"), names="María Fernanda")
    assert found.organisation_id == org_b.pk
    assert not Candidate.objects.filter(found=found).exists()


def test_a_case_opened_after_the_record_is_proposed_when_the_workers_catch_up(
    org_a, coordinator, make_found, make_case
):
    found = make_found(coordinator)
    assert not Candidate.objects.filter(found=found).exists()
    case = make_case(org_a, coordinator)  # Kind.OPENED: the register follows, queued
    assert not Candidate.objects.filter(found=found).exists()
    follow_changes()
    assert Candidate.objects.filter(found=found, case=case).exists()
    assert_rebuilds_find_nothing()


def test_a_case_closed_is_no_longer_proposed(searched_case, coordinator, make_found):
    found = make_found(coordinator)
    assert Candidate.objects.filter(found=found, case=searched_case).exists()
    transition(searched_case, TransitionRequest("closed", reason="Duplicado de otro expediente."), coordinator)
    follow_changes()
    assert not Candidate.objects.filter(found=found).exists()
    assert_rebuilds_find_nothing()


def test_the_rebuild_reports_what_it_changed(searched_case, coordinator, make_found):
    found = make_found(coordinator)
    Candidate.objects.filter(found=found).delete()  # as if the follower had never run
    out = StringIO()
    call_command("rebuild_found_candidates", stdout=out)
    assert "1 added, 0 changed, 0 removed" in out.getvalue()
    follow_changes()
    assert_rebuilds_find_nothing()


def test_a_rejected_pair_is_never_proposed_again(searched_case, coordinator, make_found):
    found = make_found(coordinator)
    pair = Candidate.objects.get(found=found)
    services.reject(pair, actor=coordinator)
    found.physical_description = "Delgada, cabello corto."
    services.save_found(found, ["physical_description"], actor=coordinator)
    call_command("rebuild_found_candidates", stdout=StringIO())
    assert list(Candidate.objects.filter(found=found).values_list("status", flat=True)) == [CandidateStatus.REJECTED]
    assert AuditEntry.objects.filter(object_type="found.candidate", detail__decision="rejected").exists()


def test_confirming_records_the_outcome_through_the_lifecycle(searched_case, coordinator, make_found):
    found = make_found(coordinator)
    pair = Candidate.objects.get(found=found)
    services.confirm(pair, how="authorities", details="La reconoció su madre.", actor=coordinator)
    searched_case.refresh_from_db()
    found.refresh_from_db()
    outcome = Outcome.objects.get(case=searched_case)
    assert (outcome.result, outcome.on, outcome.place) == ("located_alive", date(2026, 4, 10), found.found_place)
    assert searched_case.located_on == date(2026, 4, 10) and searched_case.status == "follow_up"
    moves = [e.summary_data["to"] for e in TimelineEvent.objects.filter(case=searched_case, kind=TimelineKind.STATUS)]
    assert "located_alive" in moves and "follow_up" in moves
    assert found.linked_case_id == searched_case.pk
    assert Candidate.objects.get(pk=pair.pk).status == CandidateStatus.CONFIRMED
    assert AuditEntry.objects.filter(case_id=searched_case.pk, detail__decision="confirmed").exists()
    follow_changes()
    assert_rebuilds_find_nothing()


def test_a_deceased_record_records_located_deceased(searched_case, coordinator, make_found):
    found = make_found(coordinator, condition="deceased", names="")
    services.confirm(Candidate.objects.get(found=found), how="authorities", actor=coordinator)
    assert Outcome.objects.get(case=searched_case).result == "located_deceased"


def test_a_case_not_in_active_search_cannot_be_confirmed_and_nothing_is_saved(case, coordinator, make_found):
    found = make_found(coordinator)  # the case is only reported: open, proposed, but its outcome cannot be recorded
    pair = Candidate.objects.get(found=found, case=case)
    with pytest.raises(TransitionError):
        services.confirm(pair, how="authorities", actor=coordinator)
    found.refresh_from_db()
    assert found.linked_case_id is None and Candidate.objects.get(pk=pair.pk).status == CandidateStatus.PROPOSED
    assert not Outcome.objects.filter(case=case).exists()


def test_a_pair_decided_once_cannot_be_decided_again(searched_case, coordinator, make_found):
    found = make_found(coordinator)
    pair = Candidate.objects.get(found=found)
    services.reject(pair, actor=coordinator)
    with pytest.raises(services.DecisionError):
        services.confirm(pair, how="authorities", actor=coordinator)
