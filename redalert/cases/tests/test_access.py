"""Who reaches a case file: another organisation or a role without need gets 404, sensitive notes stay hidden."""

from __future__ import annotations

import pytest
from django.urls import reverse

from redalert.cases.choices import CaseStatus
from redalert.cases.services import add_team_member


@pytest.mark.parametrize(
    "url_name",
    ["cases:detail", "cases:edit", "cases:team", "cases:audit", "consent:page"],
)
def test_another_organisation_gets_404(client_for, case, org_b, make_user, url_name):
    outsider = make_user(org_b, "coordinator")
    response = client_for(outsider).get(reverse(url_name, args=[case.pk]))
    assert response.status_code == 404


def test_another_organisation_cannot_find_the_case(client_for, case, org_b, make_user):
    outsider = make_user(org_b, "coordinator")
    response = client_for(outsider).get(reverse("cases:list"), {"q": "maria"})
    assert case.reference not in response.content.decode()
    assert list(response.context["page"]) == []


def test_another_organisation_cannot_change_the_case(client_for, case, org_b, make_user):
    outsider = make_user(org_b, "coordinator")
    client = client_for(outsider)
    assert client.post(reverse("cases:transition", args=[case.pk]), {"to": "verification"}).status_code == 404
    assert (
        client.post(reverse("cases:note_add", args=[case.pk]), {"section": "general", "body": "x"}).status_code == 404
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.REPORTED


def test_caseworker_not_on_the_team_gets_404_on_the_legal_section(client_for, case, org_a, make_user, coordinator):
    worker = make_user(org_a, "caseworker")
    client = client_for(worker)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    assert client.get(reverse("cases:section", args=[case.pk, "legal"])).status_code == 404
    add_team_member(case, worker, actor=coordinator)
    assert client.get(reverse("cases:section", args=[case.pk, "legal"])).status_code == 200


def test_sensitive_notes_never_reach_people_without_access(client_for, case, org_a, make_user, coordinator):
    lawyer = make_user(org_a, "lawyer")
    add_team_member(case, lawyer, actor=coordinator)
    lawyer_client = client_for(lawyer)
    response = lawyer_client.post(
        reverse("cases:note_add", args=[case.pk]), {"section": "legal", "body": "Carpeta FGR/QRO/123/2026"}
    )
    assert response.status_code == 302
    worker = make_user(org_a, "caseworker")
    page = client_for(worker).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "FGR/QRO/123/2026" not in page
    assert "FGR/QRO/123/2026" in lawyer_client.get(reverse("cases:section", args=[case.pk, "legal"])).content.decode()


def test_analyst_sees_no_case_file(client_for, case, org_a, make_user):
    analyst = make_user(org_a, "analyst")
    client = client_for(analyst)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert case.reference not in client.get(reverse("cases:list")).content.decode()
