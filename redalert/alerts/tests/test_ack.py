"""The personal signed acknowledgement link: no account, once, refused when forged, expired or reused."""

from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from redalert.alerts.acknowledgement import AckRefused, ack_token, acknowledge
from redalert.alerts.issuing import issue_alert
from redalert.alerts.models import Acknowledgement
from redalert.alerts.recipient_status import recipient_statuses
from redalert.audit.models import AuditEntry
from redalert.audit.refusals import close_finished_windows
from redalert.cases.models import TimelineEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def recipient(alert_case, coordinator, directory):
    result = issue_alert(alert_case, by=coordinator, authorities=[directory["fgr"], directory["qro"]])
    return result.recipients[0]


def ack_path(token):
    return f"/alerta/acuse/{token}/"


def test_an_authority_acknowledges_without_an_account(client, recipient):
    token = ack_token(recipient)
    page = client.get(ack_path(token), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert b"Acknowledge receipt" in page.content
    assert not Acknowledgement.objects.exists()  # opening the link records nothing (mail scanners open links)
    done = client.post(
        ack_path(token),
        {"name": "Lic. Pérez", "position": "Agente del MP", "action_taken": "search initiated, file FED/ABC/123/2026"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert done.status_code == 200
    ack = Acknowledgement.objects.get(recipient=recipient)
    assert ack.name == "Lic. Pérez" and "FED/ABC/123/2026" in ack.action_taken
    status = {s.recipient.pk: s for s in recipient_statuses(recipient.alert)}[recipient.pk]
    assert status.acknowledgement == ack
    assert TimelineEvent.objects.filter(kind="alert", summary_data__event="acknowledged").exists()


def test_a_reused_link_is_refused(client, recipient):
    token = ack_token(recipient)
    acknowledge(token, name="Lic. Pérez")
    again = client.post(ack_path(token), {"name": "Someone else"}, HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 409
    assert b"already acknowledged" in again.content
    assert Acknowledgement.objects.get().name == "Lic. Pérez"
    with pytest.raises(AckRefused) as refused:
        acknowledge(token, name="x")
    assert refused.value.code == "reused"


def test_a_forged_link_is_refused_and_logged(client, recipient, caplog, settings):
    token = ack_token(recipient)
    other_pk = token.replace(f"{recipient.pk}.", f"{recipient.pk + 1}.", 1)
    for forged in (token[:-2] + "xx", other_pk, "nonsense"):
        response = client.get(ack_path(forged), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 403
        assert b"not valid" in response.content
    # Counted, not written one by one: when the window is over, one audit entry for the address with the count.
    assert not AuditEntry.objects.filter(action="denied").exists()
    close_finished_windows(now=timezone.now() + timedelta(seconds=settings.ALERT_ACK_REFUSAL_WINDOW_SECONDS))
    entry = AuditEntry.objects.get(action="denied")
    assert (entry.detail["what"], entry.detail["key"], entry.detail["count"]) == (
        "alert acknowledgement",
        "127.0.0.1",
        3,
    )
    assert "Acknowledgement link refused (forged)" in caplog.text
    assert not Acknowledgement.objects.exists()


def test_an_expired_link_is_refused(client, recipient, settings):
    token = ack_token(recipient)
    settings.ALERT_ACK_LINK_DAYS = -1  # every link is older than its maximum age
    response = client.post(ack_path(token), {"name": "Lic. Pérez"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 410
    assert b"expired" in response.content
    assert not Acknowledgement.objects.exists()
    close_finished_windows(now=timezone.now() + timedelta(seconds=settings.ALERT_ACK_REFUSAL_WINDOW_SECONDS))
    assert AuditEntry.objects.filter(
        action="denied", detail__reason="expired", detail__count=1, case_id=recipient.alert.case_id
    ).exists()


def test_a_link_signed_with_another_salt_is_refused(recipient):
    token = signing.TimestampSigner().sign(f"{recipient.pk}.{recipient.nonce}")
    with pytest.raises(AckRefused) as refused:
        acknowledge(token, name="x")
    assert refused.value.code == "forged"


def test_the_name_is_required(client, recipient):
    response = client.post(ack_path(ack_token(recipient)), {"name": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert not Acknowledgement.objects.exists()
