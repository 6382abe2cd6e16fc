"""The intake check at scale: p50/p95 of `candidates_for` with N people in one organisation, on PostgreSQL
(issue 15: p95 ≤ 150 ms with 1,000,000 people).

Usage: bench/intake_check.py [--people N] [--queries Q] [--postgres URL] [--keep-db NAME]

In a scratch PostgreSQL database (or a kept one, --keep-db): migrate, a small gazetteer (32 states, 640 towns),
one organisation, then N open cases bulk-loaded with COPY — names drawn as in bench/matching_quality.py (common
Mexican names are common, so blocking buckets are realistically uneven) — and their blocking-key digests, as the
`matching_index` follower writes them. Then Q intake checks: another reporter's version of a loaded person (typos,
nickname, swapped surnames, estimated age…), through `candidates_for` exactly as the intake form calls it.

Printed: load time, index rows, p50/p95 of the check and of its indexed shortlist query alone, how often the
person was found, and a baseline from the same run (a primary-key lookup of a case with its person).
Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from common import DEFAULT_PG, PYTHON, ROOT, manage, median_p95, postgres_database, postgres_reachable


def copy_models(objects: list[Any]) -> None:
    """COPY model instances into their table, every concrete column as Django would write it."""
    from django.db import connection

    model = type(objects[0])
    # An automatic primary key left empty is filled by the table's sequence.
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and getattr(objects[0], f.attname) is None)]
    columns = ", ".join(f'"{f.column}"' for f in fields)
    with connection.cursor() as cur, cur.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
        for obj in objects:
            copy.write_row([f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields])


def load(people: int, rng: random.Random) -> tuple[Any, list[Any], dict[int, Any]]:
    import matching_quality as mq
    from django.db import connection

    from redalert.accounts.models import Organisation, User
    from redalert.cases.models import Case, MissingPerson
    from redalert.matching.keys import digests
    from redalert.matching.models import CandidateKey
    from redalert.places.models import Place, PlaceKind

    org = Organisation.objects.create(name="Red de Búsqueda Bench", code="RBB", country="MX")
    user = User.objects.create_user(username="bench-coordinator", password="x" * 20, organisation=org)
    user.set_roles({"coordinator"})
    mx = Place.objects.create(kind=PlaceKind.COUNTRY, code="MX", name="México", search_name="mexico", country_code="MX")
    start = time.perf_counter()
    records, _clusters = mq.generate(int(people / 1.5) + 1, seed=11)
    records = records[:people]
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
    chunk = 50_000
    loaded: list[Any] = []
    keys = 0
    for begin in range(0, len(records), chunk):
        cases, persons, key_rows = [], [], []
        for i, r in enumerate(records[begin : begin + chunk], start=begin):
            pk = next_id + i
            place = places[r.place_id]
            case = Case(
                id=pk,
                organisation=org,
                reference=f"RBB-B-{pk}",
                status="active_search",
                status_changed_at=now,
                reported_at=now,
                report_channel="family",
                last_seen_on=r.event_date,
                last_seen_place=place,
                created_by=user,
                created_at=now,
                updated_at=now,
            )
            age = r.age_min
            person = MissingPerson(
                case=case,
                given_names=r.given_names,
                first_surname=r.first_surname,
                second_surname=r.second_surname,
                sex="female",
                birth_date=r.birth_date,
                estimated_age=age,
            )
            person.search_name = f"{r.given_names} {r.first_surname} {r.second_surname}".lower()
            person.organisation_id = org.pk
            person.age_at_disappearance = age
            cases.append(case)
            persons.append(person)
            key_rows.extend(CandidateKey(organisation_id=org.pk, case_id=pk, digest=d) for d in digests(r))
            loaded.append((pk, r))
        copy_models(cases)
        copy_models(persons)
        with (
            connection.cursor() as cur,
            cur.cursor.copy("COPY matching_candidatekey (organisation_id, case_id, digest) FROM STDIN") as copy,
        ):
            for k in key_rows:
                copy.write_row((k.organisation_id, k.case_id, k.digest))
        keys += len(key_rows)
        print(f"  {begin + len(cases):,} cases loaded ({time.perf_counter() - start:.0f} s)", flush=True)
    with connection.cursor() as cur:
        cur.execute("SELECT setval(pg_get_serial_sequence('cases_case', 'id'), %s)", [next_id + len(records)])
        cur.execute("ANALYZE")
    print(f"  {len(records):,} cases and {keys:,} index rows in {time.perf_counter() - start:.0f} s", flush=True)
    return org, loaded, places


def measure(people: int, n_queries: int, reuse: bool) -> None:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redalert.settings.dev")
    django.setup()
    import matching_quality as mq

    from redalert.accounts.models import Organisation
    from redalert.cases.models import Case
    from redalert.matching.candidates import candidates_for, shortlist
    from redalert.matching.facts import facts_for_case

    rng = random.Random(5)
    org = Organisation.objects.filter(code="RBB").first()
    if org is None or not reuse:
        org, _loaded, _places = load(people, rng)
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

    found = sum(1 for pk, facts in queries if pk in {c.case_id for c in candidates_for(org, facts)})
    check = timed(lambda f: candidates_for(org, f))
    short = timed(lambda f: shortlist(org.pk, f))
    baseline = timed(lambda f: Case.objects.select_related("person").get(pk=rng.choice(ids)))
    for label, samples in (("intake check (candidates_for)", check), ("  its shortlist query", short)):
        p50, p95 = median_p95(samples)
        print(f"  {label:<32} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms", flush=True)
    p50b, p95b = median_p95(baseline)
    print(f"  {'baseline: a case by primary key':<32} p50 {p50b:7.1f} ms  p95 {p95b:7.1f} ms", flush=True)
    print(f"  p95 ratio check/baseline: {median_p95(check)[1] / p95b:.0f}×", flush=True)
    print(f"  the reported person among the candidates: {found}/{len(queries)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--postgres", default=DEFAULT_PG, help="a server URL; the bench creates its own database")
    parser.add_argument("--keep-db", default="", help="build into (or reuse) this database and keep it")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--reuse", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.people, args.queries, args.reuse)
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
        subprocess.run(child, cwd=ROOT, env=env, check=True)


if __name__ == "__main__":
    main()
