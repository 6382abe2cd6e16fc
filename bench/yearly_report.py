"""The yearly report at scale: compute time of every table for 100,000 cases (issue 7: a few seconds at most).

Usage: bench/yearly_report.py [--cases N] [--runs R] [--postgres URL] [--keep-db NAME]

In a scratch PostgreSQL database that it creates and drops (or, with --keep-db, one it builds once, keeps and
reuses, migrated to the current code on every run): migrate, load the gazetteer, `seed_demo --cases N`, then add
what the demo does not write, so that every table has rows to read: trafficking facts and route stops, legal
proceedings with their status history and accused, services, humanitarian expenses in three currencies, and Red
Alerts with recipients, deliveries and acknowledgements (for a share of the cases, with dates after the report).

Then, in one process, it times `redalert.statistics.indicators.yearly_report` (every table, as the page and the
downloads compute it) R times for each of (wall time, and the CPU time of this process: the rest is the database
and, on a shared machine, waiting for a core):
- the largest demo organisation (60 % of the cases);
- all N cases as one organisation (a scope over every demo organisation, counting every case: the same queries as
  an organisation holding all N);
- the coalition (every coalition member, only the cases consenting to statistics),
for the last complete year and for a year in the middle of the history, and prints the p50 and the slowest run,
the cases worked, and the time to render the PDF and the XLSX of the largest report. Timings are printed, never
asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"
EXPLOITATION = ["SexualExploitation", "ForcedLabour", "ForcedMarriage", "DomesticServitude", "ForcedBegging"]


def manage(env: dict[str, str], *args: str) -> float:
    start = time.perf_counter()
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def add_related_rows(rng: random.Random) -> None:
    """Facts, route, legal, care and alerts for a share of the demo cases (what seed_demo leaves empty)."""
    from django.db import transaction
    from django.utils import timezone

    from redalert.accounts.models import Organisation
    from redalert.accounts.roles import Role
    from redalert.alerts.models import Acknowledgement, Alert, Authority, AuthorityContact, Delivery, Recipient
    from redalert.care.models import Expense, Service
    from redalert.cases.models import Case
    from redalert.demo.generate import Rows
    from redalert.investigation.models import TraffickingEvent, TraffickingFacts
    from redalert.legal.models import Accused, Proceeding, StatusChange
    from redalert.outbox.models import OutboundMessage
    from redalert.places.models import Place

    start = time.perf_counter()
    now = timezone.now()
    today = timezone.localdate()
    localities = Place.objects.filter(kind="locality", country_code__in=["MX", "GT", "HN"])
    places = list(localities.values_list("id", flat=True))
    users = {
        org.pk: org.members.filter(role_assignments__role=Role.COORDINATOR).first()
        for org in Organisation.objects.all()
    }
    opened = Case.objects.exclude(status__in=["reported", "verification"])
    cases = list(opened.values_list("id", "organisation_id", "reported_at"))

    def after(moment: datetime, days: int) -> date:
        return min(timezone.localtime(moment).date() + timedelta(days=rng.randint(0, days)), today)

    facts, events, services, expenses = (Rows(TraffickingFacts), Rows(TraffickingEvent), Rows(Service), Rows(Expense))
    statuses, accused, acks = Rows(StatusChange), Rows(Accused), Rows(Acknowledgement)
    with transaction.atomic():
        authorities: dict[int, list[tuple[Authority, AuthorityContact]]] = {}
        for org_id in users:
            authorities[org_id] = []
            for n in range(12):
                authority = Authority.objects.create(
                    organisation_id=org_id, name=f"Autoridad {n}", level="state", kind="prosecutor", country_code="MX"
                )
                contact = AuthorityContact.objects.create(
                    authority=authority, channel="email", address=f"a{n}@example.org"
                )
                authorities[org_id].append((authority, contact))
        proceedings: list[tuple[Proceeding, date]] = []
        alerts: list[tuple[Alert, int]] = []
        for case_id, org_id, reported_at in cases:
            user = users[org_id]
            if user is None:
                continue
            if rng.random() < 0.4:
                facts.add(
                    case_id=case_id,
                    exploitation_types=rng.sample(EXPLOITATION, rng.randint(0, 2)) or ["NotKnown"],
                    organised_crime=rng.choice(["yes", "no", "unknown"]),
                    updated_by_id=user.pk,
                    updated_at=now,
                )
                for event_type in rng.sample(["Recruitment", "Transit", "Exploitation"], rng.randint(1, 3)):
                    events.add(
                        case_id=case_id,
                        event_type=event_type,
                        place_id=rng.choice(places) if rng.random() < 0.85 else None,
                        recorded_by_id=user.pk,
                        recorded_at=now,
                    )
            if rng.random() < 0.15:
                filed = after(reported_at, 200) if rng.random() < 0.9 else None
                proceedings.append(
                    (
                        Proceeding(
                            case_id=case_id,
                            lawyer_id=user.pk if rng.random() < 0.7 else None,
                            complaint_filed_on=filed,
                            status="investigation",
                            status_changed_on=filed or after(reported_at, 200),
                            created_by_id=user.pk,
                        ),
                        filed or after(reported_at, 200),
                    )
                )
            for _n in range(rng.choice([0, 0, 0, 1, 2, 4])):
                services.add(
                    case_id=case_id,
                    service_type=rng.choice(["medical", "psychological", "legal_advice", "humanitarian_aid"]),
                    recipient=rng.choice(["victim", "family"]),
                    family_relationship="",
                    given_on=after(reported_at, 700),
                    recorded_by_id=user.pk,
                    created_at=now,
                )
            for _n in range(rng.choice([0, 0, 0, 0, 1, 3])):
                expenses.add(
                    case_id=case_id,
                    category=rng.choice(["travel_fares", "food", "housing", "medicine"]),
                    spent_on=after(reported_at, 700),
                    amount=Decimal(rng.randint(100, 90000)) / 10,
                    currency=rng.choice(["MXN", "MXN", "USD", "GTQ"]),
                    recorded_by_id=user.pk,
                    created_at=now,
                )
            if rng.random() < 0.1:
                issued = reported_at + timedelta(hours=rng.uniform(1, 72))
                alert = Alert(
                    case_id=case_id,
                    number=1,
                    kind="alert",
                    cap_identifier=f"bench-{case_id}",
                    cap_sent=issued.isoformat(),
                    cap_xml="<alert/>",
                    issued_by_id=user.pk,
                    issued_at=min(issued, now),
                )
                alerts.append((alert, org_id))
        Proceeding.objects.bulk_create([p for p, _start in proceedings], batch_size=5000)
        for proceeding, started in proceedings:
            statuses.add(
                proceeding_id=proceeding.pk,
                from_status="",
                to_status="investigation",
                changed_on=started,
                actor_id=proceeding.created_by_id,
                recorded_at=now,
            )
            if rng.random() < 0.4:
                ended = min(started + timedelta(days=rng.randint(30, 900)), today)
                outcome = rng.choice(["sentenced", "declined"])
                statuses.add(
                    proceeding_id=proceeding.pk,
                    from_status="investigation",
                    to_status=outcome,
                    changed_on=ended,
                    actor_id=proceeding.created_by_id,
                    recorded_at=now,
                )
                if outcome == "sentenced":
                    accused.add(proceeding_id=proceeding.pk, outcome="convicted", outcome_on=ended)
        Alert.objects.bulk_create([a for a, _org in alerts], batch_size=5000)
        recipients: list[Recipient] = []
        for alert, org_id in alerts:
            for authority, contact in rng.sample(authorities[org_id], 3):
                recipients.append(
                    Recipient(
                        alert=alert,
                        authority=authority,
                        contact=contact,
                        channel="email",
                        address=contact.address,
                        language="es",
                    )
                )
        Recipient.objects.bulk_create(recipients, batch_size=5000)
        alert_at = {a.pk: a.issued_at for a, _org in alerts}
        messages = [
            OutboundMessage(
                to=r.address,
                idempotency_key=f"bench-{r.alert_id}-{r.contact_id}",
                message_id=f"<bench-{r.alert_id}-{r.contact_id}@example.org>",
                status="sent",
                sent_at=alert_at[r.alert_id] + timedelta(minutes=2),
            )
            for r in recipients
        ]
        OutboundMessage.objects.bulk_create(messages, batch_size=5000)
        Delivery.objects.bulk_create(
            [Delivery(recipient=r, message=m) for r, m in zip(recipients, messages, strict=True)], batch_size=5000
        )
        for recipient in recipients:
            if rng.random() < 0.6:
                acked = alert_at[recipient.alert_id] + timedelta(hours=rng.uniform(0.5, 120))
                acks.add(recipient_id=recipient.pk, at=min(acked, now), name="Lic.", position="", action_taken="")
        written = {
            "facts": facts.write(5000),
            "route": events.write(5000),
            "proceedings": len(proceedings),
            "status changes": statuses.write(5000),
            "accused": accused.write(5000),
            "services": services.write(5000),
            "expenses": expenses.write(5000),
            "alerts": len(alerts),
            "recipients": len(recipients),
            "acknowledgements": acks.write(5000),
        }
    print(
        "  added "
        + ", ".join(f"{n:,} {name}" for name, n in written.items())
        + f" in {time.perf_counter() - start:.0f} s",
        flush=True,
    )


def measure(runs: int) -> None:
    """Runs in the child process, with the scratch database's settings."""
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone, translation

    from redalert.accounts.models import Organisation
    from redalert.cases.models import Case
    from redalert.investigation.models import TraffickingFacts
    from redalert.statistics import tables
    from redalert.statistics.indicators import yearly_report
    from redalert.statistics.scope import ORGANISATION, Scope, coalition_scope, organisation_scope

    if not TraffickingFacts.objects.exists():  # a kept database has them already
        add_related_rows(random.Random(7))
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")  # as autovacuum would have done on a live database
    translation.activate("es")
    largest = max(Organisation.objects.filter(is_demo=True), key=lambda o: o.cases.count())
    everything = Scope(
        ORGANISATION,
        tuple(Organisation.objects.order_by("pk").values_list("pk", flat=True)),
        "ALL",
        "all cases",
        statistics_consent_only=False,
    )
    total = Case.objects.count()
    last_year = timezone.localdate().year - 1
    first = Case.objects.order_by("reported_at").values_list("reported_at", flat=True).first()
    middle_year = (first.year + last_year) // 2 if first else last_year
    scopes = [
        (f"organisation {largest.code} ({largest.cases.count():,} cases)", organisation_scope(largest)),
        (f"all {total:,} cases as one organisation", everything),
        ("coalition (consenting to statistics)", coalition_scope()),
    ]
    biggest: Any = None
    for label, scope in scopes:
        for year in (last_year, middle_year):
            yearly_report(scope, year)  # warm-up: connection, translations, imports
            samples, cpu = [], []
            for _n in range(runs):
                started, started_cpu = time.perf_counter(), time.process_time()
                report = yearly_report(scope, year)
                samples.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
            worked = report.tables[0].rows[0].cells["cases"].value
            print(
                f"  {label}, {year}: p50 {statistics.median(samples) * 1000:.0f} ms (this process's CPU "
                f"{statistics.median(cpu) * 1000:.0f} ms), slowest {max(samples) * 1000:.0f} ms over {runs} runs "
                f"({worked:,} cases worked; load average {os.getloadavg()[0]:.1f})",
                flush=True,
            )
            if scope is everything and year == last_year:
                biggest = report
    for name, render in (("PDF", tables.to_pdf), ("XLSX", tables.to_xlsx), ("CSV", tables.to_csv)):
        started = time.perf_counter()
        size = len(render(biggest))
        print(f"  render {name} of the largest report: {(time.perf_counter() - started) * 1000:.0f} ms, {size:,} bytes")


