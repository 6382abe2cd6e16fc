"""Refused acknowledgement links are counted per link and per address in windows, not written one audit row each,
and an address that keeps being refused gets 429 until the window ends."""

from datetime import timedelta

import pytest
from django.utils import timezone

from redalert.alerts.acknowledgement import ack_token, acknowledge
from redalert.alerts.issuing import issue_alert
from redalert.alerts.models import Acknowledgement
from redalert.audit.models import AuditEntry, RefusalWindow
from redalert.audit.refusals import close_finished_windows

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.9"
AUTHORITY = "198.51.100.7"


@pytest.fixture
def recipients(alert_case, coordinator, directory):
    return issue_alert(alert_case, by=coordinator, authorities=[directory["fgr"], directory["qro"]]).recipients


def ack_path(token):
    return f"/alerta/acuse/{token}/"


def after_the_window(settings):
    return timezone.now() + timedelta(seconds=settings.ALERT_ACK_REFUSAL_WINDOW_SECONDS)


def test_200_forged_requests_write_at_most_two_audit_rows_and_are_throttled(client, recipients, settings):
    valid = ack_token(recipients[0])
    before = AuditEntry.objects.count()
    statuses = [
        client.get(ack_path(f"{valid[:-6]}{i:06d}"), REMOTE_ADDR=ATTACKER, HTTP_ACCEPT_LANGUAGE="en").status_code
        for i in range(200)
    ]
    limit = settings.ALERT_ACK_REFUSALS_PER_WINDOW
    assert statuses[:limit] == [403] * limit
    assert set(statuses[limit:]) == {429}
    close_finished_windows(now=after_the_window(settings))
    written = AuditEntry.objects.filter(id__gt=0).count() - before
    assert 1 <= written <= 2
    counted = AuditEntry.objects.filter(action="denied", detail__key=ATTACKER).get()
    assert counted.detail["count"] == 200
    assert RefusalWindow.objects.filter(key=ATTACKER).count() <= 2


def test_the_429_page_is_clear_and_in_the_readers_language(client, recipients, settings):
    settings.ALERT_ACK_REFUSALS_PER_WINDOW = 2
    for _ in range(2):
        client.get(ack_path("forged"), REMOTE_ADDR=ATTACKER)
    english = client.get(ack_path("forged"), REMOTE_ADDR=ATTACKER, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 429
    assert b"Too many invalid acknowledgement attempts" in english.content
    spanish = client.get(ack_path(ack_token(recipients[0])), REMOTE_ADDR=ATTACKER, HTTP_ACCEPT_LANGUAGE="es")
    assert spanish.status_code == 429  # even a valid link, from this address, until the window ends
    assert b"Demasiados intentos" in spanish.content


def test_a_valid_link_still_works_from_another_address(client, recipients, settings):
    for i in range(settings.ALERT_ACK_REFUSALS_PER_WINDOW + 5):
        client.get(ack_path(f"forged-{i}"), REMOTE_ADDR=ATTACKER)
    assert client.get(ack_path("forged"), REMOTE_ADDR=ATTACKER).status_code == 429
    token = ack_token(recipients[0])
    assert client.get(ack_path(token), REMOTE_ADDR=AUTHORITY).status_code == 200
    done = client.post(ack_path(token), {"name": "Lic. Pérez"}, REMOTE_ADDR=AUTHORITY)
    assert done.status_code == 200
    assert Acknowledgement.objects.get().recipient == recipients[0]


def test_an_authority_reopening_her_used_link_is_told_and_not_counted_as_a_refusal(client, recipients, settings):
    token = ack_token(recipients[1])
    acknowledge(token, name="Lic. Pérez")
    for _ in range(3):
        again = client.get(ack_path(token), REMOTE_ADDR=AUTHORITY, HTTP_ACCEPT_LANGUAGE="es")
        assert again.status_code == 200
        assert "Lic. Pérez ya acusó recibo de esta alerta el" in again.content.decode()
    close_finished_windows(now=after_the_window(settings))
    assert not AuditEntry.objects.filter(action="denied").exists()


def test_a_reused_link_is_counted_per_link_and_per_address(client, recipients, settings):
    token = ack_token(recipients[1])
    acknowledge(token, name="Lic. Pérez")
    for _ in range(5):
        assert client.post(ack_path(token), {"name": "Otra"}, REMOTE_ADDR=ATTACKER).status_code == 409
    assert not AuditEntry.objects.filter(action="denied").exists()
    close_finished_windows(now=after_the_window(settings))
    entries = AuditEntry.objects.filter(action="denied").order_by("id")
    assert sorted(e.detail["scope"] for e in entries) == ["alert-ack-address", "alert-ack-link"]
    link = entries.get(detail__scope="alert-ack-link")
    assert (link.detail["count"], link.detail["reason"], link.case_id) == (5, "reused", recipients[1].alert.case_id)
    assert close_finished_windows(now=after_the_window(settings)) == 0  # once per window
