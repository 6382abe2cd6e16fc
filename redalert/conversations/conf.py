"""The conversations app's settings and their defaults (each can be overridden in Django's settings)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Where the providers' APIs answer (an account's own "API address" wins; tests use a local server).
    "TWILIO_API_BASE_URL": "https://api.twilio.com",
    "WHATSAPP_API_BASE_URL": "https://graph.facebook.com/v21.0",
    # The largest media file fetched or accepted (bytes); larger ones are refused, the message is kept.
    "CONVERSATIONS_MEDIA_MAX_BYTES": 16 * 1024 * 1024,
    # The inbound SMTP service of the tips addresses (manage.py run_smtp_intake).
    "CONVERSATIONS_SMTP_HOST": "127.0.0.1",
    "CONVERSATIONS_SMTP_PORT": 2525,
    "CONVERSATIONS_SMTP_MAX_BYTES": 25 * 1024 * 1024,
    # Timeout of one request to a provider's API (sends and media downloads).
    "CONVERSATIONS_HTTP_TIMEOUT_SECONDS": 15,
}


def setting(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