def postgres_reachable(url: str) -> bool:
    host_port = url.split("@", 1)[-1].split("/", 1)[0]
    host, _, port = host_port.partition(":")
    return subprocess.call(["pg_isready", "-q", "-h", host, "-p", port or "5432"]) == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--postgres", default=DEFAULT_PG, help="a server URL; the bench creates its own database")
    parser.add_argument(
        "--keep-db", default="", help="build into (or reuse, migrated to the current code) this database and keep it"
    )
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        sys.path.insert(0, str(ROOT))
        measure(args.runs)
        return
    if not postgres_reachable(args.postgres):
        print(f"postgresql: not reachable at {args.postgres}, skipped")
        return
    server, _, _db = args.postgres.rpartition("/")
    name = args.keep_db or f"bench_stats_{os.getpid()}"
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise SystemExit("--keep-db takes a plain database name (a-z, 0-9, _)")
    admin = ["psql", args.postgres, "-q", "-c"]
    exists = (
        subprocess.run(
            ["psql", args.postgres, "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{name}'"],  # noqa: S608 (checked above)
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        == "1"
    )
    if not exists:
        subprocess.run([*admin, f"CREATE DATABASE {name}"], check=True)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-stats-") as scratch:
            env = {
                **os.environ,
                "REDALERT_VAR_DIR": scratch,
                "DJANGO_SETTINGS_MODULE": "redalert.settings.dev",
                "DATABASE_URL": f"{server}/{name}",
                # Fixed keys, so that a kept database's encrypted values stay readable.
                "SECRET_KEY": "bench-yearly-report-" + "x" * 40,
                "FIELD_ENCRYPTION_KEYS": "9gEt3JqM3iHh0gAN7sW8RFNm5Yx1V8m1o4Y9Jk3Wq0s=",
            }
            manage(env, "migrate", "--noinput")
            if not exists:
                manage(env, "load_places")
                seconds = manage(env, "seed_demo", "--cases", str(args.cases))
                print(f"postgresql: seed_demo --cases {args.cases} in {seconds:.0f} s", flush=True)
            else:
                print(f"postgresql: reusing the database {name}", flush=True)
            child = [PYTHON, str(Path(__file__).resolve()), "--measure", "--runs", str(args.runs)]
            subprocess.run(child, cwd=ROOT, env=env, check=True)
    finally:
        if not args.keep_db:
            subprocess.run([*admin, f"DROP DATABASE IF EXISTS {name}"], check=False)


if __name__ == "__main__":
    main()
