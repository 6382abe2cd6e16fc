"""Webhooks on case events at scale: 1,000 events delivered to a local receiver, against plain POSTs.

Usage: bench/webhooks.py [--events N] [--cases C] [--workers W] [--postgres URL]

In a scratch database (a SQLite file, or a PostgreSQL database it creates and drops with --postgres): migrate, open
C cases through the intake service, subscribe a real HTTP receiver (threading http.server on 127.0.0.1) to tips,
then write N tip lines on the cases' timelines with their announcements (the PendingFollowUp rows `announce`
writes), as N tips received would. Timed:

- collect: the queued follower (catch_up) turns the N announcements into N events and N signed outbox messages;
- deliver: the outbox's worker round as a worker runs it (claim a batch in one transaction, gate: paused? public?,
  sign, POST over a kept-alive connection, record a chunk's outcomes in one transaction), until all N are accepted;
  p50/p95 per delivery (from its batch's claim to its recorded outcome);
- baseline, same run: N plain POSTs of the same signed body with the same HTTP client the transport uses
  (http.client, one connection per POST), no database;
- the outbox alone, same run: N webhook messages of the same body through the same worker round, without the
  webhooks' gate and tables (what the webhooks add on top of the outbox).

Target (issue 16): 1,000 webhook deliveries ≤ 10 s. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common import percentile  # noqa: E402 (bench/ is on sys.path when run as a script)


class Receiver:
    """A real HTTP server on 127.0.0.1, in a process of its own (as a real endpoint is: it does not share this
    process's interpreter lock), that answers 200 and counts the POSTs."""

    def __init__(self) -> None:
        self._count = multiprocessing.Value("i", 0)
        ready = multiprocessing.Queue()
        self.process = multiprocessing.Process(target=self._serve, args=(self._count, ready), daemon=True)
        self.process.start()
        self.port = int(ready.get(timeout=30))

    @property
    def count(self) -> int:
        return int(self._count.value)

    def stop(self) -> None:
        self.process.terminate()
        self.process.join(10)

    @staticmethod
    def _serve(counter: Any, ready: Any) -> None:
        server = _Server(counter)
        ready.put(server.port)
        server.server.serve_forever()


class _Server:
    def __init__(self, counter: Any) -> None:
        self.lock = threading.Lock()
        receiver = counter

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keeps the connection open, as a real endpoint (nginx…) does
            disable_nagle_algorithm = True  # TCP_NODELAY, as a real endpoint sets it

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.get_lock():
                    receiver.value += 1
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])


def scratch_database(postgres: str | None, folder: Path) -> tuple[str, Any]:
    if not postgres:
        return f"sqlite:///{folder / 'bench.sqlite3'}", lambda: None
    import psycopg

    name = f"redalert_bench_wh_{uuid.uuid4().hex[:8]}"
    base = postgres.rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{base}/{name}", drop


def setup(cases: int, events: int, url: str) -> None:
    from django.db import transaction
    from django.utils import timezone

    from redalert.accounts.models import Organisation, User
    from redalert.cases.models import TimelineEvent, TimelineKind
    from redalert.cases.services import IntakeData, open_report
    from redalert.changes.announce import Kind, announce, catch_up_all
    from redalert.places.models import Place, PlaceKind
    from redalert.webhooks.models import EventKind
    from redalert.webhooks.services import create_subscription

    org = Organisation.objects.create(name="Red de Búsqueda", code="RBB", country="MX")
    admin = User.objects.create_user(username="admin-bench", password="x" * 20, organisation=org)
    admin.set_roles({"administrator", "coordinator"})
    place = Place.objects.create(
        kind=PlaceKind.COUNTRY, code="MX", name="México", search_name="mexico", country_code="MX"
    )
    opened = [
        open_report(
            IntakeData(
                reported_at=timezone.make_aware(datetime(2026, 3, 2, 10, 30)),
                report_channel="family",
                reporter_name="Familia",
                given_names=f"Persona {n}",
                first_surname="Prueba",
                sex="female",
                last_seen_on=date(2026, 3, 1),
                last_seen_place=place,
            ),
            organisation=org,
            actor=admin,
        )
        for n in range(cases)
    ]
    catch_up_all()  # the other followers (map facts…) are not what is measured
    create_subscription(actor=admin, name="bench", url=url, kinds=[EventKind.TIP_RECEIVED], scope="ids")
    with transaction.atomic():  # N tips received: a timeline line and an announcement each, as receive_tip writes
        lines = [
            TimelineEvent(case=opened[n % cases], kind=TimelineKind.TIP, summary_data={"code": f"T{n:06d}"})
            for n in range(events)
        ]
        TimelineEvent.objects.bulk_create(lines, batch_size=500)
        for n in range(events):
            announce(opened[n % cases].pk, Kind.TIP)


def deliver_all(expected: int) -> list[float]:
    """Run the outbox worker's round (deliver_due: claim a batch, gate, sign, POST, record) until nothing is due; the
    seconds each delivery took, from its batch's claim to its recorded outcome (wall clock, as the attempt's time)."""
    from redalert.outbox import claiming
    from redalert.outbox.models import DeliveryAttempt, Outcome

    claim_batch = claiming.claim_batch
    started: dict[int, float] = {}

    def timed_claim_batch(limit: int, exclude: set[int]) -> Any:
        at = time.time()
        claimed, looked_at = claim_batch(limit, exclude)
        started.update((message.pk, at) for message in claimed)
        return claimed, looked_at

    claiming.claim_batch = timed_claim_batch  # type: ignore[assignment]
    try:
        while claiming.deliver_due(limit=100):  # run_worker's default round
            pass
    finally:
        claiming.claim_batch = claim_batch  # type: ignore[assignment]
    done = DeliveryAttempt.objects.filter(message_id__in=list(started), outcome=Outcome.SENT)
    return [at.timestamp() - started[message_id] for message_id, at in done.values_list("message_id", "at")]


