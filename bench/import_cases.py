"""How fast historical cases import (issue 7; issue 14: 100,000 rows in at most 60 s on PostgreSQL and SQLite).

Usage: bench/import_cases.py [--rows N] [--postgres URL] [--sqlite-only] [--first-only]

For each database (the embedded SQLite, and PostgreSQL when reachable), in a scratch database: migrate, load the
gazetteer, create an organisation and its coordinator, write a CSV of N rows (default 2,000, small enough for
`make bench`; the issue's figure is `--rows 100000`) with every column filled the way an organisation's
spreadsheet would be (a mix of statuses, places given by name or by code, route, proceeding, two services and an
expense per row), then time in a child process:

0. the baseline: the same file copied raw into a staging table of text columns (PostgreSQL `COPY … FROM STDIN`,
   SQLite `executemany` in one transaction): what moving the bytes into the database costs, with no rule applied;
1. `manage.py import_cases FILE` in the all-or-nothing mode (checks every row, then saves all in one transaction);
2. the same file again (every row unchanged: the idempotent re-import);
3. the file with one column changed in every row (every case updated).

For each it prints wall time, rows per second, the ratio of its time to the baseline's, the child's CPU time and
its peak memory (maximum resident set size). Timings are printed, never asserted. `--first-only` stops after 1.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from common import DEFAULT_PG, PYTHON, ROOT, manage, postgres_database, postgres_reachable

SETUP = """
import django
django.setup()
from redalert.accounts.models import Organisation, User
from redalert.imports.values import CellError, PlaceResolver
from redalert.places.models import Place, PlaceKind
org, _ = Organisation.objects.get_or_create(code="BENCH", defaults={"name": "Bench", "country": "MX"})
user = User.objects.filter(username="bench").first()
if user is None:
    user = User.objects.create_user("bench", password="x", organisation=org)
user.language = "en"
user.save()
user.set_roles({"coordinator"})
resolver = PlaceResolver()
for place in Place.objects.filter(kind=PlaceKind.LOCALITY, country_code="MX").order_by("-population")[:300]:
    try:
        if resolver.resolve(place.label) == place:  # only labels that name one place
            print(place.code + "\\t" + place.label)
    except CellError:
        pass
