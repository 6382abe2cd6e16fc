"""`manage.py export_open_data --organisation CODE | --coalition --out FILE [--k 11]`: the k-anonymised open-data
file (CTDC layout) of one organisation or of every coalition member, audited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from redalert.accounts.models import Organisation
from redalert.opendata import exports
from redalert.opendata.config import PUBLICATION_MIN_K
from redalert.opendata.ctdc import write_csv


class Command(BaseCommand):
    help = (
        "Write the k-anonymised open-data file (CTDC column layout) of the cases with a current consent to use in "
        "statistics, and say how many records were published, left out and generalised."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--organisation", metavar="CODE", help="The organisation's short code.")
        scope.add_argument("--coalition", action="store_true", help="Every coalition member's cases together.")
        parser.add_argument("--out", required=True, help="The CSV file to write.")
        parser.add_argument(
            "--k", type=int, default=None, help=f"k (default the setting; never below {PUBLICATION_MIN_K})."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        k = options["k"]
        if k is not None and k < PUBLICATION_MIN_K:
            raise CommandError(f"k must be at least {PUBLICATION_MIN_K} for a file that is published.")
        organisation = None
        if options["organisation"]:
            organisation = Organisation.objects.filter(code=options["organisation"]).first()
            if organisation is None:
                raise CommandError(f"No organisation with the code {options['organisation']!r}.")
            cases = organisation.cases.all()
        else:
            cases = exports.coalition_cases()
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"The folder {out.parent} does not exist.")
        built = exports.open_data_file(cases, k=k)
        with out.open("w", encoding="utf-8", newline="") as handle:
            write_csv(handle, built.rows)
        exports.audit_open_data("system:export_open_data", built, organisation=organisation)
        result = built.anonymisation
        self.stdout.write(
            f"{out}: {built.records_published} of {built.records_considered} records published with k={result.k} "
            f"({built.records_suppressed} left out); {result.classes} combinations, the smallest of "
            f"{result.smallest_class if built.records_published else 0} records."
        )
        for hierarchy in result.hierarchies:
            level = result.levels[hierarchy.name]
            self.stdout.write(
                f"  {hierarchy.name}: level {level} of {hierarchy.levels - 1}, "
                f"{result.generalised.get(hierarchy.name, 0)} published records made less precise"
            )
