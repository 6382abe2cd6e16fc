"""Verify the audit log's hash chain. Exit status 0: intact; 1: the chain is broken (suitable for cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from redalert.audit.log import ChainVerifier
from redalert.audit.triggers import missing_triggers


class Command(BaseCommand):
    help = (
        "Check every audit entry's hash and its link to the entry before, and that the newest entry matches the "
        "chain head. Streams the log, so it works on any size. Prints each problem and exits with status 1 if "
        "the chain is broken."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chunk-size", type=int, default=2000, help="Entries fetched per database round trip.")

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        missing = sorted(missing_triggers(connection))
        if missing:
            self.stderr.write(
                "WARNING: the append-only triggers are missing or disabled on the audit tables: "
                + ", ".join(missing)
                + ". See docs/operations.md."
            )

        verifier = ChainVerifier(chunk_size=options["chunk_size"])
        problems = 0
        for problem in verifier:
            problems += 1
            where = f"entry {problem.entry_id}" if problem.entry_id else "chain head"
            self.stdout.write(f"{where}: {problem.reason}")

        if problems:
            raise CommandError(
                f"Audit chain BROKEN: {problems} problem(s) in {verifier.entries_checked} entries.", returncode=1
            )
        self.stdout.write(f"Audit chain intact: {verifier.entries_checked} entries.")
        if options["verbosity"] >= 2:
            self.stdout.write(f"Newest entry hash: {verifier.last_hash}")
