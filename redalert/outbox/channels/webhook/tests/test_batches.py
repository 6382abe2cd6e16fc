"""Many webhook messages in one round: claimed a batch per transaction, each POSTed exactly once with its signature,
in order per endpoint, over kept-alive connections; two workers draining side by side (PostgreSQL) never send one
twice; a failing endpoint stops being tried for the round without its untried messages being counted."""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.db import connection, connections, transaction

from redalert.outbox.channels.webhook.transport import IDEMPOTENCY_HEADER, SIGNATURE_HEADER
from redalert.outbox.claiming import deliver_due
from redalert.outbox.enqueue import enqueue_webhook
from redalert.outbox.models import DeliveryAttempt, OutboundMessage, Outcome, Status

SECRET = "a-shared-secret-of-some-length"


class KeepAliveReceiver:
    """An HTTP/1.1 server on 127.0.0.1 that keeps connections open (as nginx does) and records each POST with the
    client's port (one port per connection). With `drop_after_each`, it closes every connection after answering
    without saying so, as an endpoint whose idle timeout expired; paths starting with /fail answer 500."""

    def __init__(self, drop_after_each: bool = False) -> None:
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    receiver.requests.append(
                        {"path": self.path, "headers": dict(self.headers), "body": body, "port": self.client_address[1]}
                    )
                status = 500 if self.path.startswith("/fail") else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
                if drop_after_each:
                    self.close_connection = True

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def keys(self, path: str | None = None) -> list[str]:
        with self.lock:
            return [r["headers"][IDEMPOTENCY_HEADER] for r in self.requests if path is None or r["path"] == path]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receivers() -> Iterator[list[KeepAliveReceiver]]:
    made = [KeepAliveReceiver(), KeepAliveReceiver()]
    yield made
    for receiver in made:
        receiver.stop()


def enqueue(urls: list[str], count: int, prefix: str = "k") -> list[str]:
    """`count` webhook messages spread over `urls` in turn; their keys, in the order queued."""
    keys = [f"{prefix}-{n:04d}" for n in range(count)]
    with transaction.atomic():
        for n, key in enumerate(keys):
            enqueue_webhook(urls[n % len(urls)], {"n": n}, key=key, secret=SECRET)
    return keys


def assert_signed(receiver: KeepAliveReceiver) -> None:
    for request in receiver.requests:
        expected = "sha256=" + hmac.new(SECRET.encode(), request["body"], hashlib.sha256).hexdigest()
        assert hmac.compare_digest(request["headers"][SIGNATURE_HEADER], expected)


@pytest.mark.django_db
def test_a_batch_is_posted_once_each_signed_in_order_per_endpoint_over_kept_alive_connections(receivers, settings):
    settings.OUTBOX_SEND_CONCURRENCY = 4
    first, second = receivers
    keys = enqueue([first.url("/a"), second.url("/b")], 150)
    assert deliver_due(limit=1000) == 150
    assert deliver_due(limit=1000) == 0
    assert first.keys() == keys[0::2]  # exactly once each, and in the order queued
    assert second.keys() == keys[1::2]
    assert_signed(first)
    assert_signed(second)
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {Status.SENT}
    assert DeliveryAttempt.objects.filter(outcome=Outcome.SENT).count() == 150
    assert set(OutboundMessage.objects.values_list("attempts", flat=True)) == {1}
    connections_used = len({r["port"] for r in first.requests})
    assert connections_used < len(first.requests)  # kept alive: far fewer connections than POSTs


@pytest.mark.django_db
def test_an_endpoint_that_closed_an_idle_connection_gets_the_message_on_a_new_one():
    receiver = KeepAliveReceiver(drop_after_each=True)
    try:
        keys = enqueue([receiver.url()], 20)
        assert deliver_due() == 20
        assert receiver.keys() == keys  # each once: the request on the closed connection never reached it
        assert_signed(receiver)
        assert OutboundMessage.objects.filter(status=Status.SENT).count() == 20
    finally:
        receiver.stop()


@pytest.mark.django_db
def test_after_a_failure_the_endpoint_is_not_tried_again_in_the_round_and_the_rest_are_not_counted(receivers):
    good, bad = receivers
    enqueue([good.url("/ok"), bad.url("/fail")], 20)
    assert deliver_due() == 11  # ten sent, one failed; the nine given back are not counted as attempted
    assert len(good.keys()) == 10
    assert bad.keys() == ["k-0001"]  # the first failure; its nine others wait, untried
    failed = OutboundMessage.objects.get(idempotency_key="k-0001")
    assert failed.status == Status.PENDING and failed.attempts == 1
    assert list(failed.attempt_log.values_list("outcome", flat=True)) == [Outcome.RETRY]
    waiting = OutboundMessage.objects.filter(to=bad.url("/fail")).exclude(pk=failed.pk)
    assert set(waiting.values_list("status", "attempts")) == {(Status.PENDING, 0)}
    assert not DeliveryAttempt.objects.filter(message__in=waiting).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two workers side by side need a server database")
@pytest.mark.django_db(transaction=True)
def test_two_workers_draining_at_once_send_each_message_exactly_once(receivers, settings):
    settings.OUTBOX_CLAIM_BATCH = 10  # many claims each, interleaved
    first, second = receivers
    keys = enqueue([first.url("/a"), second.url("/b")], 300)
    attempted: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def worker() -> None:
        try:
            start.wait()
            while True:
                done = deliver_due(limit=40)
                attempted.append(done)
                if not done:
                    break
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors
    assert sum(attempted) == 300
    received = Counter(first.keys() + second.keys())
    assert set(received) == set(keys)
    assert set(received.values()) == {1}  # none twice
    assert_signed(first)
    assert_signed(second)
    assert set(OutboundMessage.objects.values_list("status", "attempts")) == {(Status.SENT, 1)}
    assert DeliveryAttempt.objects.filter(outcome=Outcome.SENT).count() == 300


@pytest.mark.django_db
def test_a_message_whose_gate_answer_got_too_old_goes_back_uncounted(receivers, settings):
    settings.OUTBOX_GATE_FRESH_SECONDS = 0  # every answer is already too old once the first POST is done
    first, _second = receivers
    keys = enqueue([first.url()], 5)
    assert deliver_due() == 1  # an endpoint's first message is always tried
    assert first.keys() == keys[:1]
    waiting = OutboundMessage.objects.exclude(idempotency_key=keys[0])
    assert set(waiting.values_list("status", "attempts")) == {(Status.PENDING, 0)}
    assert not DeliveryAttempt.objects.filter(message__in=waiting).exists()
    settings.OUTBOX_GATE_FRESH_SECONDS = 2
    assert deliver_due() == 4  # the next round asks their gates again and sends them
    assert first.keys() == keys
