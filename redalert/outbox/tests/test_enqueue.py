"""Queueing messages: in the caller's transaction, one message per key, one Celery kick per transaction."""

import pytest
from django.db import connection, transaction

from redalert.outbox.enqueue import _kick_celery, enqueue_email
from redalert.outbox.models import OutboundMessage, Status

pytestmark = pytest.mark.django_db


def queue(key="k-1", to="ana@example.org"):
    with transaction.atomic():
        return enqueue_email(to, "New tip for case RBA-2026-0001", "Open http://example.org/cases/1/tips/", key=key)


def test_it_fixes_a_message_id_with_the_key_at_creation():
    message = queue("tip:7:user:3")
    assert message.status == Status.PENDING
    assert message.message_id.startswith("<") and "tip.7.user.3" in message.message_id


def test_the_same_key_queues_one_message():
    first = queue("same")
    second = queue("same")
    assert first.pk == second.pk
    assert OutboundMessage.objects.count() == 1


def test_a_rolled_back_transaction_queues_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_email("ana@example.org", "s", "b", key="rolled-back")
        raise RuntimeError
    assert not OutboundMessage.objects.exists()


def test_one_celery_kick_per_transaction(settings):
    settings.OUTBOX_USE_CELERY = True
    with transaction.atomic():
        for n in range(5):
            enqueue_email("a@example.org", "S", "B", key=f"kick-{n}")
        kicks = [item for item in connection.run_on_commit if item[1] is _kick_celery]
        assert len(kicks) == 1
        connection.run_on_commit.clear()  # do not reach for a broker in this test
