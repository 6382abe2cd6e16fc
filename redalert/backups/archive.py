"""Backup and restore of the whole system: the database, the private files and a manifest, in one encrypted file.

`make_backup(path)` writes a tar stream (db dump, files/…, manifest.json last) through `stream.EncryptingWriter`;
plaintext touches the disk only as the database dump, in a private temporary folder that is always removed.
`restore_backup(path)` decrypts and unpacks into a private temporary folder (nothing is applied from a file that
does not authenticate to its last byte), checks the manifest, refuses a database that is not empty, restores the
database and the files, and then checks the result: migrations against the code, the audit chain, and that one
case's encrypted fields open with the configured field keys.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from redalert.backups.stream import (
    BackupDamaged,
    BackupKeyError,
    DecryptingReader,
    EncryptingWriter,
    file_sha256,
    parse_key,
)

FORMAT = "redalert-backup/1"
MANIFEST = "manifest.json"
FILES_DIR = "files"
DB_SQLITE = "database.sqlite3"
DB_POSTGRES = "database.pgdump"


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why and what to do."""


@dataclass
class RestoreReport:
    lines: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def ok(self, line: str) -> None:
        self.lines.append(f"OK    {line}")

    def fail(self, line: str) -> None:
        self.lines.append(f"FAIL  {line}")
        self.failures.append(line)


def backup_key() -> bytes:
    try:
        return parse_key(getattr(settings, "BACKUP_KEY", "") or "")
    except BackupKeyError as exc:
        raise BackupError(str(exc)) from exc


@contextmanager
def _private_tempdir(prefix: str) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix=prefix))  # mkdtemp makes it readable by its owner only (0700)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


# --- what is in the database -------------------------------------------------------------------------------------


def _connection() -> Any:
    return connections[DEFAULT_DB_ALIAS]


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq's environment for the configured database, so that no password appears on a command line."""
    env = dict(os.environ)
    values = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
    }
    env.update({key: str(value) for key, value in values.items() if value})
    return env


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    if shutil.which(args[0]) is None:
        raise BackupError(f"{args[0]} is not installed on this machine; it is needed to {what}.")
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed to {what}: {result.stderr.strip()[-2000:]}")


def _dump_database(folder: Path) -> tuple[str, Path]:
    connection = _connection()
    if connection.vendor == "sqlite":
        target = folder / DB_SQLITE
        if connection.in_atomic_block:
            # SQLite's backup would wait for this connection's own open write transaction forever.
            raise BackupError("Run the backup outside a database transaction.")
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)  # a consistent copy, even while the workers write
        finally:
            copy.close()
        return "sqlite", target
    if connection.vendor == "postgresql":
        target = folder / DB_POSTGRES
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-acl", f"--file={target}"],
            _pg_env(connection.settings_dict),
            "dump the database",
        )
        return "postgresql", target
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")


def _applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(_connection()).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _audit_head() -> dict[str, Any]:
    from redalert.audit.models import AuditEntry

    newest = AuditEntry.objects.order_by("-id").values("id", "entry_hash").first()
    return (
        {"entries": AuditEntry.objects.count(), "id": newest["id"], "hash": newest["entry_hash"]}
        if newest
        else {
            "entries": 0,
            "id": None,
            "hash": None,
        }
    )


def _case_count() -> int:
    from redalert.cases.models import Case

    return Case.objects.count()


def _git_commit() -> str:
    git = shutil.which("git")
    if git is None:
        return ""
    result = subprocess.run(  # noqa: S603
        [git, "rev-parse", "HEAD"], cwd=settings.BASE_DIR, capture_output=True, text=True, check=False
    )
    return result.stdout.strip() if result.returncode == 0 else ""


def _app_version() -> str:
    try:
        import tomllib

        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as handle:
            return str(tomllib.load(handle)["project"]["version"])
    except (OSError, KeyError, ValueError):
        return ""


# --- backup ------------------------------------------------------------------------------------------------------


class _HashingReader(io.RawIOBase):
    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self.digest = sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        self.digest.update(data)
        return data


