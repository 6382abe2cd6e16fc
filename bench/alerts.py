"""Red Alert delivery at scale: one alert to 1,000 authorities (email), until all are accepted by a local SMTP sink.

Usage: bench/alerts.py [--recipients N] [--mode default|celery|both] [--processes P] [--celery-concurrency C]
       [--postgres URL]

For each mode, in a scratch database (a SQLite file, or a PostgreSQL database it creates and drops with
--postgres): migrate, create N authorities with one email contact each and a case in active search with consent to
share with authorities, start the worker, then issue one Red Alert to all N (bulletin PDF + CAP 1.2 attached) and
wait until the real SMTP sink (aiosmtpd, in this process) has accepted N messages.

- default: `manage.py run_worker` (the embedded default, no Redis; its default interval and batch size);
- celery: a `celery -A redalert.celery worker` on Redis db 10 with a queue of its own; issuing kicks the tasks.

It reports the time from the start of issuing to the last message accepted, messages per second, the time to issue
(write the alert, N recipients and N outbox rows in one transaction), and the time to render one CAP message and
one bulletin. Target (issue 4): 1,000 delivered in ≤ 10 s. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
REDIS_URL = "redis://127.0.0.1:6379/10"


class TimedSink:
    """A real SMTP server that records when each message was accepted."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        from redalert.outbox.testing import free_port

        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.arrivals: list[float] = []
        self.lock = threading.Lock()
        sink = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                with sink.lock:
                    sink.arrivals.append(time.time())
                return "250 Message accepted for delivery"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> TimedSink:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    def count(self) -> int:
        with self.lock:
            return len(self.arrivals)


def scratch_database(postgres: str | None, folder: Path) -> tuple[str, Any]:
    if not postgres:
        return f"sqlite:///{folder / 'bench.sqlite3'}", lambda: None
    import psycopg

    name = f"redalert_bench_{uuid.uuid4().hex[:8]}"
    base = postgres.rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{base}/{name}", drop


def run_mode(mode: str, recipients: int, postgres: str | None, concurrency: int, processes: int = 1) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="redalert-bench-alerts-"))
    database_url, drop = scratch_database(postgres, folder)
    queue = f"redalert-bench-{uuid.uuid4().hex[:8]}"
    worker: subprocess.Popen[bytes] | None = None
    try:
        with TimedSink() as sink:
            env = dict(os.environ)
            env.update(
                {
                    "DJANGO_SETTINGS_MODULE": "redalert.alerts.tests.worker_settings",
                    "DATABASE_URL": database_url,
                    "EMAIL_HOST": "127.0.0.1",
                    "EMAIL_PORT": str(sink.port),
                    "PYTHONPATH": str(ROOT),
                    "CELERY_BROKER_URL": REDIS_URL,
                    "CELERY_TASK_DEFAULT_QUEUE": queue,
                    "OUTBOX_USE_CELERY": "1" if mode == "celery" else "",
                }
            )
            subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
            if mode == "celery":
                celery = shutil.which("celery", path=str(Path(PYTHON).parent)) or "celery"
                command = [
                    celery,
                    "-A",
                    "redalert.celery",
                    "worker",
                    "-Q",
                    queue,
                    "-c",
                    str(concurrency),
                    "--pool",
                    "prefork",
                    "-l",
                    "warning",
                    "--without-gossip",
                    "--without-mingle",
                ]
            else:
                command = [PYTHON, "manage.py", "run_worker", "--verbosity", "0", "--processes", str(processes)]
            worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
            time.sleep(3 if mode == "celery" else 1)  # the worker is up before the alert is issued
            setup = subprocess.run(
                [
                    PYTHON,
                    "-m",
                    "redalert.alerts.tests.scenario",
                    "setup",
                    str(recipients),
                    "0",
                    "http://unused.invalid/",
                ],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            result = json.loads(setup.stdout.strip().splitlines()[-1])
            issue_started = result["issued_wall"] - result["issue_seconds"]
            deadline = time.time() + 300
            while sink.count() < recipients and time.time() < deadline:
                time.sleep(0.01)
            arrived = sink.count()
            last = max(sink.arrivals) if sink.arrivals else float("nan")
            first = min(sink.arrivals) if sink.arrivals else float("nan")
            issued = result["issued_wall"]
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(20)
            except subprocess.TimeoutExpired:
                worker.kill()
        if mode == "celery":
            purge_queue(queue)
        drop()
        shutil.rmtree(folder, ignore_errors=True)
    total = last - issue_started
    return {
        "mode": mode if mode == "celery" else f"default (run_worker --processes {processes})",
        "delivered": arrived,
        "seconds_to_all_accepted": round(total, 2),
        "messages_per_second": round(arrived / total, 1) if total > 0 else None,
        "issue_seconds": round(result["issue_seconds"], 2),
        "first_accepted_after_commit_s": round(first - issued, 2),
        "send_seconds_first_to_last": round(last - first, 2),
        "cap_render_ms": round(result["cap_seconds"] * 1000, 1),
        "pdf_render_ms": {k: round(v * 1000, 1) for k, v in result["timings"].items() if k.startswith("pdf_")},
    }


def purge_queue(queue: str) -> None:
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        client.delete(queue)
    except Exception:  # the benchmark's result does not depend on cleaning up
        logging.getLogger(__name__).debug("could not purge %s", queue, exc_info=True)


def cap_render_time(samples: int = 50) -> float:
    """Median milliseconds to render one CAP message (two languages) outside any database work."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redalert.alerts.tests.worker_settings")
    import django

    django.setup()
    from datetime import date
    from statistics import median

    from django.utils import timezone

    from redalert.places.models import Place
    from redalert.public.cap_xml import build_cap
    from redalert.public.exposure import MISSING, PublicCase, PublicContact

    place = Place(
        kind="locality", code="gn:1", name="Santiago de Querétaro", country_code="MX", latitude=20.58, longitude=-100.38
    )
    view = PublicCase(
        public_id="case-1",
        kind=MISSING,
        full_name="María Fernanda López",
        given_names="María Fernanda",
        age=17,
        last_seen_on=date(2026, 3, 1),
        place=place,
        place_label=place.name,
        country_code="MX",
        subdivision_code="MX-QUE",
        physical_description="1.60 m",
        distinguishing_marks="Lunar",
        clothing="Uniforme",
        summary="",
        photo_id=None,
        located_on=None,
        contact=PublicContact("Red", "contacto@red.example", ""),
        published_at=None,
        updated_at=timezone.now(),
    )
    times = []
    for _n in range(samples):
        start = time.perf_counter()
        build_cap(
            view,
            site_url="http://alerta.example.org",
            scope="Restricted",
            restriction="Authorities only",
            identifier="alerta.example.org/red-alert/X/1",
            languages=("es", "en"),
        )
        times.append(time.perf_counter() - start)
    return median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--mode", choices=["default", "celery", "both"], default="both")
    parser.add_argument("--celery-concurrency", type=int, default=2)
    parser.add_argument("--processes", type=int, default=2, help="run_worker processes (as make run starts it)")
    parser.add_argument("--postgres", help="e.g. postgres://postgres@127.0.0.1:5432/postgres (default: SQLite)")
    args = parser.parse_args()
    modes = ["default", "celery"] if args.mode == "both" else [args.mode]
    print(f"CAP render (one message, es+en, median of 50): {cap_render_time():.2f} ms")
    for mode in modes:
        result = run_mode(mode, args.recipients, args.postgres, args.celery_concurrency, args.processes)
        print(json.dumps(result))


if __name__ == "__main__":
    main()
