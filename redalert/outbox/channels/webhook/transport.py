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
import threading
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from redalert.outbox.attachments import attachments_of
from redalert.outbox.channels import PreparedSend, Transports
from redalert.outbox.conf import setting
from redalert.outbox.models import Channel, OutboundMessage

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
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as http.client's own connect does


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to an address checked beforehand; the certificate is verified against the host name (SNI)."""

    def __init__(self, host: str, port: int | None, *, address: str, **kwargs: Any) -> None:
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # a kept-alive connection must not wait on ACKs
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


def prepare_webhook(message: OutboundMessage) -> PreparedSend:
    """Everything but the network: check the URL, build the exact body and its signature (reads the attachments).

    The returned function resolves and checks the host (at send time), then POSTs over a kept-alive connection of the
    round's pool; it touches no database, so a round runs several side by side (redalert.outbox.claiming)."""
    parts = urlsplit(message.to)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookError(f"Not an http(s) URL: {message.to!r}")
    if parts.scheme != "https" and getattr(settings, "WEBHOOK_REQUIRE_HTTPS", False):
        raise ForbiddenDestination(f"Webhooks must use https:// here: {parts.scheme}://{parts.hostname}")
    hostname, scheme = parts.hostname, parts.scheme
    port = parts.port or (443 if scheme == "https" else 80)
    body = webhook_body(message)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "RedAlert-Outbox/1",
        SIGNATURE_HEADER: sign(body, message.secret),
        IDEMPOTENCY_HEADER: message.idempotency_key,
        MESSAGE_ID_HEADER: message.message_id,
    }
    timeout = setting("OUTBOX_WEBHOOK_TIMEOUT_SECONDS")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    def post(transports: Transports) -> None:
        address = checked_address(hostname, port)  # every attempt: DNS can change after the URL was saved
        pool = transports.get(Channel.WEBHOOK, ConnectionPool)
        status, reason = pool.post((scheme, hostname, port, address, timeout), path, body, headers)
        if not 200 <= status < 300:
            raise WebhookError(f"The endpoint answered HTTP {status} {reason}".strip())

    return post


def send_webhook(message: OutboundMessage, transports: Transports) -> None:
    """POST one message over the round's connection pool; raises WebhookError unless 2xx."""
    prepare_webhook(message)(transports)


Endpoint = tuple[str, str, int, str, float]  # scheme, host name, port, checked address, timeout

# A kept-alive connection the endpoint closed while idle fails like this on the next request; the request is then
# sent once more on a new connection (the receiver may see it twice: the idempotency key lets it drop the repeat).
_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError, ConnectionAbortedError)


class ConnectionPool:
    """Kept-alive HTTP(S) connections of one round of deliveries, per endpoint (scheme, host, port and the address
    checked for this attempt: a new DNS answer gets a new connection), shared by the round's sending threads: a
    thread takes an idle connection or opens one, and gives it back after a complete answer."""

    def __init__(self) -> None:
        self._idle: dict[Endpoint, list[http.client.HTTPConnection]] = {}
        self._lock = threading.Lock()

    def _take(self, endpoint: Endpoint) -> tuple[http.client.HTTPConnection, bool]:
        with self._lock:
            idle = self._idle.get(endpoint)
            if idle:
                return idle.pop(), True
        scheme, host, port, address, timeout = endpoint
        conn_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
        return conn_class(host, port, address=address, timeout=timeout), False

    def _give_back(self, endpoint: Endpoint, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            self._idle.setdefault(endpoint, []).append(conn)

    def post(self, endpoint: Endpoint, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        """POST and read the answer; (status, reason). Raises on a network error or timeout."""
        while True:
            conn, reused = self._take(endpoint)
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                response.read(65536)
            except _STALE:
                conn.close()
                if reused:
                    continue  # the endpoint closed the idle connection: once more on a new one
                raise
            except BaseException:
                conn.close()
                raise
            if response.isclosed() and not response.will_close:
                self._give_back(endpoint, conn)  # the whole answer was read and the server keeps the connection
            else:
                conn.close()
            return response.status, response.reason

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, {}
        for connections in idle.values():
            for conn in connections:
                conn.close()
