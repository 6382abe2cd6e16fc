"""Silence is escalated (Protocolo Alba: 24 h, then 72 h): a reminder, the lawyer and coordinator told, the timeline."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from redalert.alerts.acknowledgement import ack_token, acknowledge
from redalert.alerts.escalation import escalate_due
from redalert.alerts.issuing import issue_alert
from redalert.alerts.models import AlertKind, Delivery, Escalation
from redalert.alerts.tests.conftest import set_consent
from redalert.cases.models import TeamMembership, TimelineEvent
from redalert.outbox.claiming import deliver_due
from redalert.outbox.models import OutboundMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(alert_case, coordinator, directory, make_user, org_a):
    coordinator.email = "coordinadora@rba.example"
    coordinator.save()
    lawyer = make_user(org_a, "lawyer")
    lawyer.email = "abogada@rba.example"
    lawyer.save()
    TeamMembership.objects.create(case=alert_case, user=lawyer, added_by=coordinator)
    return issue_alert(alert_case, by=coordinator, authorities=[directory["fgr"], directory["qro"]])


def test_nothing_happens_before_the_first_deadline(issued):
    assert escalate_due(timezone.now() + timedelta(hours=23)) == []


def test_after_24_hours_the_silent_recipients_are_reminded_and_staff_told(issued, smtp_sink):
    fgr, qro = issued.recipients
    acknowledge(ack_token(qro), name="Lic. Ruiz")
    escalations = escalate_due(timezone.now() + timedelta(hours=25))
    assert [e.recipient for e in escalations] == [fgr]
    assert escalations[0].level == 1 and escalations[0].after_hours == 24
    assert Delivery.objects.filter(recipient=fgr, sequence=1).exists()
    assert not Delivery.objects.filter(recipient=qro, sequence=1).exists()
    assert TimelineEvent.objects.filter(kind="alert", summary_data__event="escalated", summary_data__hours=24).exists()
    deliver_due()
    received = {m["To"]: m for m in smtp_sink.messages}
    reminder = received["fgr@fgr.example"]
    assert "REMINDER (1)" in reminder["Subject"] or "RECORDATORIO (1)" in reminder["Subject"]
    body = reminder.get_body(preferencelist=("plain",)).get_content()
    assert "/alerta/acuse/" in body
    assert {a.get_filename() for a in reminder.iter_attachments()} >= {
        f"red-alert-{issued.alert.case.reference}-1.cap.xml"
    }
    assert "abogada@rba.example" in received and "coordinadora@rba.example" in received
    # the fresh link in the reminder works
    link = body.split("/alerta/acuse/")[1].split("/")[0]
    acknowledge(link, name="Lic. Pérez")


def test_each_deadline_escalates_once_and_then_the_72_hour_one(issued):
    now = timezone.now()
    assert len(escalate_due(now + timedelta(hours=25))) == 2
    assert escalate_due(now + timedelta(hours=30)) == []
    second = escalate_due(now + timedelta(hours=73))
    assert {e.level for e in second} == {2}
    assert escalate_due(now + timedelta(hours=100)) == []
    assert Escalation.objects.count() == 4


def test_the_command_escalates(issued):
    # make the alert look old: the only way to age an immutable row in a test is raw SQL
    from django.db import connection

    from redalert.alerts.models import Alert

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE alerts_alert SET issued_at = %s WHERE id = %s",
            [timezone.now() - timedelta(hours=25), issued.alert.pk],
        )
    call_command("escalate_alerts", verbosity=0)
    assert Escalation.objects.count() == 2
    assert Alert.objects.count() == 1


def test_no_reminder_goes_out_once_consent_is_withdrawn(issued, coordinator):
    set_consent(issued.alert.case, coordinator, decision="withdrawn")
    escalations = escalate_due(timezone.now() + timedelta(hours=25))
    assert escalations and all(not e.reminded for e in escalations)
    assert not Delivery.objects.filter(sequence__gt=0).exists()
    assert OutboundMessage.objects.filter(to="abogada@rba.example").exists()  # staff are still told


def test_a_cancelled_alert_is_not_escalated(issued, coordinator):
    from redalert.cases.lifecycle import TransitionRequest, transition

    case = issued.alert.case
    transition(case, TransitionRequest(to="located_alive"), coordinator)
    case.refresh_from_db()
    issue_alert(case, by=coordinator, kind=AlertKind.CANCEL)
    assert escalate_due(timezone.now() + timedelta(hours=80)) == []
