"""Helpers the benchmarks share: running manage.py in a child, PostgreSQL scratch databases, percentiles.

The benchmarks run as `python bench/x.py`, so this directory is on sys.path and they `from common import ...`.
"""

from __future__ import annotations

import re
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"


@dataclass(frozen=True)
class Ran:
    """What a child manage.py run took and printed."""

    seconds: float  # wall time
    cpu: float  # the child's user + system CPU time (the database server's share is not in it)
    stdout: str  # "" unless captured
    stderr: str  # "" unless captured


def manage(env: dict[str, str], *args: str, capture: bool = False, check: bool = True) -> Ran:
    """Run `manage.py ARGS` with `env` in a child and time it; stdout is discarded unless `capture` (then both
    streams are kept); `check` raises on a non-zero exit."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    command = [PYTHON, "manage.py", *args]
    if capture:
        done = subprocess.run(command, cwd=ROOT, env=env, check=check, capture_output=True, text=True)
        stdout, stderr = done.stdout, done.stderr
    else:
        subprocess.run(command, cwd=ROOT, env=env, check=check, stdout=subprocess.DEVNULL)
        stdout = stderr = ""
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Ran(seconds, cpu, stdout, stderr)


def postgres_reachable(url: str) -> bool:
    """Whether a PostgreSQL server answers at the host and port of `url` (pg_isready)."""
    host_port = url.split("@", 1)[-1].split("/", 1)[0]
    host, _, port = host_port.partition(":")
    return subprocess.call(["pg_isready", "-q", "-h", host, "-p", port or "5432"]) == 0


@contextmanager
def postgres_database(admin_url: str, name: str, keep: bool = False) -> Iterator[tuple[str, bool]]:
    """Create the database `name` on the server of `admin_url` if missing and yield (its URL, whether it existed);
    drop it at the end unless `keep`."""
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise SystemExit("--keep-db takes a plain database name (a-z, 0-9, _)")
    server, _, _db = admin_url.rpartition("/")
    admin = ["psql", admin_url, "-q", "-c"]
    exists = (
        subprocess.run(
            ["psql", admin_url, "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{name}'"],  # noqa: S608 (checked above)
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        == "1"
    )
    if not exists:
        subprocess.run([*admin, f"CREATE DATABASE {name}"], check=True)
    try:
        yield f"{server}/{name}", exists
    finally:
        if not keep:
            subprocess.run([*admin, f"DROP DATABASE IF EXISTS {name}"], check=False)


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank p-th percentile of `values` (NaN when empty)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def median_p95(samples: list[float]) -> tuple[float, float]:
    """The median and the nearest-rank 95th percentile of `samples`."""
    return statistics.median(samples), percentile(samples, 95)
