"""The public site through the shared cache (Varnish with deploy/varnish/redalert.vcl) against gunicorn alone, and
how long a withdrawn case stays visible through the cache.

Usage: bench/edge_cache.py [--cases 100000] [--public 10000] [--seconds 15] [--connections 100] [--workers 3]
                           [--list-urls 600] [--case-urls 2000] [--keep-db NAME]

Builds a scratch PostgreSQL database (created and dropped here, or kept with --keep-db): the gazetteer, N cases
written with bulk SQL (bench/bulk_cases.py) and exactly P of them public (consent to publish, publication, the
public listing rebuilt: bench/public_site.py's PUBLISH). Serves it with gunicorn (production settings, the page
cache on, EDGE_PURGER=varnish so the public answers say `s-maxage` with surrogate keys) and starts a real varnishd
with the repository's VCL in front of it (redalert/public/tests/varnish.py: only the backend's port changes, and
the PROXY line to the backend is off because wrk talks to gunicorn directly too). wrk, from a second process, loads
a mix of URLs in random order (bench/public_site.py's MIX: hundreds of list URLs with filters and pages, thousands
of case pages):

1. list and case pages against gunicorn alone, then through Varnish (after one pass over the mix to fill it):
   requests per second and latency (p50/p95/p99 from wrk), and the ratios cache / origin;
2. during load on the cache (wrk on the case pages), a consent withdrawal of the newest case, recorded by the real
   service in another process (the purge is sent right after the commit): the seconds from the commit until the
   case is gone, as seen through the cache, from the list, her case page, her share image and the Atom feed.

Prints figures, never judges them; the load average is printed with them (the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import requests
from common import DEFAULT_PG, PYTHON, ROOT, manage, postgres_database
from public_site import BENCH_SETTINGS, MIX, PUBLISH, WRK_SCRIPT, Server, visit_all, wrk

sys.path.insert(0, str(ROOT))
from redalert.public.tests.varnish import available, running_varnish

BULK = """
import sys
sys.path.insert(0, {bench!r})
from bulk_cases import write_cases
print(round(write_cases({cases}, 2023)["seconds"], 1))
"""

# The newest case of the "se busca" list, whose list, page, share image and feed entry are cached: withdrawn by the
# service; prints the time of the commit (an on_commit callback registered before the service's own, so it runs
# first, before the purge is sent) and the time the purge was sent.
WITHDRAW = """
import sys, time
from django.db import transaction
from django.utils import timezone
from redalert.cases.models import Case
from redalert.consent.choices import ConsentMethod, Decision, Purpose
from redalert.consent.models import ConsentRecord
from redalert.consent.services import record_decision
case = Case.objects.get(pk=int({case_id}))
with transaction.atomic():
    transaction.on_commit(lambda: print("COMMITTED", time.time(), flush=True))
    record_decision(case, ConsentRecord(purpose=Purpose.PUBLISH, decision=Decision.WITHDRAWN,
        given_by_name="Bench", given_by_relationship="mother", method=ConsentMethod.VERBAL_WITNESSED,
        witness_name="Bench", decided_on=timezone.localdate()), actor=case.created_by)
