"""Consent: one record per decision and purpose, withdrawal as history, and the rule every feature asks."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from redalert.cases.models import Case
from redalert.consent.choices import Decision, Purpose
from redalert.consent.models import ConsentRecord
from redalert.consent.rules import cases_consenting_to, current_consents, may_use, rebuild_current_consents
from redalert.testing import record_consent, write_consent_past_the_services


def post_decision(client, case, **overrides):
    data = {
        "purpose": Purpose.PUBLISH,
        "decision": Decision.GRANTED,
        "given_by_name": "Rosa Hernández Cruz",
        "given_by_relationship": "mother",
        "method": "verbal_witnessed",
        "witness_name": "Lucía Pérez",
        "decided_on": "2026-03-02",
    }
    data.update(overrides)
    return client.post(reverse("consent:page", args=[case.pk]), data)


def test_nothing_is_allowed_before_consent_is_recorded(case):
    for purpose in Purpose:
        verdict = may_use(case, purpose)
        assert not verdict and verdict.reason


def test_grant_then_withdrawal_is_kept_as_history(client_for, case, coordinator):
    client = client_for(coordinator)
    assert post_decision(client, case).status_code == 302
    assert may_use(case, Purpose.PUBLISH)
    assert case in cases_consenting_to(type(case).objects.all(), Purpose.PUBLISH)
    assert post_decision(client, case, decision=Decision.WITHDRAWN, decided_on="2026-04-01").status_code == 302
    verdict = may_use(case, Purpose.PUBLISH)
    assert not verdict
    assert case not in cases_consenting_to(type(case).objects.all(), Purpose.PUBLISH)
    assert ConsentRecord.objects.filter(case=case, purpose=Purpose.PUBLISH).count() == 2
    assert current_consents(case)[Purpose.PUBLISH].decision == Decision.WITHDRAWN
    assert case.timeline.filter(kind="consent").count() == 2


def test_consent_records_cannot_be_rewritten(case, coordinator):
    record = ConsentRecord.objects.create(
        case=case,
        purpose=Purpose.OPEN_FILE,
        decision=Decision.GRANTED,
        given_by_name="María Fernanda López Hernández",
        given_by_relationship="self",
        method="verbal_witnessed",
        witness_name="Lucía Pérez",
        decided_on=date(2026, 3, 2),
        recorded_by=coordinator,
    )
    record.decision = Decision.WITHDRAWN
    with pytest.raises(PermissionError):
        record.save()


def test_one_purpose_does_not_grant_another(client_for, case, coordinator):
    post_decision(client_for(coordinator), case, purpose=Purpose.OPEN_FILE)
    assert may_use(case, Purpose.OPEN_FILE)
    assert not may_use(case, Purpose.PUBLISH)
    assert not may_use(case, Purpose.SHARE_AUTHORITIES)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"witness_name": ""}, "witness_name"),
        ({"method": "signed_form", "witness_name": ""}, "form_scan"),
        ({"decided_on": "2099-01-01"}, "decided_on"),
        ({"purpose": "sell_data"}, "purpose"),
    ],
)
def test_incomplete_decisions_are_refused(client_for, case, coordinator, overrides, field):
    response = post_decision(client_for(coordinator), case, **overrides)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not ConsentRecord.objects.exists()


def test_signed_form_scan_must_be_a_document(client_for, case, coordinator):
    client = client_for(coordinator)
    bad = SimpleUploadedFile("form.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = post_decision(client, case, method="signed_form", witness_name="", form_scan=bad)
    assert "form_scan" in response.context["form"].errors
    good = SimpleUploadedFile("form.pdf", b"%PDF-1.4\n%fake but well-formed header\n", content_type="application/pdf")
    assert post_decision(client, case, method="signed_form", witness_name="", form_scan=good).status_code == 302
    record = ConsentRecord.objects.get()
    download = client.get(reverse("consent:scan", args=[case.pk, record.pk]))
    assert download.status_code == 200


def test_only_coordinators_and_the_team_record_consent(client_for, case, org_a, make_user):
    investigator = make_user(org_a, "field_investigator")
    client = client_for(investigator)
    assert client.get(reverse("consent:page", args=[case.pk])).status_code == 200
    assert post_decision(client, case).status_code == 404
    assert not ConsentRecord.objects.exists()


def test_a_decision_recorded_past_the_services_fails_closed_until_the_rebuild(make_case, org_a, coordinator):
    """The set-based rule never trusts a CurrentConsent row that a newer record contradicts."""
    case = make_case(org_a, coordinator)
    record_consent(case, Purpose.PUBLISH, coordinator)
    cases = Case.objects.filter(pk=case.pk)
    assert list(cases_consenting_to(cases, Purpose.PUBLISH)) == [case]
    # a grant again, but written past record_decision: nothing followed it
    write_consent_past_the_services(case, Purpose.PUBLISH, coordinator, on=date(2026, 3, 3))
    assert not cases_consenting_to(cases, Purpose.PUBLISH).exists()
    assert rebuild_current_consents([case.pk]) == 1
    assert list(cases_consenting_to(cases, Purpose.PUBLISH)) == [case]
