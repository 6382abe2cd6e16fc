import pytest
from django.utils import translation

from redalert.cases.choices import CaseStatus
from redalert.cases.lifecycle import TransitionError, TransitionRequest, transition
from redalert.consent.choices import Decision, Purpose
from redalert.testing import record_consent


def grant(case, purpose, user, decision=Decision.GRANTED):
    return record_consent(case, purpose, user, decision)


def test_a_new_report_starts_as_reported_with_a_reference(make_case, org_a, coordinator):
    case = make_case(org_a, coordinator)
    assert case.status == CaseStatus.REPORTED
    assert case.reference == "RBA-2026-0001"
    assert make_case(org_a, coordinator).reference == "RBA-2026-0002"


def test_case_cannot_leave_verification_without_consent_to_open_the_file(make_case, org_a, coordinator):
    case = make_case(org_a, coordinator)
    transition(case, TransitionRequest(CaseStatus.VERIFICATION), coordinator)
    with translation.override("en"), pytest.raises(TransitionError, match="consent"):
        transition(case, TransitionRequest(CaseStatus.ACTIVE_SEARCH), coordinator)
    grant(case, Purpose.OPEN_FILE, coordinator)
    transition(case, TransitionRequest(CaseStatus.ACTIVE_SEARCH), coordinator)
    assert case.status == CaseStatus.ACTIVE_SEARCH


def test_withdrawn_consent_blocks_leaving_verification(make_case, org_a, coordinator):
    case = make_case(org_a, coordinator)
    transition(case, TransitionRequest(CaseStatus.VERIFICATION), coordinator)
    grant(case, Purpose.OPEN_FILE, coordinator)
    grant(case, Purpose.OPEN_FILE, coordinator, Decision.WITHDRAWN)
    with pytest.raises(TransitionError):
        transition(case, TransitionRequest(CaseStatus.ACTIVE_SEARCH), coordinator)


def test_illegal_transition_is_refused_and_nothing_changes(make_case, org_a, coordinator):
    case = make_case(org_a, coordinator)
    with translation.override("en"), pytest.raises(TransitionError, match="cannot move"):
        transition(case, TransitionRequest(CaseStatus.LOCATED_ALIVE), coordinator)
    case.refresh_from_db()
    assert case.status == CaseStatus.REPORTED
    assert case.located_on is None
