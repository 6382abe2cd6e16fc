"""The pages: the policy for administrators, the request on a case, the approval by a second person."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from redalert.audit.models import AuditEntry
from redalert.retention.models import ErasedCase, ErasureRequest, RequestStatus, RetentionPolicy
from redalert.retention.services import ErasureRefused, approve_request


def test_administrators_edit_the_policy_others_get_404(org_a: Any, org_b: Any, make_user: Any, client_for: Any) -> None:
    admin = make_user(org_a, "administrator")
    url = reverse("retention:policy")
    assert client_for(make_user(org_a, "coordinator")).get(url).status_code == 404
    client = client_for(admin)
    assert client.get(url).status_code == 200
    data = {
        "closed_case_days": 100,
        "unlinked_tip_days": 200,
        "tipster_contact_days": 300,
        "unlinked_contact_days": 400,
        "import_file_days": 30,
        "audit_entry_days": 4000,
    }
    assert client.post(url, data).status_code == 302
    assert RetentionPolicy.objects.get(organisation=org_a).import_file_days == 30
    assert RetentionPolicy.objects.get(organisation=org_a).unlinked_contact_days == 400
    assert AuditEntry.objects.filter(detail__has_key="retention_policy").exists()
    bad = client.post(url, {**data, "import_file_days": "0"})
    assert bad.status_code == 200 and RetentionPolicy.objects.get(organisation=org_a).import_file_days == 30


def ask(client: Any, case: Any) -> Any:
    return client.post(
        reverse("retention:case", args=[case.pk]),
        {"requested_by": "family", "requested_on": "2026-04-01", "basis": "consent_withdrawn"},
    )


def test_request_then_a_second_person_approves(
    full_case: Any, coordinator: Any, org_a: Any, make_user: Any, client_for: Any
) -> None:
    assert ask(client_for(coordinator), full_case).status_code == 302
    item = ErasureRequest.objects.get(case=full_case)

    # The same person cannot approve her own request, by the page or the service.
    client_for(coordinator).post(reverse("retention:approve", args=[item.pk]))
    item.refresh_from_db()
    assert item.status == RequestStatus.PENDING
    with pytest.raises(ErasureRefused):
        approve_request(item, actor=coordinator)

    admin = make_user(org_a, "administrator")
    assert client_for(admin).post(reverse("retention:approve", args=[item.pk])).status_code == 302
    item.refresh_from_db()
    assert item.status == RequestStatus.DONE and item.approved_by == admin
    assert ErasedCase.objects.filter(case=full_case).exists()
    full_case.person.refresh_from_db()
    assert "María" not in full_case.person.full_name
    entry = AuditEntry.objects.filter(case_id=full_case.pk, detail__has_key="erased").get()
    assert entry.detail["recorded_by"] == coordinator.pk and entry.detail["approved_by"] == admin.pk


def test_other_organisations_get_404(
    full_case: Any, coordinator: Any, org_b: Any, make_user: Any, client_for: Any
) -> None:
    ask(client_for(coordinator), full_case)
    item = ErasureRequest.objects.get(case=full_case)
    for roles in (("coordinator",), ("administrator",)):
        other = client_for(make_user(org_b, *roles))
        assert other.get(reverse("retention:case", args=[full_case.pk])).status_code == 404
        assert other.post(reverse("retention:approve", args=[item.pk])).status_code == 404
    item.refresh_from_db()
    assert item.status == RequestStatus.PENDING


def test_a_caseworker_cannot_record_a_request(full_case: Any, org_a: Any, make_user: Any, client_for: Any) -> None:
    assert ask(client_for(make_user(org_a, "caseworker")), full_case).status_code == 404
    assert not ErasureRequest.objects.exists()
