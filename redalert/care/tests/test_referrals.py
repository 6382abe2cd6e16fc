"""Referrals to and from partner organisations: only with consent to referral; a referred case shows who holds it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from redalert.accounts.models import Organisation
from redalert.care import services
from redalert.care.models import Referral
from redalert.care.tests.helpers import EN, Purpose, grant, member, withdraw

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(db: Any) -> Organisation:
    return Organisation.objects.create(name="Casa Refugio Esperanza", code="CRE", country="MX", kind="NGO")


def test_referral_needs_consent(case: Any, coordinator: Any, partner: Organisation) -> None:
    with pytest.raises(services.CareError, match="There is no consent recorded"):
        services.refer(case, partner=partner, reason="Albergue", on=date(2026, 3, 5), actor=coordinator)
    grant(case, Purpose.REFERRAL, coordinator)
    referral = services.refer(case, partner=partner, reason="Albergue", on=date(2026, 3, 5), actor=coordinator)
    assert referral.status == "pending"
    withdraw(case, Purpose.REFERRAL, coordinator)
    with pytest.raises(services.CareError, match="withdrawn"):
        services.refer(case, partner=partner, reason="Otra", on=date(2026, 3, 12), actor=coordinator)
    assert Referral.objects.count() == 1


def test_other_consents_do_not_allow_referral(case: Any, coordinator: Any, partner: Organisation) -> None:
    grant(case, Purpose.LEGAL_REPRESENTATION, coordinator)
    with pytest.raises(services.CareError):
        services.refer(case, partner=partner, reason="x", on=date(2026, 3, 5), actor=coordinator)


def test_refused_over_http_with_a_clear_message(
    case: Any, coordinator: Any, partner: Organisation, client_for: Any
) -> None:
    response = client_for(coordinator).post(
        reverse("care:referral_add", args=[case.pk]),
        {"direction": "outgoing", "partner": partner.pk, "reason": "Albergue", "referred_on": "2026-03-05"},
        **EN,
    )
    assert response.status_code == 400
    assert "A case is referred only with the consent to referral." in response.content.decode()
    assert not Referral.objects.exists()


def test_status_flow_and_holder(case: Any, coordinator: Any, partner: Organisation, client_for: Any) -> None:
    grant(case, Purpose.REFERRAL, coordinator)
    client = client_for(coordinator)
    response = client.post(
        reverse("care:referral_add", args=[case.pk]),
        {"direction": "outgoing", "partner": partner.pk, "reason": "Albergue", "referred_on": "2026-03-05"},
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert services.current_holder(case).organisation == case.organisation
    with pytest.raises(services.CareError):
        services.set_referral_status(referral, "completed", on=date(2026, 3, 6), actor=coordinator)
    client.post(
        reverse("care:referral_status", args=[case.pk, referral.pk]), {"status": "accepted", "on": "2026-03-07"}
    )
    referral.refresh_from_db()
    assert referral.status == "accepted"
    holder = services.current_holder(case)
    assert holder.organisation == partner and holder.since == date(2026, 3, 7)
    page = client.get(reverse("care:case", args=[case.pk]), **EN).content.decode()
    assert "Held by" in page and "Casa Refugio Esperanza" in page
    services.set_referral_status(referral, "completed", on=date(2026, 5, 1), actor=coordinator)
    assert services.current_holder(case).organisation == case.organisation


def test_cannot_refer_to_own_organisation(case: Any, coordinator: Any) -> None:
    grant(case, Purpose.REFERRAL, coordinator)
    with pytest.raises(services.CareError, match="own organisation"):
        services.refer(case, partner=case.organisation, reason="x", on=date(2026, 3, 5), actor=coordinator)


def test_health_staff_cannot_refer(
    case: Any, coordinator: Any, partner: Organisation, make_user: Any, org_a: Any, client_for: Any
) -> None:
    grant(case, Purpose.REFERRAL, coordinator)
    health = member(make_user, org_a, case, coordinator, "health")
    response = client_for(health).post(
        reverse("care:referral_add", args=[case.pk]),
        {"direction": "outgoing", "partner": partner.pk, "reason": "Albergue", "referred_on": "2026-03-05"},
    )
    assert response.status_code == 404
    assert not Referral.objects.exists()
