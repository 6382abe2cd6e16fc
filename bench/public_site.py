"""Public site under load: the filtered lists and the case pages, against a trivial view as baseline.

Usage: bench/public_site.py [--cases 100000] [--public 10000] [--seconds 15] [--connections 20] [--workers 4]
                            [--list-urls 600] [--case-urls 2000] [--redis redis://127.0.0.1:6379/7] [--keep-db NAME]

Builds a scratch PostgreSQL database (created and dropped here, or kept with --keep-db) with N demo cases of which
exactly P are public (consent to publish granted, publication marked public, the public listing rebuilt), serves it
with gunicorn and the production settings on loopback, and loads it with wrk (Debian package `wrk`) from a second
process. Every scenario requests a realistic mix of URLs in random order, not one URL:
- list: hundreds of distinct filter combinations (name words, country, state, age and date ranges) and pages of
  both lists ("se busca" and "localizadas");
- case: thousands of different public case pages;
- baseline: /healthz, a view that touches nothing, on the same server.
"Cold" runs a server whose page cache is off (PUBLIC_CACHE_SECONDS=0: every request draws its page). "Warm" runs
one with the cache on (each worker keeps its own copies, the default), after as many passes over the mix as there
are workers (each worker has then drawn most pages, but not all: workers take requests as they come); "warm,
shared" adds a Redis as CACHES["public"] (when one answers at --redis), after a single pass, so the workers share
what any of them drew. "+ churn" is warm
while another process records a consent decision (withdrawal, then grant again) every two seconds, each of which
makes every cached list stale.

For each scenario it prints the client's view (wrk: p50/p95/p99 latency, requests per second, errors) and the
server time (gunicorn's access log, %(D)s: from the worker reading the request to the response written, without
the time a request waits for a free worker), and each p95 as a multiple of the baseline's. Prints figures; never
judges them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from common import DEFAULT_PG, PYTHON, ROOT, manage, percentile, postgres_database

WRK_SCRIPT = """
local paths = {}
local counter = 1
setup = function(thread)
  thread:set("id", counter)
  counter = counter + 1
end
init = function(args)
  for line in io.lines(args[1]) do table.insert(paths, line) end
  math.randomseed(os.time() * 100 + id)
end
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT p50=%.2f p95=%.2f p99=%.2f rps=%.1f errors=%d non2xx=%d\\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests / (summary.duration / 1e6),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
"""

BENCH_SETTINGS = """
import os
from redalert.settings.production import *  # noqa: F403
PUBLIC_CACHE_SECONDS = int(os.environ.get("BENCH_PUBLIC_CACHE_SECONDS", "300"))
if os.environ.get("BENCH_SHARED_CACHE"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "public": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["BENCH_SHARED_CACHE"],
            "KEY_PREFIX": "bench-public-" + os.environ["BENCH_RUN"],
        },
    }
"""

# Exactly P public cases: the demo seeder publishes most consenting cases; keep P of those (adding consent and a
# publication to more cases in active search if there are too few), then rebuild the listing (bulk updates bypass
# Publication.save()).
PUBLISH = """
import random
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from redalert.cases.models import Case
from redalert.consent.choices import Decision, Purpose
from redalert.consent.models import ConsentRecord
from redalert.consent.rules import cases_consenting_to, rebuild_current_consents
from redalert.public.listing import rebuild_listing
from redalert.public.models import Publication
n = int({n})
showable = lambda: cases_consenting_to(Case.objects.all(), Purpose.PUBLISH).filter(
    Q(status="active_search") | Q(located_on__isnull=False))
now = timezone.now()
with transaction.atomic():
    ids = list(showable().order_by("id").values_list("id", flat=True))
    if len(ids) < n:
        extra = list(Case.objects.filter(status="active_search").exclude(pk__in=ids).order_by("id")
                     .values_list("id", "created_by_id")[: n - len(ids)])
        ConsentRecord.objects.bulk_create([ConsentRecord(case_id=i, purpose=Purpose.PUBLISH,
            decision=Decision.GRANTED, given_by_name="Bench", given_by_relationship="mother",
            method="verbal_witnessed", witness_name="Bench", decided_on=now.date(), recorded_by_id=u)
            for i, u in extra], batch_size=2000)
        rebuild_current_consents(Case.objects.filter(pk__in=[i for i, _ in extra]))
        ids = list(showable().order_by("id").values_list("id", flat=True))
    chosen = sorted(random.Random(7).sample(ids, n))
    Publication.objects.filter(is_public=True).update(is_public=False)
    for i in range(0, len(chosen), 5000):
        Publication.objects.filter(case_id__in=chosen[i : i + 5000]).update(is_public=True)
    have = set(Publication.objects.filter(case_id__in=chosen).values_list("case_id", flat=True))
    rng = random.Random(8)
    Publication.objects.bulk_create([Publication(case_id=c, is_public=True,
        published_at=now - timezone.timedelta(days=rng.randint(0, 400))) for c in chosen if c not in have],
        batch_size=2000)
    rebuild_listing()
