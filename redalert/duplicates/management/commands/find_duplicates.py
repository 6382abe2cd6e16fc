"""Fill the review queue of possible duplicates now (the workers do it every DUPLICATES_SCAN_SECONDS)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from redalert.accounts.models import Organisation
from redalert.duplicates.finder import run_all


class Command(BaseCommand):
    help = "Propose pairs of cases that may be the same person (redalert.duplicates.finder)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", help="The organisation's code (default: every organisation).")
        parser.add_argument("--full", action="store_true", help="Compare every case, not only those changed.")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation_id = None
        if options["organisation"]:
            organisation_id = (
                Organisation.objects.filter(code=options["organisation"]).values_list("pk", flat=True).first()
            )
            if organisation_id is None:
                raise CommandError(f"No organisation with the code {options['organisation']!r}.")
        touched = run_all(organisation_id, full=options["full"])
        self.stdout.write(f"{touched} pair(s) proposed or refreshed.")
