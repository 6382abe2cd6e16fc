"""Sending a webhook: an HTTP POST of a JSON object signed with HMAC-SHA256 over the exact body.

The signature goes in the header X-RedAlert-Signature ("sha256=<hex>"), the message's idempotency key in
Idempotency-Key. The body is the stored payload plus the attachments (base64), serialised the same way on every
attempt, so the signature is stable across retries. 2xx is delivered; anything else or a timeout is a failed attempt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
from urllib.parse import urlsplit

from redalert.outbox.attachments import attachments_of
from redalert.outbox.channels import Transports
from redalert.outbox.conf import setting
from redalert.outbox.models import OutboundMessage

SIGNATURE_HEADER = "X-RedAlert-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
MESSAGE_ID_HEADER = "X-RedAlert-Message-Id"


class WebhookError(RuntimeError):
    pass


def sign(body: bytes, secret: str) -> str:
    """The signature header value: "sha256=" + hex HMAC-SHA256 of the body with the shared secret."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def webhook_body(message: OutboundMessage) -> bytes:
    """The exact bytes POSTed (the same on every attempt)."""
    payload = json.loads(message.body or "{}")
    files = attachments_of(message)
    if files:
        payload["attachments"] = [
            {
                "filename": filename,
                "mime_type": mime_type,
                "sha256": hashlib.sha256(content).hexdigest(),
                "content_base64": base64.b64encode(content).decode("ascii"),
            }
            for filename, content, mime_type in files
        ]
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def send_webhook(message: OutboundMessage, transports: Transports) -> None:
    """POST one message (a new connection each time; `transports` is not used); raises WebhookError unless 2xx."""
    parts = urlsplit(message.to)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookError(f"Not an http(s) URL: {message.to!r}")
    body = webhook_body(message)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "RedAlert-Outbox/1",
        SIGNATURE_HEADER: sign(body, message.secret),
        IDEMPOTENCY_HEADER: message.idempotency_key,
        MESSAGE_ID_HEADER: message.message_id,
    }
    timeout = setting("OUTBOX_WEBHOOK_TIMEOUT_SECONDS")
    conn_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = conn_class(parts.hostname, parts.port, timeout=timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        response.read(65536)
    finally:
        conn.close()
    if not 200 <= response.status < 300:
        raise WebhookError(f"The endpoint answered HTTP {response.status} {response.reason}".strip())
