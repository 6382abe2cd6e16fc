"""Map layers at scale: 1,000,000 cases (issue 8: each GeoJSON layer ≤ 300 ms and ≤ 500 KB at any zoom).

Usage: bench/maps.py [--cases N] [--repeat R] [--postgres URL] [--keep-db NAME]

In a scratch PostgreSQL database that it creates and drops (or, with --keep-db, one it builds once, keeps and
reuses, migrated to the current code on every run; `bench_maps_1m` by convention): migrate, load the gazetteer,
then insert N minimal cases straight in SQL (INSERT … SELECT over generate_series: seed_demo would take hours),
with their person (sex, age), trafficking facts for a quarter of them, a route (exploitation place, half with a
recruitment place) for an eighth, and a current consent to statistics for 60 %. Places are Latin American
gazetteer towns weighted by population (8 % of cases only a state, 2 % only a country); 26 coalition
organisations, one of which holds 40 % of the cases. Then `rebuild_map_facts` derives the map rows (timed: what
a deployment runs after a bulk load).

Measured in one process through Django's test client (middleware, session, permission checks and the audit
entry included; no network), for the big organisation's coordinator (400,000 cases) and for a coalition analyst
(every consenting case of the coalition), each layer at zooms 3, 5, 7 and 10 (bbox of a 1280×800 screen around
central Mexico), with no filter and with filters: p50/p95 over R warm runs, the cold first run (a fresh process:
empty per-process caches; PostgreSQL's buffers are not flushed, as they are shared), the response size, and the
ratio to the trivial baseline view /healthz through the same client. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import DEFAULT_PG, PYTHON, ROOT, manage, median_p95, postgres_database, postgres_reachable

LATIN_AMERICA = [
    "AG", "AR", "BB", "BO", "BR", "BS", "BZ", "CL", "CO", "CR", "CU", "DM", "DO", "EC", "GD", "GT", "GY", "HN",
    "HT", "JM", "KN", "LC", "MX", "NI", "PA", "PE", "PY", "SR", "SV", "TT", "UY", "VC", "VE",
]  # fmt: skip
ORGANISATIONS = 26
BIG_SHARE = 0.4
FIRST_YEAR = 2016


def insert_select(model: Any, values: dict[str, Any], source: str, params: list[Any] | None = None) -> int:
    """INSERT INTO model's table SELECT … FROM source, with SQL expressions for the columns given (a string, or
    (sql, params)) and each other column's model default (or NULL, or an empty string), so that new fields with
    defaults do not break this. `params` are those of `source`."""
    from django.db import connection
    from django.db.models import NOT_PROVIDED

    columns, expressions, literal_params = [], [], []
    for f in model._meta.concrete_fields:
        if f.primary_key and f.column not in values:
            continue  # the database numbers it
        columns.append(connection.ops.quote_name(f.column))
        if f.column in values:
            given = values[f.column]
            sql_part, part_params = given if isinstance(given, tuple) else (given, [])
            expressions.append(sql_part)
            literal_params.extend(part_params)
            continue
        if f.default is not NOT_PROVIDED:
            default = f.default() if callable(f.default) else f.default
            expressions.append("%s")
            literal_params.append(f.get_db_prep_save(default, connection))
        elif f.null:
            expressions.append("NULL")
        elif f.get_internal_type() in ("CharField", "TextField") or f.blank:
            expressions.append("''")
        else:
            raise SystemExit(f"bench/maps.py needs a value for {model.__name__}.{f.name}")
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(expressions)} {source}"
    with connection.cursor() as cur:
        cur.execute(sql, [*literal_params, *(params or [])])
        return cur.rowcount


def populate(total: int) -> None:
    """N cases with what the maps count, inserted in SQL (ids continue after any existing case)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from redalert.accounts.models import Organisation, User
    from redalert.cases.models import Case, MissingPerson
    from redalert.consent.models import ConsentRecord, CurrentConsent
    from redalert.investigation.models import TraffickingEvent, TraffickingFacts

    start = time.perf_counter()
    orgs = []
    for i in range(ORGANISATIONS):
        org, _ = Organisation.objects.get_or_create(
            code=f"BM{i:02d}", defaults={"name": f"Bench maps {i:02d}", "country": LATIN_AMERICA[i % 33]}
        )
        orgs.append(org.pk)
    user = User.objects.filter(username="bench-maps").first()
    if user is None:
        user = User.objects.create_user(username="bench-maps", organisation_id=orgs[0], password=None)
        user.set_roles({"coordinator"})
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM cases_case")
        base = cur.fetchone()[0]
        # Candidate places: towns repeated by population (a big city is picked more often), states, countries.
        cur.execute(
            """
            CREATE TEMP TABLE bench_town AS
            SELECT row_number() OVER () AS i, id FROM (
                SELECT p.id FROM places_place p,
                     generate_series(1, GREATEST(1, (sqrt(COALESCE(p.population, 0)) / 40)::int))
                WHERE p.kind = 'locality' AND p.country_code = ANY(%(countries)s) AND p.latitude IS NOT NULL
            ) t;
            CREATE TEMP TABLE bench_state AS SELECT row_number() OVER () AS i, id FROM places_place
                WHERE kind = 'subdivision' AND country_code = ANY(%(countries)s);
            CREATE TEMP TABLE bench_country AS SELECT row_number() OVER () AS i, id FROM places_place
                WHERE kind = 'country' AND code = ANY(%(countries)s);
            CREATE INDEX ON bench_town (i); CREATE INDEX ON bench_state (i); CREATE INDEX ON bench_country (i);
            """,
            {"countries": LATIN_AMERICA},
        )
        cur.execute("SELECT (SELECT count(*) FROM bench_town), (SELECT count(*) FROM bench_state), "
                    "(SELECT count(*) FROM bench_country)")  # fmt: skip
        towns, states, countries = cur.fetchone()
        cur.execute(
            f"""
            CREATE TEMP TABLE bench_pick AS
            SELECT g, {base} + g AS id, r_kind,
                   CASE WHEN r_org < {BIG_SHARE} THEN 1 ELSE 2 + floor(random() * {ORGANISATIONS - 1})::int END AS org,
                   date '{FIRST_YEAR}-01-01' + floor(random() * 3650)::int AS seen,
                   1 + floor(random() * {towns})::int AS town,
                   1 + floor(random() * {states})::int AS state,
                   1 + floor(random() * {countries})::int AS country
            FROM (SELECT g, random() AS r_kind, random() AS r_org FROM generate_series(1, %s) g) s
            """,  # noqa: S608 (numbers only)
            [total],
        )
        orgs_sql = "(ARRAY[" + ",".join(str(o) for o in orgs) + "])[p.org]"
        place_sql = "CASE WHEN p.r_kind < 0.90 THEN t.id WHEN p.r_kind < 0.98 THEN s.id ELSE c.id END"
        joins = (
            "FROM bench_pick p JOIN bench_town t ON t.i = p.town JOIN bench_state s ON s.i = p.state "
            "JOIN bench_country c ON c.i = p.country"
        )
        insert_select(
            Case,
            {
                "id": "p.id",
                "organisation_id": orgs_sql,
                "reference": "'BM-' || p.id",
                "status": "'active_search'",
                "status_changed_at": ("%s", [now]),
                "reported_at": "p.seen + time '12:00'",
                "report_channel": "'family'",
                "last_seen_on": "p.seen",
                "last_seen_place_id": place_sql,
                "created_by_id": str(user.pk),
                "created_at": ("%s", [now]),
                "updated_at": ("%s", [now]),
            },
            joins,
        )
        sexes = "(ARRAY['female','female','female','female','female','female','female','female','male','unknown'])"
        insert_select(
            MissingPerson,
            {
                "case_id": "p.id",
                "organisation_id": orgs_sql,
                "given_names": "'Bench'",
                "search_name": "'bench'",
                "sex": f"{sexes}[1 + mod(p.g, 10)]",
                "age_at_disappearance": "CASE WHEN mod(p.g, 10) < 3 THEN NULL ELSE 9 + mod(p.g::bigint * 7919, 45) END",
                "estimated_age": "CASE WHEN mod(p.g, 10) < 3 THEN NULL ELSE 9 + mod(p.g::bigint * 7919, 45) END",
            },
            "FROM bench_pick p",
        )
        kinds = (
            """(ARRAY['["SexualExploitation"]', '["SexualExploitation"]', '["SexualExploitation"]', """
            """'["ForcedLabour"]', '["SexualExploitation", "ForcedLabour"]', '["NotKnown"]', """
            """'["DomesticServitude"]', '["ForcedMarriage"]', '["CriminalActivities"]', '[]'])"""
        )
        insert_select(
            TraffickingFacts,
            {
                "case_id": "p.id",
                "exploitation_types": f"({kinds}[1 + mod(p.g / 4, 10)])::jsonb",
                "updated_by_id": str(user.pk),
                "updated_at": ("%s", [now]),
            },
            "FROM bench_pick p WHERE mod(p.g, 4) = 0",
        )
        for event_type, condition in (("Exploitation", "mod(p.g, 8) = 0"), ("Recruitment", "mod(p.g, 16) = 0")):
            insert_select(
                TraffickingEvent,
                {
                    "case_id": "p.id",
                    "event_type": f"'{event_type}'",
                    "place_id": (
                        "(SELECT id FROM bench_town WHERE i = 1 + mod(p.g::bigint * 104729 + %s, %s))",
                        [len(event_type), towns],
                    ),
                    "recorded_by_id": str(user.pk),
                    "recorded_at": ("%s", [now]),
                },
                f"FROM bench_pick p WHERE {condition}",
            )
        insert_select(
            ConsentRecord,
            {
                "case_id": "p.id",
                "purpose": "'statistics'",
                "decision": "'granted'",
                "given_by_name": "'Bench'",
                "given_by_relationship": "'mother'",
                "method": "'verbal_witnessed'",
                "decided_on": "p.seen",
                "recorded_by_id": str(user.pk),
                "recorded_at": ("%s", [now]),
            },
            "FROM bench_pick p WHERE mod(p.g, 10) < 6",
        )
        cur.execute(
            f"""INSERT INTO {CurrentConsent._meta.db_table} (case_id, purpose, decision, record_id)
                SELECT case_id, purpose, decision, id FROM consent_consentrecord WHERE case_id > %s""",  # noqa: S608
            [base],
        )
        cur.execute("SELECT setval(pg_get_serial_sequence('cases_case', 'id'), %s)", [base + total])
        cur.execute("DROP TABLE bench_pick, bench_town, bench_state, bench_country")
    print(f"  {total:,} cases inserted in SQL in {time.perf_counter() - start:.0f} s", flush=True)


