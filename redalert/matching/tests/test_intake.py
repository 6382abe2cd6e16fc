"""The intake check without JavaScript (a step before saving), as she types (the partial), adding the report to
the existing case, opening a new case with a reason, and who may see what."""

from __future__ import annotations

import pytest
from django.urls import reverse

from redalert.audit.models import AuditAction, AuditEntry
from redalert.cases.models import Case, TimelineEvent, TimelineKind
from redalert.cases.tests.test_intake import intake_post
from redalert.matching.models import AdditionalReport, IntakeDecision

pytestmark = pytest.mark.django_db


def aunt_reports(places, **overrides):
    """The aunt's report of the girl the mother already reported (make_case's María Fernanda López Hernández)."""
    values = {
        "report-reporter_name": "Juana Hernández",
        "report-reporter_relationship": "other_relative",
        "report-reporter_phone": "442 765 4321",
        "report-circumstances": "La vieron subir a una camioneta gris.",
        "person-given_names": "Maria Fernanda",
        "person-first_surname": "Hernandez",
        "person-second_surname": "Lopez",
        "person-birth_date": "",
        "person-estimated_age": "17",
    }
    values.update(overrides)
    return intake_post(places, **values)


def test_without_javascript_the_intake_stops_at_a_check_step_and_saves_nothing(client_for, coordinator, case, places):
    response = client_for(coordinator).post(reverse("cases:intake"), aunt_reports(places))
    assert response.status_code == 200
    assert Case.objects.count() == 1
    page = response.content.decode()
    assert case.reference in page
    assert "Añadir este reporte a este expediente" in page
    shown = response.context["duplicates"]
    assert [s.case_id for s in shown] == [case.pk]
    assert AuditEntry.objects.filter(case_id=case.pk, action=AuditAction.VIEW).exists()


def test_adding_the_report_to_the_existing_case(client_for, coordinator, case, places):
    response = client_for(coordinator).post(reverse("matching:add_report", args=[case.pk]), aunt_reports(places))
    assert response.status_code == 302
    assert Case.objects.count() == 1
    report = AdditionalReport.objects.get(case=case)
    assert report.reporter_name == "Juana Hernández"
    assert report.reporter_phone == "+524427654321"
    assert report.narrative.startswith("La vieron")
    assert report.score and report.score > 0.8
    assert TimelineEvent.objects.filter(
        case=case, kind=TimelineKind.REPORTED, summary_data__additional_report=report.pk
    )
    assert AuditEntry.objects.filter(case_id=case.pk, action=AuditAction.CREATE, object_type__contains="report")
    detail = client_for(coordinator).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Juana Hernández" in detail


def test_a_new_case_needs_a_reason_which_is_stored(client_for, coordinator, case, places):
    client = client_for(coordinator)
    no_reason = client.post(reverse("cases:intake"), aunt_reports(places, duplicate_decision="new"))
    assert no_reason.status_code == 200 and Case.objects.count() == 1
    response = client.post(
        reverse("cases:intake"),
        aunt_reports(places, duplicate_decision="new", duplicate_reason="Es su prima, del mismo nombre."),
    )
    assert response.status_code == 302
    new = Case.objects.exclude(pk=case.pk).get()
    decision = IntakeDecision.objects.get(case=new)
    assert decision.reason == "Es su prima, del mismo nombre."
    assert decision.candidate_case_ids == [case.pk]
    assert AuditEntry.objects.filter(case_id=new.pk, detail__new_case_despite=[case.pk]).exists()


def test_someone_else_goes_straight_through(client_for, coordinator, case, places):
    response = client_for(coordinator).post(reverse("cases:intake"), intake_post(places))
    assert response.status_code == 302


def test_the_partial_as_she_types(client_for, coordinator, case, places):
    typed = {"person-given_names": "Mafer", "person-first_surname": "López", "report-last_seen_on": "2026-03-01"}
    response = client_for(coordinator).post(reverse("matching:intake_check"), typed)
    assert response.status_code == 200
    typed["person-given_names"] = "María Fernanda"
    response = client_for(coordinator).post(reverse("matching:intake_check"), typed)
    assert case.reference in response.content.decode()


def test_another_organisation_never_sees_the_case_and_may_not_add_to_it(client_for, case, org_b, make_user, places):
    other = make_user(org_b, "coordinator")
    response = client_for(other).post(reverse("cases:intake"), aunt_reports(places, **{"report-reporter_phone": ""}))
    assert response.status_code == 302  # nothing to check against: her organisation has no such case
    assert (
        case.reference
        not in client_for(other).post(reverse("matching:intake_check"), aunt_reports(places)).content.decode()
    )
    assert (
        client_for(other).post(reverse("matching:add_report", args=[case.pk]), aunt_reports(places)).status_code == 404
    )
    assert not AdditionalReport.objects.exists()


def test_a_role_that_cannot_open_cases_gets_a_404(client_for, org_a, case, make_user, places):
    analyst = make_user(org_a, "analyst")
    assert client_for(analyst).post(reverse("matching:intake_check"), aunt_reports(places)).status_code == 404
    assert (
        client_for(analyst).post(reverse("matching:add_report", args=[case.pk]), aunt_reports(places)).status_code
        == 404
    )


def test_a_caseworker_off_the_team_sees_the_case_but_may_not_add_to_it(client_for, org_a, case, make_user, places):
    caseworker = make_user(org_a, "caseworker")
    response = client_for(caseworker).post(reverse("cases:intake"), aunt_reports(places))
    assert response.status_code == 200
    assert f"matching/{case.pk}/add-report/" not in response.content.decode()
    assert (
        client_for(caseworker).post(reverse("matching:add_report", args=[case.pk]), aunt_reports(places)).status_code
        == 404
    )
