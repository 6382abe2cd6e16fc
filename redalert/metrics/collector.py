"""What the Prometheus endpoint reports beyond django-prometheus's request metrics: the state of the queues and jobs,
read from the database at scrape time (so every web process reports the same figures, and nothing has to be kept in
step by the workers). Counts and ages only: no case, no name, no address, no message text.

Every metric, its labels and meaning: docs/operations.md, "Metrics". Queues: the outbox per channel (length, oldest
age, given up, delivery attempts by outcome), import jobs per status, the queued change followers (matching keys,
people-found pairs, map facts, webhooks), the duplicate finder's last run, the shared cache's pending purges (once
public.PendingPurge exists), and the workers' heartbeats.

A part that cannot be read (a table not migrated yet, a database error) is left out and flagged, because an unknown
is not a zero.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import datetime

from django.apps import apps
from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from redalert import heartbeat

log = logging.getLogger(__name__)

WAITING = ("pending", "sending")  # outbox.Status values still to be sent
UNFINISHED_JOBS = ("queued", "running")  # imports.JobStatus values not finished


def _age(oldest: datetime | None, now: datetime) -> float:
    return max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0


def outbox(now: datetime) -> Iterator[Metric]:
    from redalert.outbox.models import Channel, DeliveryAttempt, OutboundMessage

    length = GaugeMetricFamily(
        "redalert_outbox_queue_length", "Outgoing messages waiting or being sent, per channel.", labels=["channel"]
    )
    oldest = GaugeMetricFamily(
        "redalert_outbox_oldest_age_seconds",
        "Age of the oldest outgoing message still waiting or being sent (0: none), per channel.",
        labels=["channel"],
    )
    failed = GaugeMetricFamily(
        "redalert_outbox_failed_messages", "Outgoing messages given up on after every retry.", labels=["channel"]
    )
    attempts = CounterMetricFamily(
        "redalert_outbox_delivery_attempts",
        "Delivery attempts recorded, per channel and outcome.",
        labels=["channel", "outcome"],
    )
    waiting = {
        row["channel"]: row
        for row in OutboundMessage.objects.filter(status__in=WAITING)
        .order_by()
        .values("channel")
        .annotate(n=Count("id"), oldest=Min("created_at"))
    }
    gave_up = dict(
        OutboundMessage.objects.filter(status="failed").order_by().values_list("channel").annotate(n=Count("id"))
    )
    for channel in Channel.values:
        row = waiting.get(channel)
        length.add_metric([channel], row["n"] if row else 0)
        oldest.add_metric([channel], _age(row["oldest"], now) if row else 0.0)
        failed.add_metric([channel], gave_up.get(channel, 0))
    for channel, outcome, n in (
        DeliveryAttempt.objects.order_by()
        .values_list("message__channel", "outcome")
        .annotate(n=Count("id"))
        .values_list("message__channel", "outcome", "n")
    ):
        attempts.add_metric([channel, outcome], n)
    yield from (length, oldest, failed, attempts)


def imports(now: datetime) -> Iterator[Metric]:
    from redalert.imports.models import ImportJob, JobStatus

    jobs = GaugeMetricFamily("redalert_import_jobs", "Import jobs per status.", labels=["status"])
    counts = dict(ImportJob.objects.order_by().values_list("status").annotate(n=Count("id")))
    for status in JobStatus.values:
        jobs.add_metric([status], counts.get(status, 0))
    yield jobs
    oldest = ImportJob.objects.filter(status__in=UNFINISHED_JOBS).aggregate(m=Min("created_at"))["m"]
    yield GaugeMetricFamily(
        "redalert_import_oldest_queued_age_seconds",
        "Age of the oldest import job still queued or running (0: none).",
        value=_age(oldest, now),
    )


def followups(now: datetime) -> Iterator[Metric]:
    from redalert.changes.announce import followers
    from redalert.changes.models import PendingFollowUp

    pending = GaugeMetricFamily(
        "redalert_followups_pending",
        "Changes a queued follower (matching keys, people-found pairs, map facts, webhooks) has not caught up with.",
        labels=["follower"],
    )
    oldest = GaugeMetricFamily(
        "redalert_followups_oldest_age_seconds",
        "Age of the oldest change a queued follower has not caught up with (0: none).",
        labels=["follower"],
    )
    rows = {
        row["follower"]: row
        for row in PendingFollowUp.objects.order_by()
        .values("follower")
        .annotate(n=Count("id"), oldest=Min("queued_at"))
    }
    queued = {f.name for f in followers() if not f.in_transaction}
    for follower in sorted(queued | set(rows)):
        row = rows.get(follower)
        pending.add_metric([follower], row["n"] if row else 0)
        oldest.add_metric([follower], _age(row["oldest"], now) if row else 0.0)
    yield from (pending, oldest)


def duplicate_scan(now: datetime) -> Iterator[Metric]:
    from redalert.duplicates.models import ScanState

    last = ScanState.objects.filter(last_run_at__isnull=False).aggregate(m=Min("last_run_at"))["m"]
    if last is not None:
        yield GaugeMetricFamily(
            "redalert_duplicate_scan_age_seconds",
            "Seconds since the duplicate finder last ran, for the organisation it ran for longest ago.",
            value=_age(last, now),
        )


def cache_purges(now: datetime) -> Iterator[Metric]:
    try:
        model = apps.get_model("public", "PendingPurge")
    except LookupError:  # the edge cache's queue is not installed in this version
        return
    row = model.objects.aggregate(n=Count("id"), oldest=Min("created_at"))
    failing = model.objects.filter(attempts__gt=0).count()
    yield GaugeMetricFamily("redalert_cache_purges_pending", "Purges of the shared cache not yet done.", value=row["n"])
    yield GaugeMetricFamily(
        "redalert_cache_purges_failing", "Purges of the shared cache whose last send failed.", value=failing
    )
    yield GaugeMetricFamily(
        "redalert_cache_purges_oldest_age_seconds",
        "Age of the oldest purge of the shared cache not yet done (0: none).",
        value=_age(row["oldest"], now),
    )


def workers(now: datetime) -> Iterator[Metric]:
    ages = GaugeMetricFamily(
        "redalert_worker_heartbeat_age_seconds",
        "Seconds since a worker of this kind last finished a round.",
        labels=["kind"],
    )
    for kind in heartbeat.KINDS:
        age = heartbeat.age_seconds(kind)
        if age is not None:
            ages.add_metric([kind], age)
    yield ages


PARTS: dict[str, Callable[[datetime], Iterator[Metric]]] = {
    "outbox": outbox,
    "imports": imports,
    "followups": followups,
    "duplicate_scan": duplicate_scan,
    "cache_purges": cache_purges,
    "workers": workers,
}


class StateCollector(Collector):
    """Reads the queues and jobs at each scrape (registered on the scrape's registry by the view)."""

    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        errors = GaugeMetricFamily(
            "redalert_metrics_scrape_errors", "1 when a part of the metrics could not be read.", labels=["part"]
        )
        for part, read in PARTS.items():
            try:
                metrics = list(read(now))
            except Exception:  # one unreadable part must not hide the others; the reason goes to the log
                log.exception("Metrics: could not read %s", part)
                errors.add_metric([part], 1)
                continue
            errors.add_metric([part], 0)
            yield from metrics
        yield errors
