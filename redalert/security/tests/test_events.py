"""Security events: refusals of case ids, second-factor failures, the events page and the batched digest."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction, AuditEntry
from redalert.outbox.models import OutboundMessage
from redalert.security.digest import send_digests
from redalert.security.events import record_security_event
from redalert.security.models import EventKind, SecurityEvent


@pytest.fixture
def admin_a(org_a, make_user):
    user = make_user(org_a, "administrator", username="admin-a")
    user.email = "admin-a@example.org"
    user.save()
    return user


@pytest.fixture
def coordinator_a(org_a, make_user):
    user = make_user(org_a, "coordinator", username="coord-a")
    user.email = "coord-a@example.org"
    user.save()
    return user


def test_refused_ids_of_another_organisation_are_recorded_and_a_burst_is_alerted(
    org_a, org_b, make_user, make_case, client_for, admin_a, coordinator_a
):
    other = make_user(org_b, "coordinator", username="coord-b")
    their_case = make_case(org_b, other)
    prober = make_user(org_a, "caseworker", username="prober")
    client = client_for(prober)
    assert client.get(reverse("cases:detail", args=[their_case.pk])).status_code == 404
    event = SecurityEvent.objects.get(kind=EventKind.ACCESS_REFUSED, actor=prober)
    assert event.detail["reason"] == "other_organisation" and event.organisation == org_a
    assert AuditEntry.objects.filter(
        actor=prober, action=AuditAction.DENIED, detail__security="access_refused"
    ).exists()
    for pk in range(their_case.pk + 1000, their_case.pk + 1019):
        client.get(reverse("cases:detail", args=[pk]))
    assert SecurityEvent.objects.filter(kind=EventKind.REFUSAL_BURST, actor=prober).count() == 1
    # The coordinators and administrators of the prober's organisation get one summary: counts, no case data.
    assert send_digests() == 1
    sent = OutboundMessage.objects.filter(to__in=["admin-a@example.org", "coord-a@example.org"])
    assert sent.count() == 2
    assert their_case.reference not in sent.first().body and "/cases/" not in sent.first().body


def test_the_digest_is_sent_at_most_every_fifteen_minutes(org_a, admin_a, coordinator_a):
    record_security_event(EventKind.ROLE_GRANTED, actor=admin_a, subject=coordinator_a, detail={"role": "lawyer"})
    record_security_event(EventKind.SECOND_FACTOR_RESET, actor=admin_a, subject=coordinator_a)
    call_command("send_security_digest")
    assert OutboundMessage.objects.count() == 2
    body = OutboundMessage.objects.get(to="coord-a@example.org").body
    assert "1" in body and "Rol" in body  # Spanish first
    record_security_event(EventKind.SECOND_FACTOR_RESET, actor=admin_a, subject=coordinator_a)
    assert send_digests() == 0  # too soon: waits for the interval
    assert send_digests(timezone.now() + timedelta(minutes=16)) == 1
    assert OutboundMessage.objects.count() == 4
    assert send_digests(timezone.now() + timedelta(minutes=40)) == 0  # nothing new


def test_failed_sign_ins_are_not_alerted_but_lockouts_are(org_a, make_user, admin_a):
    make_user(org_a, "caseworker", username="ana")
    for i in range(10):
        Client(REMOTE_ADDR=f"10.9.0.{i}").post(reverse("accounts:login"), {"username": "ana", "password": "x"})
    assert send_digests() == 1
    assert OutboundMessage.objects.filter(to="admin-a@example.org").count() == 1


def test_a_wrong_second_factor_code_is_a_security_event(org_a, make_user, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = make_user(org_a, "caseworker", username="bea")
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = Client()
    client.force_login(user)
    assert client.post(reverse("accounts:verify"), {"token": "123456"}).status_code == 200
    assert SecurityEvent.objects.filter(kind=EventKind.SECOND_FACTOR_FAILED, actor=user).count() == 1
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED, detail__security="second_factor_failed").exists()


def test_the_events_page_is_for_the_organisations_administrators(org_a, org_b, make_user, client_for, admin_a):
    member = make_user(org_a, "caseworker", username="carla")
    for _ in range(55):
        record_security_event(EventKind.ROLE_REVOKED, actor=admin_a, subject=member, detail={"role": "lawyer"})
    record_security_event(EventKind.EXPORT, actor=make_user(org_b, "caseworker", username="other"))
    audit_record(member, AuditAction.EXPORT, detail={"format": "xlsx"})
    page = client_for(admin_a).get(reverse("security:events"))
    assert [entry.actor for entry in page.context["exports"]] == [member]
    assert page.status_code == 200
    assert len(page.context["page"].object_list) == 50
    assert all(event.organisation_id == org_a.pk for event in page.context["page"].object_list)
    assert "Eventos de seguridad" in page.content.decode()
    assert client_for(admin_a).get(reverse("security:events") + "?page=2").context["page"].object_list.__len__() == 5
    assert client_for(admin_a).get(reverse("security:events") + "?page=zz").status_code == 200
    assert client_for(member).get(reverse("security:events")).status_code == 404
    assert (
        client_for(make_user(org_a, "coordinator", username="coord")).get(reverse("security:events")).status_code == 404
    )
