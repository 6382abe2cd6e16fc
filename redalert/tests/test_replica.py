"""The read replica (issue 19, redalert.lib.replica), against a REAL streaming standby of the test's PostgreSQL.

`scripts/replica start` makes a second cluster on this machine with pg_basebackup from the primary (port 5433) and
starts it streaming; the test database pytest-django creates on the primary reaches it through the WAL like any
write. The tests commit their writes (transactional), wait for replay, and show that the yearly report and the
maps' counts are read on the replica, while consent is read on the primary even when the replica's replay is paused
(pg_wal_replay_pause: the replica lags as long as we like).

Skipped on SQLite; on PostgreSQL skipped with the reason when the replica cannot be made, unless REQUIRE_REPLICA=1
(CI), which turns that into a failure. The SQLite half checks that without a replica nothing changes.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from redalert.cases.models import Case
from redalert.consent.choices import Decision, Purpose
from redalert.consent.models import CurrentConsent
from redalert.consent.rules import may_use
from redalert.lib.replica import PRIMARY, REPLICA, ReplicaRouter, caught_up, reading_from_replica
from redalert.public.models import PublicVersion
from redalert.statistics.report import yearly_report
from redalert.statistics.scope import coalition_scope
from redalert.testing import record_consent

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "replica"


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("REQUIRE_REPLICA") == "1":
        pytest.fail(f"REQUIRE_REPLICA=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def replica_alias(django_db_setup: Any) -> Iterator[int]:
    """Start (or reuse) the streaming replica of the primary the tests use, and point the alias "replica" at its
    copy of the test database, as DATABASE_REPLICA_URL would (removed again after this module)."""
    settings_dict = connection.settings_dict
    if connection.vendor != "postgresql":  # the SQLite half of the suite: nothing to require there
        pytest.skip("the read replica needs PostgreSQL (set DATABASE_URL=postgres://…)")
    host, port = settings_dict["HOST"] or "127.0.0.1", settings_dict["PORT"] or "5432"
    if host not in {"127.0.0.1", "localhost"}:
        _skip_or_fail(f"the replica is made from a primary on this machine; the tests use {host}")
    replica_port = int(os.environ.get("REPLICA_PORT", "5433"))
    env = {**os.environ, "PRIMARY_URL": f"postgres://{settings_dict['USER']}@{host}:{port}/postgres"}
    try:
        made = subprocess.run(  # noqa: S603 - our own script, fixed arguments
            [str(SCRIPT), "start"], env=env, capture_output=True, text=True, timeout=600, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        _skip_or_fail(f"scripts/replica start failed: {error}")
    if made.returncode != 0:
        _skip_or_fail(f"scripts/replica start could not make a streaming replica: {made.stderr.strip()[-500:]}")

    saved = connections.settings.get(REPLICA)
    if saved is not None:
        connections[REPLICA].close()
        del connections[REPLICA]
    connections.settings[REPLICA] = {
        **settings_dict,
        "HOST": "127.0.0.1",
        "PORT": str(replica_port),
        "CONN_MAX_AGE": 0,
        # A mirror for the test machinery: it creates, flushes and migrates nothing on the standby.
        "TEST": {**settings_dict["TEST"], "MIRROR": PRIMARY},
    }
    try:
        yield replica_port
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        if saved is None:
            del connections.settings[REPLICA]
        else:
            connections.settings[REPLICA] = saved


@pytest.fixture
def replica(replica_alias: int, transactional_db: Any) -> Iterator[Any]:
    """The connection to the standby; its replay is resumed after the test, whatever happened."""
    try:
        yield connections[REPLICA]
    finally:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
        connections[REPLICA].close()


ON_BOTH = pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])


def _count(report: Any, table: str = "worked", row: str = "worked") -> int:
    found = next(t for t in report.tables if t.key == table).row(row)
    return int(found.cells["cases"].value)


def _coalition_cases(make_case: Any, org_a: Any, coordinator: Any, n: int) -> list[Any]:
    org_a.coalition_member = True
    org_a.save(update_fields=["coalition_member"])
    cases = [make_case(org_a, coordinator, given_names=f"Persona {i}") for i in range(n)]
    for case in cases:
        record_consent(case, Purpose.STATISTICS, coordinator)
    return cases


@ON_BOTH
def test_the_yearly_report_is_read_on_the_streaming_replica(replica, make_case, org_a, coordinator):
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone() == (True,)  # a real standby, not the primary under another name
    _coalition_cases(make_case, org_a, coordinator, 3)

    scope = coalition_scope()
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(connection) as on_primary:
        report = yearly_report(scope, 2026)

    assert _count(report) == 3  # fresh: the replica replayed the writes committed before the report asked
    assert any('"cases_case"' in q["sql"] for q in on_replica.captured_queries)
    # On the primary: only the position to wait for, and which cases consent (the figures were counted elsewhere).
    primary = [q["sql"] for q in on_primary.captured_queries]
    assert all("pg_current_wal_lsn" in sql or "consent_currentconsent" in sql for sql in primary), primary
    assert len(on_replica.captured_queries) > len(primary)


@ON_BOTH
def test_the_maps_counts_are_read_on_the_replica(replica, make_case, org_a, coordinator):
    from redalert.maps.filters import MapFilters
    from redalert.maps.permissions import Scope
    from redalert.maps.views import Counts

    make_case(org_a, coordinator)
    make_case(org_a, coordinator, given_names="Lucía")
    coordinator.refresh_from_db()

    with CaptureQueriesContext(replica) as on_replica:
        places = Counts(coordinator, Scope.ORGANISATION, MapFilters()).places()

    assert any("maps_casemapfact" in q["sql"] for q in on_replica.captured_queries)
    assert sum(places.values()) == 2


@ON_BOTH
def test_consent_is_read_on_the_primary_while_the_replica_lags(replica, make_case, org_a, coordinator, settings):
    withdrawn, kept = _coalition_cases(make_case, org_a, coordinator, 2)
    assert caught_up()
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")

    record_consent(withdrawn, Purpose.STATISTICS, coordinator, Decision.WITHDRAWN, on=withdrawn.reported_at.date())

    # The replica still holds the grant: it has not replayed the withdrawal …
    stale = CurrentConsent.objects.using(REPLICA).get(case=withdrawn, purpose=Purpose.STATISTICS)
    assert stale.decision == Decision.GRANTED
    with reading_from_replica(fresh=False) as on_replica:
        assert on_replica
        # … but every consent check inside a replica read asks the primary: the withdrawal counts at once.
        assert not may_use(withdrawn, Purpose.STATISTICS)
        assert may_use(kept, Purpose.STATISTICS)
        assert ReplicaRouter().db_for_read(CurrentConsent) == PRIMARY
        assert ReplicaRouter().db_for_read(PublicVersion) == PRIMARY  # the public gate's version tokens
        assert ReplicaRouter().db_for_read(Case) == REPLICA
    with CaptureQueriesContext(replica) as on_replica_queries, reading_from_replica(fresh=False):
        report = yearly_report(coalition_scope(), 2026)
    assert on_replica_queries.captured_queries  # the figures came from the lagging replica …
    assert _count(report) == 1  # … and still only the case whose consent stands on the primary was counted

    # A fresh read (the default) does not wait for a paused replica longer than allowed: it reads the primary.
    settings.DATABASE_REPLICA_WAIT_SECONDS = 0.2
    with reading_from_replica() as used_replica:
        assert not used_replica
        assert _count(yearly_report(coalition_scope(), 2026)) == 1


def test_without_a_replica_nothing_changes(db):
    """SQLite or PostgreSQL, with or without DATABASE_REPLICA_URL (tests mirror the primary): the primary."""
    router = ReplicaRouter()
    with reading_from_replica() as used:
        assert not used  # no replica, or (in a test's transaction) one that cannot see the uncommitted rows
        assert router.db_for_read(CurrentConsent) == PRIMARY
        assert router.db_for_read(Case) == PRIMARY
    assert router.db_for_write(Case) == PRIMARY
    assert router.allow_migrate(PRIMARY, "cases") is True
    assert router.allow_migrate(REPLICA, "cases") is False
