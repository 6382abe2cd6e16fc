"""The REST API asks the same policy: a case shared with organisation B is listed to B's API clients and read
within the same limits (the referred sections only), and nothing once the family withdraws the consent."""

from __future__ import annotations

from redalert.api.tests.conftest import admin_b, full_b, make_api_client  # noqa: F401  (fixtures)
from redalert.audit.models import AuditEntry
from redalert.cases.choices import NoteSection
from redalert.consent.choices import Decision, Purpose
from redalert.testing import record_consent
from redalert.transfers import services
from redalert.transfers.models import OfferKind


def test_a_referred_section_reaches_the_receivers_api_clients_and_nothing_else(
    consenting_case,
    coordinator,
    coordinator_b,
    org_a,
    org_b,
    full_b,  # noqa: F811
):
    assert full_b.get(f"/cases/{consenting_case.pk}/notes/legal").status_code == 404
    offer = services.offer(
        consenting_case, to=org_b, kind=OfferKind.REFERRAL, sections=[NoteSection.LEGAL], reason="r", actor=coordinator
    )
    services.accept(offer, actor=coordinator_b)
    listed = full_b.get("/cases").json()["items"]
    assert [item["id"] for item in listed] == [consenting_case.pk]
    assert full_b.get(f"/cases/{consenting_case.pk}/notes/legal").status_code == 200
    assert full_b.get(f"/cases/{consenting_case.pk}").status_code == 404  # the general file was not referred
    for section in ("general", "investigation", "health", "shelter"):
        assert full_b.get(f"/cases/{consenting_case.pk}/notes/{section}").status_code == 404
    assert full_b.get(f"/cases/{consenting_case.pk}/consents").status_code == 404
    assert AuditEntry.objects.filter(case_id=consenting_case.pk, organisation_id=org_a.pk, action="view").exists()
    assert AuditEntry.objects.filter(case_id=consenting_case.pk, organisation_id=org_b.pk, action="view").exists()
    record_consent(
        consenting_case, Purpose.REFERRAL, coordinator, Decision.WITHDRAWN, on=consenting_case.reported_at.date()
    )
    assert full_b.get(f"/cases/{consenting_case.pk}/notes/legal").status_code == 404
    assert full_b.get("/cases").json()["items"] == []


def test_after_a_transfer_the_receivers_api_reads_and_writes_the_case(
    consenting_case,
    coordinator,
    coordinator_b,
    org_b,
    full_b,  # noqa: F811
):
    offer = services.offer(consenting_case, to=org_b, kind=OfferKind.TRANSFER, reason="r", actor=coordinator)
    services.accept(offer, actor=coordinator_b)
    read = full_b.get(f"/cases/{consenting_case.pk}")
    assert read.status_code == 200 and read.json()["reference"] == consenting_case.reference
