"""Who sees and who records legal accompaniment: legal roles on the case's team, not other roles, not
lawyers off the team or of another organisation."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from redalert.audit.models import AuditEntry
from redalert.care.tests.helpers import EN, Purpose, grant, member
from redalert.legal.models import Proceeding

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("roles", [("lawyer",), ("coordinator",), ("caseworker",)])
def test_legal_roles_on_the_team_see_the_page(
    proceeding: Any, case: Any, coordinator: Any, make_user: Any, org_a: Any, client_for: Any, roles: tuple[str]
) -> None:
    user = member(make_user, org_a, case, coordinator, *roles, username=f"{roles[0]}-x")
    response = client_for(user).get(reverse("legal:case", args=[case.pk]), **EN)
    assert response.status_code == 200
    assert "CI/QRO/123/2026" in response.content.decode()
    assert AuditEntry.objects.filter(actor=user, case_id=case.pk, action="view", detail__section="legal").exists()
    detail = client_for(user).get(reverse("legal:proceeding", args=[case.pk, proceeding.pk]), **EN)
    assert detail.status_code == 200 and "Trata de personas" in detail.content.decode()


@pytest.mark.parametrize("roles", [("health",), ("shelter_staff",), ("field_investigator",), ("analyst",)])
def test_other_roles_on_the_team_get_404(
    proceeding: Any, case: Any, coordinator: Any, make_user: Any, org_a: Any, client_for: Any, roles: tuple[str]
) -> None:
    user = member(make_user, org_a, case, coordinator, *roles)
    client = client_for(user)
    assert client.get(reverse("legal:case", args=[case.pk])).status_code == 404
    assert client.get(reverse("legal:proceeding", args=[case.pk, proceeding.pk])).status_code == 404


def test_lawyer_off_the_team_or_of_another_organisation_gets_404(
    proceeding: Any, case: Any, make_user: Any, org_a: Any, org_b: Any, client_for: Any
) -> None:
    assert (
        client_for(make_user(org_a, "lawyer", username="l2")).get(reverse("legal:case", args=[case.pk])).status_code
        == 404
    )
    assert client_for(make_user(org_b, "lawyer")).get(reverse("legal:case", args=[case.pk])).status_code == 404


def test_caseworker_reads_but_does_not_record(
    case: Any, coordinator: Any, make_user: Any, org_a: Any, client_for: Any
) -> None:
    grant(case, Purpose.LEGAL_REPRESENTATION, coordinator)
    caseworker = member(make_user, org_a, case, coordinator, "caseworker")
    response = client_for(caseworker).post(
        reverse("legal:proceeding_add", args=[case.pk]), {"authority": "federal_prosecutor"}
    )
    assert response.status_code == 404
    assert not Proceeding.objects.exists()
