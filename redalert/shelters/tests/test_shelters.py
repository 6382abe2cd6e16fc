"""Shelters: occupancy never exceeds capacity without an explicit, logged override; addresses only for shelter
staff and coordinators; the stays of a case only for its shelter section."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from redalert.audit.models import AuditEntry
from redalert.care.tests.helpers import EN, member
from redalert.shelters import services
from redalert.shelters.models import Facility, Stay

pytestmark = pytest.mark.django_db
ADDRESS = "Calle Secreta 45, Colonia Centro"


@pytest.fixture
def facility(org_a: Any) -> Facility:
    return Facility.objects.create(organisation=org_a, name="Casa A", kind="shelter", capacity=2, address=ADDRESS)


def cases(make_case: Any, org: Any, by: Any, n: int) -> list[Any]:
    return [make_case(org, by, given_names=f"Persona {i}") for i in range(n)]


def test_capacity_is_enforced_and_override_is_logged(
    facility: Facility, make_case: Any, org_a: Any, coordinator: Any
) -> None:
    a, b, c = cases(make_case, org_a, coordinator, 3)
    services.check_in(facility, a, on=date(2026, 3, 1), actor=coordinator)
    services.check_in(facility, b, on=date(2026, 3, 1), actor=coordinator)
    assert services.occupancy(facility) == 2
    with pytest.raises(services.CapacityError, match="is full"):
        services.check_in(facility, c, on=date(2026, 3, 2), actor=coordinator)
    with pytest.raises(services.CapacityError):
        services.check_in(facility, c, on=date(2026, 3, 2), actor=coordinator, override_reason="   ")
    assert services.occupancy(facility) == 2
    stay = services.check_in(
        facility, c, on=date(2026, 3, 2), actor=coordinator, override_reason="Rescate de madrugada, sin otra opción"
    )
    assert stay.over_capacity_reason == "Rescate de madrugada, sin otra opción"
    entry = AuditEntry.objects.get(object_type="shelters.stay", object_id=str(stay.pk))
    assert entry.detail["over_capacity"] is True and entry.detail["reason"].startswith("Rescate")
    occupancy = services.occupancies([facility])[0]
    assert (occupancy.occupied, occupancy.free, occupancy.over) == (3, 0, 1)


def test_check_out_frees_a_place(facility: Facility, make_case: Any, org_a: Any, coordinator: Any) -> None:
    a, b, c = cases(make_case, org_a, coordinator, 3)
    first = services.check_in(facility, a, on=date(2026, 3, 1), actor=coordinator)
    services.check_in(facility, b, on=date(2026, 3, 1), actor=coordinator)
    with pytest.raises(services.ShelterError, match="before the check-in"):
        services.check_out(first, on=date(2026, 2, 1), actor=coordinator)
    services.check_out(first, on=date(2026, 3, 10), actor=coordinator)
    with pytest.raises(services.ShelterError, match="already ended"):
        services.check_out(first, on=date(2026, 3, 11), actor=coordinator)
    stay = services.check_in(facility, c, on=date(2026, 3, 11), actor=coordinator)
    assert stay.over_capacity_reason == ""
    assert services.occupancy(facility) == 2


def test_victim_cannot_have_two_open_stays(facility: Facility, case: Any, coordinator: Any) -> None:
    services.check_in(facility, case, on=date(2026, 3, 1), actor=coordinator)
    with pytest.raises(services.ShelterError, match="already has an open stay"):
        services.check_in(facility, case, on=date(2026, 3, 2), actor=coordinator)
    services.check_in(
        facility, case, on=date(2026, 3, 2), actor=coordinator, guest="family", family_relationship="mother"
    )


def test_facility_of_another_organisation_is_refused(case: Any, coordinator: Any, org_b: Any) -> None:
    foreign = Facility.objects.create(organisation=org_b, name="Casa B", kind="shelter", capacity=5)
    with pytest.raises(services.ShelterError):
        services.check_in(foreign, case, on=date(2026, 3, 1), actor=coordinator)


def test_check_in_over_http_refused_then_overridden(
    facility: Facility, case: Any, make_case: Any, org_a: Any, coordinator: Any, client_for: Any
) -> None:
    for other in cases(make_case, org_a, coordinator, 2):
        services.check_in(facility, other, on=date(2026, 3, 1), actor=coordinator)
    client = client_for(coordinator)
    url = reverse("shelters:check_in", args=[case.pk])
    post = {"facility": facility.pk, "guest": "victim", "on": "2026-03-02"}
    refused = client.post(url, post, **EN)
    assert refused.status_code == 400
    assert "Casa A is full (2 of 2 places)" in refused.content.decode()
    assert not Stay.objects.filter(case=case).exists()
    accepted = client.post(url, {**post, "override_reason": "Emergencia"}, **EN)
    assert accepted.status_code == 302
    assert Stay.objects.get(case=case).over_capacity_reason == "Emergencia"


def test_address_is_encrypted_at_rest(facility: Facility) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM shelters_facility WHERE id = %s", [facility.pk])
        stored = cursor.fetchone()[0]
    assert "Secreta" not in stored and stored.startswith("fernet:")


@pytest.mark.parametrize(
    ("roles", "status"), [(("shelter_staff",), 200), (("caseworker",), 200), (("coordinator",), 200)]
)
def test_case_stays_for_the_shelter_section_without_address(
    facility: Facility,
    case: Any,
    coordinator: Any,
    make_user: Any,
    org_a: Any,
    client_for: Any,
    roles: tuple[str],
    status: int,
) -> None:
    services.check_in(facility, case, on=date(2026, 3, 1), actor=coordinator)
    user = member(make_user, org_a, case, coordinator, *roles, username=f"{roles[0]}-2")
    response = client_for(user).get(reverse("shelters:case", args=[case.pk]), **EN)
    assert response.status_code == status
    body = response.content.decode()
    assert "Casa A" in body and "Secreta" not in body
    assert AuditEntry.objects.filter(actor=user, case_id=case.pk, action="view", detail__section="shelter").exists()


@pytest.mark.parametrize("roles", [("lawyer",), ("health",), ("field_investigator",)])
def test_case_stays_hidden_from_other_roles(
    case: Any, coordinator: Any, make_user: Any, org_a: Any, client_for: Any, roles: tuple[str]
) -> None:
    user = member(make_user, org_a, case, coordinator, *roles)
    assert client_for(user).get(reverse("shelters:case", args=[case.pk]), **EN).status_code == 404


def test_case_stays_hidden_off_the_team_and_from_other_organisations(
    case: Any, make_user: Any, org_a: Any, org_b: Any, client_for: Any
) -> None:
    assert (
        client_for(make_user(org_a, "shelter_staff")).get(reverse("shelters:case", args=[case.pk])).status_code == 404
    )
    assert client_for(make_user(org_b, "coordinator")).get(reverse("shelters:case", args=[case.pk])).status_code == 404


def test_address_only_for_shelter_staff_and_coordinators(
    facility: Facility, make_user: Any, org_a: Any, org_b: Any, client_for: Any
) -> None:
    staff = client_for(make_user(org_a, "shelter_staff"))
    page = staff.get(reverse("shelters:facility", args=[facility.pk]), **EN)
    assert page.status_code == 200 and ADDRESS in page.content.decode()
    caseworker = client_for(make_user(org_a, "caseworker"))
    assert caseworker.get(reverse("shelters:facility", args=[facility.pk])).status_code == 404
    listing = caseworker.get(reverse("shelters:list"), **EN)
    assert listing.status_code == 200
    assert "Casa A" in listing.content.decode() and "Secreta" not in listing.content.decode()
    assert client_for(make_user(org_a, "lawyer")).get(reverse("shelters:list")).status_code == 404
    assert (
        client_for(make_user(org_b, "coordinator")).get(reverse("shelters:facility", args=[facility.pk])).status_code
        == 404
    )


def test_facility_form_validates_capacity(make_user: Any, org_a: Any, client_for: Any) -> None:
    client = client_for(make_user(org_a, "shelter_staff"))
    response = client.post(
        reverse("shelters:facility_add"), {"name": "Casa C", "kind": "shelter", "capacity": "-1"}, **EN
    )
    assert response.status_code == 400
    assert "Capacity cannot be negative." in response.content.decode()
    ok = client.post(
        reverse("shelters:facility_add"),
        {"name": "Casa C", "kind": "transitional_home", "capacity": "6", "address": "Av. 1", "active": "on"},
    )
    assert ok.status_code == 302
    assert Facility.objects.get(name="Casa C").organisation == org_a
