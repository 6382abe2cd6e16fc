"""The claim-and-retry loop: claims, sends once, retries with backoff, reclaims stuck rows, gates."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from redalert.outbox import gates
from redalert.outbox.claiming import claim, deliver, deliver_due, retry_delay
from redalert.outbox.enqueue import enqueue_email
from redalert.outbox.models import DeliveryAttempt, OutboundMessage, Outcome, Status

pytestmark = pytest.mark.django_db


def queue(key="k-1", to="ana@example.org"):
    with transaction.atomic():
        return enqueue_email(to, "New tip for case RBA-2026-0001", "Open http://example.org/cases/1/tips/", key=key)


def test_it_delivers_to_a_real_smtp_server_exactly_once(smtp_sink):
    message = queue()
    assert deliver_due() == 1
    assert deliver_due() == 0
    assert len(smtp_sink.messages) == 1
    received = smtp_sink.messages[0]
    assert received["Message-ID"].strip() == message.message_id
    assert received["To"] == "ana@example.org"
    assert received["Subject"] == "New tip for case RBA-2026-0001"
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.sent_at is not None
    assert message.attempts == 1
    assert list(message.attempt_log.values_list("outcome", flat=True)) == [Outcome.SENT]


def test_a_failing_server_leads_to_retries_then_failure(smtp_down, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    message = queue()
    assert deliver_due() == 1
    message.refresh_from_db()
    assert message.status == Status.PENDING
    assert message.attempts == 1
    assert message.last_error
    assert timedelta(seconds=55) < message.next_attempt_at - timezone.now() <= timedelta(seconds=60)
    assert deliver_due() == 0  # not due yet

    for expected_attempts in (2, 3):
        OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        assert deliver_due() == 1
        message.refresh_from_db()
        assert message.attempts == expected_attempts
    assert message.status == Status.FAILED
    assert "Error" in message.last_error or "refused" in message.last_error.lower()
    outcomes = list(message.attempt_log.values_list("outcome", flat=True))
    assert outcomes == [Outcome.RETRY, Outcome.RETRY, Outcome.FAILED]


def test_backoff_doubles_and_is_capped(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    settings.OUTBOX_RETRY_MAX_SECONDS = 300
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 5)] == [60, 120, 240, 300, 300]


def test_a_row_claimed_by_one_worker_is_not_sent_by_another(smtp_sink):
    message = queue()
    mine = claim(message.pk)
    assert mine is not None
    assert claim(message.pk) is None  # a second worker's update touches no row
    assert deliver_due() == 0  # nor does a whole round of another worker send it
    assert smtp_sink.messages == []
    assert deliver(mine)
    assert len(smtp_sink.messages) == 1


def test_a_stuck_sending_row_is_reclaimed_and_sent(smtp_sink, settings):
    settings.OUTBOX_STUCK_SECONDS = 300
    message = queue()
    assert claim(message.pk) is not None  # the worker then dies
    assert deliver_due() == 0  # too recent to reclaim
    OutboundMessage.objects.filter(pk=message.pk).update(claimed_at=timezone.now() - timedelta(minutes=6))
    assert deliver_due() == 1
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.attempts == 2
    assert len(smtp_sink.messages) == 1
    assert list(DeliveryAttempt.objects.values_list("outcome", flat=True)) == [Outcome.ABANDONED, Outcome.SENT]


def test_run_worker_once_sends_what_is_due(smtp_sink):
    queue("a")
    queue("b", to="bea@example.org")
    call_command("run_worker", "--once", verbosity=0)
    assert sorted(m["To"] for m in smtp_sink.messages) == ["ana@example.org", "bea@example.org"]
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {Status.SENT}


def test_a_gate_that_refuses_withholds_the_message(smtp_sink):
    allowed = {"yes": True}
    gates.register("test-gate", lambda arg: "" if allowed["yes"] else f"Consent withdrawn for {arg}.")
    with transaction.atomic():
        message = enqueue_email("a@example.org", "S", "B", key="gated", gate="test-gate:7")
    allowed["yes"] = False
    assert deliver_due() == 1
    message.refresh_from_db()
    assert message.status == Status.WITHHELD
    assert message.last_error == "Consent withdrawn for 7."
    assert smtp_sink.messages == []
    assert list(message.attempt_log.values_list("outcome", flat=True)) == [Outcome.WITHHELD]


def test_an_unknown_gate_fails_closed(smtp_sink):
    with transaction.atomic():
        message = enqueue_email("a@example.org", "S", "B", key="unknown-gate", gate="nobody-registered:1")
    deliver_due()
    message.refresh_from_db()
    assert message.status == Status.PENDING
    assert "GateUnavailable" in message.last_error
    assert smtp_sink.messages == []


def test_a_channel_without_a_registered_transport_is_a_failed_attempt():
    message = queue()
    OutboundMessage.objects.filter(pk=message.pk).update(channel="carrier-pigeon")
    assert deliver_due() == 1
    message.refresh_from_db()
    assert message.status == Status.PENDING
    assert message.last_error == "ValueError: No transport for channel 'carrier-pigeon'."
