"""The review queue of possible duplicates: the background finder over an organisation's cases, and merge + undo.

Usage: bench/duplicates.py [--cases N] [--merges K] [--postgres URL]

In a scratch database (a SQLite file, or a PostgreSQL database it creates and drops with --postgres): migrate, load
the places, seed_demo --cases N (realistic case files with consents, tips, investigation, legal and care rows, Red
Alerts), rebuild matching's candidate index (seed_demo writes past the services), then:

- `manage.py find_duplicates --full` (every case of every organisation against matching's indexed candidates):
  wall time, cases per second, and the pairs proposed per 1,000 cases (the demo's cases are different girls, so this
  is the review queue's load from look-alikes);
- K merges of two random cases of one organisation, each followed by its undo: p50/p95 of each, the rows moved per
  merge, and as a baseline from the same run the time of one note added through the case service (ratio).

Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import PYTHON, ROOT, manage, median_p95, postgres_database, postgres_reachable


def measure(merges: int) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import transaction

    from redalert.accounts.models import User
    from redalert.cases.models import Case
    from redalert.cases.services import add_note
    from redalert.duplicates.merging import merge, undo

    rng = random.Random(15)
    organisations = list(Case.objects.values_list("organisation_id", flat=True).distinct())
    merge_s: list[float] = []
    undo_s: list[float] = []
    note_s: list[float] = []
    moved: list[int] = []
    for _n in range(merges):
        organisation = rng.choice(organisations)
        ids = list(
            Case.objects.filter(organisation_id=organisation, merged_into__isnull=True).values_list("pk", flat=True)
        )
        a, b = rng.sample(ids, 2)
        remaining, other = Case.objects.get(pk=a), Case.objects.get(pk=b)
        actor = User.objects.filter(organisation_id=organisation, is_active=True).first()
        start = time.perf_counter()
        with transaction.atomic():
            add_note(remaining, "general", "bench", actor=actor)  # type: ignore[arg-type]
            transaction.set_rollback(True)  # the note must not make the merge's undo refuse
        note_s.append(time.perf_counter() - start)
        start = time.perf_counter()
        record = merge(remaining, other, actor=actor)  # type: ignore[arg-type]
        merge_s.append(time.perf_counter() - start)
        moved.append(record.rows.filter(action="moved").count())
        start = time.perf_counter()
        undo(record, actor=actor)  # type: ignore[arg-type]
        undo_s.append(time.perf_counter() - start)
    (m50, m95), (u50, u95), (n50, _n95) = median_p95(merge_s), median_p95(undo_s), median_p95(note_s)
    print(f"merge: p50 {m50 * 1000:.0f} ms, p95 {m95 * 1000:.0f} ms ({m50 / n50:.1f}× a note) over {merges} merges")
    print(f"undo:  p50 {u50 * 1000:.0f} ms, p95 {u95 * 1000:.0f} ms ({u50 / n50:.1f}× a note)")
    print(f"rows moved per merge: median {sorted(moved)[len(moved) // 2]}, max {max(moved)}")
    print(f"baseline, one note added: p50 {n50 * 1000:.1f} ms")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the measuring process: {peak:.0f} MiB")


def run(env: dict[str, str], cases: int, merges: int, label: str) -> None:
    manage(env, "migrate", "--noinput")
    manage(env, "load_places")
    seeded = manage(env, "seed_demo", "--cases", str(cases))
    print(f"{label}: seed_demo --cases {cases} in {seeded.seconds:.0f} s", flush=True)
    # seed_demo writes past the services: the candidate index (a read model) is rebuilt, as after any bulk load.
    indexed = manage(env, "rebuild_matching_index")
    print(f"{label}: rebuild_matching_index in {indexed.seconds:.1f} s", flush=True)
    found = manage(env, "find_duplicates", "--full", capture=True)
    pairs = int(found.stdout.split()[0]) if found.stdout.strip() else 0
    print(
        f"{label}: find_duplicates --full over {cases} cases in {found.seconds:.1f} s "
        f"({cases / found.seconds:.0f} cases/s, child CPU {found.cpu:.1f} s); "
        f"{pairs} pair(s) proposed = {pairs * 1000 / cases:.1f} per 1,000 cases",
        flush=True,
    )
    child = [PYTHON, str(Path(__file__).resolve()), "--measure", "--merges", str(merges)]
    subprocess.run(child, cwd=ROOT, env=env, check=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--merges", type=int, default=40)
    parser.add_argument("--postgres", default="")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.merges)
        return
    with tempfile.TemporaryDirectory(prefix="bench-duplicates-") as scratch:
        env = {
            **os.environ,
            "REDALERT_VAR_DIR": scratch,
            "DJANGO_SETTINGS_MODULE": "redalert.settings.dev",
            "ALLOW_DEMO_DATA": "1",
            "SECRET_KEY": "bench-duplicates-" + "x" * 40,
            "FIELD_ENCRYPTION_KEYS": "9gEt3JqM3iHh0gAN7sW8RFNm5Yx1V8m1o4Y9Jk3Wq0s=",
        }
        if not args.postgres:
            run({**env, "DATABASE_URL": f"sqlite:///{scratch}/bench.sqlite3"}, args.cases, args.merges, "sqlite")
            return
        if not postgres_reachable(args.postgres):
            print(f"postgresql: not reachable at {args.postgres}, skipped")
            return
        with postgres_database(args.postgres, f"bench_duplicates_{os.getpid()}") as (database_url, _exists):
            run({**env, "DATABASE_URL": database_url}, args.cases, args.merges, "postgresql")


if __name__ == "__main__":
    main()
