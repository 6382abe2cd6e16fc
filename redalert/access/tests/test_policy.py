"""The permission layer, called directly: who may see and do what with a case."""

import pytest

from redalert.access.policy import Action, case_for, may, may_see_section, visible_cases
from redalert.cases.choices import NoteSection
from redalert.cases.services import add_team_member


def test_cases_are_visible_only_to_their_organisation(case, org_b, make_user):
    other = make_user(org_b, "coordinator")
    assert list(visible_cases(other)) == []
    with pytest.raises(Exception) as excinfo:
        case_for(other, case.pk)
    assert excinfo.typename == "Http404"


def test_analysts_editors_and_administrators_do_not_open_case_files(case, org_a, make_user):
    for role in ("analyst", "public_editor", "administrator"):
        user = make_user(org_a, role)
        assert not visible_cases(user).exists(), role
        assert not may(user, Action.VIEW, case), role


def test_every_case_worker_of_the_organisation_sees_the_general_part(case, org_a, make_user):
    worker = make_user(org_a, "caseworker")
    assert may(worker, Action.VIEW, case)
    assert may_see_section(worker, case, NoteSection.GENERAL)


def test_caseworker_not_on_the_team_cannot_open_the_legal_section(case, org_a, make_user, coordinator):
    worker = make_user(org_a, "caseworker")
    assert not may(worker, Action.VIEW, case, NoteSection.LEGAL)
    add_team_member(case, worker, actor=coordinator)
    assert may(worker, Action.VIEW, case, NoteSection.LEGAL)


def test_sensitive_sections_need_the_team_and_the_role(case, org_a, make_user, coordinator):
    lawyer = make_user(org_a, "lawyer")
    psychologist = make_user(org_a, "health")
    investigator = make_user(org_a, "field_investigator")
    for member in (lawyer, psychologist, investigator):
        add_team_member(case, member, actor=coordinator)
    assert may(lawyer, Action.VIEW, case, NoteSection.LEGAL)
    assert may(lawyer, Action.VIEW, case, NoteSection.INVESTIGATION)
    assert not may(lawyer, Action.VIEW, case, NoteSection.HEALTH)
    assert may(psychologist, Action.VIEW, case, NoteSection.HEALTH)
    assert not may(psychologist, Action.VIEW, case, NoteSection.LEGAL)
    assert may(investigator, Action.VIEW, case, NoteSection.INVESTIGATION)
    assert not may(investigator, Action.VIEW, case, NoteSection.SHELTER)


def test_a_coordinator_needs_to_be_on_the_team_for_sensitive_sections(case, org_a, make_user):
    other_coordinator = make_user(org_a, "coordinator", username="otra-coordinadora")
    assert may(other_coordinator, Action.VIEW, case)
    assert may(other_coordinator, Action.MANAGE_TEAM, case)
    assert not may(other_coordinator, Action.VIEW, case, NoteSection.INVESTIGATION)


def test_changing_a_case_is_for_coordinators_and_the_team_caseworkers(case, org_a, make_user, coordinator):
    worker = make_user(org_a, "caseworker")
    investigator = make_user(org_a, "field_investigator")
    assert may(coordinator, Action.EDIT, case)
    assert not may(worker, Action.EDIT, case)
    add_team_member(case, worker, actor=coordinator)
    add_team_member(case, investigator, actor=coordinator)
    assert may(worker, Action.EDIT, case)
    assert may(worker, Action.MANAGE_CONSENT, case)
    assert not may(worker, Action.MANAGE_TEAM, case)
    assert not may(investigator, Action.EDIT, case)
    assert may(investigator, Action.ADD_NOTE, case, NoteSection.INVESTIGATION)


def test_inactive_or_anonymous_users_may_nothing(case, coordinator):
    from django.contrib.auth.models import AnonymousUser

    assert not may(AnonymousUser(), Action.VIEW, case)
    coordinator.is_active = False
    assert not may(coordinator, Action.VIEW, case)
    assert not visible_cases(coordinator).exists()


def test_only_coordinators_and_caseworkers_record_new_reports(org_a, make_user):
    assert may(make_user(org_a, "coordinator"), Action.CREATE)
    assert may(make_user(org_a, "caseworker"), Action.CREATE)
    assert not may(make_user(org_a, "lawyer"), Action.CREATE)
    assert not may(make_user(org_a, "analyst"), Action.CREATE)


def test_publishing_is_for_coordinators(case, org_a, make_user, coordinator):
    worker = make_user(org_a, "caseworker")
    editor = make_user(org_a, "public_editor")
    add_team_member(case, worker, actor=coordinator)
    assert may(coordinator, Action.PUBLISH, case)
    assert not may(worker, Action.PUBLISH, case)
    assert not may(editor, Action.PUBLISH, case)


def test_tipster_contact_is_for_the_team_only(case, org_a, make_user, coordinator):
    other_coordinator = make_user(org_a, "coordinator", username="otra")
    investigator = make_user(org_a, "field_investigator")
    assert may(other_coordinator, Action.TRIAGE_TIPS, case)
    assert not may(other_coordinator, Action.VIEW_TIPSTER_CONTACT, case)
    assert not may(investigator, Action.TRIAGE_TIPS, case)
    add_team_member(case, investigator, actor=coordinator)
    assert may(investigator, Action.VIEW_TIPSTER_CONTACT, case)
