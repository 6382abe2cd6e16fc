"""`manage.py seed_demo [--cases N] [--if-empty] [--seed S]`: synthetic organisations, users and case files, with
what happened in them (facts, route, outcome, legal, care, Red Alerts), prevention activities, and the map rows."""

from __future__ import annotations

import random
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from redalert.cases.models import Case
from redalert.demo.after_report.run import seed_case_facts
from redalert.demo.generate import (
    DEFAULT_CASES,
    DEFAULT_SEED,
    DEMO_PASSWORD,
    YEARS_OF_HISTORY,
    SeedError,
    demo_organisations_exist,
    seed_demo,
)
from redalert.demo.rows import BATCH_SIZE
from redalert.maps.facts import rebuild_map_facts
from redalert.matching.index import refresh_cases as refresh_matching_index
from redalert.prevention.demo import seed_prevention
from redalert.prevention.models import Activity


class Command(BaseCommand):
    help = (
        "Create synthetic demo data: three demo organisations, a user for every role (password "
        f"“{DEMO_PASSWORD}”) and N invented case files. Needs the places loaded (manage.py load_places)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--cases", type=int, default=DEFAULT_CASES, help=f"Case files to create (default {DEFAULT_CASES})."
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Random seed: the same seed gives the same data."
        )
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when demo organisations already exist.")
        parser.add_argument(
            "--batch-size", type=int, default=BATCH_SIZE, help=f"Rows per insert (default {BATCH_SIZE})."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "Demo data creates accounts with a published password; it is refused here. "
                "Set ALLOW_DEMO_DATA=1 only on a demonstration server with no real cases."
            )
        if options["if_empty"] and demo_organisations_exist():
            self.stdout.write("Demo data already present: nothing to do (--if-empty).")
            return
        if options["cases"] < 0 or options["batch_size"] < 1:
            raise CommandError("--cases must be 0 or more and --batch-size at least 1.")
        started = time.monotonic()
        verbose = options["verbosity"] >= 1

        def progress(done: int, total: int) -> None:
            if verbose and (done == total or done % (options["batch_size"] * 10) == 0):
                self.stdout.write(f"  {done:,}/{total:,} cases ({time.monotonic() - started:.0f} s)")

        def facts_progress(done: int, total: int) -> None:
            if verbose and (done == total or done % (options["batch_size"] * 10) == 0):
                self.stdout.write(
                    f"  facts of {done:,}/{total:,} cases past verification ({time.monotonic() - started:.0f} s)"
                )

        seed, batch_size = options["seed"], options["batch_size"]
        now = timezone.now().replace(minute=0, second=0, microsecond=0)  # as seed_demo: same seed, same hour, same data
        existing = Case.objects.aggregate(last=Max("pk"))["last"] or 0
        try:
            with transaction.atomic():  # all or nothing: no demo case without its facts
                result = seed_demo(cases=options["cases"], seed=seed, batch_size=batch_size, progress=progress, now=now)
                seeded_at = time.monotonic()
                new_cases = Case.objects.filter(organisation__in=result.organisations, pk__gt=existing)
                facts = seed_case_facts(
                    random.Random(f"{seed}:facts"), new_cases, now, batch_size=batch_size, progress=facts_progress
                )
                facts_at = time.monotonic()
                activities = 0
                for org in result.organisations:
                    if not Activity.objects.filter(organisation=org).exists():  # seeding again adds cases only
                        rng = random.Random(f"{seed}:prevention:{org.code}")
                        activities += len(seed_prevention(org, rng, YEARS_OF_HISTORY))
                map_cases = rebuild_map_facts(batch_size=max(batch_size, 1000))
                # The demo cases went in by bulk_create, past the intake's announcement: index them for the duplicate
                # check at intake as its follower would have.
                new_ids = list(new_cases.values_list("pk", flat=True).order_by("pk"))
                for start in range(0, len(new_ids), 1000):
                    refresh_matching_index(new_ids[start : start + 1000])
        except SeedError as exc:
            raise CommandError(str(exc)) from exc
        finished = time.monotonic()
        counts = result.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data created in {finished - started:.1f} s: {counts['cases']:,} cases, "
                f"{counts.get('persons', 0):,} persons, {counts.get('consents', 0):,} consent records, "
                f"{counts.get('memberships', 0):,} team memberships, {counts.get('contacts', 0):,} family contacts, "
                f"{counts.get('notes', 0):,} notes, {counts.get('timeline', 0):,} timeline events."
            )
        )
        self.stdout.write(
            f"Case facts added in {facts_at - seeded_at:.1f} s: "
            + ", ".join(f"{n:,} {name}" for name, n in facts.items())
            + "."
        )
        self.stdout.write(
            f"{activities:,} prevention activities; map rows of {map_cases:,} cases rebuilt "
            f"({finished - facts_at:.1f} s)."
        )
        self.stdout.write("Organisations: " + ", ".join(f"{o.code} ({o.name})" for o in result.organisations) + ".")
        self.stdout.write(f"{len(result.users)} demo users: " + ", ".join(u.get_username() for u in result.users) + ".")
        self.stdout.write(f"Password of every demo user / contraseña de todas las cuentas demo: {DEMO_PASSWORD}")
        self.stdout.write("Run `manage.py demo_logins` for the second-factor codes.")
