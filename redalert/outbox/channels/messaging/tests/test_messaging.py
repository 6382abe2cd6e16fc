"""The SMS/WhatsApp channel against a real local HTTP server standing in for Twilio's and Meta's APIs: what is
sent, and the outbox's retries with back-off when the provider fails."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator

import pytest
from django.utils import timezone

from redalert.outbox.claiming import deliver_due
from redalert.outbox.enqueue import enqueue_provider_message
from redalert.outbox.models import DeliveryAttempt, OutboundMessage, Outcome, Status
from redalert.outbox.testing import ProviderStandIn

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> Iterator[ProviderStandIn]:
    stand_in = ProviderStandIn()
    stand_in.thread.start()
    try:
        yield stand_in
    finally:
        stand_in.server.shutdown()
        stand_in.server.server_close()


def twilio_spec(base: str) -> dict[str, str]:
    return {
        "provider": "twilio",
        "base": base,
        "account_sid": "AC" + "1" * 32,
        "auth_token": "tok",
        "from": "+525511110000",
        "to": "+525512345678",
        "text": "Hola",
    }


def test_a_twilio_message_is_posted_with_an_idempotency_token(api):
    message = enqueue_provider_message(twilio_spec(api.base), key="reply:1", label="conversation 1")
    assert message.to == "conversation 1" and "+525512345678" not in message.to + message.body
    assert deliver_due() == 1
    (sent,) = api.posts()
    assert sent["headers"]["I-Twilio-Idempotency-Token"] == "reply:1"
    assert urllib.parse.parse_qs(sent["body"].decode())["Body"] == ["Hola"]
    assert OutboundMessage.objects.get().status == Status.SENT


def test_a_cloud_api_message_is_posted_as_json(api):
    spec = {
        "provider": "whatsapp_cloud",
        "base": api.base,
        "phone_number_id": "99",
        "access_token": "EAA",
        "to": "+5511987654321",
        "text": "Olá",
    }
    enqueue_provider_message(spec, key="reply:2", label="conversation 2")
    deliver_due()
    (sent,) = api.posts()
    assert sent["path"] == "/99/messages"
    assert json.loads(sent["body"])["to"] == "5511987654321"


def test_a_failing_provider_is_retried_with_back_off_then_delivered(api, settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    api.failing = True
    enqueue_provider_message(twilio_spec(api.base), key="reply:3", label="conversation 3")
    deliver_due()
    message = OutboundMessage.objects.get()
    assert message.status == Status.PENDING
    assert message.next_attempt_at > timezone.now()
    assert "HTTP 500" in message.last_error
    assert deliver_due() == 0  # not due before the back-off
    api.failing = False
    OutboundMessage.objects.update(next_attempt_at=timezone.now())
    assert deliver_due() == 1
    assert OutboundMessage.objects.get().status == Status.SENT
    assert list(DeliveryAttempt.objects.values_list("outcome", flat=True)) == [Outcome.RETRY, Outcome.SENT]
    assert len(api.posts()) == 2
