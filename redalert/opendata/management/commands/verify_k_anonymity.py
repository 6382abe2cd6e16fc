"""`manage.py verify_k_anonymity FILE [--quasi-identifiers A,B ...] [--k 11]`: is this CSV file k-anonymous?

Prints the number of records and of equivalence classes and the smallest class (the k the file satisfies); the exit
status is 1 when the smallest class is below the requested k. Without --quasi-identifiers every column counts (the
safe choice for a file in the CTDC layout, where every column is a quasi-identifier or follows from one).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from redalert.opendata.config import PUBLICATION_MIN_K
from redalert.opendata.kanon import verify


class Command(BaseCommand):
    help = "Check that a CSV file is k-anonymous over its quasi-identifiers and report the k it satisfies."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--quasi-identifiers",
            nargs="+",
            default=None,
            metavar="COLUMN",
            help="Columns to group by (space- or comma-separated); default every column.",
        )
        parser.add_argument(
            "--k", type=int, default=PUBLICATION_MIN_K, help=f"Required k (default {PUBLICATION_MIN_K})."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if options["k"] < 1:
            raise CommandError("k must be at least 1.")
        try:
            with path.open(encoding="utf-8", newline="") as handle:
                reader = csv.reader(handle)
                header = next(reader, None)
                if header is None:
                    raise CommandError(f"{path} is empty: it has no header row.")
                columns = self._columns(header, options["quasi_identifiers"])
                indexes = [header.index(c) for c in columns]
                rows = []
                for number, row in enumerate(reader, start=2):
                    if len(row) != len(header):
                        raise CommandError(
                            f"{path}, line {number}: {len(row)} cells where the header has {len(header)}."
                        )
                    rows.append([row[i] for i in indexes])
        except FileNotFoundError:
            raise CommandError(f"No such file: {path}") from None
        except (UnicodeDecodeError, csv.Error) as error:
            raise CommandError(f"{path} is not a readable CSV file ({error}).") from None
        verdict = verify(rows, k=options["k"])
        if verdict.records == 0:
            self.stdout.write(f"{path}: no records, nothing to re-identify.")
            return
        summary = (
            f"{verdict.records} records in {verdict.classes} classes over {len(columns)} quasi-identifiers; "
            f"the smallest class has {verdict.smallest_class} records."
        )
        if not verdict.passes:
            self.stdout.write(
                f"{path}: NOT {verdict.k}-anonymous (it is only {verdict.satisfied_k}-anonymous). {summary}"
            )
            raise CommandError(f"{path} is not {verdict.k}-anonymous: k={verdict.satisfied_k}.", returncode=1)
        self.stdout.write(f"{path}: {verdict.k}-anonymous (it is {verdict.satisfied_k}-anonymous). {summary}")

    def _columns(self, header: list[str], requested: list[str] | None) -> list[str]:
        if not requested:
            return header
        columns = [c.strip() for item in requested for c in item.split(",") if c.strip()]
        unknown = [c for c in columns if c not in header]
        if unknown:
            raise CommandError(f"No such column: {', '.join(unknown)}. The file has: {', '.join(header)}.")
        return columns
