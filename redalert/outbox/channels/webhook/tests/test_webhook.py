"""The webhook channel against a real HTTP receiver: signed JSON, idempotency key, retries, timeouts."""

import base64
import hashlib
import hmac
import json

import pytest
from django.db import connection, transaction
from django.utils import timezone

from redalert.outbox.channels.webhook.transport import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, sign
from redalert.outbox.claiming import deliver_due
from redalert.outbox.enqueue import enqueue_webhook
from redalert.outbox.models import OutboundMessage, Outcome, Status

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