def _private_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def make_backup(output: Path, *, progress: Callable[[str], None] = lambda _line: None) -> dict[str, Any]:
    """Write one encrypted backup file at `output`; return its manifest."""
    key = backup_key()
    if output.exists():
        raise BackupError(f"{output} already exists; choose a new name (for example with the date).")
    if not output.parent.is_dir():
        raise BackupError(f"The folder {output.parent} does not exist.")
    partial = output.with_name(output.name + ".partial")
    media_root = Path(settings.PRIVATE_MEDIA_ROOT)
    with _private_tempdir("redalert-backup-") as tmp:
        engine, dump = _dump_database(tmp)
        progress(f"database dumped ({engine}, {dump.stat().st_size} bytes)")
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "app_version": _app_version(),
            "git_commit": _git_commit(),
            "database": {"engine": engine, "path": dump.name, "size": dump.stat().st_size, "sha256": ""},
            "migrations": _applied_migrations(),
            "cases": _case_count(),
            "audit_head": _audit_head(),
            "files": [],
        }
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                writer = EncryptingWriter(out, key)
                with tarfile.open(fileobj=writer, mode="w|") as tar:  # type: ignore[call-overload]
                    manifest["database"]["sha256"] = _add(tar, dump, dump.name)
                    for path in _private_files(media_root):
                        relative = path.relative_to(media_root).as_posix()
                        size = path.stat().st_size
                        digest = _add(tar, path, f"{FILES_DIR}/{relative}")
                        manifest["files"].append({"path": relative, "size": size, "sha256": digest})
                    data = json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8")
                    info = tarfile.TarInfo(MANIFEST)
                    info.size = len(data)
                    info.mode = 0o600
                    tar.addfile(info, io.BytesIO(data))
                writer.close()
                out.flush()
                os.fsync(out.fileno())
            partial.rename(output)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    progress(f"{len(manifest['files'])} private files, {manifest['cases']} cases")
    return manifest


def _add(tar: tarfile.TarFile, path: Path, name: str) -> str:
    info = tarfile.TarInfo(name)
    info.size = path.stat().st_size
    info.mode = 0o600
    with path.open("rb") as handle:
        hashing = _HashingReader(handle)
        tar.addfile(info, hashing)
    return hashing.digest.hexdigest()


# --- restore -----------------------------------------------------------------------------------------------------


def _unpack(source: Path, key: bytes, into: Path) -> dict[str, Any]:
    try:
        with source.open("rb") as handle:
            reader = DecryptingReader(handle, key)
            with tarfile.open(fileobj=reader, mode="r|") as tar:  # type: ignore[call-overload]
                tar.extractall(into, filter="data")
            reader.drain()
    except (BackupKeyError, BackupDamaged) as exc:
        raise BackupError(str(exc)) from exc
    except tarfile.TarError as exc:
        raise BackupError(f"The backup's contents are not readable ({exc}); nothing was restored.") from exc
    try:
        manifest = json.loads((into / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError("The backup has no readable manifest; nothing was restored.") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}; nothing was restored.")
    return dict(manifest)


def _check_contents(manifest: dict[str, Any], folder: Path, report: RestoreReport) -> None:
    """Every file the manifest lists is there with its size and hash, and nothing else is."""
    db = manifest["database"]
    db_path = folder / db["path"]
    if not db_path.is_file() or file_sha256(db_path) != db["sha256"]:
        raise BackupError("The database dump does not match the manifest's hash; nothing was restored.")
    listed = {entry["path"]: entry for entry in manifest["files"]}
    files_root = folder / FILES_DIR
    present = {p.relative_to(files_root).as_posix() for p in _private_files(files_root)}
    if present != set(listed):
        raise BackupError("The private files do not match the manifest's list; nothing was restored.")
    for relative, entry in listed.items():
        path = files_root / relative
        if path.stat().st_size != entry["size"] or file_sha256(path) != entry["sha256"]:
            raise BackupError(f"The file {relative} does not match the manifest's hash; nothing was restored.")
    report.ok(f"manifest: database dump and {len(listed)} private files match their SHA-256")


def _table_count(table: str) -> int:
    connection = _connection()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 (a known table)
        return int(cursor.fetchone()[0])


def _refuse_unless_empty() -> None:
    connection = _connection()
    tables = set(connection.introspection.table_names())
    found = {
        label: _table_count(table)
        for label, table in (("cases", "cases_case"), ("users", "accounts_user"), ("audit entries", "audit_auditentry"))
        if table in tables
    }
    held = {label: count for label, count in found.items() if count}
    if held:
        what = ", ".join(f"{count} {label}" for label, count in held.items())
        raise BackupError(
            f"The database is not empty ({what}): restore only into an empty database. Create a new database "
            "(or point DATABASE_URL at a new SQLite file) and run restore again; nothing was changed."
        )


def _restore_database(manifest: dict[str, Any], folder: Path) -> None:
    connection = _connection()
    engine = manifest["database"]["engine"]
    if engine != connection.vendor:
        raise BackupError(
            f"This backup holds a {engine} database but DATABASE_URL points at {connection.vendor}; "
            "nothing was restored."
        )
    dump = folder / manifest["database"]["path"]
    if engine == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-acl",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={connection.settings_dict['NAME']}",
                str(dump),
            ],
            _pg_env(connection.settings_dict),
            "restore the database",
        )
    connection.close()


def _restore_files(manifest: dict[str, Any], folder: Path, report: RestoreReport) -> None:
    media_root = Path(settings.PRIVATE_MEDIA_ROOT)
    copied = same = 0
    for entry in manifest["files"]:
        target = media_root / entry["path"]
        if target.exists():
            if file_sha256(target) == entry["sha256"]:
                same += 1
                continue
            report.fail(f"file {entry['path']} already exists in PRIVATE_MEDIA_ROOT with other content; kept as is")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(folder / FILES_DIR / entry["path"], target)
        target.chmod(0o600)
        if file_sha256(target) != entry["sha256"]:
            report.fail(f"file {entry['path']} was written but does not read back with its hash")
        else:
            copied += 1
    report.ok(f"private files: {copied} restored, {same} already there, into {media_root}")


