"""The yearly report and the maps on the read replica while the primary takes writes (issue 19).

Usage: bench/replica.py [--cases N] [--runs R] [--postgres URL] [--keep-db NAME] [--writers W]

Needs the PostgreSQL primary on this machine (default 127.0.0.1:5432) and makes (or reuses) its streaming replica
with scripts/replica (port 5433). In a scratch database (created and dropped, or kept with --keep-db): migrate, the
gazetteer, N cases (default 50,000) in one organisation with bulk SQL (bench/bulk_cases.py), their map rows. Then, in
one child process with DATABASE_URL (primary) and DATABASE_REPLICA_URL (replica), R times each:

1. baseline: the yearly report of last year and the maps' counts (by place, and the route flows) on the primary
   alone, nobody writing;
2. the same on the replica (reading_from_replica(), fresh: each span first waits for the replica to replay what the
   primary had committed) while W writer processes load the primary (batches of INSERTs and UPDATEs, committed);
3. for comparison, the same on the primary while the writers run.

It prints p50/p95 of each, the ratios to the baseline, the writers' rate, the replica's largest replay lag seen,
how many spans fell back to the primary, and the load average (the machine is shared: figures are noisy).
Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import DEFAULT_PG, PYTHON, ROOT, manage, median_p95, postgres_database, postgres_reachable

WRITE_TABLE = "bench_replica_writes"


def writer(database_url: str, stop: Any, counter: Any) -> None:
    """Load the primary until `stop` is set: each round, 200 rows inserted and 50 cases' rows updated, committed."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        while not stop.is_set():
            with conn.transaction():
                conn.execute(
                    f"INSERT INTO {WRITE_TABLE} (payload) SELECT md5(random()::text) || repeat('x', 200) "  # noqa: S608
                    "FROM generate_series(1, 200)"
                )
                conn.execute(
                    "UPDATE cases_case SET circumstances = circumstances WHERE id IN "
                    "(SELECT id FROM cases_case TABLESAMPLE SYSTEM (1) LIMIT 50)"
                )
            with counter.get_lock():
                counter.value += 250


