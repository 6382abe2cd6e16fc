"""The daily retention job over hotline contacts and conversations linked to no case.

Usage: bench/retention_unlinked.py [--rows N] [--postgres URL]

In a scratch database (a SQLite file, or with --postgres a database it creates and drops): migrate, then create N
conversations (one inbound message, the automatic reply and a staff reply queued in the outbox, each message
encrypted) and N hotline contacts with the caller's details, half of each older than the default period (365 days),
none linked to a case. Then `retention.jobs.apply_for` is run three times as of today:

- run 1 anonymises the expired half (N/2 conversations, N/2 contacts);
- run 2 finds nothing left (the baseline of the same run: the job's fixed cost and the queries that find nothing);
- the expected counts are checked (a wrong count exits 1).

It prints the seconds of each run, rows anonymised per second, the ratio run 1 / run 2, the peak memory of the
process and the load average at start and end. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--postgres", default="")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}")
    if args.postgres:
        import subprocess

        name = f"bench_retention_{uuid.uuid4().hex[:8]}"
        server = args.postgres.rpartition("/")[0]
        subprocess.run(["psql", args.postgres, "-qc", f"CREATE DATABASE {name}"], check=True)
        os.environ["DATABASE_URL"] = f"{server}/{name}"
    else:
        folder = tempfile.mkdtemp(prefix="bench_retention_")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        name = ""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redalert.settings.test")
    try:
        return run(args.rows)
    finally:
        if name:
            from django.db import connections

            connections.close_all()
            subprocess.run(["psql", args.postgres, "-qc", f"DROP DATABASE {name}"], check=True)


def run(rows: int) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from redalert.accounts.models import Organisation, User
    from redalert.conversations.models import ChannelAccount, Conversation, Message, Provider
    from redalert.conversations.services import queue_reply
    from redalert.hotline.models import Contact
    from redalert.retention.jobs import apply_for

    org = Organisation.objects.create(name="Bench", code="BEN")
    user = User.objects.create_user(username="bench", password="x" * 20, organisation=org)
    account = ChannelAccount.objects.create(
        organisation=org,
        provider=Provider.TWILIO,
        account_sid="AC" + "0" * 32,
        auth_token="t",  # noqa: S106 (a scratch database's account)
        sender_number="+52551",
    )
    now = timezone.now()
    start = time.perf_counter()
    for n in range(rows):
        at = now - timedelta(days=400 if n % 2 == 0 else 10)
        conversation = Conversation.objects.create(
            organisation=org,
            account=account,
            medium="sms",
            sender_key=f"k{n}",
            sender=f"+5255{n:08d}",
            sender_name=f"Remitente {n}",
            started_at=at,
            last_message_at=at,
        )
        Message.objects.create(
            conversation=conversation,
            account=account,
            direction="in",
            provider_id=f"SM{n}",
            body="Vi a la joven",
            at=at,
        )
        queue_reply(conversation, "Recibimos su mensaje", automatic=True)
        queue_reply(conversation, "¿Nos puede decir dónde?", actor=user)
        Contact.objects.create(
            organisation=org,
            reference=f"BEN-L-{n}",
            channel="phone",
            started_at=at,
            ended_at=at + timedelta(minutes=10),
            taken_by=user,
            summary="La llamante vio a la joven en la central",
            caller_agrees_to_contact=True,
            caller_name=f"Llamante {n}",
            caller_phone=f"+5244{n:08d}",
        )
    print(
        f"rows created: {rows} conversations (3 messages, 2 outbox rows each) + {rows} contacts "
        f"in {time.perf_counter() - start:.1f} s"
    )
    today = timezone.localdate()
    timings = []
    results = []
    for _ in range(2):
        start = time.perf_counter()
        results.append(apply_for(org, today).counts)
        timings.append(time.perf_counter() - start)
    expected = rows - rows // 2
    first, second = results
    ok = (
        first["conversations_anonymised"] == expected
        and first["hotline_contacts_anonymised"] == expected
        and second["conversations_anonymised"] == 0
        and second["hotline_contacts_anonymised"] == 0
    )
    anonymised = first["conversations_anonymised"] + first["hotline_contacts_anonymised"]
    print(
        f"run 1 (anonymise {first['conversations_anonymised']} conversations, "
        f"{first['hotline_contacts_anonymised']} contacts): {timings[0]:.2f} s, {anonymised / timings[0]:.0f} rows/s"
    )
    print(f"run 2 (nothing left, baseline): {timings[1]:.2f} s; ratio run 1 / run 2: {timings[0] / timings[1]:.1f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the process: {peak:.0f} MB; database: {connection.vendor}")
    print(f"load average at end: {os.getloadavg()}")
    print("counts as expected" if ok else f"WRONG COUNTS: {first} / {second}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
