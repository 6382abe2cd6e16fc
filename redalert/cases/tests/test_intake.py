"""The intake view: a coordinator records a report; bad input is refused with a message and nothing is saved."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from redalert.audit.models import AuditAction, AuditEntry
from redalert.cases.choices import CaseStatus
from redalert.cases.models import Case, FamilyContact, MissingPerson


def intake_post(places, **overrides):
    data = {
        "report-reported_at": "2026-03-02T10:30",
        "report-report_channel": "family",
        "report-reporter_name": "Rosa Hernández Cruz",
        "report-reporter_relationship": "mother",
        "report-reporter_phone": "442 123 4567",
        "report-last_seen_on": "2026-03-01",
        "report-last_seen_place_0": "",
        "report-last_seen_place_1": str(places["qro_city"].pk),
        "report-circumstances": "Salió a la escuela y no regresó.",
        "person-given_names": "Ana Sofía",
        "person-first_surname": "Martínez",
        "person-second_surname": "Ruiz",
        "person-sex": "female",
        "person-gender": "Feminine",
        "person-birth_date": "2009-07-20",
        "person-indigenous": "unknown",
        "person-nationalities": ["MX"],
        "person-languages": "español, náhuatl",
        "contact-name": "Rosa Hernández Cruz",
        "contact-relationship": "mother",
        "contact-phone": "+52 442 123 4567",
        "contact-address": "Calle Juárez 45, Col. Centro",
    }
    data.update(overrides)
    return data


def test_a_coordinator_records_a_report(client_for, coordinator, places):
    client = client_for(coordinator)
    response = client.post(reverse("cases:intake"), intake_post(places))
    assert response.status_code == 302, response.context and [f.errors for f in response.context.get("forms", [])]
    case = Case.objects.get()
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.status == CaseStatus.REPORTED
    assert case.reporter_phone == "+524421234567"
    assert case.person.full_name == "Ana Sofía Martínez Ruiz"
    assert case.person.nationalities == ["MX"]
    assert case.person.languages == ["spa", "nah"]
    contact = FamilyContact.objects.get(case=case)
    assert contact.phone == "+524421234567"
    assert case.memberships.filter(user=coordinator).exists()
    assert AuditEntry.objects.filter(case_id=case.pk, action=AuditAction.CREATE).exists()


@pytest.mark.parametrize(
    ("overrides", "field_error"),
    [
        ({"report-last_seen_on": (date.today() + timedelta(days=3)).isoformat()}, "last_seen_on"),
        ({"report-last_seen_on": "2005-01-01"}, "last_seen_on"),  # before birth (2009)
        ({"report-last_seen_place_1": "", "report-last_seen_place_0": "Atlantis"}, "last_seen_place"),
        ({"report-reporter_phone": "call me maybe"}, "reporter_phone"),
        ({"person-given_names": ""}, "given_names"),
        ({"person-birth_date": "2030-01-01"}, "birth_date"),
        ({"person-languages": "élfico"}, "languages"),
        ({"report-last_seen_latitude": "95", "report-last_seen_longitude": "10"}, "last_seen_latitude"),
    ],
)
def test_bad_intake_is_refused_with_a_message_and_nothing_is_saved(
    client_for, coordinator, places, overrides, field_error
):
    client = client_for(coordinator)
    response = client.post(reverse("cases:intake"), intake_post(places, **overrides), HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    errors = {**response.context["report_form"].errors, **response.context["person_form"].errors}
    assert field_error in errors, errors
    assert Case.objects.count() == 0
    assert MissingPerson.objects.count() == 0
    assert FamilyContact.objects.count() == 0
    assert "no se guardó" in response.content.decode()


def test_place_typed_without_javascript_is_resolved(client_for, coordinator, places):
    client = client_for(coordinator)
    data = intake_post(
        places, **{"report-last_seen_place_1": "", "report-last_seen_place_0": "tlaxcala de xicohtencatl"}
    )
    assert client.post(reverse("cases:intake"), data).status_code == 302
    assert Case.objects.get().last_seen_place == places["tlax_city"]


def test_last_seen_in_the_future_is_refused_even_by_one_day(client_for, coordinator, places):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client_for(coordinator).post(
        reverse("cases:intake"), intake_post(places, **{"report-last_seen_on": tomorrow})
    )
    assert "last_seen_on" in response.context["report_form"].errors
