"""The webhook channel: a signed JSON POST (HMAC-SHA256 over the exact body) with an Idempotency-Key header."""

from redalert.outbox.channels import register
from redalert.outbox.channels.webhook.transport import prepare_webhook, send_webhook
from redalert.outbox.models import Channel

register(Channel.WEBHOOK, send_webhook, prepare=prepare_webhook)