def measure(runs: int, writers: int, database_url: str) -> None:
    """Runs in the child process, with DATABASE_URL and DATABASE_REPLICA_URL set."""
    import django

    django.setup()
    from bulk_cases import BULK_CODE
    from django.db import connection, connections
    from django.utils import timezone, translation

    from redalert.accounts.models import Organisation
    from redalert.lib.replica import SPANS, caught_up, reading_from_primary, reading_from_replica
    from redalert.maps import aggregates
    from redalert.maps.models import CaseMapFact, RouteFact
    from redalert.statistics.report import yearly_report
    from redalert.statistics.scope import organisation_scope

    year = timezone.localdate().year - 1
    organisation = Organisation.objects.get(code=BULK_CODE)
    scope = organisation_scope(organisation)
    translation.activate("es")
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {WRITE_TABLE} (id bigserial PRIMARY KEY, payload text)")
        cursor.execute("VACUUM ANALYZE")
    assert caught_up(wait=120), "the replica did not catch up with the scratch database"
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone() == (True,)

    def report() -> None:
        yearly_report(scope, year)

    def maps() -> None:
        with reading_from_replica():
            aggregates.counts_by_place(CaseMapFact.objects.filter(organisation_id=organisation.pk))
            aggregates.flows(RouteFact.objects.filter(organisation_id=organisation.pk), limit=200)

    def timed(where: str) -> dict[str, list[float]]:
        samples: dict[str, list[float]] = {"report": [], "maps": []}
        for _n in range(runs):
            for name, run in (("report", report), ("maps", maps)):
                started = time.perf_counter()
                if where == "primary":
                    with reading_from_primary():
                        run()
                else:
                    run()
                samples[name].append(time.perf_counter() - started)
        return samples

    report()  # warm-up: connections, translations, imports
    maps()
    results: dict[str, dict[str, list[float]]] = {}
    loads: dict[str, float] = {}
    results["primary alone"] = timed("primary")
    loads["primary alone"] = os.getloadavg()[0]

    stop = multiprocessing.Event()
    counter = multiprocessing.Value("q", 0)
    processes = [
        multiprocessing.Process(target=writer, args=(database_url, stop, counter), daemon=True) for _ in range(writers)
    ]
    for process in processes:
        process.start()
    time.sleep(2)  # let the writers reach their pace
    max_lag = 0

    def lag() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)), 0) FROM pg_stat_replication"
            )
            row = cursor.fetchone()
        return int(row[0]) if row else 0

    fallbacks_before = SPANS.labels("default")._value.get()
    spans_before = SPANS.labels("replica")._value.get()
    started_writes, started_at = counter.value, time.perf_counter()
    max_lag = max(max_lag, lag())
    results["replica, primary loaded"] = timed("replica")
    max_lag = max(max_lag, lag())
    loads["replica, primary loaded"] = os.getloadavg()[0]
    fallbacks = SPANS.labels("default")._value.get() - fallbacks_before
    spans = SPANS.labels("replica")._value.get() - spans_before
    results["primary, loaded"] = timed("primary")
    loads["primary, loaded"] = os.getloadavg()[0]
    rows_per_second = (counter.value - started_writes) / (time.perf_counter() - started_at)
    stop.set()
    for process in processes:
        process.join(timeout=30)

    total = organisation.cases.count()
    print(
        f"  {total:,} cases in one organisation, report of {year}, {runs} runs each; "
        f"{writers} writer process(es) at {rows_per_second:,.0f} rows/s (inserted or updated, committed)",
        flush=True,
    )
    base = {name: median_p95(samples)[0] for name, samples in results["primary alone"].items()}
    for label, samples in results.items():
        for name, values in samples.items():
            p50, p95 = median_p95(values)
            print(
                f"    {label:<24} {name:<6} p50 {p50 * 1000:7.0f} ms, p95 {p95 * 1000:7.0f} ms, "
                f"ratio to the primary alone (p50) {p50 / base[name]:.2f}  (load average {loads[label]:.1f})",
                flush=True,
            )
    print(
        f"    replica: {spans:.0f} spans read it, {fallbacks:.0f} fell back to the primary; largest replay lag seen "
        f"{max_lag / 1024:,.0f} KiB; load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--postgres", default=DEFAULT_PG, help="the primary (on this machine); a scratch db is made")
    parser.add_argument("--keep-db", default="", help="build into (or reuse) this database and keep it")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        sys.path.insert(0, str(ROOT))
        measure(args.runs, args.writers, os.environ["BENCH_PSYCOPG_URL"])
        return
    if not postgres_reachable(args.postgres):
        print(f"replica: PostgreSQL not reachable at {args.postgres}, skipped")
        return
    started = subprocess.run(
        [str(ROOT / "scripts" / "replica"), "start"],
        env={**os.environ, "PRIMARY_URL": args.postgres},
        capture_output=True,
        text=True,
        check=False,
    )
    if started.returncode != 0:
        print(f"replica: no streaming replica could be made, skipped ({started.stderr.strip()[-300:]})")
        return
    replica_server = started.stdout.strip().splitlines()[-1].rpartition("/")[0]
    name = args.keep_db or f"bench_replica_{os.getpid()}"
    with (
        postgres_database(args.postgres, name, keep=bool(args.keep_db)) as (database_url, exists),
        tempfile.TemporaryDirectory(prefix="bench-replica-") as scratch,
    ):
        env = {
            **os.environ,
            "REDALERT_VAR_DIR": scratch,
            "DJANGO_SETTINGS_MODULE": "redalert.settings.dev",
            "DATABASE_URL": database_url,
            "SECRET_KEY": "bench-replica-" + "x" * 40,
            "FIELD_ENCRYPTION_KEYS": "9gEt3JqM3iHh0gAN7sW8RFNm5Yx1V8m1o4Y9Jk3Wq0s=",
        }
        manage(env, "migrate", "--noinput")
        if not exists:
            manage(env, "load_places")
            loaded = subprocess.run(
                [PYTHON, "-c", LOAD.format(cases=int(args.cases))],
                cwd=ROOT,
                env={**env, "PYTHONPATH": f"{ROOT / 'bench'}:{ROOT}"},
                check=True,
                capture_output=True,
                text=True,
            )
            print(loaded.stdout.strip(), flush=True)
        else:
            print(f"replica: reusing the database {name}", flush=True)
        env["DATABASE_REPLICA_URL"] = f"{replica_server}/{name}"
        env["BENCH_PSYCOPG_URL"] = database_url
        child = [PYTHON, str(Path(__file__).resolve()), "--measure", "--runs", str(args.runs)]
        child += ["--writers", str(args.writers)]
        subprocess.run(child, cwd=ROOT, env=env, check=True)


# Bulk cases, then the map rows (the bulk SQL went past the services, as an import of history would without them).
LOAD = """
import django, time
django.setup()
from django.utils import timezone
from bulk_cases import write_cases
written = write_cases({cases}, timezone.localdate().year - 3)
started = time.perf_counter()
from django.core.management import call_command
call_command("rebuild_map_facts")
try:
    from redalert.statistics.facts import rebuild_facts  # the report's per-case rows, where that read model exists
    rebuild_facts()
except ImportError:
    pass
print(f"  wrote {cases:,} cases with bulk SQL in {{written['seconds']:.0f}} s, their derived rows in "
      f"{{time.perf_counter() - started:.0f}} s")
"""


if __name__ == "__main__":
    main()