"""

MIX = """
import json, random
from collections import Counter
from redalert.public.models import PublicListing
rng = random.Random(11)
n_list, n_case = int({n_list}), int({n_case})
rows = PublicListing.objects.all()
public_ids = list(rows.values_list("case__publication__public_id", flat=True))
words = Counter(w for name in rows.values_list("name", flat=True) for w in name.split() if len(w) > 2)
names = [w for w, _ in words.most_common(60)]
countries = [c for c, _ in Counter(rows.values_list("country_code", flat=True)).most_common() if c]
states = [s for s, _ in Counter(rows.values_list("state_code", flat=True)).most_common(40) if s]
def filters():
    f = {{}}
    for _ in range(rng.choice([0, 1, 1, 1, 2, 2, 3])):
        kind = rng.choice(["q", "q2", "country", "state", "age", "date"])
        if kind == "q":
            f["q"] = rng.choice(names)
        elif kind == "q2":
            f["q"] = " ".join(rng.sample(names, 2))
        elif kind == "country":
            f["country"] = rng.choice(countries)
        elif kind == "state":
            f["state"] = rng.choice(states)
        elif kind == "age":
            low = rng.randint(8, 35)
            f["age_min"], f["age_max"] = low, low + rng.randint(3, 20)
        else:
            year = rng.randint(2015, 2025)
            f["date_from"], f["date_to"] = f"{{year}}-01-01", f"{{year + rng.randint(0, 2)}}-12-31"
    return f
lists = set()
while len(lists) < n_list:
    path = "/" if rng.random() < 0.75 else "/localizadas/"
    f = filters()
    page = rng.choice([1, 1, 1, 2, 2, 3, 4, 5, rng.randint(6, 200)]) if len(f) < 2 else rng.choice([1, 1, 2])
    if page > 1:
        f["page"] = page
    from urllib.parse import urlencode
    lists.add(path + ("?" + urlencode(f) if f else ""))
cases = ["/se-busca/%s/" % p for p in rng.sample(public_ids, min(n_case, len(public_ids)))]
print(json.dumps({{"list": sorted(lists), "case": cases}}))
"""

CHURN = """
import time
from django.utils import timezone
from redalert.consent.choices import Decision, Purpose
from redalert.consent.models import ConsentRecord
from redalert.public.models import PublicListing
listed = PublicListing.objects.filter(kind="missing").order_by("-published_at", "-case_id").select_related("case")[:5]
cases = [row.case for row in listed]
end = time.monotonic() + float({seconds})
i = 0
def decide(case, decision):
    ConsentRecord(case=case, purpose=Purpose.PUBLISH, decision=decision, given_by_name="Bench",
        given_by_relationship="mother", method="verbal_witnessed", witness_name="Bench",
        decided_on=timezone.localdate(), recorded_by_id=case.created_by_id).save()
