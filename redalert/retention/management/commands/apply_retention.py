"""Apply every organisation's retention policy now (the daily job of redalert.retention.jobs)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from redalert.retention.jobs import apply_retention


class Command(BaseCommand):
    help = "Blank, delete or anonymise what each organisation's retention policy says has expired."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="Apply as of this day (YYYY-MM-DD); default: today.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["today"]:
            try:
                today = date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("--today must be a date as YYYY-MM-DD.") from None
        for result in apply_retention(today):
            counts = ", ".join(f"{k}={v}" for k, v in result.counts.items())
            self.stdout.write(f"organisation {result.organisation_id}: {counts}")
