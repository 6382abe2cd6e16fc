"""The yearly report at scale (issue 14: one organisation's year of 1,000,000 cases in at most 2 s on PostgreSQL).

Usage: bench/yearly_report.py [--cases N] [--runs R] [--postgres URL] [--keep-db NAME] [--demo] [--queries]

Default (bulk): in a scratch PostgreSQL database that it creates and drops (or, with --keep-db, one it builds once,
keeps and reuses), migrate, load the gazetteer and write N cases (default 100,000; `make bench`) into one
organisation with bulk SQL (bench/bulk_cases.py: INSERT … SELECT generate_series, not the services), reported over
the three years before this one. Then, in one child process, R times each (after a warm-up):
- the report: `redalert.statistics.report.yearly_report` of that organisation for last year (every table, as the
  page and the downloads compute it): wall time and this process's CPU time (the rest is the database);
- the baseline: one plain SQL `GROUP BY` over the same rows (the organisation's cases reported by the end of the
  year and not closed before it, joined to their missing person, counted by sex);
and prints the p50 and p95 of both, their ratio, the cases worked, and the peak memory of the report process
(its maximum resident set size, and the peak of Python allocations during one report, by tracemalloc), and the
load average at the start and the end. --queries: then one more report with every query timed, the slowest first.

The 1,000,000-case measurement (about 2 minutes to write the cases; keep the database to re-measure):
    .venv/bin/python bench/yearly_report.py --cases 1000000 --keep-db bench_report

--demo: the previous measurement, over `seed_demo --cases N` (every table has rows: trafficking facts, route,
outcomes, legal proceedings, services, expenses, Red Alerts): the largest demo organisation, all N cases as one
organisation, and the coalition, for the last complete year and a year in the middle of the history, and the time
to render the PDF, XLSX and CSV of the largest report. Slow to build (seed_demo goes through the services).

Timings are printed, never asserted.
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

from common import DEFAULT_PG, PYTHON, ROOT, manage, median_p95, postgres_database, postgres_reachable


def time_queries(report: Any) -> None:
    """One report with every query timed (the slowest first): where the time goes."""
    from django.db import connection

    timed: list[tuple[float, str]] = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timed.append((time.perf_counter() - started, sql))

    started = time.perf_counter()
    with connection.execute_wrapper(wrapper):
        report()
    total = time.perf_counter() - started
    print(
        f"  one report with its queries timed: {total * 1000:.0f} ms, {len(timed)} queries, "
        f"{sum(t for t, _sql in timed) * 1000:.0f} ms in them (load average {os.getloadavg()[0]:.1f}); the slowest:"
    )
    for seconds, sql in sorted(timed, key=lambda item: -item[0])[:12]:
        print(f"    {seconds * 1000:7.1f} ms  {' '.join(sql.split())[:150]}")


def measure_bulk(cases: int, runs: int, queries: bool = False) -> None:
    """Runs in the child process, with the scratch database's settings: bulk cases, report against a GROUP BY."""
    import resource
    import tracemalloc

    import django

    django.setup()
    from bulk_cases import BULK_CODE, write_cases
    from django.db import connection
    from django.utils import timezone, translation

    from redalert.accounts.models import Organisation
    from redalert.statistics.facts import rebuild_facts
    from redalert.statistics.models import CaseFact
    from redalert.statistics.periods import Period
    from redalert.statistics.report import yearly_report
    from redalert.statistics.scope import organisation_scope

    year = timezone.localdate().year - 1
    organisation = Organisation.objects.filter(code=BULK_CODE).first()
    if organisation is None:
        written = write_cases(cases, year - 2)
        organisation = written["organisation"]
        print(f"  wrote {cases:,} cases with bulk SQL in {written['seconds']:.0f} s", flush=True)
    total = organisation.cases.count()
    if CaseFact.objects.filter(organisation=organisation).count() != total:
        # The bulk SQL went past the services: derive the report's per-case rows as the change follower would have.
        started = time.perf_counter()
        rebuild_facts()
        print(f"  derived the report's rows of {total:,} cases (rebuild) in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cur:
        # As autovacuum would have done on a live database (a kept one may just have been migrated).
        cur.execute("VACUUM ANALYZE")
    period = Period(year)
    baseline_sql = (
        "SELECT p.sex, count(*) FROM cases_case c JOIN cases_missingperson p ON p.case_id = c.id "
        "WHERE c.organisation_id = %s AND c.reported_at < %s AND (c.closed_on IS NULL OR c.closed_on >= %s) "
        "GROUP BY p.sex"
    )

    def baseline() -> None:
        with connection.cursor() as cur:
            cur.execute(baseline_sql, [organisation.pk, period.end, period.first_day])
            cur.fetchall()

    scope = organisation_scope(organisation)
    translation.activate("es")
    report = yearly_report(scope, year)  # warm-up: connection, translations, imports
    baseline()
    load_start = os.getloadavg()[0]
    timings: dict[str, list[float]] = {"report": [], "baseline": []}
    cpu: list[float] = []
    for _n in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        report = yearly_report(scope, year)
        timings["report"].append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        started = time.perf_counter()
        baseline()
        timings["baseline"].append(time.perf_counter() - started)
    tracemalloc.start()
    yearly_report(scope, year)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    worked = report.tables[0].rows[0].cells["cases"].value
    report_p50, report_p95 = median_p95(timings["report"])
    base_p50, base_p95 = median_p95(timings["baseline"])
    print(
        f"  yearly report, one organisation of {total:,} cases, {year} ({worked:,} cases worked), {runs} runs:\n"
        f"    report   p50 {report_p50 * 1000:.0f} ms, p95 {report_p95 * 1000:.0f} ms "
        f"(this process's CPU p50 {statistics.median(cpu) * 1000:.0f} ms)\n"
        f"    baseline p50 {base_p50 * 1000:.0f} ms, p95 {base_p95 * 1000:.0f} ms "
        "(one SQL GROUP BY over the same rows)\n"
        f"    ratio report / baseline (p50): {report_p50 / base_p50:.1f}\n"
        f"    peak memory of the report process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB "
        f"resident; Python allocations during one report peak at {peak / 2**20:.0f} MB\n"
        f"    load average {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end",
        flush=True,
    )
    if queries:
        time_queries(lambda: yearly_report(scope, year))


def measure(runs: int) -> None:
    """Runs in the child process, with the scratch database's settings (--demo)."""
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
    parser.add_argument("--demo", action="store_true", help="measure over seed_demo's organisations instead")
    parser.add_argument("--queries", action="store_true", help="also time every query of one report (bulk only)")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        sys.path.insert(0, str(ROOT))
        if args.demo:
            measure(args.runs)
        else:
            measure_bulk(args.cases, args.runs, args.queries)
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
            if args.demo:
                seconds = manage(env, "seed_demo", "--cases", str(args.cases)).seconds
                print(f"postgresql: seed_demo --cases {args.cases} in {seconds:.0f} s", flush=True)
        else:
            print(f"postgresql: reusing the database {name}", flush=True)
        child = [PYTHON, str(Path(__file__).resolve()), "--measure", "--runs", str(args.runs)]
        child += ["--demo"] if args.demo else ["--cases", str(args.cases)]
        child += ["--queries"] if args.queries else []
        subprocess.run(child, cwd=ROOT, env=env, check=True)


if __name__ == "__main__":
    main()
