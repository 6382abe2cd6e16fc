"""Write one encrypted backup: the database, the private files and a manifest. Exit status 0 only on success."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from redalert.backups.archive import BackupError, make_backup
from redalert.backups.stream import generate_key


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite: a consistent copy; PostgreSQL: pg_dump --format=custom), the private files "
        "and a manifest into one file encrypted with BACKUP_KEY. See docs/operations.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="The backup file to write (it must not exist yet).")
        parser.add_argument(
            "--generate-key", action="store_true", help="Print a new BACKUP_KEY and exit (nothing is backed up)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["generate_key"]:
            self.stdout.write(generate_key())
            return
        if not options["output"]:
            raise CommandError("Say where to write the backup: --output FILE.")
        output: Path = options["output"]
        try:
            manifest = make_backup(output, progress=self.stdout.write if options["verbosity"] >= 2 else _quiet)
        except BackupError as exc:
            raise CommandError(f"Backup NOT written: {exc}") from exc
        audit = manifest["audit_head"]
        self.stdout.write(
            f"Backup written to {output}: {manifest['database']['engine']} database, {manifest['cases']} cases, "
            f"{len(manifest['files'])} private files, audit chain head entry {audit['id']}."
        )


def _quiet(_line: str) -> None:
    return None
