"""Restore a backup into an empty database, then check it. Exit status 0 only if every check passed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from redalert.backups.archive import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into the EMPTY database of DATABASE_URL and into "
        "PRIVATE_MEDIA_ROOT, then check the manifest's hashes, the migrations, the audit chain and that a case's "
        "encrypted fields open. Needs the BACKUP_KEY and FIELD_ENCRYPTION_KEYS of the backed-up system."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The backup file.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = restore_backup(options["file"])
        except BackupError as exc:
            raise CommandError(f"Restore refused: {exc}") from exc
        except ImproperlyConfigured as exc:
            raise CommandError(f"Restore stopped, the settings do not fit this backup: {exc}") from exc
        for line in report.lines:
            self.stdout.write(line)
        if report.failures:
            raise CommandError(f"Restore finished with {len(report.failures)} failed check(s): see above.")
        self.stdout.write("Restore complete: every check passed.")
