"""A real HTTP receiver whose answers a test scripts, an administrator, and a subscription pointing at the receiver."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from redalert.alerts.tests.conftest import alert_case, directory, make_authority

__all__ = ["alert_case", "directory", "make_authority"]


class ScriptedReceiver:
    """An HTTP server on 127.0.0.1 that records every POST and answers the next status of `script` (200 after it,
    or `default`)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.script: list[int] = []
        self.default = 200
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    status = receiver.script.pop(0) if receiver.script else receiver.default
                    receiver.requests.append(
                        {"path": self.path, "headers": dict(self.headers), "body": body, "status": status}
                    )
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def payloads(self, status: int | None = 200) -> list[dict[str, Any]]:
        with self.lock:
            return [json.loads(r["body"]) for r in self.requests if status is None or r["status"] == status]

    def kinds(self) -> list[str]:
        return [p["kind"] for p in self.payloads()]


@pytest.fixture
def receiver() -> Iterator[ScriptedReceiver]:
    server = ScriptedReceiver()
    server.thread.start()
    try:
        yield server
    finally:
        server.server.shutdown()
        server.server.server_close()


@pytest.fixture(autouse=True)
def quick_retries(settings: Any) -> None:
    """Retries are due at once (the backoff is tested by the outbox), and three failures in a row pause."""
    settings.OUTBOX_RETRY_BASE_SECONDS = 0
    settings.WEBHOOKS_PAUSE_AFTER_FAILURES = 3


@pytest.fixture
def admin(org_a: Any, make_user: Callable[..., Any]) -> Any:
    return make_user(org_a, "administrator")


@pytest.fixture
def subscribe(admin: Any, receiver: ScriptedReceiver) -> Callable[..., Any]:
    """Subscribe the receiver to some kinds of events (all by default), through the service."""
    from redalert.webhooks.models import EventKind, Scope
    from redalert.webhooks.services import create_subscription

    def make(kinds: list[str] | None = None, scope: str = Scope.IDS, path: str = "/hook") -> Any:
        return create_subscription(
            actor=admin,
            name="Línea de ayuda",
            url=receiver.url(path),
            kinds=kinds or list(EventKind.values),
            scope=scope,
        )

    return make


def drain(rounds: int = 1) -> None:
    """What the workers do: catch the change followers up, then `rounds` rounds of the outbox."""
    from redalert.outbox.claiming import deliver_due
    from redalert.testing import follow_changes

    follow_changes()
    for _ in range(rounds):
        deliver_due()