def measure(total: int, repeat: int) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection, reset_queries
    from django.test import Client

    from conftest import verified_client
    from redalert.accounts.models import Organisation, User
    from redalert.cases.models import Case
    from redalert.maps.facts import rebuild_map_facts
    from redalert.maps.models import CaseMapFact

    settings.DEBUG = False
    missing = total - Case.objects.count()
    if missing > 0:
        populate(missing)
    if CaseMapFact.objects.count() != Case.objects.count():
        start = time.perf_counter()
        derived = rebuild_map_facts(batch_size=10_000)
        print(f"  rebuild_map_facts: {derived:,} cases in {time.perf_counter() - start:.0f} s", flush=True)
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
    big = Organisation.objects.get(code="BM00")
    coordinator = User.objects.get(username="bench-maps")
    analyst = User.objects.filter(username="bench-maps-analyst").first()
    if analyst is None:
        analyst = User.objects.create_user(username="bench-maps-analyst", organisation=big, password=None)
        analyst.set_roles({"analyst"})
    own = Case.objects.filter(organisation=big).count()
    print(f"  {Case.objects.count():,} cases; the big organisation has {own:,}", flush=True)

    def timed(client: Client, path: str, params: dict[str, Any]) -> tuple[float, int, int]:
        reset_queries()
        start = time.perf_counter()
        response = client.get(path, params, HTTP_HOST="localhost")
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, (path, params, response.status_code, response.content[:200])
        features = len(json.loads(response.content).get("features", [])) if path.endswith(".geojson") else 0
        return elapsed, len(response.content), features

    central_mexico = {3: "-125.0,-5.0,-55.0,40.0", 5: "-110.0,10.0,-88.0,28.0", 7: "-104.0,17.0,-98.5,21.5",
                      10: "-99.9,19.2,-99.2,19.7"}  # fmt: skip
    filter_sets: dict[str, dict[str, Any]] = {
        "none": {},
        "2022": {"year_from": 2022, "year_to": 2022},
        "female 9-17": {"sex": "female", "age_group": "9-17"},
        "sexual expl.": {"exploitation": "SexualExploitation"},
    }
    baseline_client = verified_client(coordinator)
    for _ in range(5):
        timed(baseline_client, "/healthz", {})
    base = median_p95([timed(baseline_client, "/healthz", {})[0] for _ in range(max(repeat, 20))])
    print(f"  baseline /healthz through the same client: p50 {base[0]:.2f} ms, p95 {base[1]:.2f} ms", flush=True)
    print(f"  {'who':<12} {'layer':<13} {'zoom':>4} {'filters':<13} {'cold ms':>8} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'KB':>6} {'features':>8} {'p95/base':>8}")  # fmt: skip
    worst = (0.0, 0, "")
    worst_cold = (0.0, "")
    largest = (0, "")
    for who, user, scope in (("coordinator", coordinator, ""), ("coalition", analyst, "coalition")):
        client = verified_client(user)
        for layer in ("subdivisions", "hexagons", "routes"):
            for zoom in (3, 5, 7, 10):
                for label, filters in filter_sets.items():
                    if zoom in (5, 7) and label not in ("none", "2022"):
                        continue  # every filter at the extremes, the common ones in between
                    params = {**filters, "zoom": zoom, "bbox": central_mexico[zoom]}
                    if scope:
                        params["scope"] = scope
                    path = f"/maps/layers/{layer}.geojson"
                    cache.clear()  # cold: the counts of this filter set are computed again in the database
                    cold, size, features = timed(client, path, params)
                    samples = [timed(client, path, params)[0] for _ in range(repeat)]
                    p50, p95 = median_p95(samples)
                    where = f"{who} {layer} z{zoom} {label}"
                    worst = max(worst, (p95, size, where))
                    worst_cold = max(worst_cold, (cold, where))
                    largest = max(largest, (size, where))
                    print(f"  {who:<12} {layer:<13} {zoom:>4} {label:<13} {cold:>8.0f} {p50:>7.0f} {p95:>7.0f} "
                          f"{size / 1024:>6.0f} {features:>8} {p95 / base[1]:>7.0f}x", flush=True)  # fmt: skip
        # The whole map page (filters, tables, and the audit entry), cold and warm.
        page_params = {"scope": scope} if scope else {}
        cache.clear()
        page_cold = timed(client, "/maps/", page_params)[0]
        page = median_p95([timed(client, "/maps/", page_params)[0] for _ in range(repeat)])
        print(
            f"  {who:<12} page /maps/ (tables): cold {page_cold:.0f} ms, warm p50 {page[0]:.0f} ms, "
            f"p95 {page[1]:.0f} ms",
            flush=True,
        )
    print(
        f"  slowest warm layer request: {worst[2]}, p95 {worst[0]:.0f} ms; slowest cold: {worst_cold[1]}, "
        f"{worst_cold[0]:.0f} ms; largest response: {largest[1]}, {largest[0] / 1024:.0f} KB",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--postgres", default=DEFAULT_PG, help="a server URL; the bench creates its own database")
    parser.add_argument("--keep-db", default="", help="build into (or reuse) this database and keep it")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        sys.path.insert(0, str(ROOT))
        measure(args.cases, args.repeat)
        return
    if not postgres_reachable(args.postgres):
        print(f"postgresql: not reachable at {args.postgres}, skipped")
        return
    name = args.keep_db or f"bench_maps_{os.getpid()}"
    with (
        postgres_database(args.postgres, name, keep=bool(args.keep_db)) as (database_url, exists),
        tempfile.TemporaryDirectory(prefix="bench-maps-") as scratch,
    ):
        env = {
            **os.environ,
            "REDALERT_VAR_DIR": scratch,
            "DJANGO_SETTINGS_MODULE": "redalert.settings.dev",
            "DATABASE_URL": database_url,
            "ALLOWED_HOSTS": "localhost",
            "SECRET_KEY": "bench-maps-" + "x" * 40,
            "FIELD_ENCRYPTION_KEYS": "9gEt3JqM3iHh0gAN7sW8RFNm5Yx1V8m1o4Y9Jk3Wq0s=",
            "MAP_TILE_URL": "",
        }
        manage(env, "migrate", "--noinput")
        if not exists:
            manage(env, "load_places")
        else:
            print(f"postgresql: reusing the database {name}", flush=True)
        child = [PYTHON, str(Path(__file__).resolve()), "--measure", "--cases", str(args.cases)]
        subprocess.run([*child, "--repeat", str(args.repeat)], cwd=ROOT, env=env, check=True)


if __name__ == "__main__":
    main()
