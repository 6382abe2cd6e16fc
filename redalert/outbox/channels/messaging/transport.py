"""Sending an SMS or WhatsApp message through the provider's HTTP API (issue 18).

Everything the request needs (the provider, the API address, the credentials, the recipient's number and the text)
is queued as one JSON object in the message's `secret`, encrypted at rest like the webhooks' secrets, so that no
number or credential sits in plain text in the outbox table; `to` only names the conversation.

- Twilio (SMS, and WhatsApp through Twilio): POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json, form
  fields To, From, Body, HTTP Basic authentication with the Account SID and Auth Token, and the header
  I-Twilio-Idempotency-Token (the message's idempotency key) so that a retry after a lost answer sends once.
- WhatsApp Business Cloud API: POST {base}/{phone-number-id}/messages with the access token as a Bearer token and
  {"messaging_product": "whatsapp", "to": …, "type": "text", "text": {"body": …}}.

A 2xx answer is delivered; anything else or a timeout raises, and the outbox retries with back-off
(redalert.outbox.claiming).
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from redalert.outbox.channels import Transports
from redalert.outbox.conf import setting
from redalert.outbox.models import OutboundMessage

TWILIO = "twilio"
WHATSAPP_CLOUD = "whatsapp_cloud"


class ProviderError(RuntimeError):
    pass


def _checked(url: str) -> str:
    """Only http(s) addresses (never file: or a custom scheme)."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ProviderError("The provider's API address must be http(s).")
    return url


def twilio_request(spec: dict[str, Any], idempotency_key: str) -> urllib.request.Request:
    url = f"{spec['base'].rstrip('/')}/2010-04-01/Accounts/{urllib.parse.quote(spec['account_sid'])}/Messages.json"
    form = urllib.parse.urlencode({"To": spec["to"], "From": spec["from"], "Body": spec["text"]}).encode()
    credentials = base64.b64encode(f"{spec['account_sid']}:{spec['auth_token']}".encode()).decode("ascii")
    headers = {
        "Authorization": f"Basic {credentials}",
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
        "I-Twilio-Idempotency-Token": idempotency_key[:64],
        "User-Agent": "RedAlert-Outbox/1",
    }
    return urllib.request.Request(_checked(url), data=form, headers=headers, method="POST")  # noqa: S310


def whatsapp_request(spec: dict[str, Any]) -> urllib.request.Request:
    url = f"{spec['base'].rstrip('/')}/{urllib.parse.quote(spec['phone_number_id'])}/messages"
    payload = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": spec["to"].lstrip("+"),
        "type": "text",
        "text": {"preview_url": False, "body": spec["text"]},
    }
    headers = {
        "Authorization": f"Bearer {spec['access_token']}",
        "Content-Type": "application/json",
        "User-Agent": "RedAlert-Outbox/1",
    }
    body = json.dumps(payload).encode()
    return urllib.request.Request(_checked(url), data=body, headers=headers, method="POST")  # noqa: S310


def send_provider_message(message: OutboundMessage, transports: Transports) -> None:
    """Send one queued SMS/WhatsApp message; raises ProviderError unless the provider answered 2xx."""
    spec = json.loads(message.secret or "{}")
    provider = spec.get("provider")
    if provider == TWILIO:
        request = twilio_request(spec, message.idempotency_key)
    elif provider == WHATSAPP_CLOUD:
        request = whatsapp_request(spec)
    else:
        raise ProviderError(f"Unknown messaging provider {provider!r}.")
    try:
        with urllib.request.urlopen(request, timeout=setting("OUTBOX_WEBHOOK_TIMEOUT_SECONDS")) as response:  # noqa: S310 (scheme checked)
            response.read(65536)
    except urllib.error.HTTPError as exc:
        raise ProviderError(f"The provider answered HTTP {exc.code} {exc.reason}".strip()) from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise ProviderError(f"The provider could not be reached: {exc}") from None
