"""Sending a webhook: an HTTP POST of a JSON object signed with HMAC-SHA256 over the exact body.

The signature goes in the header X-RedAlert-Signature ("sha256=<hex>"), the message's idempotency key in
Idempotency-Key. The body is the stored payload plus the attachments (base64), serialised the same way on every
attempt, so the signature is stable across retries. 2xx is delivered; anything else or a timeout is a failed attempt.

Where it may connect (checked at send time, after the URL was saved, because DNS can change): only https:// when
WEBHOOK_REQUIRE_HTTPS (production), and never to a private, loopback, link-local, multicast, reserved or unspecified
address unless WEBHOOK_ALLOW_PRIVATE (tests, a local receiver). The host name is resolved once, every address is
checked, and the connection goes to the checked address (the Host header and TLS certificate still name the host),
so a second DNS answer cannot redirect it (DNS rebinding).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from redalert.outbox.attachments import attachments_of
from redalert.outbox.channels import Transports
from redalert.outbox.conf import setting
from redalert.outbox.models import OutboundMessage

SIGNATURE_HEADER = "X-RedAlert-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
MESSAGE_ID_HEADER = "X-RedAlert-Message-Id"


class WebhookError(RuntimeError):
    pass


class ForbiddenDestination(WebhookError):
    """The endpoint is not allowed (plain http in production, or an internal address); retrying will not help."""


def _forbidden(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def checked_address(host: str, port: int) -> str:
    """Resolve `host` once and return the address to connect to; ForbiddenDestination if any answer is internal."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise WebhookError(f"The endpoint's host name does not resolve: {host}") from exc
    addresses = [str(info[4][0]) for info in answers]
    if not addresses:
        raise WebhookError(f"The endpoint's host name does not resolve: {host}")
    if not getattr(settings, "WEBHOOK_ALLOW_PRIVATE", False):
        for address in addresses:
            if _forbidden(ipaddress.ip_address(address.split("%", 1)[0])):
                raise ForbiddenDestination(
                    f"The endpoint {host} resolves to {address}, a private, loopback, link-local or reserved address."
                )
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to an address checked beforehand; the Host header still names the host."""

    def __init__(self, host: str, port: int | None, *, address: str, **kwargs: Any) -> None:
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to an address checked beforehand; the certificate is verified against the host name (SNI)."""

    def __init__(self, host: str, port: int | None, *, address: str, **kwargs: Any) -> None:
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


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
    if parts.scheme != "https" and getattr(settings, "WEBHOOK_REQUIRE_HTTPS", False):
        raise ForbiddenDestination(f"Webhooks must use https:// here: {parts.scheme}://{parts.hostname}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = checked_address(parts.hostname, port)
    body = webhook_body(message)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "RedAlert-Outbox/1",
        SIGNATURE_HEADER: sign(body, message.secret),
        IDEMPOTENCY_HEADER: message.idempotency_key,
        MESSAGE_ID_HEADER: message.message_id,
    }
    timeout = setting("OUTBOX_WEBHOOK_TIMEOUT_SECONDS")
    conn_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    conn = conn_class(parts.hostname, port, address=address, timeout=timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        response.read(65536)
    finally:
        conn.close()
    if not 200 <= response.status < 300:
        raise WebhookError(f"The endpoint answered HTTP {response.status} {response.reason}".strip())
