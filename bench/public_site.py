"""Public site under load: the filtered "Se busca" list and a case page, against a trivial view as baseline.

Usage: bench/public_site.py [--cases 100000] [--public 10000] [--seconds 15] [--connections 20]

Builds a scratch PostgreSQL database (created and dropped here) with N demo cases of which P are public (consent
to publish granted, publication marked public), serves it with gunicorn and the production settings on loopback,
and loads it with wrk (Debian package `wrk`) from a second process: p50/p95/p99 latency and requests per second
for each URL, and the ratio of each p95 to the p95 of /healthz (a view that touches nothing) measured in the same
run. Prints figures; never judges them.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
SERVER = "postgres://postgres@127.0.0.1:5432"

WRK_SCRIPT = """
local paths = {}
local i = 0
init = function(args) for _, p in ipairs(args) do table.insert(paths, p) end end
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT p50=%.2f p95=%.2f p99=%.2f rps=%.1f errors=%d\\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests / (summary.duration / 1e6),
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""

PUBLISH = """
from django.db import transaction
from django.utils import timezone
from redalert.cases.models import Case
from redalert.consent.models import ConsentRecord, Purpose, Decision
from redalert.public.models import Publication
n = int({n})
ids = list(Case.objects.filter(status="active_search").order_by("id").values_list("id", flat=True)[:n])
user = Case.objects.get(pk=ids[0]).created_by
now = timezone.now()
with transaction.atomic():
    ConsentRecord.objects.bulk_create([ConsentRecord(case_id=i, purpose=Purpose.PUBLISH, decision=Decision.GRANTED,
        given_by_name="Bench", given_by_relationship="mother", method="verbal_witnessed", witness_name="Bench",
        decided_on=now.date(), recorded_by=user) for i in ids], batch_size=2000)
    Publication.objects.filter(case_id__in=ids).delete()
    Publication.objects.bulk_create([Publication(case_id=i, is_public=True, published_at=now, published_by=user)
        for i in ids], batch_size=2000)
    from redalert.consent.rules import rebuild_current_consents
    rebuild_current_consents(Case.objects.filter(pk__in=ids))
"""

PUBLIC_IDS = """
from redalert.public.models import Publication
public = Publication.objects.filter(is_public=True)
print(public.count())
print(" ".join(public.order_by("id").values_list("public_id", flat=True)[:200]))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return result.stdout if capture else ""


def wrk(url: str, paths: list[str], seconds: int, connections: int, script: Path) -> str:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script), url, "--", *paths],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"RESULT .*", out)
    return match.group(0) if match else out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--public", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--keep-db", default="", help="build into (or reuse) this database and keep it")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("public_site: wrk is not installed (apt-get install wrk); skipped")
        return
    name = args.keep_db or f"bench_public_{os.getpid()}"
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise SystemExit("--keep-db takes a plain database name (a-z, 0-9, _)")
    exists = (
        subprocess.run(
            ["psql", f"{SERVER}/postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{name}'"],  # noqa: S608 (checked above)
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        == "1"
    )
    if not exists:
        subprocess.run(["psql", f"{SERVER}/postgres", "-q", "-c", f"CREATE DATABASE {name}"], check=True)
    server = None
    try:
        with tempfile.TemporaryDirectory(prefix="bench-public-") as scratch:
            env = {
                **os.environ,
                "DATABASE_URL": f"{SERVER}/{name}",
                "REDALERT_VAR_DIR": scratch,
                "STATIC_ROOT": f"{scratch}/static",
                "DJANGO_SETTINGS_MODULE": "redalert.settings.production",
                "SECRET_KEY": "bench-" + "x" * 60,
                "FIELD_ENCRYPTION_KEYS": "9gEt3JqM3iHh0gAN7sW8RFNm5Yx1V8m1o4Y9Jk3Wq0s=",
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "SECURE_SSL_REDIRECT": "0",
                "ALLOW_DEMO_DATA": "1",
                "LOG_LEVEL": "WARNING",
            }
            started = time.perf_counter()
            manage(env, "migrate", "--noinput")
            manage(env, "collectstatic", "--noinput")
            if not exists:
                manage(env, "load_places")
                manage(env, "seed_demo", "--cases", str(args.cases))
                manage(env, "shell", "--no-imports", "-c", PUBLISH.format(n=args.public))
            lines = manage(env, "shell", "--no-imports", "-c", PUBLIC_IDS, capture=True).split("\n")
            published, public_ids = int(lines[0]), lines[1].split()
            # As autovacuum would have done on a live database: visibility map and statistics up to date.
            subprocess.run(["psql", f"{SERVER}/{name}", "-q", "-c", "VACUUM ANALYZE"], check=True)
            print(f"data: {args.cases} cases, {published} public, built in {time.perf_counter() - started:.0f} s")
            port = free_port()
            server = subprocess.Popen(
                [
                    str(Path(PYTHON).parent / "gunicorn"),
                    "redalert.wsgi",
                    "-w",
                    str(args.workers),
                    "-b",
                    f"127.0.0.1:{port}",
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=env,
            )
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=1)  # noqa: S310
                    break
                except OSError:
                    time.sleep(0.2)
            script = Path(scratch) / "paths.lua"
            script.write_text(WRK_SCRIPT)
            scenarios = {
                "baseline /healthz": ["/healthz"],
                "list, filtered": [
                    "/?country=MX&age_min=15&age_max=30",
                    "/?q=maria+lopez",
                    "/?date_from=2024-01-01&date_to=2025-12-31&page=2",
                    "/",
                ],
                "case page": [f"/se-busca/{p}/" for p in public_ids],
            }
            results = {}
            for label, paths in scenarios.items():
                for path in paths[:3]:  # warm up
                    urllib.request.urlopen(base + path, timeout=10).read()  # noqa: S310
                results[label] = wrk(base, paths, args.seconds, args.connections, script)
            baseline_p95 = float(re.search(r"p95=([\d.]+)", results["baseline /healthz"]).group(1))  # type: ignore[union-attr]
            print(f"gunicorn {args.workers} workers, wrk {args.connections} connections, {args.seconds} s per URL set")
            for label, line in results.items():
                p95 = float(re.search(r"p95=([\d.]+)", line).group(1))  # type: ignore[union-attr]
                print(f"{label:20} {line.replace('RESULT ', '')}  (ms; p95 {p95 / baseline_p95:.1f}x baseline)")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        if not args.keep_db:
            subprocess.run(["psql", f"{SERVER}/postgres", "-q", "-c", f"DROP DATABASE IF EXISTS {name}"], check=False)


if __name__ == "__main__":
    main()
