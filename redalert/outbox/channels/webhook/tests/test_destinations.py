"""Where a webhook may go (issue 13): https only in production, and never to an internal address, checked when the
message is sent (DNS answers change), connecting to the address that was checked."""

import pytest
from django.db import transaction

from redalert.outbox.channels.webhook.transport import ForbiddenDestination, checked_address
from redalert.outbox.claiming import deliver_due
from redalert.outbox.enqueue import enqueue_webhook
from redalert.outbox.models import DeliveryAttempt, OutboundMessage, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_like(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    settings.WEBHOOK_REQUIRE_HTTPS = True


def hook(url):
    with transaction.atomic():
        return enqueue_webhook(url, {"hello": "world"}, key=url, secret="a-shared-secret-of-some-length")


def test_production_refuses_plain_http_and_sends_nothing(webhook_receiver, production_like):
    message = hook(webhook_receiver.url())
    assert deliver_due() == 1
    assert webhook_receiver.requests == []
    message.refresh_from_db()
    assert message.status != Status.SENT
    assert "https://" in message.last_error
    assert DeliveryAttempt.objects.filter(message=message, error__contains="ForbiddenDestination").exists()


def test_an_internal_address_is_refused_even_over_http_when_https_is_not_required(webhook_receiver, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    settings.WEBHOOK_REQUIRE_HTTPS = False
    message = hook(webhook_receiver.url())  # http://127.0.0.1:<port>/hook
    assert deliver_due() == 1
    assert webhook_receiver.requests == []
    message.refresh_from_db()
    assert "127.0.0.1" in message.last_error and "loopback" in message.last_error


def test_https_to_loopback_is_refused_before_connecting(production_like):
    message = hook("https://127.0.0.1:9/hook")
    assert deliver_due() == 1
    message.refresh_from_db()
    assert message.last_error.startswith("ForbiddenDestination")


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "localhost",
        "10.1.2.3",
        "172.16.0.5",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",  # noqa: S104
        "224.0.0.1",
        "240.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
    ],
)
def test_internal_addresses_are_forbidden(host, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(ForbiddenDestination):
        checked_address(host, 443)


def test_a_public_address_is_connected_to_as_checked(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    assert checked_address("8.8.8.8", 443) == "8.8.8.8"
    assert checked_address("2001:4860:4860::8888", 443) == "2001:4860:4860::8888"


def test_test_settings_allow_the_local_receivers(webhook_receiver):
    message = hook(webhook_receiver.url())
    assert deliver_due() == 1
    assert OutboundMessage.objects.get(pk=message.pk).status == Status.SENT
    assert len(webhook_receiver.requests) == 1