print("SENT", time.time(), flush=True)
"""

NEWEST = """
import json
from redalert.public.models import PublicListing
row = PublicListing.objects.filter(kind="missing").order_by("-published_at", "-case_id").first()
print(json.dumps({"case_id": row.case_id, "public_id": row.case.publication.public_id}))
"""


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def row(label: str, result: dict[str, float]) -> str:
    return (
        f"{label:28} {result['rps']:>9.0f} {result['p50']:>7.1f} {result['p95']:>7.1f} {result['p99']:>7.1f} "
        f"{int(result['errors']):>6} {int(result['non2xx']):>6}"
    )


class Target:
    """What wrk() of bench/public_site.py needs: a base URL."""

    def __init__(self, base: str) -> None:
        self.base = base


def gone_after(base: str, public_id: str, committed: float, timeout: float = 60) -> dict[str, float]:
    """Poll through the cache, each answer in its own thread every 50 ms, until the case is gone from it; seconds
    after the commit (a poll's time is when its answer arrived)."""
    checks = {
        "list": ("/", lambda r: r.status_code == 200 and public_id not in r.text),
        "case page": (f"/se-busca/{public_id}/", lambda r: r.status_code == 404),
        "share image": (f"/se-busca/{public_id}/compartir.png?lang=es", lambda r: r.status_code == 404),
        "feed": ("/feeds/se-busca.atom", lambda r: r.status_code == 200 and public_id not in r.text),
    }
    found: dict[str, float] = {}

    def poll(name: str, path: str, gone: Any) -> None:
        session = requests.Session()
        deadline = time.time() + timeout
        while time.time() < deadline:
            if gone(session.get(base + path, headers={"Accept-Language": "es"}, timeout=30)):
                found[name] = time.time() - committed
                return
            time.sleep(0.05)

    threads = [threading.Thread(target=poll, args=(name, *check)) for name, check in checks.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--public", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--list-urls", type=int, default=600)
    parser.add_argument("--case-urls", type=int, default=2000)
    parser.add_argument("--keep-db", default="", help="build into (or reuse) this database and keep it")
    parser.add_argument("--withdrawal-only", action="store_true", help="skip the throughput runs")
    args = parser.parse_args()
    if shutil.which("wrk") is None or not available():
        print("edge_cache: wrk or varnishd is not installed (apt-get install wrk varnish); skipped")
        return
    name = args.keep_db or f"bench_edge_{os.getpid()}"
    with (
        postgres_database(DEFAULT_PG, name, keep=bool(args.keep_db)) as (database_url, exists),
        tempfile.TemporaryDirectory(prefix="bench-edge-") as scratch_dir,
    ):
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
            "AUDIT_CHAIN_KEYS": "bench-audit-" + "y" * 40,
            "EMAIL_ALLOW_PLAINTEXT_RELAY": "1",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "ALLOW_DEMO_DATA": "1",
            "LOG_LEVEL": "WARNING",
            "EDGE_PURGER": "varnish",
            "EDGE_CACHE_SECONDS": "600",
        }
        started = time.perf_counter()
        manage(env, "migrate", "--noinput", capture=True)
        manage(env, "collectstatic", "--noinput", capture=True)
        if not exists:
            manage(env, "load_places", capture=True)
            seconds = manage(
                env,
                "shell",
                "--no-imports",
                "-c",
                BULK.format(bench=str(ROOT / "bench"), cases=args.cases),
                capture=True,
            ).stdout.strip()
            print(f"data: {args.cases} cases written with bulk SQL in {seconds} s", flush=True)
        public_now = manage(
            env,
            "shell",
            "--no-imports",
            "-c",
            "from redalert.public.models import PublicListing as L; print(L.objects.count())",
            capture=True,
        ).stdout.strip()
        if public_now != str(args.public):
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
        subprocess.run(["psql", database_url, "-q", "-c", "VACUUM ANALYZE"], check=True)
        print(
            f"data: {args.cases} cases, {args.public} public, ready in {time.perf_counter() - started:.0f} s; "
            f"{len(mix['list'])} list URLs, {len(mix['case'])} case URLs",
            flush=True,
        )
        server_env = {
            **env,
            "PYTHONPATH": scratch_dir,
            "DJANGO_SETTINGS_MODULE": "bench_settings",
            "BENCH_RUN": str(os.getpid()),
        }
        script = scratch / "paths.lua"
        script.write_text(WRK_SCRIPT)
        files = {}
        for label in ("list", "case"):
            files[label] = scratch / f"{label}.txt"
            files[label].write_text("\n".join(mix[label]) + "\n")
        server = Server(server_env, args.workers, scratch / "access.log", 300)
        results: dict[str, dict[str, float]] = {}
        try:
            with running_varnish(server.port, proxy_header=False, memory="256m") as varnish:
                for label in () if args.withdrawal_only else ("list", "case"):
                    for _ in range(args.workers):  # each worker's own page cache: as bench/public_site.py's "warm"
                        visit_all(server, mix[label])
                    results[f"{label}, origin"] = wrk(server, files[label], args.seconds, args.connections, script)
                    print(f"measured {label}, origin (load average {load_average()})", flush=True)
                    cache = Target(varnish.url)
                    visit_all(cache, mix[label])  # type: ignore[arg-type]
                    results[f"{label}, cache"] = wrk(cache, files[label], args.seconds, args.connections, script)  # type: ignore[arg-type]
                    print(f"measured {label}, cache (load average {load_average()})", flush=True)
                results_load = load_average()
                if args.withdrawal_only:
                    visit_all(Target(varnish.url), mix["case"])  # type: ignore[arg-type]  # the load hits the cache

                newest = json.loads(manage(env, "shell", "--no-imports", "-c", NEWEST, capture=True).stdout)
                public_id = newest["public_id"]
                for path in ("/", f"/se-busca/{public_id}/", f"/se-busca/{public_id}/compartir.png?lang=es"):
                    requests.get(varnish.url + path, timeout=30)
                requests.get(varnish.url + "/feeds/se-busca.atom", timeout=30)
                load: dict[str, dict[str, float]] = {}
                loader = threading.Thread(
                    target=lambda: load.update(
                        during=wrk(Target(varnish.url), files["case"], args.seconds, args.connections, script)  # type: ignore[arg-type]
                    )
                )
                loader.start()
                time.sleep(3)
                withdraw_env = {**env, "EDGE_VARNISH_URLS": varnish.purge_url}
                withdrawal = subprocess.Popen(
                    [PYTHON, "manage.py", "shell", "--no-imports", "-c", WITHDRAW.format(case_id=newest["case_id"])],
                    cwd=ROOT,
                    env=withdraw_env,
                    stdout=subprocess.PIPE,
                    text=True,
                )
                assert withdrawal.stdout is not None
                committed = 0.0
                for line in withdrawal.stdout:
                    if line.startswith("COMMITTED"):
                        committed = float(line.split()[1])
                        break
                gone = gone_after(varnish.url, public_id, committed)
                rest = withdrawal.communicate(timeout=60)[0]
                sent = next((float(x.split()[1]) for x in rest.splitlines() if x.startswith("SENT")), float("nan"))
                withdrawal_load = load_average()
                loader.join()
                report(args, results, results_load, load, sent, committed, gone, withdrawal_load)
        finally:
            server.process.terminate()
            try:
                server.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.process.kill()
                server.process.wait()