def deliver_in_processes(expected: int, workers: int) -> list[float]:
    """deliver_all in `workers` processes side by side (as `run_worker --processes` forks them; claim-and-send makes
    that safe); the per-delivery seconds of all of them."""
    if workers <= 1:
        return deliver_all(expected)
    from django.db import connections

    connections.close_all()  # each forked child opens its own database connection
    pipes = []
    for _n in range(workers - 1):
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            try:
                timings = deliver_all(expected)
                with os.fdopen(write, "w") as out:
                    json.dump(timings, out)
            finally:
                os._exit(0)
        os.close(write)
        pipes.append((pid, read))
    per = deliver_all(expected)
    for pid, read in pipes:
        with os.fdopen(read) as incoming:
            per.extend(json.load(incoming))
        os.waitpid(pid, 0)
    return per


def baseline(port: int, body: bytes, headers: dict[str, str], count: int) -> list[float]:
    per: list[float] = []
    for _ in range(count):
        start = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("POST", "/hook", body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        conn.close()
        if response.status != 200:
            raise RuntimeError(response.status)
        per.append(time.perf_counter() - start)
    return per


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--cases", type=int, default=50)
    parser.add_argument("--workers", type=int, default=1, help="delivering processes side by side (default 1)")
    parser.add_argument("--postgres", default=None, help="a PostgreSQL URL; a scratch database is made and dropped")
    args = parser.parse_args()

    receiver = Receiver()  # started before Django is set up (a forked child needs none of it)
    folder = Path(tempfile.mkdtemp(prefix="redalert-bench-webhooks-"))
    database_url, drop = scratch_database(args.postgres, folder)
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "redalert.settings.test"  # webhook receivers on 127.0.0.1 allowed
    import django

    django.setup()
    import logging

    from django.core.management import call_command

    logging.disable(logging.WARNING)
    try:
        call_command("migrate", verbosity=0)
        setup(args.cases, args.events, f"http://127.0.0.1:{receiver.port}/hook")

        from redalert.changes.announce import catch_up
        from redalert.outbox.channels.webhook.transport import webhook_body
        from redalert.outbox.models import OutboundMessage
        from redalert.webhooks.followers import FOLLOWER

        start = time.perf_counter()
        while catch_up(500, names=[FOLLOWER]):
            pass
        collect_s = time.perf_counter() - start
        queued = OutboundMessage.objects.count()

        start = time.perf_counter()
        per = deliver_in_processes(queued, args.workers)
        deliver_s = time.perf_counter() - start
        delivered = receiver.count
        if delivered < queued:
            failed = OutboundMessage.objects.exclude(status="sent").values_list("status", "last_error").first()
            print(f"Not all delivered; e.g. {failed}", file=sys.stderr)

        sample = OutboundMessage.objects.first()
        assert sample is not None
        body = webhook_body(sample)
        from redalert.outbox.channels.webhook.transport import sign

        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-RedAlert-Signature": sign(body, sample.secret),
            "Idempotency-Key": sample.idempotency_key,
        }
        start = time.perf_counter()
        base = baseline(receiver.port, body, headers, args.events)
        base_s = time.perf_counter() - start

        # The outbox alone, same run: N webhook messages with the same body, no gate and no webhooks tables.
        from django.db import transaction

        from redalert.outbox.enqueue import MessageSpec, enqueue_many
        from redalert.outbox.models import Channel

        with transaction.atomic():
            enqueue_many(
                [
                    MessageSpec(Channel.WEBHOOK, sample.to, "", sample.body, f"plain-{n}", secret=sample.secret)
                    for n in range(args.events)
                ]
            )
        start = time.perf_counter()
        outbox_only = deliver_all(args.events)
        outbox_s = time.perf_counter() - start
    finally:
        receiver.stop()
        drop()
        shutil.rmtree(folder, ignore_errors=True)

    def ms(values: list[float], p: float) -> float:
        return round(percentile(values, p) * 1000, 2)

    figures = {
        "database": "postgresql" if args.postgres else "sqlite",
        "workers": args.workers,
        "events": args.events,
        "queued": queued,
        "delivered": delivered,
        "collect_seconds": round(collect_s, 2),
        "deliver_seconds": round(deliver_s, 2),
        "collect_plus_deliver_seconds": round(collect_s + deliver_s, 2),
        "deliveries_per_second": round(delivered / deliver_s, 1) if deliver_s else None,
        "deliver_ms_per_message": round(deliver_s * 1000 / delivered, 2) if delivered else None,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "delivery_ms_p50": ms(per, 50),
        "delivery_ms_p95": ms(per, 95),
        "baseline_plain_posts_seconds": round(base_s, 2),
        "baseline_posts_per_second": round(len(base) / base_s, 1) if base_s else None,
        "baseline_ms_p50": ms(base, 50),
        "baseline_ms_p95": ms(base, 95),
        "outbox_only_seconds": round(outbox_s, 2),
        "outbox_only_ms_p50": ms(outbox_only, 50),
        "outbox_only_ms_p95": ms(outbox_only, 95),
        "ratio_p50_webhook_to_outbox_only": round(statistics.median(per) / statistics.median(outbox_only), 2),
        "ratio_p50_webhook_to_plain_post": round(statistics.median(per) / statistics.median(base), 1),
        "ratio_total_time_webhook_to_plain_posts": round((collect_s + deliver_s) / base_s, 1),
        "target": "1,000 deliveries <= 10 s (collect + deliver)",
    }
    print(json.dumps(figures, indent=2))
    return 0 if delivered == args.events else 1


if __name__ == "__main__":
    raise SystemExit(main())
