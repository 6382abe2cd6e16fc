"""How long the demo-data command takes for a large organisation's history (issue: `--cases 100000` must work).

Usage: bench/seed_demo.py [--cases N] [--postgres URL]

For each database (the embedded SQLite, and PostgreSQL when --postgres is given or reachable at the default URL),
in a scratch database: migrate, load the gazetteer, then time `seed_demo --cases N` in a child process, reporting
wall time, cases per second and the child's peak memory. The baseline, measured in the same run on the same
database, is a plain multi-row INSERT of N rows of similar width into a scratch table: the ratio says how much the
domain (names, places, consent history, timeline, encryption of sensitive fields) costs over raw inserts.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import tempfile

from common import DEFAULT_PG, PYTHON, ROOT, manage, postgres_database, postgres_reachable


def child_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


BASELINE = """
import os, sys, time, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redalert.settings.dev")
django.setup()
from django.db import connection, transaction
n = int(sys.argv[1])
rows = [(f"Nombre {i}", f"Apellido {i}", f"Otro {i}", "female", "2020-01-01", "texto " * 20) for i in range(n)]
columns = "a varchar(100), b varchar(100), c varchar(100), d varchar(10), e date, f text"
with connection.cursor() as cur:
    cur.execute("DROP TABLE IF EXISTS bench_baseline")
    cur.execute(f"CREATE TABLE bench_baseline ({columns})")
    start = time.perf_counter()
    for i in range(0, n, 2000):
        with transaction.atomic():
            cur.executemany("INSERT INTO bench_baseline VALUES (%s, %s, %s, %s, %s, %s)", rows[i:i + 2000])
    elapsed = time.perf_counter() - start
    cur.execute("DROP TABLE bench_baseline")
print(elapsed)
"""


def bench(label: str, env: dict[str, str], cases: int) -> None:
    manage(env, "migrate", "--noinput")
    manage(env, "load_places")
    before = child_peak_mb()
    seconds = manage(env, "seed_demo", "--cases", str(cases)).seconds
    peak = max(child_peak_mb(), before)
    baseline = float(
        subprocess.run(
            [PYTHON, "-c", BASELINE, str(cases)], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        ).stdout.strip()
    )
    print(
        f"{label:10} seed_demo --cases {cases}: {seconds:7.1f} s  {cases / seconds:8.0f} cases/s  "
        f"peak RSS {peak:6.0f} MB  | baseline plain INSERT of {cases} rows: {baseline:5.1f} s  "
        f"ratio {seconds / baseline:5.1f}x",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--postgres", default=DEFAULT_PG, help="a server URL; the bench creates its own database")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-seed-") as scratch:
        env = {**os.environ, "REDALERT_VAR_DIR": scratch, "DJANGO_SETTINGS_MODULE": "redalert.settings.dev"}
        env.pop("DATABASE_URL", None)
        bench("sqlite", env, args.cases)
        if postgres_reachable(args.postgres):
            with postgres_database(args.postgres, f"bench_seed_{os.getpid()}") as (url, _existed):
                bench("postgresql", {**env, "DATABASE_URL": url}, args.cases)
        else:
            print(f"postgresql: not reachable at {args.postgres}, skipped")


if __name__ == "__main__":
    main()