def report(
    args: argparse.Namespace,
    results: dict[str, dict[str, float]],
    results_load: str,
    load: dict[str, dict[str, float]],
    sent: float,
    committed: float,
    gone: dict[str, float],
    withdrawal_load: str,
) -> None:
    print(
        f"gunicorn {args.workers} workers (production settings, page cache on) vs Varnish 7 with "
        f"deploy/varnish/redalert.vcl; wrk -t2 -c{args.connections} -d{args.seconds}s from another process; "
        f"times in ms"
    )
    print(f"{'scenario':28} {'req/s':>9} {'p50':>7} {'p95':>7} {'p99':>7} {'errors':>6} {'non2xx':>6}")
    for label, result in results.items():
        print(row(label, result))
    for label in ("list", "case") if results else ():
        origin, cache = results[f"{label}, origin"], results[f"{label}, cache"]
        print(
            f"{label}: cache / origin = {cache['rps'] / origin['rps']:.1f}× the requests per second, "
            f"p95 {cache['p95']:.1f} ms vs {origin['p95']:.1f} ms ({origin['p95'] / max(cache['p95'], 0.001):.1f}× "
            "lower)"
        )
    print(f"load average after the throughput runs: {results_load} (2 cores, shared with other work)")
    print(
        f"withdrawal of the newest case during load on the cache (wrk on the case pages: "
        f"{load.get('during', {}).get('rps', float('nan')):.0f} req/s, "
        f"p95 {load.get('during', {}).get('p95', float('nan')):.1f} ms); purge sent "
        f"{sent - committed:.3f} s after the commit"
    )
    for name in ("list", "case page", "share image", "feed"):
        value = gone.get(name)
        print(
            f"  gone from the {name:12} through the cache after {value:.2f} s"
            if value is not None
            else f"  {name}: still visible after 60 s"
        )
    print(f"load average during the withdrawal: {withdrawal_load}")


if __name__ == "__main__":
    main()
