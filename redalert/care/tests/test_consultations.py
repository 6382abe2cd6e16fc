"""Survivors' voice: consultations and the average satisfaction per service and quarter."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from redalert.care.models import Consultation, ServiceFeedback, quarter_of
from redalert.care.services import feedback_summary
from redalert.care.tests.helpers import EN

pytestmark = pytest.mark.django_db


def test_quarter_of() -> None:
    assert [quarter_of(date(2026, m, 1)) for m in (1, 3, 4, 6, 7, 12)] == [
        "2026-Q1",
        "2026-Q1",
        "2026-Q2",
        "2026-Q2",
        "2026-Q3",
        "2026-Q4",
    ]


def test_summary_averages_per_service_and_quarter(org_a: Any, org_b: Any, coordinator: Any, make_user: Any) -> None:
    q1 = Consultation.objects.create(
        organisation=org_a, held_on=date(2026, 3, 20), participants=9, recorded_by=coordinator
    )
    q2 = Consultation.objects.create(organisation=org_a, held_on=date(2026, 6, 19), recorded_by=coordinator)
    for satisfaction in (4, 5, None):
        ServiceFeedback.objects.create(consultation=q1, service_type="psychological", satisfaction=satisfaction)
    ServiceFeedback.objects.create(consultation=q1, service_type="medical", satisfaction=2)
    ServiceFeedback.objects.create(consultation=q2, service_type="psychological", satisfaction=3)
    ServiceFeedback.objects.create(consultation=q2, service_type="education", satisfaction=None, comment="No opinó")
    other = Consultation.objects.create(
        organisation=org_b, held_on=date(2026, 3, 1), recorded_by=make_user(org_b, "coordinator")
    )
    ServiceFeedback.objects.create(consultation=other, service_type="medical", satisfaction=5)

    cells = {(c.quarter, c.service_type): c for c in feedback_summary(org_a)}
    assert cells[("2026-Q1", "psychological")].average == Decimal("4.5")
    assert (cells[("2026-Q1", "psychological")].rated, cells[("2026-Q1", "psychological")].unknown) == (2, 1)
    assert cells[("2026-Q1", "medical")].average == Decimal("2.0")
    assert cells[("2026-Q2", "psychological")].average == Decimal("3.0")
    assert cells[("2026-Q2", "education")].average is None  # no data, not zero
    assert len(cells) == 4


def test_record_consultation_and_feedback(coordinator: Any, client_for: Any) -> None:
    client = client_for(coordinator)
    response = client.post(reverse("care:consultations"), {"held_on": "2026-03-20", "participants": "7"}, **EN)
    consultation = Consultation.objects.get()
    assert response.status_code == 302
    bad = client.post(
        reverse("care:consultation", args=[consultation.pk]),
        {"service_type": "medical", "satisfaction": "6"},
        **EN,
    )
    assert bad.status_code == 400
    assert "Satisfaction goes from 1 (very bad) to 5 (very good)." in bad.content.decode()
    ok = client.post(
        reverse("care:consultation", args=[consultation.pk]),
        {"service_type": "medical", "satisfaction": "", "comment": "Nos trataron bien"},
        **EN,
    )
    assert ok.status_code == 302
    feedback = ServiceFeedback.objects.get()
    assert feedback.satisfaction is None and feedback.comment == "Nos trataron bien"
    summary = client.get(reverse("care:consultation_summary"), **EN)
    assert summary.status_code == 200 and "2026-Q1" in summary.content.decode()


def test_consultations_are_per_organisation_and_role(
    org_a: Any, org_b: Any, coordinator: Any, make_user: Any, client_for: Any
) -> None:
    consultation = Consultation.objects.create(organisation=org_a, held_on=date(2026, 3, 20), recorded_by=coordinator)
    stranger = make_user(org_b, "coordinator")
    assert client_for(stranger).get(reverse("care:consultation", args=[consultation.pk])).status_code == 404
    investigator = make_user(org_a, "field_investigator")
    assert client_for(investigator).get(reverse("care:consultations")).status_code == 404
