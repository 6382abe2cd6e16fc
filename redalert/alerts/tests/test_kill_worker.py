"""A worker killed (SIGKILL) in the middle of a batch of 200 deliveries; another worker finishes the batch.

What is guaranteed, and asserted here: every delivery arrives at the SMTP sink or the webhook receiver; counted by
its stable id (the Message-ID of an email, the Idempotency-Key of a webhook) each arrives exactly once after the
receiver deduplicates; raw duplicates are at most the messages the killed worker had in flight (one: e-mail is sent
one message at a time, and a webhook endpoint's messages in order), and only when it died after the receiver accepted
the message but before the row was marked sent. Every row ends "sent"; the rows the dead worker held (at most one
claimed batch, OUTBOX_CLAIM_BATCH) are put back after OUTBOX_STUCK_SECONDS ("abandoned" in their attempt log) and
sent by the second worker.

The workers are real `manage.py run_worker` processes on a real database that both processes see: a SQLite file
(WAL), or a fresh database on the PostgreSQL server when the suite runs on PostgreSQL.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

from django.conf import settings as django_settings

from redalert.outbox.conf import setting
from redalert.outbox.testing import message_ids

ROOT = Path(__file__).resolve().parents[3]
EMAILS, WEBHOOKS = 100, 100
TOTAL = EMAILS + WEBHOOKS


def _worker_database(tmp_path: Path) -> tuple[str, Any]:
    """A DATABASE_URL both processes can open, and a function that drops it afterwards."""
    db = django_settings.DATABASES["default"]
    if "postgresql" in db["ENGINE"]:
        import psycopg

        name = f"redalert_kill_{uuid.uuid4().hex[:8]}"
        params = {"host": db.get("HOST") or "127.0.0.1", "port": db.get("PORT") or 5432, "user": db.get("USER")}
        password = db.get("PASSWORD") or ""
        with psycopg.connect(dbname="postgres", password=password, autocommit=True, **params) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

        def drop() -> None:
            with psycopg.connect(dbname="postgres", password=password, autocommit=True, **params) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        auth = f"{params['user']}:{password}@" if password else f"{params['user']}@"
        return f"postgres://{auth}{params['host']}:{params['port']}/{name}", drop
    return f"sqlite:///{tmp_path / 'worker.sqlite3'}", lambda: None


def _env(database_url: str, smtp_port: int, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "redalert.alerts.tests.worker_settings",
            "DATABASE_URL": database_url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "PYTHONPATH": str(ROOT),
        }
    )
    env.update(extra)
    return env


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(  # noqa: S603 (our own interpreter and fixed arguments)
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--interval", "0.2", "--limit", "25", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _arrived(sink: Any, receiver: Any) -> tuple[list[str], list[str]]:
    return message_ids(list(sink.messages)), receiver.keys()


def test_a_killed_worker_loses_nothing_and_sends_each_delivery_once_by_its_stable_id(
    smtp_sink: Any, webhook_receiver: Any, tmp_path: Path
) -> None:
    database_url, drop = _worker_database(tmp_path)
    try:
        env = _env(database_url, smtp_sink.port)
        _run(["manage.py", "migrate", "--noinput", "-v", "0"], env)
        setup = json.loads(
            _run(
                [
                    "-m",
                    "redalert.alerts.tests.scenario",
                    "setup",
                    str(EMAILS),
                    str(WEBHOOKS),
                    webhook_receiver.url("/hook"),
                ],
                env,
            )
            .strip()
            .splitlines()[-1]
        )
        assert setup["alert"]

        first = _worker(env)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            emails, hooks = _arrived(smtp_sink, webhook_receiver)
            if len(set(emails)) + len(set(hooks)) >= TOTAL // 3:
                break
            assert first.poll() is None, first.stderr.read().decode() if first.stderr else ""
            time.sleep(0.005)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        emails, hooks = _arrived(smtp_sink, webhook_receiver)
        at_kill = len(set(emails)) + len(set(hooks))
        assert 0 < at_kill < TOTAL, "the worker must die in the middle of the batch"

        second = _worker(_env(database_url, smtp_sink.port, OUTBOX_STUCK_SECONDS="1"))
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                emails, hooks = _arrived(smtp_sink, webhook_receiver)
                if len(set(emails)) + len(set(hooks)) >= TOTAL:
                    break
                time.sleep(0.05)
            time.sleep(0.5)  # let the worker mark the last row
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(30)

        report = json.loads(_run(["-m", "redalert.alerts.tests.scenario", "report"], env).strip().splitlines()[-1])
    finally:
        drop()

    deliveries = report["deliveries"]
    assert len(deliveries) == TOTAL
    expected_ids = {d["message_id"] for d in deliveries if d["channel"] == "email"}
    expected_keys = {d["key"] for d in deliveries if d["channel"] == "webhook"}
    emails, hooks = _arrived(smtp_sink, webhook_receiver)
    # Every delivery arrived, and nothing else did.
    assert set(emails) == expected_ids and len(expected_ids) == EMAILS
    assert set(hooks) == expected_keys and len(expected_keys) == WEBHOOKS
    # Exactly once after deduplication by the stable id; raw duplicates only for what the dead worker had in flight.
    duplicates = sum(n - 1 for n in Counter(emails).values()) + sum(n - 1 for n in Counter(hooks).values())
    assert duplicates <= 1, f"{duplicates} raw duplicates"
    assert {d["status"] for d in deliveries} == {"sent"}
    abandoned = [d for d in deliveries if "abandoned" in d["outcomes"]]
    assert len(abandoned) <= setting("OUTBOX_CLAIM_BATCH")  # the rows of the dead worker's one claimed batch
    for d in abandoned:
        assert d["outcomes"] == ["abandoned", "sent"]
    print(f"killed after {at_kill}/{TOTAL} arrivals; raw duplicates: {duplicates}; reclaimed rows: {len(abandoned)}")
