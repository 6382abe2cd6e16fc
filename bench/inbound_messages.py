"""Inbound SMS/WhatsApp at scale: 1,000 Twilio webhook messages accepted and stored, on the embedded default (SQLite).

Usage: bench/inbound_messages.py [--messages N] [--senders S] [--media-every K]

In a scratch SQLite file: migrate, connect one organisation's Twilio account, then start the real application in a
child process (Django's WSGI handler behind wsgiref's HTTP server on 127.0.0.1, one request at a time as one web
worker serves them). This process sends N form-encoded POSTs to the account's webhook, each signed beforehand with
the twilio library's RequestValidator (signing is not timed), from S senders (each sender's first message opens a
conversation and queues the automatic first reply in the outbox); every K-th message carries a photo URL (a
download queued in the outbox, not fetched in the request). Each answer is timed from send to the last byte.

- webhook: total seconds, messages per second, p50/p95 of the answer; every message is then counted in the
  database (stored once each; a retry of a few of them stores nothing).
- baseline, same run and same server: N POSTs to a trivial view (/healthz: no database, no signature), as a ratio.

Target (issue 18): 1,000 inbound messages accepted and stored ≤ 10 s, p95 well under the providers' retry delay
(Twilio waits 15 s). Timings are printed, never asserted. The machine is shared: the load average is printed.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import socket
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common import percentile  # noqa: E402 (bench/ is on sys.path when run as a script)

TOKEN = "bench-twilio-auth-token"  # noqa: S105 (a scratch database's account)
SID = "AC" + "0" * 32


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(port: int, ready: Any) -> None:
    """The child: the Django application behind wsgiref's HTTP/1.1 server (keep-alive), one request at a time."""
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from django.core.wsgi import get_wsgi_application

    class Quiet(WSGIRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return

    application = get_wsgi_application()
    server = make_server("127.0.0.1", port, application, server_class=WSGIServer, handler_class=Quiet)
    ready.put(port)
    server.serve_forever()


def send_all(port: int, requests: list[tuple[str, str, bytes, dict[str, str]]]) -> tuple[list[float], list[int]]:
    """Send each request on one keep-alive connection; (answer seconds, statuses)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    times: list[float] = []
    statuses: list[int] = []
    for method, path, body, headers in requests:
        start = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        times.append(time.perf_counter() - start)
        statuses.append(response.status)
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.close()
    return times, statuses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--senders", type=int, default=100)
    parser.add_argument("--media-every", type=int, default=10, help="every K-th message carries a photo URL")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="redalert-bench-inbound-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "redalert.settings.test"
    port = free_port()
    site = f"http://127.0.0.1:{port}"
    os.environ["SITE_URL"] = site  # the URL Twilio signs is the one the organisation pasted: SITE_URL + path
    import django

    django.setup()
    import logging

    from django.core.management import call_command
    from django.db import connections
    from django.urls import reverse
    from twilio.request_validator import RequestValidator

    logging.disable(logging.WARNING)
    call_command("migrate", verbosity=0)
    from redalert.accounts.models import Organisation
    from redalert.conversations.models import ChannelAccount, Conversation, Direction, Media, Message, Provider
    from redalert.outbox.models import OutboundMessage

    org = Organisation.objects.create(name="Bench", code="BEN", country="MX")
    account = ChannelAccount.objects.create(
        organisation=org,
        provider=Provider.TWILIO,
        account_sid=SID,
        auth_token=TOKEN,
        sender_number="+525511110000",
        api_base_url="https://api.twilio.com",
    )
    connections.close_all()

    ready: Any = multiprocessing.Queue()
    child = multiprocessing.Process(target=serve, args=(port, ready), daemon=True)
    child.start()
    ready.get(timeout=60)
    path = reverse("conversations:twilio_hook", args=[account.hook_key])
    validator = RequestValidator(TOKEN)

    def request(n: int) -> tuple[str, str, bytes, dict[str, str]]:
        params = {
            "MessageSid": f"SM{n:032x}",
            "AccountSid": SID,
            "From": f"+52551{n % args.senders:07d}",
            "To": "+525511110000",
            "Body": f"Hola, mensaje {n}: vi a la muchacha en la central de autobuses.",
            "NumMedia": "0",
        }
        if args.media_every and n % args.media_every == 0:
            params.update(
                NumMedia="1",
                MediaUrl0=f"https://api.twilio.com/2010-04-01/Accounts/{SID}/Messages/MM{n:030x}/Media/ME{n:030x}",
                MediaContentType0="image/jpeg",
            )
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": validator.compute_signature(site + path, params),
        }
        return "POST", path, urllib.parse.urlencode(params).encode(), headers

    signed = [request(n) for n in range(1, args.messages + 1)]
    retries = signed[:: max(1, args.messages // 20)]  # a provider's retry of 5% of them

    start = time.perf_counter()
    times, statuses = send_all(port, signed)
    total = time.perf_counter() - start
    stored = Message.objects.filter(direction=Direction.IN).count()
    retry_times, retry_statuses = send_all(port, retries)

    base_requests = [("GET", "/healthz", b"", {}) for _ in range(args.messages)]
    start = time.perf_counter()
    base_times, base_statuses = send_all(port, base_requests)
    base_total = time.perf_counter() - start
    child.terminate()

    conversations = Conversation.objects.count()
    replies = OutboundMessage.objects.filter(channel="messaging").count()
    downloads = OutboundMessage.objects.filter(channel="inbound_media").count()
    media = Media.objects.count()
    bad = sum(1 for s in statuses if s != 200)
    load = os.getloadavg()

    print(f"inbound webhook messages (SQLite, one wsgiref worker): {args.messages} from {args.senders} senders")
    print(f"  accepted and stored: {total:.2f} s total, {args.messages / total:.0f} messages/s, non-200: {bad}")
    print(f"  answer p50 {percentile(times, 50) * 1000:.1f} ms, p95 {percentile(times, 95) * 1000:.1f} ms")
    print(
        f"  in the database: {stored} messages, {conversations} conversations, {replies} first replies queued, "
        f"{media} media rows, {downloads} downloads queued"
    )
    print(
        f"  provider retries of {len(retries)} of them: p50 {percentile(retry_times, 50) * 1000:.1f} ms, "
        f"stored again: {stored - Message.objects.filter(direction=Direction.IN).count()}, "
        f"non-200: {sum(1 for s in retry_statuses if s != 200)}"
    )
    print(
        f"baseline (same server, GET /healthz): {base_total:.2f} s total, p50 {percentile(base_times, 50) * 1000:.1f} "
        f"ms, p95 {percentile(base_times, 95) * 1000:.1f} ms, non-200: {sum(1 for s in base_statuses if s != 200)}"
    )
    print(
        f"ratio webhook/baseline: total {total / base_total:.1f}x, "
        f"p50 {percentile(times, 50) / percentile(base_times, 50):.1f}x, "
        f"p95 {percentile(times, 95) / percentile(base_times, 95):.1f}x"
    )
    print(f"load average (1, 5, 15 min): {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs (shared)")
    print(f"target: {args.messages} messages ≤ 10 s → {'met' if total <= 10 else 'NOT met'} ({total:.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
