"""The REST API at scale (issue 16: list of cases, 50 a page, and case read at p95 ≤ 50 ms with 100,000 cases on
PostgreSQL), against a trivial authenticated endpoint measured in the same run.

Usage: bench/api.py [--cases N] [--requests R] [--postgres URL] [--keep-db NAME]

In a scratch PostgreSQL database that it creates and drops (or, with --keep-db, one it builds once and reuses):
migrate, load the gazetteer, then N cases of one organisation written with bulk SQL (bench/bulk_cases.py:
INSERT … SELECT generate_series, seconds for 100,000). An API client with the scope "cases:read" is created for
that organisation through `redalert.api.clients.create_client`. Then, in one process, R requests of each kind go
through the whole Django stack (middleware, token check, rate limit, policy, search, audit entries, JSON) with
Django's test client:

- `GET /api/v1/me` — the trivial authenticated endpoint (token, rate limit, one audit entry): the baseline;
- `GET /api/v1/cases` — the first page of 50, then following pages by cursor (as a program syncing would);
- `GET /api/v1/cases?q=<name>` — the staff search's text filter, first page;
- `GET /api/v1/cases/{id}` — a random case of the organisation (ETag, view audited on the case).

p50/p95 of each, and the ratio of each p95 to the baseline's. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import DEFAULT_PG, PYTHON, ROOT, manage, median_p95, postgres_database, postgres_reachable


def timed(call: Any, items: list[Any]) -> list[float]:
    samples = []
    for item in items:
        start = time.perf_counter()
        call(item)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def measure(cases: int, requests: int) -> None:
    """Runs in the child process, with the scratch database's settings."""
    import django

    django.setup()
    from datetime import timedelta

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from redalert.accounts.models import Organisation, User
    from redalert.api.clients import create_client
    from redalert.api.scopes import Scope

    settings.DEBUG = False  # no query log
    sys.path.insert(0, str(ROOT / "bench"))
    from bulk_cases import BULK_CODE, write_cases

    organisation = Organisation.objects.filter(code=BULK_CODE).first()
    if organisation is None:
        written = write_cases(cases, timezone.now().year - 2)
        organisation = written["organisation"]
        print(f"  bulk-loaded {cases:,} cases in {written['seconds']:.1f} s", flush=True)
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
    total = organisation.cases.count()
    admin, _ = User.objects.get_or_create(username="bench-api-admin", defaults={"organisation": organisation})
    new = create_client(
        organisation_id=organisation.pk,
        name="bench",
        scopes=[Scope.READ_CASES],
        expires_at=timezone.now() + timedelta(days=1),
        rate_per_minute=10**6,
        actor=admin,
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {new.token}", HTTP_ACCEPT_LANGUAGE="es")
    rng = random.Random(7)
    ids = list(organisation.cases.values_list("id", flat=True))
    names = list(organisation.cases.values_list("person__given_names", flat=True)[:5000])

    def get(path: str, params: dict[str, str] | None = None) -> Any:
        response = client.get(path, params or {})
        assert response.status_code == 200, (path, response.status_code, response.content[:300])
        return response

    cursor: dict[str, str] = {"next": ""}

    def list_page(_: Any) -> None:
        body = get("/api/v1/cases", {"cursor": cursor["next"]} if cursor["next"] else None).json()
        assert len(body["items"]) == 50 or not body["next_cursor"]
        cursor["next"] = body["next_cursor"] or ""

    def first_page(_: Any) -> None:
        assert len(get("/api/v1/cases").json()["items"]) == 50

    for _ in range(20):  # warm-up
        get("/api/v1/me")
        first_page(None)
        get(f"/api/v1/cases/{rng.choice(ids)}")
    rounds = list(range(requests))
    rows = [
        ("GET /api/v1/me (baseline)", timed(lambda _: get("/api/v1/me"), rounds)),
        ("GET /api/v1/cases (first page of 50)", timed(first_page, rounds)),
        ("GET /api/v1/cases?cursor=… (next pages of 50)", timed(list_page, rounds)),
        (
            "GET /api/v1/cases?q=<name> (first page)",
            timed(lambda _: get("/api/v1/cases", {"q": rng.choice(names)}), rounds),
        ),
        ("GET /api/v1/cases/{id} (read)", timed(lambda _: get(f"/api/v1/cases/{rng.choice(ids)}"), rounds)),
    ]
    base95 = median_p95(rows[0][1])[1]
    print(f"  one organisation of {total:,} cases, {requests} requests of each kind, in process (Django test client):")
    for label, samples in rows:
        p50, p95 = median_p95(samples)
        print(f"  {label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, p95/baseline {p95 / base95:.1f}x", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--postgres", default=DEFAULT_PG, help="a server URL; the bench creates its own database")
    parser.add_argument("--keep-db", default="", help="build into (or reuse) this database and keep it")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        sys.path.insert(0, str(ROOT))
        measure(args.cases, args.requests)
        return
    if not postgres_reachable(args.postgres):
        print(f"postgresql: not reachable at {args.postgres}, skipped")
        return
    name = args.keep_db or f"bench_api_{os.getpid()}"
    with (
        postgres_database(args.postgres, name, keep=bool(args.keep_db)) as (database_url, exists),
        tempfile.TemporaryDirectory(prefix="bench-api-") as scratch,
    ):
        env = {
            **os.environ,
            "REDALERT_VAR_DIR": scratch,
            "DJANGO_SETTINGS_MODULE": "redalert.settings.dev",
            "DATABASE_URL": database_url,
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "SECRET_KEY": "bench-api-" + "x" * 40,
            "FIELD_ENCRYPTION_KEYS": "9gEt3JqM3iHh0gAN7sW8RFNm5Yx1V8m1o4Y9Jk3Wq0s=",
        }
        manage(env, "migrate", "--noinput")
        if not exists:
            manage(env, "load_places")
        else:
            print(f"postgresql: reusing the database {name}", flush=True)
        child = [PYTHON, str(Path(__file__).resolve()), "--measure", "--cases", str(args.cases)]
        subprocess.run([*child, "--requests", str(args.requests)], cwd=ROOT, env=env, check=True)


if __name__ == "__main__":
    main()
