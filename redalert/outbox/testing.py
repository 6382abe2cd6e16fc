"""A real SMTP server for tests (aiosmtpd): messages sent to it are parsed and kept in a list."""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SinkHandler:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        self.messages.append(parsed)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class SmtpSink:
    def __init__(self, handler: SinkHandler, port: int) -> None:
        self.handler = handler
        self.port = port

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages


@contextmanager
def running_sink(settings: Any, handler: SinkHandler) -> Iterator[SmtpSink]:
    """Run an aiosmtpd server on 127.0.0.1 with `handler` and point Django's SMTP backend at it."""
    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command at INFO
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield SmtpSink(handler, port)
    finally:
        controller.stop()


@pytest.fixture
def smtp_sink(settings: Any) -> Iterator[SmtpSink]:
    """A running SMTP server on 127.0.0.1; Django's SMTP backend points at it for the test."""
    with running_sink(settings, SinkHandler()) as sink:
        yield sink


@pytest.fixture
def smtp_down(settings: Any) -> int:
    """Django's SMTP backend pointed at a port where nothing listens."""
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    return port


# --- Rejections and deduplication at the SMTP sink --------------------------------------------------------------

REJECTED_DOMAIN = "rejected.invalid"


class RejectingSinkHandler(SinkHandler):
    """A sink that refuses recipients at REJECTED_DOMAIN (550), as a real server refuses a bad address."""

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        if address.lower().endswith("@" + REJECTED_DOMAIN):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def message_ids(messages: list[EmailMessage]) -> list[str]:
    return [str(m["Message-ID"]).strip() for m in messages]


@pytest.fixture
def rejecting_smtp_sink(settings: Any) -> Iterator[SmtpSink]:
    """Like smtp_sink, but recipients at REJECTED_DOMAIN are refused with 550."""
    with running_sink(settings, RejectingSinkHandler()) as sink:
        yield sink


# --- A real HTTP receiver for webhooks ----------------------------------------------------------------------------


class WebhookReceiver:
    """An HTTP server on 127.0.0.1 that records every POST. Paths starting with /fail answer 500, /slow wait longer
    than any test timeout before answering; anything else answers 200. Receivers deduplicate by Idempotency-Key."""

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.slow_seconds = 3.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                import time

                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with receiver.lock:
                    receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                if self.path.startswith("/slow"):
                    time.sleep(receiver.slow_seconds)
                status = 500 if self.path.startswith("/fail") else 200
                payload = b"error" if status == 500 else b"ok"
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:  # the client gave up (timeout)
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def ok_requests(self) -> list[dict[str, Any]]:
        with self.lock:
            return [r for r in self.requests if not r["path"].startswith(("/fail", "/slow"))]

    def keys(self) -> list[str]:
        """Idempotency keys of the requests answered 2xx (duplicates included)."""
        return [r["headers"].get("Idempotency-Key", "") for r in self.ok_requests()]


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver().start()
    try:
        yield receiver
    finally:
        receiver.stop()


# --- Celery on a test broker ------------------------------------------------------------------------------------


@contextmanager
def celery_broker(app: Any, broker_url: str, queue: str) -> Iterator[None]:
    """Point the Celery app at a test broker and queue, and back afterwards. Celery caches the producer pool, the
    default queue and the router at the first publish; they are reset so that each test publishes where its
    worker listens."""

    def forget() -> None:
        app._pool = None
        app.amqp._producer_pool = None
        for name in ("default_queue", "queues", "router", "default_exchange"):
            app.amqp.__dict__.pop(name, None)

    saved = {key: app.conf[key] for key in ("broker_url", "task_default_queue")}
    app.conf.update(broker_url=broker_url, task_default_queue=queue)
    forget()
    try:
        yield
    finally:
        app.conf.update(saved)
        forget()
        _drop_queue_keys(broker_url, queue)


def _drop_queue_keys(broker_url: str, queue: str) -> None:
    """Remove what the test queue left in Redis (kombu's bindings and the queue itself)."""
    import redis

    client = redis.Redis.from_url(broker_url)
    try:
        keys = [key for pattern in (f"*{queue}*",) for key in client.scan_iter(match=pattern)]
        if keys:
            client.delete(*keys)
    finally:
        client.close()


# --- A real HTTP server standing in for the SMS/WhatsApp providers' APIs (issue 18) ---------------------------------


class ProviderStandIn:
    """An HTTP server on 127.0.0.1 answering as Twilio's and Meta's APIs do, recording every request.

    - POST …/Messages.json and POST /<phone-number-id>/messages: 201/200 (or 500 while `failing`).
    - GET /media/<name>: the bytes registered with `add_file` (Twilio media URLs and Meta's media download URLs).
    - GET /<media-id>: Meta's media description, {"url": <this server>/media/<media-id>, "mime_type": …}.
    """

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.files: dict[str, bytes] = {}
        self.failing = False
        self.lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, status: int, body: bytes, content_type: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _record(self, body: bytes) -> None:
                with stand_in.lock:
                    stand_in.requests.append(
                        {"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body}
                    )

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self._record(body)
                if stand_in.failing:
                    self._answer(500, b'{"error": "down"}')
                elif self.path.endswith("/Messages.json"):
                    self._answer(201, json.dumps({"sid": "SM" + "f" * 32, "status": "queued"}).encode())
                else:
                    self._answer(200, json.dumps({"messages": [{"id": "wamid.out"}]}).encode())

            def do_GET(self) -> None:
                self._record(b"")
                name = self.path.rsplit("/", 1)[-1]
                if self.path.startswith("/media/") and name in stand_in.files:
                    self._answer(200, stand_in.files[name], "application/octet-stream")
                elif name in stand_in.files:
                    url = f"{stand_in.base}/media/{name}"
                    self._answer(200, json.dumps({"url": url, "mime_type": "image/jpeg", "id": name}).encode())
                else:
                    self._answer(404, b'{"error": "not found"}')

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def add_file(self, name: str, data: bytes) -> str:
        self.files[name] = data
        return f"{self.base}/media/{name}"

    def posts(self) -> list[dict[str, Any]]:
        with self.lock:
            return [r for r in self.requests if r["method"] == "POST"]