"""

STATUSES = ["not_located", "located_alive", "located_deceased", "follow_up", "closed", "closed_located"]
EXPLOITATION = ["SexualExploitation", "ForcedLabour", "ForcedMarriage", "Servitude", "NotKnown", ""]
SERVICES = ["psychological", "medical", "legal_advice", "emergency_shelter", "education", "repatriation"]


def write_file(path: Path, places: list[tuple[str, str]], rows: int, change: bool = False) -> None:
    rng = random.Random(7)
    header = [
        "case_reference",
        "reported_on",
        "report_channel",
        "given_names",
        "first_surname",
        "sex",
        "gender",
        "birth_date",
        "nationalities",
        "indigenous",
        "last_seen_on",
        "last_seen_place",
        "status",
        "located_on",
        "located_place",
        "outcome",
        "closed_on",
        "closure_reason",
        "type_of_exploitation",
        "organised_crime",
        "recruitment_places",
        "exploitation_places",
        "legal_representation",
        "complaint_filed_on",
        "consent_statistics",
        "service_1_type",
        "service_1_on",
        "service_1_cost",
        "service_1_currency",
        "service_2_type",
        "service_2_on",
        "expense_1_category",
        "expense_1_on",
        "expense_1_amount",
        "expense_1_currency",
    ]
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for n in range(rows):
            year = 2012 + n % 12
            month, day = 1 + rng.randrange(9), 1 + rng.randrange(28)
            place = rng.choice(places)
            where = place[0] if rng.random() < 0.5 else place[1]
            status = rng.choice(STATUSES)
            located = status != "not_located" and status != "closed"
            row = {
                "case_reference": f"HIST-{n:06d}",
                "reported_on": f"{year}-{month:02d}-{day:02d}",
                "report_channel": rng.choice(["family", "public", "authority", ""]),
                "given_names": rng.choice(["María", "Ana", "Lucía", "Rosa", "Itzel"]),
                "first_surname": rng.choice(["López", "Pérez", "Cruz", ""]),
                "sex": "female" if not change else "",
                "gender": rng.choice(["Feminine", ""]),
                "birth_date": f"{year - 15 - rng.randrange(10)}-0{1 + rng.randrange(9)}-1{rng.randrange(9)}",
                "nationalities": rng.choice(["MX", "MX; GT", "HN", ""]),
                "indigenous": rng.choice(["yes", "no", ""]),
                "last_seen_on": f"{year}-{month:02d}-{max(day - 1, 1):02d}",
                "last_seen_place": where,
                "status": status.replace("closed_located", "closed"),
                "located_on": f"{year + 1}-{month:02d}-{day:02d}" if located else "",
                "located_place": rng.choice(places)[0] if located else "",
                "outcome": ("alive" if rng.random() < 0.85 else "deceased")
                if status in ("follow_up", "closed_located")
                else "",
                "closed_on": f"{year + 2}-{month:02d}-{day:02d}" if status.startswith("closed") else "",
                "closure_reason": "Concluido" if status.startswith("closed") else "",
                "type_of_exploitation": rng.choice(EXPLOITATION),
                "organised_crime": rng.choice(["yes", "no", ""]),
                "recruitment_places": rng.choice(places)[0],
                "exploitation_places": f"{rng.choice(places)[0]}; {rng.choice(places)[0]}",
                "legal_representation": rng.choice(["yes", "no", ""]),
                "complaint_filed_on": f"{year}-{month:02d}-{day:02d}" if rng.random() < 0.5 else "",
                "consent_statistics": rng.choice(["granted", "refused", ""]),
                "service_1_type": rng.choice(SERVICES),
                "service_1_on": f"{year}-{month:02d}-{day:02d}",
                "service_1_cost": str(rng.randrange(0, 5000)),
                "service_1_currency": "MXN",
                "service_2_type": rng.choice(SERVICES),
                "service_2_on": f"{year}-{month:02d}-{day:02d}",
                "expense_1_category": "travel_fares",
                "expense_1_on": f"{year}-{month:02d}-{day:02d}",
                "expense_1_amount": f"{rng.randrange(100, 3000)}.50",
                "expense_1_currency": "MXN",
            }
            writer.writerow([row[name] for name in header])


BASELINE = """
import csv, sys, time
import django
django.setup()
from django.db import connection, transaction
path = sys.argv[1]
start = time.perf_counter()
with open(path, newline="", encoding="utf-8") as source:
    reader = csv.reader(source)
    header = next(reader)
    columns = ", ".join(f'"c{i}" text' for i in range(len(header)))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_import_staging")
        cursor.execute(f"CREATE TABLE bench_import_staging ({columns})")
        if connection.vendor == "postgresql":
            source.seek(0)
            with cursor.cursor.copy("COPY bench_import_staging FROM STDIN (FORMAT csv, HEADER true)") as copy:
                while chunk := source.read(1 << 20):
                    copy.write(chunk)
        else:
            marks = ", ".join("?" * len(header))
            cursor.cursor.executemany(f"INSERT INTO bench_import_staging VALUES ({marks})", reader)
        cursor.execute("SELECT count(*) FROM bench_import_staging")
        staged = cursor.fetchone()[0]
        seconds = time.perf_counter() - start
        cursor.execute("DROP TABLE bench_import_staging")
print(f"staged {staged} rows in {seconds:.3f} s")
"""


@dataclass(frozen=True)
class Child:
    seconds: float
    cpu: float  # the child's user + system CPU time (a PostgreSQL server's share is not in it; SQLite's is)
    peak_mib: float  # the child's maximum resident set size
    stdout: str
    stderr: str


def child(env: dict[str, str], *args: str) -> Child:
    """Run `python ARGS` in a child and take its own resource use (os.wait4), not that of all children so far."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        process = subprocess.Popen([PYTHON, *args], cwd=ROOT, env=env, stdout=out, stderr=err, text=True)
        _pid, _status, usage = os.wait4(process.pid, 0)  # reaps the child: its own rusage
        seconds = time.perf_counter() - start
        process.returncode = 0  # reaped here; keeps Popen from waiting for it again
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    return Child(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stdout, stderr)


