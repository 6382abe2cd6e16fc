"""The Red Alert on Celery: a real worker on Redis (db 10, a queue of its own) sends what issuing queued."""

import socket
import time
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from redalert.alerts.issuing import issue_alert
from redalert.celery import app
from redalert.outbox.models import OutboundMessage, Status
from redalert.outbox.testing import celery_broker

REDIS_URL = "redis://127.0.0.1:6379/10"


def redis_is_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.django_db
def test_the_escalation_task_runs_escalate_due(alert_case, coordinator, directory, monkeypatch):
    from redalert.alerts import escalation
    from redalert.alerts.tasks import ESCALATE_ALERTS, escalate_alerts

    issue_alert(alert_case, by=coordinator, authorities=[directory["fgr"]])
    later = timezone.now() + timedelta(hours=25)
    original = escalation.escalate_due
    monkeypatch.setattr(escalation, "escalate_due", lambda now=None: original(later))
    assert escalate_alerts.name == ESCALATE_ALERTS
    assert escalate_alerts() == 1


@pytest.mark.skipif(not redis_is_up(), reason="Redis is not listening on 127.0.0.1:6379")
@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_delivers_an_alert_by_email_and_webhook(
    alert_case, coordinator, make_authority, directory, smtp_sink, webhook_receiver, settings
):
    from celery.contrib.testing.worker import start_worker

    import redalert.outbox.tasks  # noqa: F401 (registers the task with the app)

    hook = make_authority("Webhook FGR", contacts=(("webhook", webhook_receiver.url("/hook")),))
    queue_name = f"redalert-alerts-test-{uuid.uuid4().hex[:8]}"
    settings.OUTBOX_USE_CELERY = True
    worker = start_worker(app, pool="solo", perform_ping_check=False, queues=[queue_name], shutdown_timeout=10)
    with celery_broker(app, REDIS_URL, queue_name), worker:
        result = issue_alert(alert_case, by=coordinator, authorities=[directory["fgr"], directory["qro"], hook])
        messages = OutboundMessage.objects.filter(alert_delivery__recipient__alert=result.alert)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and messages.exclude(status=Status.SENT).exists():
            time.sleep(0.1)
    assert set(messages.values_list("status", flat=True)) == {Status.SENT}
    assert sorted(m["To"] for m in smtp_sink.messages) == ["fgr@fgr.example", "fiscalia@qro.example"]
    assert webhook_receiver.keys() == [messages.get(channel="webhook").idempotency_key]
