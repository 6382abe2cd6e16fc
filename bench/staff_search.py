"""Staff case search at scale: 100,000 cases and 300,000 linked people (issue 5: p95 ≤ 100 ms on PostgreSQL).

Usage: bench/staff_search.py [--cases N] [--linked M] [--queries Q] [--postgres URL] [--keep-db NAME]

In a scratch PostgreSQL database that it creates and drops (or, with --keep-db, one it builds once, keeps and
reuses, migrated to the current code on every run): migrate, load the gazetteer, `seed_demo --cases N`,
then a bulk insert of M linked people (encrypted values and their keyed-hash match keys, as the application
writes them). Then, in one process, it runs Q realistic name searches through
`redalert.investigation.search.search_cases` exactly as the case list does (the count for the pager and the first
page of 50 rows), as the organisation's coordinator, and reports p50/p95 and queries per second.

Baselines measured in the same run on the same data: a primary-key lookup of a case, and an unindexed
`icontains` on another text column of the same table (the reporter's name) returning a first page and a count.

How the search is indexed (docs/search.md): `cases_missingperson.search_name` (folded, accent-free full name and
aliases) has a pg_trgm GIN index (cases migration 0003) that serves each word's `LIKE '%word%'`; linked people's
names are encrypted, and their folded words are matched as keyed hashes in `investigation_matchkey` through the
covering B-tree index (organisation_id, kind, digest, linked_person_id) INCLUDE (case_id). Timings are printed,
never asserted.
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

FIRST = ["José", "Juan", "Luis", "Carlos", "Jorge", "Miguel", "Ramiro", "Óscar", "Raúl", "Iván", "Néstor", "Efraín"]
FIRST += ["Rosa", "Ana", "Lucía", "Sofía", "Martha", "Teresa", "Gloria", "Andrés", "Héctor", "Julián", "Tomás", "Rubén"]
LAST = ["Gómez", "Hernández", "López", "Martínez", "Pérez", "Ramírez", "Sánchez", "Cruz", "Flores", "Morales"]
LAST += ["Castañeda", "Ortiz", "Vázquez", "Jiménez", "Ruiz", "Domínguez", "Núñez", "Ibarra", "Zúñiga", "Salazar"]
ALIAS = ["El Güero", "El Flaco", "La Tía", "El Chino", "El Compa", "La Jefa", "El Primo", "El Gordo", "El Ruso"]
LINKS = ["family", "witness", "suspect", "perpetrator"]
PERSON_COLUMNS = (
    "id, case_id, link, name, aliases, role_in_process, criminal_group, phones, plates, vehicles, venues, notes, "
    "created_by_id, created_at"
)
KEY_COLUMNS = "linked_person_id, case_id, organisation_id, kind, digest"


def summary(samples: list[float]) -> tuple[float, float, float]:
    """p50 and p95 in ms, and queries per second."""
    return *median_p95(samples), 1000 * len(samples) / sum(samples)


def timed(fn: Any, items: list[Any]) -> list[float]:
    samples = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def insert_linked_people(total: int, rng: random.Random) -> None:
    """COPY `total` linked people onto random cases, with the encrypted values and match keys the app writes."""
    from django.db import connection

    from redalert.cases.models import Case
    from redalert.investigation.matching import keys_for
    from redalert.lib.crypto import encrypt

    cases = list(Case.objects.values_list("id", "organisation_id"))
    user_id = Case.objects.values_list("created_by_id", flat=True).first()
    cipher: dict[str, str] = {}

    def enc(text: str) -> str:
        if text not in cipher:
            cipher[text] = encrypt(text) if text else ""
        return cipher[text]

    start = time.perf_counter()
    keys = 0
    with connection.cursor() as cur:
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM investigation_linkedperson")
        next_id = cur.fetchone()[0] + 1
        people: list[tuple[Any, ...]] = []
        key_rows: list[tuple[Any, ...]] = []
        for i in range(total):
            case_id, org_id = cases[rng.randrange(len(cases))]
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.choice(LAST)}"
            alias = rng.choice(ALIAS) if rng.random() < 0.4 else ""
            phone = f"+5244{rng.randrange(10**7, 10**8)}" if rng.random() < 0.5 else ""
            pid = next_id + i
            values = (enc(name), enc(alias), "unknown", "", enc(phone), "", "", "", "")
            people.append((pid, case_id, rng.choice(LINKS), *values, user_id, "2026-01-01T00:00:00Z"))
            for kind, digest in keys_for(names=[name, alias], phones=[phone], plates=[], venues=[]):
                key_rows.append((pid, case_id, org_id, kind, digest))
        raw = cur.cursor
        with raw.copy(f"COPY investigation_linkedperson ({PERSON_COLUMNS}) FROM STDIN") as copy:
            for row in people:
                copy.write_row(row)
        with raw.copy(f"COPY investigation_matchkey ({KEY_COLUMNS}) FROM STDIN") as copy:
            for row in key_rows:
                copy.write_row(row)
        keys = len(key_rows)
        cur.execute("SELECT setval(pg_get_serial_sequence('investigation_linkedperson', 'id'), %s)", [next_id + total])
        cur.execute("ANALYZE")
    print(
        f"  {len(cases):,} cases; {total:,} linked people and {keys:,} match keys inserted in "
        f"{time.perf_counter() - start:.1f} s",
        flush=True,
    )


def measure(linked_total: int, n_queries: int) -> None:
    """Runs in the child process, with the scratch database's settings."""
    import django

    django.setup()
    from django.core.paginator import Paginator
    from django.db import connection

    from redalert.accounts.models import User
    from redalert.cases.models import Case, MissingPerson
    from redalert.investigation.models import LinkedPerson
    from redalert.investigation.search import CaseQuery, _text_matches, search_cases
    from redalert.lib.text import fold

    missing = linked_total - LinkedPerson.objects.count()  # a kept database has them already
    if missing > 0:
        insert_linked_people(missing, random.Random(5))
    rng = random.Random(6)  # the same queries whether or not the people were inserted in this run
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")  # as autovacuum would have done on a live database
    coordinator = User.objects.get(username="coordinadora")
    org_id = coordinator.organisation_id
    assert org_id is not None, "the demo coordinator belongs to an organisation"
    names = list(
        MissingPerson.objects.filter(case__organisation_id=org_id).values_list(
            "given_names", "first_surname", "second_surname"
        )[:20000]
    )
    queries = []
    for i in range(n_queries):
        given, first, second = rng.choice(names)
        shapes = [
            f"{given.split()[0]} {first}",  # name and first surname
            f"{first} {second}",  # both surnames
            f"{given} {first} {second}",  # full name
            first[:5],  # the start of a surname
            f"{rng.choice(FIRST)} {rng.choice(LAST)}",  # a linked person's name (or a missing person's)
            rng.choice(ALIAS).split()[-1],  # an alias word
        ]
        query = shapes[i % len(shapes)]
        queries.append(fold(query) if rng.random() < 0.5 else query)

    def run_search(q: str) -> int:
        page = Paginator(search_cases(coordinator, CaseQuery(q=q)), 50).get_page(1)  # as the case list does
        list(page)
        return page.paginator.count

    for q in queries[:20]:
        run_search(q)  # warm-up
    search = timed(run_search, queries)
    slowest = sorted(zip(search, queries, strict=True), reverse=True)[:5]
    hits = [run_search(q) for q in queries[:60]]
    own_cases = list(Case.objects.filter(organisation_id=org_id).values_list("id", flat=True))
    lookups = [rng.choice(own_cases) for _ in range(n_queries)]
    pk = timed(lambda pk: Case.objects.select_related("person").get(pk=pk), lookups)

    def unindexed(word: str) -> None:
        results = Case.objects.filter(organisation_id=org_id, reporter_name__icontains=word)
        results.count()
        list(results.order_by("-reported_at", "-id")[:50])

    scan = timed(unindexed, [fold(q.split()[0]) for q in queries])
    s50, s95, sqps = summary(search)
    b50, b95, bqps = summary(pk)
    u50, u95, uqps = summary(scan)
    print(
        f"  staff name search, {len(queries)} queries (count + first page of 50): p50 {s50:.1f} ms, "
        f"p95 {s95:.1f} ms, {sqps:.1f} queries/s (median {statistics.median(hits):.0f} matches)"
    )
    print("  slowest: " + ", ".join(f"{q!r} {ms:.0f} ms" for ms, q in slowest))
    print(
        f"  baseline primary-key lookup: p50 {b50:.2f} ms, p95 {b95:.2f} ms, {bqps:.0f} queries/s; "
        f"search/pk p95 ratio {s95 / b95:.1f}x"
    )
    print(
        f"  baseline unindexed icontains on reporter_name (count + first page): p50 {u50:.1f} ms, "
        f"p95 {u95:.1f} ms, {uqps:.1f} queries/s; search/unindexed p95 ratio {s95 / u95:.2f}x"
    )
    plan = ""
    with connection.cursor() as cur:
        for source in _text_matches(coordinator, org_id, "rosa gomez"):
            sql, params = source.query.sql_with_params()
            cur.execute("EXPLAIN " + sql, params)
            plan += "\n".join(row[0] for row in cur.fetchall())
    used = [name for name in ("cases_person_search_name_trgm", "inv_matchkey_lookup") if name in plan]
    print(f"  plan for 'rosa gomez' uses indexes: {', '.join(used) or 'none'}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--linked", type=int, default=300_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--postgres", default=DEFAULT_PG, help="a server URL; the bench creates its own database")
    parser.add_argument(
        "--keep-db", default="", help="build into (or reuse, migrated to the current code) this database and keep it"
    )
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        sys.path.insert(0, str(ROOT))
        measure(args.linked, args.queries)
        return
    if not postgres_reachable(args.postgres):
        print(f"postgresql: not reachable at {args.postgres}, skipped")
        return
    name = args.keep_db or f"bench_search_{os.getpid()}"
    with (
        postgres_database(args.postgres, name, keep=bool(args.keep_db)) as (database_url, exists),
        tempfile.TemporaryDirectory(prefix="bench-search-") as scratch,
    ):
        env = {
            **os.environ,
            "REDALERT_VAR_DIR": scratch,
            "DJANGO_SETTINGS_MODULE": "redalert.settings.dev",
            "DATABASE_URL": database_url,
            # Fixed keys, so that a kept database's encrypted values and match keys stay readable.
            "SECRET_KEY": "bench-staff-search-" + "x" * 40,
            "FIELD_ENCRYPTION_KEYS": "9gEt3JqM3iHh0gAN7sW8RFNm5Yx1V8m1o4Y9Jk3Wq0s=",
        }
        manage(env, "migrate", "--noinput")
        if not exists:
            manage(env, "load_places")
            seconds = manage(env, "seed_demo", "--cases", str(args.cases)).seconds
            print(f"postgresql: seed_demo --cases {args.cases} in {seconds:.0f} s", flush=True)
        else:
            print(f"postgresql: reusing the database {name}", flush=True)
        child = [PYTHON, str(Path(__file__).resolve()), "--measure", "--linked", str(args.linked)]
        subprocess.run([*child, "--queries", str(args.queries)], cwd=ROOT, env=env, check=True)


if __name__ == "__main__":
    main()
