"""Who sees which part of care: health records to the team's health staff and coordinators, the rest to the
team's care roles; everybody else gets the same 404 as for a case that does not exist."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from redalert.audit.models import AuditEntry
from redalert.care.models import Service
from redalert.care.tests.helpers import EN, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def services(case: Any, coordinator: Any) -> Any:
    Service.objects.create(
        case=case,
        service_type="psychological",
        given_on=date(2026, 3, 5),
        notes="Terapia: ataques de pánico",
        recorded_by=coordinator,
    )
    Service.objects.create(
        case=case,
        service_type="vocational_training",
        given_on=date(2026, 3, 6),
        notes="Curso de costura",
        recorded_by=coordinator,
    )
    return case


@pytest.mark.parametrize(
    ("roles", "sees_health"),
    [(("health",), True), (("coordinator",), True), (("caseworker",), False), (("shelter_staff",), False)],
)
def test_team_roles_see_their_part(
    services: Any, make_user: Any, org_a: Any, coordinator: Any, client_for: Any, roles: tuple[str], sees_health: bool
) -> None:
    user = member(make_user, org_a, services, coordinator, *roles, username=f"{roles[0]}-team")
    response = client_for(user).get(reverse("care:case", args=[services.pk]), **EN)
    assert response.status_code == 200
    body = response.content.decode()
    assert ("ataques de pánico" in body) is sees_health
    assert ("Curso de costura" in body) is True
    assert AuditEntry.objects.filter(actor=user, case_id=services.pk, action="view").exists()


def test_health_staff_off_the_team_get_404(services: Any, make_user: Any, org_a: Any, client_for: Any) -> None:
    outsider = make_user(org_a, "health")
    assert client_for(outsider).get(reverse("care:case", args=[services.pk]), **EN).status_code == 404


def test_coordinator_off_the_team_gets_404(services: Any, make_user: Any, org_a: Any, client_for: Any) -> None:
    other = make_user(org_a, "coordinator", username="coord-2")
    assert client_for(other).get(reverse("care:case", args=[services.pk]), **EN).status_code == 404


def test_other_organisation_gets_404(services: Any, make_user: Any, org_b: Any, client_for: Any) -> None:
    stranger = make_user(org_b, "coordinator", "health")
    assert client_for(stranger).get(reverse("care:case", args=[services.pk]), **EN).status_code == 404


@pytest.mark.parametrize("roles", [("field_investigator",), ("analyst",), ("administrator",)])
def test_roles_without_care_get_404(
    services: Any, make_user: Any, org_a: Any, coordinator: Any, client_for: Any, roles: tuple[str]
) -> None:
    user = member(make_user, org_a, services, coordinator, *roles)
    assert client_for(user).get(reverse("care:case", args=[services.pk]), **EN).status_code == 404


def test_caseworker_cannot_record_a_medical_service(
    case: Any, make_user: Any, org_a: Any, coordinator: Any, client_for: Any
) -> None:
    caseworker = member(make_user, org_a, case, coordinator, "caseworker")
    response = client_for(caseworker).post(
        reverse("care:service_add", args=[case.pk]),
        {
            "service_type": "medical",
            "recipient": "victim",
            "phase": "after",
            "given_on": "2026-03-05",
            "provider": "own",
        },
        **EN,
    )
    assert response.status_code == 400
    assert not Service.objects.exists()


def test_health_staff_record_a_medical_service_with_unknown_cost(
    case: Any, make_user: Any, org_a: Any, coordinator: Any, client_for: Any
) -> None:
    health = member(make_user, org_a, case, coordinator, "health")
    response = client_for(health).post(
        reverse("care:service_add", args=[case.pk]),
        {
            "service_type": "medical",
            "recipient": "family",
            "family_relationship": "mother",
            "phase": "before",
            "given_on": "2026-03-05",
            "provider": "own",
            "cost": "",
            "currency": "",
        },
        **EN,
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    service = Service.objects.get()
    assert service.cost is None  # not known, distinct from 0
    entry = AuditEntry.objects.get(object_type="care.service")
    assert entry.detail["section"] == "health"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"cost": "100"}, "currency", "Give the currency of the cost."),
        ({"cost": "-1", "currency": "MXN"}, "cost", "An amount cannot be negative."),
        ({"recipient": "family"}, "family_relationship", "Say which family member"),
        ({"provider": "partner"}, "partner", "Choose the partner organisation."),
        ({"service_type": "immigration_relief"}, "immigration_remedy", "Say which remedy is sought."),
        ({"given_on": "yesterday"}, "given_on", "Enter a valid date."),
    ],
)
def test_service_validation_messages(
    case: Any, coordinator: Any, client_for: Any, data: dict[str, str], field: str, message: str
) -> None:
    post = {
        "service_type": "social_work",
        "recipient": "victim",
        "phase": "after",
        "given_on": "2026-03-05",
        "provider": "own",
        **data,
    }
    response = client_for(coordinator).post(reverse("care:service_add", args=[case.pk]), post, **EN)
    assert response.status_code == 400
    assert message in str(response.context["service_form"].errors[field])
    assert not Service.objects.exists()


def test_immigration_relief_records_remedy_and_status(case: Any, coordinator: Any, client_for: Any) -> None:
    response = client_for(coordinator).post(
        reverse("care:service_add", args=[case.pk]),
        {
            "service_type": "immigration_relief",
            "recipient": "victim",
            "phase": "after",
            "given_on": "2026-03-05",
            "provider": "own",
            "immigration_remedy": "Visa por razones humanitarias",
            "immigration_status": "applied",
            "cost": "0",
            "currency": "MXN",
        },
        **EN,
    )
    assert response.status_code == 302
    service = Service.objects.get()
    assert service.immigration_status == "applied"
    assert str(service.cost) == "0.00"
