"""The domain rules of transfers and referrals (redalert.transfers.services)."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404

from redalert.access.models import CaseGrant
from redalert.access.policy import Action, case_for, may, may_see_section, visible_cases
from redalert.audit.models import AuditEntry
from redalert.cases.choices import NoteSection
from redalert.cases.models import Case
from redalert.consent.choices import Decision, Purpose
from redalert.outbox.models import OutboundMessage
from redalert.testing import record_consent
from redalert.transfers import services
from redalert.transfers.models import EndReason, OfferKind, OfferStatus


def _refer(case: Any, by: Any, to: Any, *sections: str) -> Any:
    return services.offer(case, to=to, kind=OfferKind.REFERRAL, sections=sections, reason="Acompañamiento", actor=by)


def test_an_offer_needs_the_familys_consent_to_refer(case, coordinator, org_b):
    with pytest.raises(services.TransferError):
        _refer(case, coordinator, org_b, NoteSection.LEGAL)
    record_consent(case, Purpose.REFERRAL, coordinator, Decision.REFUSED, on=case.reported_at.date())
    with pytest.raises(services.TransferError):
        _refer(case, coordinator, org_b, NoteSection.LEGAL)


def test_only_the_holders_coordinator_offers(consenting_case, org_a, org_b, make_user, coordinator_b):
    caseworker = make_user(org_a, "caseworker")
    for someone in (caseworker, coordinator_b):
        with pytest.raises(PermissionError):
            _refer(consenting_case, someone, org_b, NoteSection.LEGAL)


def test_an_offer_gives_nothing_until_accepted_and_tells_the_receiver(
    consenting_case, coordinator, coordinator_b, org_b
):
    offer = _refer(consenting_case, coordinator, org_b, NoteSection.LEGAL)
    assert offer.status == OfferStatus.OFFERED
    assert not visible_cases(coordinator_b, with_shared=True).filter(pk=consenting_case.pk).exists()
    mail = OutboundMessage.objects.get(to="coord-b@example.org")
    assert "María" not in mail.body and "López" not in mail.body
    assert AuditEntry.objects.filter(organisation_id=org_b.pk, detail__what="transfer offer").exists()


def test_only_the_receivers_coordinator_answers(consenting_case, coordinator, coordinator_b, org_b, make_user):
    offer = _refer(consenting_case, coordinator, org_b, NoteSection.LEGAL)
    caseworker_b = make_user(org_b, "caseworker")
    for someone in (coordinator, caseworker_b):
        with pytest.raises(PermissionError):
            services.accept(offer, actor=someone)
        with pytest.raises(PermissionError):
            services.reject(offer, actor=someone)
    services.reject(offer, actor=coordinator_b, note="Sin capacidad")
    offer.refresh_from_db()
    assert offer.status == OfferStatus.REJECTED
    assert not CaseGrant.objects.exists()
    with pytest.raises(services.TransferError):
        services.accept(offer, actor=coordinator_b)


def test_a_referral_opens_exactly_the_referred_sections_to_read(
    consenting_case, coordinator, coordinator_b, org_a, org_b
):
    offer = _refer(consenting_case, coordinator, org_b, NoteSection.LEGAL)
    services.accept(offer, actor=coordinator_b)
    case = Case.objects.get(pk=consenting_case.pk)
    assert case.organisation_id == org_a.pk  # a referral does not move the case
    assert may_see_section(coordinator_b, case, NoteSection.LEGAL)
    for section in (NoteSection.GENERAL, NoteSection.INVESTIGATION, NoteSection.HEALTH, NoteSection.SHELTER):
        assert not may_see_section(coordinator_b, case, section)
    assert case_for(coordinator_b, case.pk, Action.VIEW, NoteSection.LEGAL) == case
    with pytest.raises(Http404):
        case_for(coordinator_b, case.pk)  # the general file was not referred
    assert not may(coordinator_b, Action.ADD_NOTE, case, NoteSection.LEGAL)  # read only
    assert not may(coordinator_b, Action.EDIT, case)
    # the list of the receiver shows it, the lists of a case's parts keep to her own organisation
    assert visible_cases(coordinator_b, with_shared=True).filter(pk=case.pk).exists()
    assert not visible_cases(coordinator_b).filter(pk=case.pk).exists()
    assert AuditEntry.objects.filter(organisation_id=org_a.pk, detail__what="transfer accepted").exists()
    assert AuditEntry.objects.filter(organisation_id=org_b.pk, detail__what="transfer accepted").exists()


def test_a_transfer_moves_the_case_and_the_sender_keeps_the_general_file(
    consenting_case, coordinator, coordinator_b, org_a, org_b, make_user
):
    offer = services.offer(consenting_case, to=org_b, kind=OfferKind.TRANSFER, reason="Se mudó", actor=coordinator)
    services.accept(offer, actor=coordinator_b)
    case = Case.objects.get(pk=consenting_case.pk)
    assert case.organisation_id == org_b.pk
    assert case.reference == consenting_case.reference  # references stay resolvable
    assert list(case.memberships.values_list("user_id", flat=True)) == [coordinator_b.pk]
    assert may(coordinator_b, Action.EDIT, case) and may(coordinator_b, Action.MANAGE_TEAM, case)
    assert case_for(coordinator, case.pk) == case  # the sender reads the general file
    assert not may(coordinator, Action.EDIT, case)
    for section in (NoteSection.LEGAL, NoteSection.INVESTIGATION, NoteSection.HEALTH, NoteSection.SHELTER):
        assert not may_see_section(coordinator, case, section)
    other = make_user(org_a, "caseworker")
    assert case_for(other, case.pk) == case


def test_withdrawing_the_consent_revokes_every_grant_at_once(consenting_case, coordinator, coordinator_b, org_b):
    offer = _refer(consenting_case, coordinator, org_b, NoteSection.LEGAL, NoteSection.GENERAL)
    services.accept(offer, actor=coordinator_b)
    assert case_for(coordinator_b, consenting_case.pk)
    record_consent(
        consenting_case, Purpose.REFERRAL, coordinator, Decision.WITHDRAWN, on=consenting_case.reported_at.date()
    )
    assert not CaseGrant.objects.active().exists()
    offer.refresh_from_db()
    assert (offer.status, offer.ended_because) == (OfferStatus.REVOKED, EndReason.CONSENT)
    for section in (NoteSection.GENERAL, NoteSection.LEGAL):
        with pytest.raises(Http404):
            case_for(coordinator_b, consenting_case.pk, Action.VIEW, section)


def test_the_sender_ends_a_referral_and_withdraws_an_offer(consenting_case, coordinator, coordinator_b, org_b):
    offer = _refer(consenting_case, coordinator, org_b, NoteSection.LEGAL)
    with pytest.raises(PermissionError):
        services.end(offer, actor=coordinator_b)
    services.accept(offer, actor=coordinator_b)
    services.end(offer, actor=coordinator)
    with pytest.raises(Http404):
        case_for(coordinator_b, consenting_case.pk, Action.VIEW, NoteSection.LEGAL)
    second = _refer(consenting_case, coordinator, org_b, NoteSection.HEALTH)
    services.end(second, actor=coordinator)
    second.refresh_from_db()
    assert second.status == OfferStatus.WITHDRAWN
    with pytest.raises(services.TransferError):
        services.accept(second, actor=coordinator_b)


def test_every_view_of_a_shared_case_is_in_both_logs(consenting_case, coordinator, coordinator_b, org_a, org_b):
    from redalert.cases.services import record_view

    services.accept(_refer(consenting_case, coordinator, org_b, NoteSection.LEGAL), actor=coordinator_b)
    record_view(consenting_case, actor=coordinator_b, section=NoteSection.LEGAL)
    entries = AuditEntry.objects.filter(case_id=consenting_case.pk, actor=coordinator_b, action="view")
    assert {e.organisation_id for e in entries} == {org_a.pk, org_b.pk}


def test_after_a_transfer_every_read_model_follows_the_new_holder(consenting_case, coordinator, coordinator_b, org_b):
    from redalert.investigation.models import LinkedPerson
    from redalert.investigation.services import save_linked_person
    from redalert.testing import assert_rebuilds_find_nothing, follow_changes

    person = LinkedPerson(link="suspect", name="Raúl Gómez", phones="+524425551234")
    save_linked_person(consenting_case, person, actor=coordinator)
    follow_changes()
    offer = services.offer(consenting_case, to=org_b, kind=OfferKind.TRANSFER, reason="Se mudó", actor=coordinator)
    services.accept(offer, actor=coordinator_b)
    follow_changes()  # what the workers do
    assert_rebuilds_find_nothing()
