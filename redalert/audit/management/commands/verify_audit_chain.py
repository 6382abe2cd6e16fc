"""Verify the audit log's keyed chain and compare it with the anchors. Exit status 0: intact; 1: the chain is
broken or does not match an anchor (suitable for cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from redalert.audit.anchors import anchor_file, anchor_problems, last_anchor
from redalert.audit.log import ChainVerifier
from redalert.audit.triggers import missing_triggers


class Command(BaseCommand):
    help = (
        "Check every audit entry's MAC (with AUDIT_CHAIN_KEYS) and its link to the entry before, that the newest "
        "entry matches the chain head, and that every anchor in AUDIT_ANCHOR_FILE (or the --anchor-line given) "
        "names an entry that is still there, unchanged. Streams the log, so it works on any size. Prints each "
        "problem and exits with status 1 if the chain is broken."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chunk-size", type=int, default=2000, help="Entries fetched per database round trip.")
        parser.add_argument(
            "--anchor-line",
            action="append",
            default=[],
            help="An anchor kept elsewhere (the JSON line of an anchor e-mail) to check as well; may be repeated.",
        )

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
        anchored = anchor_problems(newest_id=verifier.last_id)
        if options["anchor_line"]:
            anchored += anchor_problems(lines=options["anchor_line"], newest_id=verifier.last_id)
        for problem in anchored:
            problems += 1
            where = f"entry {problem.entry_id}" if problem.entry_id else "anchor"
            self.stdout.write(f"{where}: {problem.reason}")
        if verifier.entries_checked and last_anchor() is None and not options["anchor_line"]:
            self.stderr.write(
                f"WARNING: no anchor in {anchor_file()}: cutting off the newest entries would not show. "
                "Run manage.py anchor_audit_chain (docs/security.md)."
            )
        if verifier.legacy_entries and options["verbosity"] >= 2:
            self.stdout.write(
                f"{verifier.legacy_entries} legacy entries (plain SHA-256, written before the chain was keyed)."
            )

        if problems:
            raise CommandError(
                f"Audit chain BROKEN: {problems} problem(s) in {verifier.entries_checked} entries.", returncode=1
            )
        self.stdout.write(f"Audit chain intact: {verifier.entries_checked} entries.")
        if options["verbosity"] >= 2:
            self.stdout.write(f"Newest entry hash: {verifier.last_hash}")
