"""The team view: who may add whom to a case's team."""

from __future__ import annotations

from django.urls import reverse


def test_team_management(client_for, case, org_a, org_b, make_user, coordinator):
    lawyer = make_user(org_a, "lawyer")
    outsider = make_user(org_b, "lawyer")
    client = client_for(coordinator)
    assert client.post(reverse("cases:team", args=[case.pk]), {"member": lawyer.pk}).status_code == 302
    assert case.memberships.filter(user=lawyer).exists()
    response = client.post(reverse("cases:team", args=[case.pk]), {"member": outsider.pk})
    assert response.status_code == 200 and response.context["form"].errors
    assert not case.memberships.filter(user=outsider).exists()
    worker = make_user(org_a, "caseworker")
    assert client_for(worker).post(reverse("cases:team", args=[case.pk]), {"member": worker.pk}).status_code == 404
