"""The webhook channel, attachments, gates: against a real HTTP receiver and a real SMTP sink."""

import base64
import hashlib
import hmac
import json

import pytest
from django.db import connection, transaction
from django.utils import timezone

from redalert.outbox import gates
from redalert.outbox.delivery import (
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    _kick_celery,
    deliver_due,
    enqueue_email,
    enqueue_webhook,
    sign,
)
from redalert.outbox.models import Blob, OutboundMessage, Outcome, Status

pytestmark = pytest.mark.django_db

SECRET = "a-shared-secret-of-some-length"


def hook(url, key="hook-1", payload=None, **kwargs):
    with transaction.atomic():
        return enqueue_webhook(url, payload or {"hello": "world"}, key=key, secret=SECRET, **kwargs)


def test_it_posts_signed_json_with_an_idempotency_key(webhook_receiver):
    message = hook(webhook_receiver.url(), attachments=[("a.txt", b"hello", "text/plain")])
    assert deliver_due() == 1
    assert deliver_due() == 0
    [request] = webhook_receiver.requests
    headers, body = request["headers"], request["body"]
    assert headers[IDEMPOTENCY_HEADER] == "hook-1"
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers[SIGNATURE_HEADER], expected)
    assert headers["Content-Type"].startswith("application/json")
    data = json.loads(body)
    assert data["hello"] == "world"
    assert base64.b64decode(data["attachments"][0]["content_base64"]) == b"hello"
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.secret == SECRET  # readable in Python, encrypted in the database
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM outbox_outboundmessage WHERE id = %s", [message.pk])
        assert SECRET not in cursor.fetchone()[0]


def test_the_body_and_signature_are_the_same_on_every_attempt(webhook_receiver, settings):
    message = hook(webhook_receiver.url("/fail"))
    assert deliver_due() == 1
    OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert deliver_due() == 1
    first, second = webhook_receiver.requests
    assert first["body"] == second["body"]
    assert first["headers"][SIGNATURE_HEADER] == second["headers"][SIGNATURE_HEADER] == sign(first["body"], SECRET)


def test_an_endpoint_answering_500_fails_after_the_retries_and_others_are_unaffected(webhook_receiver, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    bad = hook(webhook_receiver.url("/fail"), key="bad")
    good = hook(webhook_receiver.url("/ok"), key="good")
    for _round in range(3):
        OutboundMessage.objects.filter(status=Status.PENDING).update(next_attempt_at=timezone.now())
        deliver_due()
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.status == Status.FAILED
    assert "HTTP 500" in bad.last_error
    assert list(bad.attempt_log.values_list("outcome", flat=True)) == [Outcome.RETRY, Outcome.RETRY, Outcome.FAILED]
    assert good.status == Status.SENT
    assert webhook_receiver.keys() == ["good"]


def test_a_timeout_is_a_failed_attempt(webhook_receiver, settings):
    settings.OUTBOX_WEBHOOK_TIMEOUT_SECONDS = 1
    webhook_receiver.slow_seconds = 2.5
    message = hook(webhook_receiver.url("/slow"))
    assert deliver_due() == 1
    message.refresh_from_db()
    assert message.status == Status.PENDING
    assert "timed out" in message.last_error.lower()


def test_a_webhook_needs_an_http_url_and_a_secret():
    with pytest.raises(ValueError):
        enqueue_webhook("ftp://example.org/x", {}, key="k", secret=SECRET)
    with pytest.raises(ValueError):
        enqueue_webhook("https://example.org/x", {}, key="k", secret="")


def test_email_attachments_arrive_and_their_content_is_stored_once(smtp_sink):
    pdf = b"%PDF-1.4 fake bulletin"
    with transaction.atomic():
        for n in range(3):
            enqueue_email(
                f"p{n}@example.org",
                "Subject",
                "Body",
                key=f"att-{n}",
                attachments=[
                    ("bulletin.pdf", pdf, "application/pdf"),
                    ("alert.cap.xml", b"<alert/>", "application/cap+xml"),
                ],
            )
    assert Blob.objects.count() == 2
    assert deliver_due() == 3
    assert len(smtp_sink.messages) == 3
    parts = {p.get_filename(): p for p in smtp_sink.messages[0].iter_attachments()}
    assert parts["bulletin.pdf"].get_content() == pdf
    assert parts["bulletin.pdf"].get_content_type() == "application/pdf"
    assert parts["alert.cap.xml"].get_content_type() == "application/cap+xml"


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


def test_one_celery_kick_per_transaction(settings):
    settings.OUTBOX_USE_CELERY = True
    with transaction.atomic():
        for n in range(5):
            enqueue_email("a@example.org", "S", "B", key=f"kick-{n}")
        kicks = [item for item in connection.run_on_commit if item[1] is _kick_celery]
        assert len(kicks) == 1
        connection.run_on_commit.clear()  # do not reach for a broker in this test
