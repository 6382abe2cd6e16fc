"""`manage.py seed_demo [--cases N] [--if-empty] [--seed S]`: synthetic organisations, users and case files."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from redalert.demo.generate import (
    BATCH_SIZE,
    DEFAULT_CASES,
    DEFAULT_SEED,
    DEMO_PASSWORD,
    SeedError,
    demo_organisations_exist,
    seed_demo,
)


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

        try:
            result = seed_demo(
                cases=options["cases"], seed=options["seed"], batch_size=options["batch_size"], progress=progress
            )
        except SeedError as exc:
            raise CommandError(str(exc)) from exc
        counts = result.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data created in {time.monotonic() - started:.1f} s: {counts['cases']:,} cases, "
                f"{counts.get('persons', 0):,} persons, {counts.get('consents', 0):,} consent records, "
                f"{counts.get('memberships', 0):,} team memberships, {counts.get('contacts', 0):,} family contacts, "
                f"{counts.get('notes', 0):,} notes, {counts.get('timeline', 0):,} timeline events."
            )
        )
        self.stdout.write("Organisations: " + ", ".join(f"{o.code} ({o.name})" for o in result.organisations) + ".")
        self.stdout.write(f"{len(result.users)} demo users: " + ", ".join(u.get_username() for u in result.users) + ".")
        self.stdout.write(f"Password of every demo user / contraseña de todas las cuentas demo: {DEMO_PASSWORD}")
        self.stdout.write("Run `manage.py demo_logins` for the second-factor codes.")
