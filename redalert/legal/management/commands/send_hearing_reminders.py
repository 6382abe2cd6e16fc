"""Queue email reminders for the hearings of the next N days (run daily, e.g. from cron or Celery beat)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from redalert.legal.reminders import send_hearing_reminders


class Command(BaseCommand):
    help = "Queue an email reminder per lawyer for every hearing in the next N days (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=2, help="How many days ahead (default 2).")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days < 1:
            self.stderr.write("--days must be at least 1.")
            return
        queued = send_hearing_reminders(days)
        self.stdout.write(f"{queued} reminder(s) queued for the next {days} day(s).")