def bench(label: str, env: dict[str, str], rows: int, scratch: Path, first_only: bool = False) -> None:
    manage(env, "migrate", "--noinput", capture=True, check=False)
    manage(env, "load_places", capture=True, check=False)
    listing = subprocess.run(
        [PYTHON, "-c", SETUP], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout.splitlines()
    places = [tuple(line.split("\t", 1)) for line in listing if "\t" in line]
    if not places:
        print(f"{label}: no Mexican localities in the gazetteer; skipped")
        return
    first = scratch / "cases.csv"
    changed = scratch / "cases-changed.csv"
    write_file(first, places, rows)  # type: ignore[arg-type]
    write_file(changed, places, rows, change=True)  # type: ignore[arg-type]
    baseline = child(env, "-c", BASELINE, str(first))
    staged = re.search(r"staged (\d+) rows in ([\d.]+) s", baseline.stdout)
    if staged is None:
        print(f"{label:10} baseline failed: {baseline.stderr.strip()[-300:]}")
        return
    # The baseline's time is that of the staging itself (read, insert, commit), without starting Django; the
    # import's is its whole command, start-up included (about 2 s), so the ratio leans against the import.
    base = float(staged.group(2))
    method = "COPY" if "DATABASE_URL" in env else "executemany"
    print(
        f"{label:10} {'baseline ' + method:18} {staged.group(1)} rows: {base:7.2f} s  {rows / base:7.0f} rows/s  "
        f"(child with start-up {baseline.seconds:.1f} s, peak {baseline.peak_mib:5.0f} MiB)",
        flush=True,
    )
    command = ["manage.py", "import_cases", "--organisation", "BENCH", "--user", "bench"]
    passes = (("first import", first), ("same file again", first), ("every row changed", changed))
    for what, path in passes[:1] if first_only else passes:
        # CPU time (user + system) is less affected by other work on a shared machine than wall time.
        ran = child(env, *command, str(path))
        seconds, cpu = ran.seconds, ran.cpu
        summary = [line for line in ran.stdout.splitlines() if line.startswith("Import ")]
        print(
            f"{label:10} {what:18} {rows} rows: {seconds:7.1f} s  {rows / seconds:7.0f} rows/s  "
            f"x{seconds / base:.0f} the baseline  (CPU {cpu:6.1f} s, peak {ran.peak_mib:5.0f} MiB; "
            f"load average {os.getloadavg()[0]:.1f})",
            flush=True,
        )
        print(f"{'':10} {summary[-1] if summary else ran.stderr.strip()[-300:]}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=2_000, help="rows of the file (the issue's figure: 100000)")
    parser.add_argument("--postgres", default=DEFAULT_PG, help="a server URL; the bench creates its own database")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgres-only", action="store_true")
    parser.add_argument("--first-only", action="store_true", help="time the first import only (with the baseline)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as scratch:
        # The upload limits (IMPORT_MAX_ROWS 50,000, IMPORT_MAX_BYTES 20 MB) are raised to the file's size for the
        # bench, as an organisation importing 100,000 rows at once would raise them (docs/import.md, Speed).
        Path(scratch, "bench_import_settings.py").write_text(
            "from redalert.settings.dev import *  # noqa: F403\n"
            # As a production server runs: with DEBUG on, Django keeps every query of the import in memory.
            "DEBUG = False\n"
            f"IMPORT_MAX_ROWS = {max(args.rows, 50_000)}\nIMPORT_MAX_BYTES = {max(args.rows * 2_000, 20 << 20)}\n"
        )
        env = {
            **os.environ,
            "REDALERT_VAR_DIR": scratch,
            "DJANGO_SETTINGS_MODULE": "bench_import_settings",
            "PYTHONPATH": os.pathsep.join(filter(None, [scratch, str(ROOT), os.environ.get("PYTHONPATH")])),
        }
        env.pop("DATABASE_URL", None)
        if not args.postgres_only:
            bench("sqlite", env, args.rows, Path(scratch), args.first_only)
        if args.sqlite_only:
            return
        if postgres_reachable(args.postgres):
            with postgres_database(args.postgres, f"bench_import_{os.getpid()}") as (url, _existed):
                bench("postgresql", {**env, "DATABASE_URL": url}, args.rows, Path(scratch), args.first_only)
        else:
            print(f"postgresql: not reachable at {args.postgres}, skipped")


if __name__ == "__main__":
    main()