while time.monotonic() < end:
    case = cases[(i // 2) % len(cases)]
    decide(case, Decision.WITHDRAWN if i % 2 == 0 else Decision.GRANTED)
    i += 1
    time.sleep(2)
if i % 2:
    decide(cases[(i // 2) % len(cases)], Decision.GRANTED)
print(i)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def redis_answers(url: str) -> bool:
    try:
        import redis
    except ImportError:
        return False
    try:
        return bool(redis.Redis.from_url(url, socket_timeout=1).ping())
    except redis.RedisError:
        return False


class Server:
    """gunicorn on loopback, logging each request's server time (µs) to an access log we read back."""

    def __init__(self, env: dict[str, str], workers: int, log: Path, cache_seconds: int, shared: str = "") -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "redalert.wsgi",
                "-w",
                str(workers),
                "-b",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                "--access-logfile",
                str(log),
                "--access-logformat",
                "%(m)s %(U)s %(s)s %(D)s",
            ],
            cwd=ROOT,
            env={**env, "BENCH_PUBLIC_CACHE_SECONDS": str(cache_seconds), "BENCH_SHARED_CACHE": shared},
        )
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{self.base}/healthz", timeout=1)  # noqa: S310 (loopback)
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)

    @contextmanager
    def server_times(self) -> Iterator[dict[str, list[float]]]:
        """Server times (ms) of the requests logged while the block runs, by status code."""
        start = self.log.stat().st_size if self.log.exists() else 0
        result: dict[str, list[float]] = {}
        yield result
        time.sleep(0.5)  # let the workers flush their last lines
        with self.log.open() as f:
            f.seek(start)
            for line in f:
                parts = line.split()
                if len(parts) == 4 and parts[3].isdigit():
                    result.setdefault(parts[2], []).append(int(parts[3]) / 1000)


def visit_all(server: Server, paths: list[str], clients: int = 4) -> None:
    """Warm-up: request every path of the mix once (each by whichever worker takes it)."""

    def get(path: str) -> None:
        urllib.request.urlopen(server.base + path, timeout=30).read()  # noqa: S310 (loopback)

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(get, paths))


def wrk(server: Server, paths: Path, seconds: int, connections: int, script: Path) -> dict[str, float]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script)]
    out = subprocess.run([*command, server.base, "--", str(paths)], capture_output=True, text=True, check=True).stdout
    match = re.search(r"RESULT (.*)", out)
    if match is None:
        raise SystemExit(f"wrk printed no result:\n{out}")
    return {key: float(value) for key, value in (pair.split("=") for pair in match.group(1).split())}


def measure(
    server: Server, paths: Path, args: argparse.Namespace, script: Path, during: list[str] | None = None
) -> dict[str, float]:
    helper = None
    with server.server_times() as times:
        if during is not None:
            helper = subprocess.Popen(during, cwd=ROOT, env=server_env, stdout=subprocess.PIPE, text=True)
        client = wrk(server, paths, args.seconds, args.connections, script)
        if helper is not None:
            client["changes"] = float((helper.communicate(timeout=60)[0] or "0").split()[-1])
    ok = times.get("200", [])
    client.update(
        {
            "server_p50": percentile(ok, 50),
            "server_p95": percentile(ok, 95),
            "server_p99": percentile(ok, 99),
            "logged": float(sum(len(v) for v in times.values())),
            "not_200": float(sum(len(v) for k, v in times.items() if k != "200")),
        }
    )
    return client