def _check_migrations(manifest: dict[str, Any], report: RestoreReport, *, run: Callable[..., Any]) -> None:
    if _applied_migrations() != manifest["migrations"]:
        report.fail("the restored migration state differs from the backup's manifest")
        return
    connection = _connection()
    executor = MigrationExecutor(connection)
    graph_nodes = set(executor.loader.graph.nodes)
    applied = executor.loader.applied_migrations or {}
    unknown = sorted(f"{app}.{name}" for app, name in applied if (app, name) not in graph_nodes)
    if unknown:
        report.fail(
            "the backup comes from newer code: migrations unknown here: "
            + ", ".join(unknown[:10])
            + ". Install the code version of the backup (see the manifest's git_commit) and restore again."
        )
        return
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        run("migrate", interactive=False, verbosity=0)
        report.ok(f"migrations: {len(pending)} newer migrations of this code applied after the restore")
    else:
        report.ok("migrations: the restored database matches the code")


def _check_audit(manifest: dict[str, Any], report: RestoreReport) -> None:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit_chain", stdout=out, stderr=err)
    except CommandError as exc:
        details = "; ".join(line for line in out.getvalue().splitlines()[:5] if line)
        report.fail(f"audit chain: {exc} {details}".strip())
    except ImproperlyConfigured as exc:
        report.fail(f"audit chain cannot be verified: {exc}")
    else:
        summary = out.getvalue().strip().splitlines()
        report.ok(f"audit chain: {summary[-1] if summary else 'verified'}")
    for warning in err.getvalue().strip().splitlines():
        report.lines.append(f"WARN  {warning}")
    head = _audit_head()
    expected = manifest["audit_head"]
    if (head["id"], head["hash"]) != (expected["id"], expected["hash"]):
        report.fail(f"audit chain head is entry {head['id']}, the backup's manifest says entry {expected['id']}")
    else:
        report.ok(f"audit chain head: entry {head['id']} matches the manifest")


def _check_cases(manifest: dict[str, Any], report: RestoreReport) -> None:
    from redalert.cases.models import Case, MissingPerson
    from redalert.lib.crypto import encrypted_fields

    count = Case.objects.count()
    if count != manifest["cases"]:
        report.fail(f"cases: {count} restored, the backup's manifest says {manifest['cases']}")
        return
    first = Case.objects.order_by("pk").values_list("pk", "reference").first()
    if first is None:
        report.ok("cases: 0 (the backup holds no case, so the field keys could not be tried on one)")
        return
    pk, reference = first
    try:
        # Encrypted fields are decrypted as the row is loaded: loading the case is the test of the keys.
        case = Case.objects.get(pk=pk)
        opened = [name for name in encrypted_fields(Case) if getattr(case, name)]
        person = MissingPerson.objects.filter(case=case).first()
        if person is not None:
            opened += [name for name in encrypted_fields(MissingPerson) if getattr(person, name)]
    except ImproperlyConfigured as exc:
        report.fail(
            f"case {reference}: its encrypted fields do not open ({exc}). Set FIELD_ENCRYPTION_KEYS to the "
            "keys in use when the backup was made."
        )
        return
    report.ok(f"cases: {count}; case {reference} opened ({len(opened)} encrypted fields read)")


def restore_backup(source: Path, *, progress: Callable[[str], None] = lambda _line: None) -> RestoreReport:
    """Restore `source` into the configured (empty) database and PRIVATE_MEDIA_ROOT, then check the result."""
    key = backup_key()
    if not source.is_file():
        raise BackupError(f"{source} is not a file.")
    report = RestoreReport()
    with _private_tempdir("redalert-restore-") as tmp:
        manifest = _unpack(source, key, tmp)
        report.ok(
            f"backup authenticated: made {manifest['created_at']} from {manifest['database']['engine']}"
            + (f", code {manifest['git_commit'][:12]}" if manifest.get("git_commit") else "")
        )
        _check_contents(manifest, tmp, report)
        if manifest["database"]["engine"] != _connection().vendor:
            raise BackupError(
                f"This backup holds a {manifest['database']['engine']} database but DATABASE_URL points at "
                f"{_connection().vendor}; nothing was restored."
            )
        _refuse_unless_empty()
        progress("restoring the database")
        _restore_database(manifest, tmp)
        report.ok(f"database restored ({manifest['database']['engine']})")
        _restore_files(manifest, tmp, report)
    _check_migrations(manifest, report, run=call_command)
    _check_audit(manifest, report)
    _check_cases(manifest, report)
    return report


__all__ = ["BackupError", "RestoreReport", "make_backup", "restore_backup"]
