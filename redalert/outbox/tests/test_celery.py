"""The Celery side: the app configures itself from Django settings, and a real worker on Redis drains the outbox."""

import socket
import time
import uuid

import pytest
from django.db import transaction

from redalert.celery import DELIVER_OUTBOX, app
from redalert.outbox.enqueue import enqueue_email
from redalert.outbox.models import OutboundMessage, Status
from redalert.outbox.testing import celery_broker

REDIS_URL = "redis://127.0.0.1:6379/9"


def redis_is_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def test_the_app_reads_celery_settings_and_schedules_the_outbox(settings):
    assert app.conf.broker_url == settings.CELERY_BROKER_URL
    assert app.conf.task_acks_late is True
    assert app.conf.worker_prefetch_multiplier == 1
    app.loader.import_default_modules()
    assert DELIVER_OUTBOX in app.tasks
    assert any(entry["task"] == DELIVER_OUTBOX for entry in app.conf.beat_schedule.values())


@pytest.mark.django_db
def test_the_task_delivers_due_messages_in_process(smtp_sink):
    from redalert.outbox.tasks import deliver_outbox

    with transaction.atomic():
        enqueue_email("ana@example.org", "Subject", "Body", key="in-process")
    assert deliver_outbox() == 1
    assert len(smtp_sink.messages) == 1


@pytest.mark.skipif(not redis_is_up(), reason="Redis is not listening on 127.0.0.1:6379")
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_redis_sends_what_enqueue_kicked(smtp_sink, settings):
    from celery.contrib.testing.worker import start_worker

    from redalert.outbox.tasks import deliver_outbox

    queue_name = f"redalert-test-{uuid.uuid4().hex[:8]}"
    settings.OUTBOX_USE_CELERY = True
    worker = start_worker(app, pool="solo", perform_ping_check=False, queues=[queue_name], shutdown_timeout=10)
    with celery_broker(app, REDIS_URL, queue_name), worker:
        assert deliver_outbox.name == DELIVER_OUTBOX
        with transaction.atomic():  # the task is sent on commit
            message = enqueue_email("ana@example.org", "Subject", "Body", key="via-celery")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            message.refresh_from_db()
            if message.status == Status.SENT:
                break
            time.sleep(0.1)
    assert message.status == Status.SENT
    assert [m["Message-ID"].strip() for m in smtp_sink.messages] == [message.message_id]
    assert OutboundMessage.objects.count() == 1
