"""The yearly report at scale: compute time of every table for 100,000 cases (issue 7: a few seconds at most).

Usage: bench/yearly_report.py [--cases N] [--runs R] [--postgres URL] [--keep-db NAME]

In a scratch PostgreSQL database that it creates and drops (or, with --keep-db, one it builds once, keeps and
reuses, migrated to the current code on every run): migrate, load the gazetteer, `seed_demo --cases N`, which also
writes what every table reads (redalert.demo.after_report: trafficking facts and route stops, outcomes, legal
proceedings with their status history and accused, services, humanitarian expenses in three currencies, Red Alerts with
recipients, deliveries, acknowledgements and escalations). A kept database seeded before seed_demo wrote them gets
them added once, by the same function.

Then, in one process, it times `redalert.statistics.report.yearly_report` (every table, as the page and the
downloads compute it) R times for each of (wall time, and the CPU time of this process: the rest is the database
and, on a shared machine, waiting for a core):
- the largest demo organisation (60 % of the cases);
- all N cases as one organisation (a scope over every demo organisation, counting every case: the same queries as
  an organisation holding all N);
- the coalition (every coalition member, only the cases consenting to statistics),
for the last complete year and for a year in the middle of the history, and prints the p50 and the slowest run,
the cases worked, and the time to render the PDF and the XLSX of the largest report. Timings are printed, never
asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import DEFAULT_PG, PYTHON, ROOT, manage, postgres_database, postgres_reachable


def measure(runs: int) -> None:
    """Runs in the child process, with the scratch database's settings."""
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone, translation

    from redalert.accounts.models import Organisation
    from redalert.cases.models import Case
    from redalert.investigation.models import TraffickingFacts
    from redalert.statistics import tables
    from redalert.statistics.report import yearly_report
    from redalert.statistics.scope import ORGANISATION, Scope, coalition_scope, organisation_scope

    if not TraffickingFacts.objects.exists():  # a database kept from before seed_demo wrote the case facts
        from redalert.demo.after_report.run import seed_case_facts

        started = time.perf_counter()
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        written = seed_case_facts(random.Random(7), Case.objects.all(), now)
        print(
            "  added "
            + ", ".join(f"{n:,} {name}" for name, n in written.items())
            + f" in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")  # as autovacuum would have done on a live database
    translation.activate("es")
    largest = max(Organisation.objects.filter(is_demo=True), key=lambda o: o.cases.count())
    everything = Scope(
        ORGANISATION,
        tuple(Organisation.objects.order_by("pk").values_list("pk", flat=True)),
        "ALL",
        "all cases",
        statistics_consent_only=False,
    )
    total = Case.objects.count()
    last_year = timezone.localdate().year - 1
    first = Case.objects.order_by("reported_at").values_list("reported_at", flat=True).first()
    middle_year = (first.year + last_year) // 2 if first else last_year
    scopes = [
        (f"organisation {largest.code} ({largest.cases.count():,} cases)", organisation_scope(largest)),
        (f"all {total:,} cases as one organisation", everything),
        ("coalition (consenting to statistics)", coalition_scope()),
    ]
    biggest: Any = None
    for label, scope in scopes:
        for year in (last_year, middle_year):
            yearly_report(scope, year)  # warm-up: connection, translations, imports
            samples, cpu = [], []
            for _n in range(runs):
                started, started_cpu = time.perf_counter(), time.process_time()
                report = yearly_report(scope, year)
                samples.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
            worked = report.tables[0].rows[0].cells["cases"].value
            print(
                f"  {label}, {year}: p50 {statistics.median(samples) * 1000:.0f} ms (this process's CPU "
                f"{statistics.median(cpu) * 1000:.0f} ms), slowest {max(samples) * 1000:.0f} ms over {runs} runs "
                f"({worked:,} cases worked; load average {os.getloadavg()[0]:.1f})",
                flush=True,
            )
            if scope is everything and year == last_year:
                biggest = report
    for name, render in (("PDF", tables.to_pdf), ("XLSX", tables.to_xlsx), ("CSV", tables.to_csv)):
        started = time.perf_counter()
        size = len(render(biggest))
        print(f"  render {name} of the largest report: {(time.perf_counter() - started) * 1000:.0f} ms, {size:,} bytes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--postgres", default=DEFAULT_PG, help="a server URL; the bench creates its own database")
    parser.add_argument(
        "--keep-db", default="", help="build into (or reuse, migrated to the current code) this database and keep it"
    )
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        sys.path.insert(0, str(ROOT))
        measure(args.runs)
        return
    if not postgres_reachable(args.postgres):
        print(f"postgresql: not reachable at {args.postgres}, skipped")
        return
    name = args.keep_db or f"bench_stats_{os.getpid()}"
    with (
        postgres_database(args.postgres, name, keep=bool(args.keep_db)) as (database_url, exists),
        tempfile.TemporaryDirectory(prefix="bench-stats-") as scratch,
    ):
        env = {
            **os.environ,
            "REDALERT_VAR_DIR": scratch,
            "DJANGO_SETTINGS_MODULE": "redalert.settings.dev",
            "DATABASE_URL": database_url,
            # Fixed keys, so that a kept database's encrypted values stay readable.
            "SECRET_KEY": "bench-yearly-report-" + "x" * 40,
            "FIELD_ENCRYPTION_KEYS": "9gEt3JqM3iHh0gAN7sW8RFNm5Yx1V8m1o4Y9Jk3Wq0s=",
        }
        manage(env, "migrate", "--noinput")
        if not exists:
            manage(env, "load_places")
            seconds = manage(env, "seed_demo", "--cases", str(args.cases)).seconds
            print(f"postgresql: seed_demo --cases {args.cases} in {seconds:.0f} s", flush=True)
        else:
            print(f"postgresql: reusing the database {name}", flush=True)
        child = [PYTHON, str(Path(__file__).resolve()), "--measure", "--runs", str(args.runs)]
        subprocess.run(child, cwd=ROOT, env=env, check=True)


if __name__ == "__main__":
    main()