server_env: dict[str, str] = {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--public", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--list-urls", type=int, default=600)
    parser.add_argument("--case-urls", type=int, default=2000)
    parser.add_argument("--keep-db", default="", help="build into (or reuse) this database and keep it")
    parser.add_argument(
        "--redis",
        default="redis://127.0.0.1:6379/7",
        help="also run the warm scenarios with this Redis as CACHES['public'], shared by the workers ('' to skip)",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("public_site: wrk is not installed (apt-get install wrk); skipped")
        return
    name = args.keep_db or f"bench_public_{os.getpid()}"
    servers: list[Server] = []
    with (
        postgres_database(DEFAULT_PG, name, keep=bool(args.keep_db)) as (database_url, exists),
        tempfile.TemporaryDirectory(prefix="bench-public-") as scratch_dir,
    ):
        try:
            scratch = Path(scratch_dir)
            (scratch / "bench_settings.py").write_text(BENCH_SETTINGS)
            env = {
                **os.environ,
                "DATABASE_URL": database_url,
                "REDALERT_VAR_DIR": scratch_dir,
                "STATIC_ROOT": f"{scratch_dir}/static",
                "DJANGO_SETTINGS_MODULE": "redalert.settings.production",
                "SECRET_KEY": "bench-" + "x" * 60,
                "FIELD_ENCRYPTION_KEYS": "9gEt3JqM3iHh0gAN7sW8RFNm5Yx1V8m1o4Y9Jk3Wq0s=",
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "SECURE_SSL_REDIRECT": "0",
                "ALLOW_DEMO_DATA": "1",
                "LOG_LEVEL": "WARNING",
            }
            started = time.perf_counter()
            manage(env, "migrate", "--noinput", capture=True)
            manage(env, "collectstatic", "--noinput", capture=True)
            if not exists:
                manage(env, "load_places", capture=True)
                manage(env, "seed_demo", "--cases", str(args.cases), capture=True)
            public_now = int(
                manage(
                    env,
                    "shell",
                    "--no-imports",
                    "-c",
                    "from redalert.public.models import PublicListing; print(PublicListing.objects.count())",
                    capture=True,
                ).stdout
            )
            if public_now != args.public:
                manage(env, "shell", "--no-imports", "-c", PUBLISH.format(n=args.public), capture=True)
            mix = json.loads(
                manage(
                    env,
                    "shell",
                    "--no-imports",
                    "-c",
                    MIX.format(n_list=args.list_urls, n_case=args.case_urls),
                    capture=True,
                ).stdout
            )
            # As autovacuum would have done on a live database: visibility map and statistics up to date.
            subprocess.run(["psql", database_url, "-q", "-c", "VACUUM ANALYZE"], check=True)
            print(
                f"data: {args.cases} cases, {args.public} public, ready in {time.perf_counter() - started:.0f} s; "
                f"{len(mix['list'])} list URLs, {len(mix['case'])} case URLs"
            )
            server_env.update(env)
            server_env.update(
                {"PYTHONPATH": scratch_dir, "DJANGO_SETTINGS_MODULE": "bench_settings", "BENCH_RUN": str(os.getpid())}
            )
            script = scratch / "paths.lua"
            script.write_text(WRK_SCRIPT)
            files = {}
            for label, paths in (("baseline", ["/healthz"]), ("list", mix["list"]), ("case", mix["case"])):
                files[label] = scratch / f"{label}.txt"
                files[label].write_text("\n".join(paths) + "\n")
            churn = [PYTHON, "manage.py", "shell", "--no-imports", "-c", CHURN.format(seconds=args.seconds)]
            results: dict[str, tuple[str, dict[str, float]]] = {}
            phases = [("cold", 0, ""), ("warm", 300, "")]
            if args.redis and redis_answers(args.redis):
                phases.append(("warm, shared", 300, args.redis))
            for phase, cache_seconds, shared in phases:
                server = Server(server_env, args.workers, scratch / f"access-{len(servers)}.log", cache_seconds, shared)
                servers.append(server)
                results[f"baseline /healthz ({phase})"] = (phase, measure(server, files["baseline"], args, script))
                for label in ("list", "case"):
                    # Warm: every URL requested once per worker that keeps its own copies (on average: the
                    # workers take requests as they come), once in all when they share a store.
                    for _ in range(1 if shared else args.workers if cache_seconds else 0):
                        visit_all(server, mix[label])
                    wrk(server, files[label], 3, args.connections, script)
                    results[f"{label}, {phase}"] = (phase, measure(server, files[label], args, script))
                if cache_seconds:
                    churning = measure(server, files["list"], args, script, during=churn)
                    results[f"list, {phase} + churn"] = (phase, churning)
                server.stop()
            print(
                f"gunicorn {args.workers} workers, wrk {args.connections} connections, {args.seconds} s per scenario; "
                "times in ms; client = wrk (includes waiting for a free worker), server = gunicorn access log"
            )
            print(
                f"{'scenario':36} {'client p50':>10} {'p95':>7} {'p99':>7} {'rps':>7}  "
                f"{'server p50':>10} {'p95':>7} {'p99':>7}  {'p95/base client':>15} {'server':>7}  notes"
            )
            for label, (phase, r) in results.items():
                base = results[f"baseline /healthz ({phase})"][1]
                notes = []
                if r.get("errors") or r.get("non2xx") or r.get("not_200"):
                    notes.append(f"errors={r['errors']:.0f} non-2xx={r['non2xx']:.0f}")
                if "changes" in r:
                    notes.append(f"{r['changes']:.0f} consent changes")
                print(
                    f"{label:36} {r['p50']:10.1f} {r['p95']:7.1f} {r['p99']:7.1f} {r['rps']:7.0f}  "
                    f"{r['server_p50']:10.1f} {r['server_p95']:7.1f} {r['server_p99']:7.1f}  "
                    f"{r['p95'] / base['p95']:14.1f}x {r['server_p95'] / base['server_p95']:6.1f}x  {' '.join(notes)}"
                )
        finally:
            for server in servers:
                if server.process.poll() is None:
                    server.stop()


if __name__ == "__main__":
    main()
