"""Consent in one step (issue 17): the decisions about several purposes given by the same person at the same time
are recorded with one submission, each purpose its own immutable record; all or nothing."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from redalert.consent.choices import Decision, Purpose
from redalert.consent.models import ConsentRecord
from redalert.consent.rules import may_use
from redalert.testing import record_consent

pytestmark = pytest.mark.django_db

FIVE = [Purpose.OPEN_FILE, Purpose.PUBLISH, Purpose.SHARE_AUTHORITIES, Purpose.STATISTICS, Purpose.LEGAL_REPRESENTATION]


def decisions(purposes, **overrides):
    data = {
        "purpose": [str(p) for p in purposes],
        "decision": Decision.GRANTED,
        "given_by_name": "Rosa Hernández Cruz",
        "given_by_relationship": "mother",
        "method": "verbal_witnessed",
        "witness_name": "Lucía Pérez",
        "decided_on": "2026-03-02",
    }
    data.update(overrides)
    return data


def test_five_purposes_in_one_submission_make_five_records_of_the_same_decision(client_for, case, coordinator):
    response = client_for(coordinator).post(reverse("consent:page", args=[case.pk]), decisions(FIVE))
    assert response.status_code == 302
    records = ConsentRecord.objects.filter(case=case)
    assert sorted(r.purpose for r in records) == sorted(FIVE)
    assert {(r.given_by_name, r.given_by_relationship, r.method, r.witness_name, r.decided_on) for r in records} == {
        ("Rosa Hernández Cruz", "mother", "verbal_witnessed", "Lucía Pérez", date(2026, 3, 2))
    }
    assert all(may_use(case, p) for p in FIVE)
    assert not may_use(case, Purpose.SOCIAL_MEDIA)
    assert case.timeline.filter(kind="consent").count() == 5
    # The Legal tab no longer asks for legal representation: it was just recorded.
    legal = client_for(coordinator).get(reverse("legal:case", args=[case.pk]))
    assert 'id="consent-warning"' not in legal.content.decode()


def test_one_signed_form_serves_every_purpose_ticked(client_for, case, coordinator):
    scan = SimpleUploadedFile("form.pdf", b"%PDF-1.4\n%signed\n", content_type="application/pdf")
    data = decisions([Purpose.OPEN_FILE, Purpose.PUBLISH], method="signed_form", witness_name="", form_scan=scan)
    assert client_for(coordinator).post(reverse("consent:page", args=[case.pk]), data).status_code == 302
    names = {r.form_scan.name for r in ConsentRecord.objects.filter(case=case)}
    assert len(names) == 1 and names != {""}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"purpose": []}, "purpose", "Tick at least one purpose."),
        ({"purpose": ["publish", "sell_data"]}, "purpose", "“sell_data” is not one of the purposes."),
        ({"witness_name": ""}, "witness_name", None),
        ({"decided_on": "2099-01-01"}, "decided_on", None),
    ],
)
def test_bad_input_saves_nothing_and_says_why_in_spanish(client_for, case, coordinator, overrides, field, message):
    response = client_for(coordinator).post(
        reverse("consent:page", args=[case.pk]), decisions(FIVE, **overrides), HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "no se guardó" in response.content.decode()  # the banner, in Spanish
    if message:  # the new messages, until the lead adds their Spanish to the central catalogue
        english = client_for(coordinator).post(
            reverse("consent:page", args=[case.pk]), decisions(FIVE, **overrides), HTTP_ACCEPT_LANGUAGE="en"
        )
        assert message in english.content.decode()
    assert not ConsentRecord.objects.exists()


def test_a_refusal_for_one_purpose_saves_none_of_the_others(client_for, case, coordinator):
    record_consent(case, Purpose.PUBLISH, coordinator, Decision.WITHDRAWN, on=date(2026, 6, 1))
    response = client_for(coordinator).post(
        reverse("consent:page", args=[case.pk]), decisions(FIVE, decided_on="2026-03-02"), HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.status_code == 200
    assert "Publicar" in str(response.context["form"].errors["decided_on"])
    assert ConsentRecord.objects.filter(case=case).count() == 1


def test_the_form_is_prefilled_from_the_reporter(client_for, case, coordinator):
    url = reverse("consent:page", args=[case.pk]) + "?purpose=legal_representation"
    form = client_for(coordinator).get(url).context["form"]
    assert form.initial["given_by_name"] == "Rosa Hernández Cruz"
    assert form.initial["given_by_relationship"] == "mother"
    assert form.initial["purpose"] == ["legal_representation"]


def test_other_organisations_and_roles_that_may_not_record_get_404(client_for, case, org_a, org_b, make_user):
    for user in (make_user(org_b, "coordinator"), make_user(org_a, "field_investigator")):
        response = client_for(user).post(reverse("consent:page", args=[case.pk]), decisions(FIVE))
        assert response.status_code == 404
    assert not ConsentRecord.objects.exists()
