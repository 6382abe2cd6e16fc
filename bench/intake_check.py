"""The intake check at scale: p50/p95 of `candidates_for` with N people in one organisation, on PostgreSQL
(issue 15: p95 ≤ 150 ms with 1,000,000 people).

Usage: bench/intake_check.py [--people N] [--queries Q] [--postgres URL] [--keep-db NAME]
                             [--key-fanout K] [--shortlist S]

In a scratch PostgreSQL database (or a kept one, --keep-db: a second run reuses it and only measures): migrate, a
small gazetteer (32 states, 640 towns), one organisation, then N open cases — names drawn as in
bench/matching_quality.py (common Mexican names are common, so blocking buckets are realistically uneven) — and
their blocking-key digests, as the `matching_index` follower writes them. The load is a bulk load: the three
tables' secondary indexes and constraints are dropped first and rebuilt after; cases and people are a template row
(every column as Django writes it) copied by INSERT ... SELECT with the columns that differ from a narrow COPY'd
staging table; the index rows come from the app's own key functions (keys.blocking_keys and keys.digest, each
distinct key hashed once) in WORKERS forked processes while the main one COPYs them; then VACUUM ANALYZE (the
shortlist query is an index-only scan). Then Q intake checks: another reporter's version of a loaded person
(typos, nickname, swapped surnames, estimated age…), through `candidates_for` exactly as the intake form calls it.

Printed: the load's phases and time, index rows, p50/p95 of the check, of its shortlist query alone and of the
shortlist query without the fan-out cap (candidates.KEY_FANOUT), how often the person was found and listed, a
baseline from the same run (a primary-key lookup of a case with its person), and the load average before and
after. --key-fanout and --shortlist override candidates.KEY_FANOUT and SHORTLIST for tuning. Timings are
printed, never asserted.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from common import DEFAULT_PG, PYTHON, ROOT, manage, median_p95, postgres_database, postgres_reachable


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores (shared machine)"


def copy_like(template: Any, varying: list[str], lines: Iterable[str]) -> None:
    """Insert one row per line into the template's table: every concrete column as Django writes it for the
    template instance, except the `varying` attnames, whose values come tab-separated from `lines` (COPY text form)
    through a staging table: the template row is written once and copied by INSERT ... SELECT."""
    from django.db import connection

    model = type(template)
    table = model._meta.db_table
    pk = model._meta.pk.column
    fields = [f for f in model._meta.concrete_fields if f.attname in varying or not f.primary_key]
    by_name = {f.attname: f for f in fields}
    # The template row, as Django would write it (pre_save and get_db_prep_save of each field), with a key no case
    # uses; COPY sends no signal, so nothing else refers to it.
    template.pk = -1
    every = list(model._meta.concrete_fields)
    all_columns = ", ".join(f'"{f.column}"' for f in every)
    staged = ", ".join(f'"{by_name[v].column}"' for v in varying)
    with connection.cursor() as cur:
        with cur.cursor.copy(f"COPY {table} ({all_columns}) FROM STDIN") as copy:
            copy.write_row([f.get_db_prep_save(f.pre_save(template, add=True), connection) for f in every])
        cur.execute(f"CREATE TEMP TABLE staging AS SELECT {staged} FROM {table} LIMIT 0")  # noqa: S608 (model columns)
        with cur.cursor.copy("COPY staging FROM STDIN") as copy:
            chunk: list[str] = []
            for line in lines:
                chunk.append(line)
                if len(chunk) >= 100_000:
                    copy.write("".join(chunk))
                    chunk = []
            copy.write("".join(chunk))
        columns = ", ".join(f'"{f.column}"' for f in fields)
        values = ", ".join(f's."{f.column}"' if f.attname in varying else f't."{f.column}"' for f in fields)
        cur.execute(
            f"INSERT INTO {table} ({columns}) SELECT {values} FROM staging s,"  # noqa: S608 (model columns)
            f" (SELECT * FROM {table} WHERE {pk} = %s) t",
            [template.pk],
        )
        cur.execute(f"DELETE FROM {table} WHERE {pk} = %s", [template.pk])  # noqa: S608
        cur.execute("DROP TABLE staging")


def drop_secondary(tables: list[str]) -> list[str]:
    """Drop the indexes and constraints (but the primary keys) of the tables; return the SQL that recreates them."""
    from django.db import connection

    recreate: list[str] = []
    with connection.cursor() as cur:
        cur.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = ANY(%s::regclass[]) AND contype <> 'p'",
            [tables],
        )
        constraints = cur.fetchall()
        cur.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index"
            " WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary"
            " AND indexrelid NOT IN (SELECT conindid FROM pg_constraint WHERE contype IN ('u', 'p', 'x'))",
            [tables],
        )
        indexes = cur.fetchall()
        for table, name, _definition in constraints:
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cur.execute(f"DROP INDEX {name}")
    recreate += [definition for _name, definition in indexes]
    recreate += [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for table, name, definition in constraints]
    return recreate


WORKERS = 3  # processes computing the index rows while the main one copies them
RECORDS: list[Any] = []  # the generated people, shared with the workers that compute the index rows (fork)


def index_rows(organisation_id: int, first_id: int, begin: int, end: int) -> bytes:
    """The matching index's rows of loaded cases RECORDS[begin:end], as COPY text, through the app's own key
    functions (redalert.matching.keys.blocking_keys and digest, as the `matching_index` follower writes them); a key's
    digest is computed once per worker (names, years and states repeat)."""
    from redalert.matching.keys import blocking_keys, digest

    known = _KNOWN
    lines: list[str] = []
    for i in range(begin, end):
        case_id = first_id + i
        for key in blocking_keys(RECORDS[i]):
            value = known.get(key)
            if value is None:
                value = known[key] = digest(key)
            lines.append(f"{organisation_id}\t{case_id}\t{value}\n")
    return "".join(lines).encode()


_KNOWN: dict[str, int] = {}


def _index_rows(job: tuple[int, int, int, int]) -> bytes:
    return index_rows(*job)


def load(people: int) -> Any:
    import matching_quality as mq
    from django.db import connection

    from redalert.accounts.models import Organisation, User
    from redalert.cases.models import Case, MissingPerson, age_in_years
    from redalert.places.models import Place, PlaceKind

    print(f"  load average at start: {load_average()}", flush=True)
    org = Organisation.objects.create(name="Red de Búsqueda Bench", code="RBB", country="MX")
    user = User.objects.create_user(username="bench-coordinator", password="x" * 20, organisation=org)
    user.set_roles({"coordinator"})
    mx = Place.objects.create(kind=PlaceKind.COUNTRY, code="MX", name="México", search_name="mexico", country_code="MX")
    start = time.perf_counter()
    records, _clusters = mq.generate(int(people / 1.5) + 1, seed=11)
    records = records[:people]
    print(f"  {len(records):,} people generated ({time.perf_counter() - start:.0f} s)", flush=True)
    places: dict[int, Any] = {}
    states: dict[str, Any] = {}
    for r in records:
        if r.subdivision_code not in states:
            states[r.subdivision_code] = Place.objects.create(
                kind=PlaceKind.SUBDIVISION,
                code=r.subdivision_code,
                name=r.subdivision_code,
                search_name=r.subdivision_code.lower(),
                country_code="MX",
                parent=mx,
            )
        if r.place_id not in places:
            places[r.place_id] = Place.objects.create(
                kind=PlaceKind.LOCALITY,
                code=r.place_code,
                name=r.place_code,
                search_name=r.place_code,
                country_code="MX",
                parent=mx,
                subdivision=states[r.subdivision_code],
                latitude=r.latitude,
                longitude=r.longitude,
            )
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with connection.cursor() as cur:
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM cases_case")
        next_id = cur.fetchone()[0] + 1
        cur.execute("SET synchronous_commit = off")
        cur.execute("SET maintenance_work_mem = '1GB'")
    tables = ["cases_case", "cases_missingperson", "matching_candidatekey"]
    recreate = drop_secondary(tables)
    # One template of each row; only the columns that differ between people are given per row.
    case_template = Case(
        organisation=org,
        reference="",
        status="active_search",
        status_changed_at=now,
        reported_at=now,
        report_channel="family",
        last_seen_on=now.date(),
        last_seen_place=places[records[0].place_id],
        created_by=user,
    )
    copy_like(
        case_template,
        ["id", "reference", "last_seen_on", "last_seen_place_id"],
        (
            f"{next_id + i}\tRBB-B-{next_id + i}\t{r.event_date}\t{places[r.place_id].pk}\n"
            for i, r in enumerate(records)
        ),
    )
    print(f"  cases copied ({time.perf_counter() - start:.0f} s)", flush=True)
    person = MissingPerson(case=case_template, given_names="", sex="female")
    searched: dict[tuple[str, str, str], str] = {}

    def search_name(r: Any) -> str:
        # As MissingPerson.derive() sets it, once per distinct name.
        name = (r.given_names, r.first_surname, r.second_surname)
        if name not in searched:
            person.given_names, person.first_surname, person.second_surname = name
            person.derive()
            searched[name] = person.search_name
        return searched[name]

    def null(value: Any) -> str:
        return "\\N" if value is None else str(value)

    person.derive()
    copy_like(
        person,
        [
            "case_id",
            "given_names",
            "first_surname",
            "second_surname",
            "birth_date",
            "estimated_age",
            "search_name",
            "age_at_disappearance",
        ],
        (
            f"{next_id + i}\t{r.given_names}\t{r.first_surname}\t{r.second_surname}\t{null(r.birth_date)}"
            f"\t{null(r.age_min)}\t{search_name(r)}"
            f"\t{null(r.age_min if r.birth_date is None else age_in_years(r.birth_date, r.event_date))}\n"
            for i, r in enumerate(records)
        ),
    )
    print(f"  people copied ({time.perf_counter() - start:.0f} s)", flush=True)
    RECORDS[:] = records
    chunk = 20_000
    jobs = [(org.pk, next_id, begin, min(begin + chunk, len(records))) for begin in range(0, len(records), chunk)]
    with (
        multiprocessing.get_context("fork").Pool(WORKERS) as pool,
        connection.cursor() as cur,
        cur.cursor.copy("COPY matching_candidatekey (organisation_id, case_id, digest) FROM STDIN") as copy,
    ):
        for block in pool.imap(_index_rows, jobs):
            copy.write(block)
    print(f"  index rows copied ({time.perf_counter() - start:.0f} s)", flush=True)
    with connection.cursor() as cur:
        for statement in recreate:
            cur.execute(statement)
        print(f"  indexes and constraints rebuilt ({time.perf_counter() - start:.0f} s)", flush=True)
        cur.execute("SELECT setval(pg_get_serial_sequence('cases_case', 'id'), %s)", [next_id + len(records)])
        cur.execute("SELECT count(*) FROM matching_candidatekey")
        keys = cur.fetchone()[0]
        # Vacuumed, so that the index-only scans of the matching index need not visit the table.
        for table in tables:
            cur.execute(f"VACUUM ANALYZE {table}")
        cur.execute("ANALYZE")
    print(f"  {len(records):,} cases and {keys:,} index rows in {time.perf_counter() - start:.0f} s", flush=True)
    print(f"  load average after the load: {load_average()}", flush=True)
    return org


def measure(people: int, n_queries: int, reuse: bool, key_fanout: int, shortlist_size: int) -> None:
    import django
    from django.db.models import Count

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redalert.settings.dev")
    django.setup()
    import matching_quality as mq

    from redalert.accounts.models import Organisation
    from redalert.cases.models import Case
    from redalert.matching import candidates
    from redalert.matching.candidates import candidates_for, shortlist

    if key_fanout:
        candidates.KEY_FANOUT = key_fanout
    if shortlist_size:
        candidates.SHORTLIST = shortlist_size
    print(f"  KEY_FANOUT {candidates.KEY_FANOUT}, SHORTLIST {candidates.SHORTLIST}", flush=True)
    from redalert.matching.facts import facts_for_case
    from redalert.matching.keys import digests
    from redalert.matching.models import CandidateKey

    rng = random.Random(5)
    org = Organisation.objects.filter(code="RBB").first()
    if org is None or not reuse:
        org = load(people)
    ids = list(Case.objects.filter(organisation=org).values_list("pk", flat=True))
    print(f"  {len(ids):,} open cases in the organisation", flush=True)
    sample = rng.sample(ids, min(n_queries, len(ids)))
    queries = []
    for pk in sample:
        case = Case.objects.select_related("person", "last_seen_place__subdivision").get(pk=pk)
        base = facts_for_case(case)
        person = {
            "given": base.given_names,
            "s1": base.first_surname,
            "s2": base.second_surname,
            "birth": base.birth_date or case.last_seen_on.replace(year=case.last_seen_on.year - (base.age_min or 15)),
            "event": base.event_date,
            "state": 0,
            "locality": 0,
        }
        place = (base.place_id, base.place_code, base.latitude, base.longitude)
        variant = mq.vary(rng, person, [[place]])
        variant = type(variant)(**{**variant.__dict__, "subdivision_code": base.subdivision_code})
        queries.append((pk, variant))

    def timed(fn: Any) -> list[float]:
        samples = []
        for _pk, facts in queries:
            t = time.perf_counter()
            fn(facts)
            samples.append((time.perf_counter() - t) * 1000)
        return samples

    print(f"  load average before the checks: {load_average()}", flush=True)
    found = sum(1 for pk, facts in queries if pk in {c.case_id for c in candidates_for(org, facts)})
    listed = sum(1 for pk, facts in queries if pk in shortlist(org.pk, facts))
    check = timed(lambda f: candidates_for(org, f))
    short = timed(lambda f: shortlist(org.pk, f))

    def uncapped(facts: Any) -> list[int]:
        # The shortlist query before the fan-out cap (every key's rows read), for comparison in the same run.
        rows = (
            CandidateKey.objects.filter(organisation_id=org.pk, digest__in=digests(facts, query=True))
            .values("case_id")
            .annotate(shared=Count("id"))
            .order_by("-shared", "-case_id")[: candidates.SHORTLIST]
        )
        return [row["case_id"] for row in rows]

    before = timed(uncapped)
    listed_before = sum(1 for pk, facts in queries if pk in uncapped(facts))
    baseline = timed(lambda f: Case.objects.select_related("person").get(pk=rng.choice(ids)))
    for label, samples in (
        ("intake check (candidates_for)", check),
        ("  its shortlist query", short),
        ("  the uncapped query, for comparison", before),
    ):
        p50, p95 = median_p95(samples)
        print(f"  {label:<32} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms", flush=True)
    p50b, p95b = median_p95(baseline)
    print(f"  {'baseline: a case by primary key':<32} p50 {p50b:7.1f} ms  p95 {p95b:7.1f} ms", flush=True)
    print(f"  p95 ratio check/baseline: {median_p95(check)[1] / p95b:.0f}×", flush=True)
    print(f"  the reported person among the candidates: {found}/{len(queries)}", flush=True)
    print(f"  in the shortlist: {listed}/{len(queries)}; in the uncapped query's: {listed_before}", flush=True)
    print(f"  load average after the checks: {load_average()}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--postgres", default=DEFAULT_PG, help="a server URL; the bench creates its own database")
    parser.add_argument("--keep-db", default="", help="build into (or reuse) this database and keep it")
    parser.add_argument("--key-fanout", type=int, default=0, help="override candidates.KEY_FANOUT (tuning)")
    parser.add_argument("--shortlist", type=int, default=0, help="override candidates.SHORTLIST (tuning)")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--reuse", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.people, args.queries, args.reuse, args.key_fanout, args.shortlist)
        return
    if not postgres_reachable(args.postgres):
        print(f"postgresql: not reachable at {args.postgres}, skipped")
        return
    name = args.keep_db or f"bench_matching_{os.getpid()}"
    with (
        postgres_database(args.postgres, name, keep=bool(args.keep_db)) as (database_url, exists),
        tempfile.TemporaryDirectory(prefix="bench-matching-") as scratch,
    ):
        env = {
            **os.environ,
            "REDALERT_VAR_DIR": scratch,
            "DJANGO_SETTINGS_MODULE": "redalert.settings.dev",
            "DATABASE_URL": database_url,
            "SECRET_KEY": "bench-intake-check-" + "x" * 40,
            "FIELD_ENCRYPTION_KEYS": "9gEt3JqM3iHh0gAN7sW8RFNm5Yx1V8m1o4Y9Jk3Wq0s=",
        }
        manage(env, "migrate", "--noinput")
        print(f"postgresql: {args.people:,} people, {args.queries} checks", flush=True)
        child = [PYTHON, str(Path(__file__).resolve()), "--measure", "--people", str(args.people)]
        child += ["--queries", str(args.queries)] + (["--reuse"] if exists else [])
        child += ["--key-fanout", str(args.key_fanout), "--shortlist", str(args.shortlist)]
        subprocess.run(child, cwd=ROOT, env=env, check=True)


if __name__ == "__main__":
    main()
