"""Re-encrypt every encrypted column with the newest key in settings.FIELD_ENCRYPTION_KEYS.

Key rotation (docs/operations.md): put the new key first in FIELD_ENCRYPTION_KEYS, keep the old ones after it,
run this command, then remove the old keys. The command reads and writes the stored tokens with raw SQL (the
model field would decrypt them on load), one batch per transaction with the batch's rows locked, so it can be
interrupted and run again: values already encrypted with the newest key are left alone.

Uploaded files in the private storage (redalert.lib.storage: case photos, consent scans, evidence, tip photos) are
encrypted with the same keys: each file a model's FileField names is re-encrypted in place (a new file renamed over
the old one), and a file written before files were encrypted is encrypted.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections, models, router, transaction

from redalert.audit.log import record
from redalert.audit.models import AuditAction
from redalert.lib import crypto, storage

ACTOR = "system:rotate_encryption_keys"
LISTED_FAILURES = 100  # per model; the count is always complete

EMPTY, CURRENT, ROTATED, PLAINTEXT, UNDECRYPTABLE = "empty", "current", "rotated", "plaintext", "undecryptable"


def reencrypt(stored: str | None) -> tuple[str, str | None]:
    """What to do with one stored value: the outcome, and the value to store instead (None: leave it)."""
    if stored is None or stored == "":
        return EMPTY, None
    if not stored.startswith(crypto.TOKEN_PREFIX):
        # Written before the column was encrypted: the field could not read it anyway.
        return PLAINTEXT, crypto.encrypt(stored)
    try:
        if crypto.is_current(stored):
            return CURRENT, None
        return ROTATED, crypto.rotate(stored)
    except ImproperlyConfigured:
        return UNDECRYPTABLE, None


@dataclass
class Counts:
    rows: int = 0  # rows read
    rows_updated: int = 0  # rows written back (or that would be, in a dry run)
    rotated: int = 0  # values re-encrypted with the newest key
    current: int = 0  # values already encrypted with the newest key
    plaintext: int = 0  # values found unencrypted, now encrypted
    undecryptable: int = 0  # values no configured key can decrypt: left unchanged
    failures: list[tuple[Any, str]] = field(default_factory=list)  # (pk, field name) of the first few, never values

    def summary(self) -> dict[str, int]:
        return {k: v for k, v in asdict(self).items() if k != "failures"}


@dataclass
class FileCounts:
    files: int = 0  # stored files named by a row
    rotated: int = 0  # re-encrypted with the newest key
    current: int = 0  # already encrypted with the newest key
    plaintext: int = 0  # written before files were encrypted, now encrypted
    missing: int = 0  # named by a row but not on disk
    undecryptable: int = 0  # no configured key can decrypt it: left unchanged
    failures: list[tuple[Any, str]] = field(default_factory=list)  # (pk, field name) of the first few

    def summary(self) -> dict[str, int]:
        return {k: v for k, v in asdict(self).items() if k != "failures"}


def encrypted_file_fields() -> list[tuple[type[models.Model], list[models.FileField]]]:
    """Each concrete model with FileFields in the encrypting private storage, and those fields."""
    found = []
    for model in apps.get_models():
        opts = model._meta
        if opts.proxy or not opts.managed:
            continue
        fields = [
            f
            for f in opts.local_concrete_fields
            if isinstance(f, models.FileField) and isinstance(f.storage, storage.EncryptedFileSystemStorage)
        ]
        if fields:
            found.append((model, fields))
    return found


def rotate_files(model: type[models.Model], fields: list[models.FileField], *, dry_run: bool) -> FileCounts:
    counts = FileCounts()
    names = [f.attname for f in fields]
    for pk, *values in model._default_manager.order_by("pk").values_list("pk", *names).iterator():
        for f, name in zip(fields, values, strict=True):
            if not name:
                continue
            counts.files += 1
            outcome = f.storage.reencrypt(name, dry_run=dry_run)  # type: ignore[attr-defined]
            if outcome == storage.UNDECRYPTABLE:
                counts.undecryptable += 1
                if len(counts.failures) < LISTED_FAILURES:
                    counts.failures.append((pk, f.name))
            elif outcome in (storage.ROTATED, storage.CURRENT, storage.PLAINTEXT, storage.MISSING):
                setattr(counts, outcome, getattr(counts, outcome) + 1)
    return counts


def encrypted_models() -> list[tuple[type[models.Model], list[models.Field[Any, Any]]]]:
    """Each concrete, managed model with encrypted columns in its own table, and those fields."""
    found = []
    for model in apps.get_models():
        opts = model._meta
        if opts.proxy or not opts.managed:
            continue
        names = set(crypto.encrypted_fields(model))
        # Fields inherited through multi-table inheritance live in the parent's table: handled with the parent.
        fields = [f for f in opts.local_concrete_fields if f.attname in names]
        if fields:
            found.append((model, fields))
    return found


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored encrypted value with the newest key (the first of FIELD_ENCRYPTION_KEYS). "
        "Idempotent; prints counts per model; records one audit entry."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count what would change; write nothing.")
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (default 500).")

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run: bool = options["dry_run"]
        batch_size: int = options["batch_size"]
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            crypto.fernet()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc

        results: dict[str, Counts] = {}
        file_results: dict[str, FileCounts] = {}
        completed = False
        try:
            for model, fields in encrypted_models():
                # Registered first, so that the audit entry has the partial counts if this model fails half-way.
                counts = results[model._meta.label_lower] = Counts()
                self.rotate_model(model, fields, counts, batch_size=batch_size, dry_run=dry_run)
                self.report(model, counts, dry_run)
            for model, file_fields in encrypted_file_fields():
                files = file_results[model._meta.label_lower] = rotate_files(model, file_fields, dry_run=dry_run)
                verb = "would re-encrypt" if dry_run else "re-encrypted"
                self.stdout.write(
                    f"{model._meta.label} files: {files.files} files, {verb} {files.rotated}"
                    f" ({files.current} already current, {files.plaintext} unencrypted files encrypted,"
                    f" {files.missing} missing, {files.undecryptable} undecryptable)"
                )
            completed = True
        finally:
            if not dry_run and results:
                record(
                    ACTOR,
                    AuditAction.SECURITY,
                    detail={
                        "operation": "rotate_encryption_keys",
                        "completed": completed,
                        "keys_configured": len(settings.FIELD_ENCRYPTION_KEYS),
                        "models": {label: c.summary() for label, c in results.items()},
                        "files": {label: c.summary() for label, c in file_results.items()},
                    },
                )

        undecryptable = sum(c.undecryptable for c in results.values())
        verb = "would be re-encrypted" if dry_run else "re-encrypted"
        total = sum(c.rotated + c.plaintext for c in results.values())
        total_files = sum(c.rotated + c.plaintext for c in file_results.values())
        self.stdout.write(
            f"Total: {total} values and {total_files} files {verb}{' (dry run, nothing written)' if dry_run else ''}."
        )
        for label, files in file_results.items():
            for pk, name in files.failures:
                self.stderr.write(f"{label} pk={pk} file field={name}: no configured key can decrypt it")
        undecryptable += sum(c.undecryptable for c in file_results.values())
        if undecryptable:
            for label, counts in results.items():
                for pk, name in counts.failures:
                    self.stderr.write(f"{label} pk={pk} field={name}: no configured key can decrypt it")
                if counts.undecryptable > len(counts.failures):
                    self.stderr.write(f"{label}: and {counts.undecryptable - len(counts.failures)} more")
            raise CommandError(
                f"{undecryptable} value(s) or file(s) could not be decrypted with any key in FIELD_ENCRYPTION_KEYS and "
                "were left unchanged. Is an old key missing from the list?",
                returncode=1,
            )

    def report(self, model: type[models.Model], counts: Counts, dry_run: bool) -> None:
        verb = "would re-encrypt" if dry_run else "re-encrypted"
        self.stdout.write(
            f"{model._meta.label}: {counts.rows} rows, {verb} {counts.rotated} values"
            f" ({counts.current} already current, {counts.plaintext} unencrypted values encrypted,"
            f" {counts.undecryptable} undecryptable); {counts.rows_updated} rows updated"
            + (" (dry run)" if dry_run else "")
        )

    def rotate_model(
        self,
        model: type[models.Model],
        fields: list[models.Field[Any, Any]],
        counts: Counts,
        *,
        batch_size: int,
        dry_run: bool,
    ) -> None:
        alias = router.db_for_write(model)
        connection = connections[alias]
        qn = connection.ops.quote_name
        table = qn(model._meta.db_table)
        assert model._meta.pk is not None
        pk = qn(str(model._meta.pk.column))
        columns = [qn(str(f.column)) for f in fields]
        lock = " FOR UPDATE" if connection.features.has_select_for_update and not dry_run else ""
        update_sql = f"UPDATE {table} SET %s WHERE {pk} = %%s"  # noqa: S608 (quoted names from the model)

        last_pk: Any = None
        while True:
            with transaction.atomic(using=alias), connection.cursor() as cursor:
                where = f" WHERE {pk} > %s" if last_pk is not None else ""
                params: list[Any] = [last_pk] if last_pk is not None else []
                cursor.execute(
                    f"SELECT {pk}, {', '.join(columns)} FROM {table}{where} ORDER BY {pk} LIMIT %s{lock}",  # noqa: S608
                    [*params, batch_size],
                )
                rows = cursor.fetchall()
                if not rows:
                    break
                for row_pk, *values in rows:
                    counts.rows += 1
                    changes: dict[str, str] = {}
                    for f, column, stored in zip(fields, columns, values, strict=True):
                        outcome, new = reencrypt(stored)
                        if outcome == CURRENT:
                            counts.current += 1
                        elif outcome == ROTATED:
                            counts.rotated += 1
                        elif outcome == PLAINTEXT:
                            counts.plaintext += 1
                        elif outcome == UNDECRYPTABLE:
                            counts.undecryptable += 1
                            if len(counts.failures) < LISTED_FAILURES:
                                counts.failures.append((row_pk, f.name))
                        if new is not None:
                            changes[column] = new
                    if changes:
                        counts.rows_updated += 1
                        if not dry_run:
                            assignments = ", ".join(f"{column} = %s" for column in changes)
                            cursor.execute(update_sql % assignments, [*changes.values(), row_pk])
                last_pk = rows[-1][0]
