"""Heavy reads on a read replica, when there is one (issue 19; docs/operations.md, "Read replica").

With DATABASE_REPLICA_URL set, settings add a database alias "replica" (a streaming standby of the primary) and
ReplicaRouter. Nothing is sent to the replica by model: a service opts in for the span of its reads with

    with reading_from_replica():
        ...  # the yearly report, the maps' counts, an export, the regional indicators, an API list

and everything else reads the primary, as without a replica. Inside that span, four things still read the primary:

- consent: `consent.rules` asks `reading_from_primary()` (and the router sends the consent tables' own reads to the
  primary by name, a second lock on the same door), so a withdrawal counts at once, however far the replica lags;
- the public gate's version tokens (PublicVersion), by name as well;
- any read inside a transaction on the primary (it must see its own writes, and locks live on the primary);
- every write, and every migration (the replica is read-only; `allow_migrate` says no to it).

Fresh by default: on entry, the span asks the primary for its WAL position and waits (at most
DATABASE_REPLICA_WAIT_SECONDS) until the replica has replayed up to it, so what is read is never older than what
was committed before the request asked. A replica that does not catch up in time, or does not answer, is skipped:
the span reads the primary, logs a warning and counts it (metric redalert_replica_spans_total{database="default"}).

This module imports no app (it is in the lowest layer); app labels are named as strings.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connections
from prometheus_client import Counter

PRIMARY = "default"
REPLICA = "replica"

# Models whose reads always go to the primary, even inside reading_from_replica(): consent and the public gate.
PRIMARY_ONLY = frozenset({"consent.consentrecord", "consent.currentconsent", "public.publicversion"})

log = logging.getLogger(__name__)

# True: reads go to the replica; False: to the primary; None: outside any span (the primary).
_target: ContextVar[bool | None] = ContextVar("redalert_read_target", default=None)

# Spans of reading_from_replica(): how many read the replica, how many fell back to the primary (shown on /metrics).
SPANS = Counter(
    "redalert_replica_spans", "Spans of heavy reads meant for the replica, by where they read.", ["database"]
)


def replica_configured() -> bool:
    """Whether a replica alias exists (DATABASE_REPLICA_URL set, or a test that added one)."""
    return REPLICA in connections.settings


def on_replica() -> bool:
    """Whether reads of this thread/task go to the replica right now."""
    return bool(_target.get()) and replica_configured()


def _wait_seconds() -> float:
    return float(getattr(settings, "DATABASE_REPLICA_WAIT_SECONDS", 2.0))


def _replay_position(lsn: str) -> bool | None:
    """Whether the replica replayed up to `lsn`; None when it is not a standby (then it is the primary itself)."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(
            "SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() >= %s::pg_lsn END",
            [lsn],
        )
        row = cursor.fetchone()
    return None if row is None or row[0] is None else bool(row[0])


def caught_up(wait: float | None = None) -> bool:
    """Whether the replica has replayed everything committed on the primary until now, waiting up to `wait` seconds.

    False inside a transaction on the primary (its uncommitted writes are nowhere else), and when the replica does
    not answer. Always True for a replica that is not a PostgreSQL standby (tests mirror the primary).
    """
    if connections[PRIMARY].in_atomic_block:
        return False
    if connections[PRIMARY].vendor != "postgresql" or connections[REPLICA].vendor != "postgresql":
        return True
    deadline = time.monotonic() + (_wait_seconds() if wait is None else wait)
    try:
        with connections[PRIMARY].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            row = cursor.fetchone()
        assert row is not None
        lsn = str(row[0])
        pause = 0.005
        while True:
            replayed = _replay_position(lsn)
            if replayed is None or replayed:
                return True
            if time.monotonic() >= deadline:
                log.warning("The read replica has not replayed %s in time: reading the primary.", lsn)
                return False
            time.sleep(pause)
            pause = min(pause * 2, 0.1)
    except Exception:  # a replica that does not answer must not break a report: read the primary instead
        log.warning("The read replica does not answer: reading the primary.", exc_info=True)
        connections[REPLICA].close()
        return False


@contextmanager
def reading_from_replica(*, fresh: bool = True) -> Iterator[bool]:
    """Send this span's reads to the replica (if one is configured); yields whether they go there.

    fresh=True (the default) first waits for the replica to catch up with the primary (see caught_up); a span inside
    another keeps the outer one's choice. fresh=False reads the replica as it is, however far behind (tests, and
    the benchmark, use it to show what still reads the primary while the replica lags).
    """
    if _target.get() is not None or not replica_configured():
        yield on_replica()
        return
    use = caught_up() if fresh else True
    SPANS.labels(REPLICA if use else PRIMARY).inc()
    token = _target.set(use)
    try:
        yield use
    finally:
        _target.reset(token)


@contextmanager
def reading_from_primary() -> Iterator[None]:
    """Send this span's reads to the primary, even inside reading_from_replica() (consent checks ask this)."""
    token = _target.set(False)
    try:
        yield
    finally:
        _target.reset(token)


class ReplicaRouter:
    """Reads inside reading_from_replica() go to the replica; everything else, all writes and migrations, to the
    primary. Registered in settings only when DATABASE_REPLICA_URL is set."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if not on_replica():
            return PRIMARY
        if model._meta.label_lower in PRIMARY_ONLY or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return REPLICA

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica is a copy of the primary: same rows, same ids

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db != REPLICA
