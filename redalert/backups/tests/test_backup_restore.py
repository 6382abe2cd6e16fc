"""Backups: a round trip restores the cases, the photos and an intact audit chain; a changed file or a wrong key is
refused before anything is restored; a database that is not empty is never overwritten."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection
from PIL import Image

from redalert.backups.stream import generate_key
from redalert.cases.models import Case, Photo
from redalert.cases.photos import clean_photo
from redalert.cases.services import add_photo

KEY = "wv3H4XiqkL-ZrEx7pzq-6ZR_7y4jCynAZWWBBy33v-o="
ROOT = Path(django_settings.BASE_DIR)


def seed(make_case: Any, org: Any, user: Any) -> tuple[list[Case], Photo]:
    cases = [make_case(org, user, given_names=name) for name in ("María Fernanda", "Ana Lucía", "Guadalupe")]
    out = BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, format="PNG")
    out.seek(0)
    photo = add_photo(cases[0], clean_photo(out, len(out.getvalue())), caption="", actor=user)
    return cases, photo


def restore_in_subprocess(
    backup: Path, tmp_path: Path, database_url: str, *, field_keys: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`manage.py restore` as an administrator runs it, on a fresh database and media folder."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "redalert.settings.dev",
            "DATABASE_URL": database_url,
            "REDALERT_VAR_DIR": str(tmp_path / "var"),
            "PRIVATE_MEDIA_ROOT": str(tmp_path / "restored-media"),
            "SECRET_KEY": django_settings.SECRET_KEY,
            "FIELD_ENCRYPTION_KEYS": ",".join(field_keys or django_settings.FIELD_ENCRYPTION_KEYS),
            "BACKUP_KEY": KEY,
        }
    )
    chain_keys = getattr(django_settings, "AUDIT_CHAIN_KEYS", None)
    if chain_keys:
        env["AUDIT_CHAIN_KEYS"] = ",".join(chain_keys)
    return subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "restore", str(backup)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.django_db(transaction=True)
def test_round_trip_on_sqlite(tmp_path: Path, settings: Any, make_case: Any, org_a: Any, coordinator: Any) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite round trip runs when the tests run on SQLite")
    settings.BACKUP_KEY = KEY
    cases, photo = seed(make_case, org_a, coordinator)
    backup = tmp_path / "redalert.backup"
    call_command("backup", output=backup)
    assert backup.exists()
    assert b"Fern" not in backup.read_bytes()  # no plaintext names in the file
    assert "María Fernanda".encode() not in backup.read_bytes()

    target = tmp_path / "restored.sqlite3"
    result = restore_in_subprocess(backup, tmp_path, f"sqlite:///{target}")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Restore complete: every check passed." in result.stdout
    assert "audit chain" in result.stdout
    assert f"case {cases[0].reference} opened" in result.stdout
    with sqlite3.connect(target) as restored:
        references = sorted(row[0] for row in restored.execute("SELECT reference FROM cases_case"))
        (image_name,) = restored.execute("SELECT image FROM cases_photo WHERE id = ?", [photo.pk]).fetchone()
    assert references == sorted(c.reference for c in cases)
    restored_photo = tmp_path / "restored-media" / image_name
    assert restored_photo.read_bytes() == (Path(settings.PRIVATE_MEDIA_ROOT) / photo.image.name).read_bytes()


@pytest.mark.django_db(transaction=True)
def test_round_trip_on_postgresql(tmp_path: Path, settings: Any, make_case: Any, org_a: Any, coordinator: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL round trip runs when the tests run on PostgreSQL (make test-postgres)")
    import psycopg

    settings.BACKUP_KEY = KEY
    cases, photo = seed(make_case, org_a, coordinator)
    backup = tmp_path / "redalert.backup"
    call_command("backup", output=backup)

    params = connection.settings_dict
    admin = {
        "host": params.get("HOST") or "127.0.0.1",
        "port": params.get("PORT") or 5432,
        "user": params.get("USER") or None,
        "password": params.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    name = "backup_restore_test"
    try:
        with psycopg.connect(**admin) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL is not reachable to create {name}: {exc}")
    try:
        auth = params.get("USER") or ""
        if params.get("PASSWORD"):
            auth += f":{params['PASSWORD']}"
        url = f"postgres://{auth}@{admin['host']}:{admin['port']}/{name}"
        result = restore_in_subprocess(backup, tmp_path, url)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Restore complete: every check passed." in result.stdout
        with psycopg.connect(**{**admin, "dbname": name}) as conn:
            references = sorted(row[0] for row in conn.execute("SELECT reference FROM cases_case"))
        assert references == sorted(c.reference for c in cases)
        assert (tmp_path / "restored-media" / photo.image.name).exists()
    finally:
        with psycopg.connect(**admin) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def small_backup(transactional_db: Any, tmp_path: Path, settings: Any, case: Any) -> Path:
    settings.BACKUP_KEY = KEY
    backup = tmp_path / "small.backup"
    call_command("backup", output=backup)
    return backup


def test_a_changed_byte_is_refused_before_anything_is_restored(small_backup: Path) -> None:
    data = bytearray(small_backup.read_bytes())
    data[len(data) // 2] ^= 0x01
    small_backup.write_bytes(bytes(data))
    cases_before = Case.objects.count()

    with pytest.raises(CommandError, match="damaged or was altered"):
        call_command("restore", str(small_backup))
    assert Case.objects.count() == cases_before


def test_a_cut_short_backup_is_refused(small_backup: Path) -> None:
    data = small_backup.read_bytes()
    small_backup.write_bytes(data[: len(data) - 200])
    with pytest.raises(CommandError, match="damaged or was altered"):
        call_command("restore", str(small_backup))


def test_a_wrong_backup_key_is_refused_with_a_clear_message(small_backup: Path, settings: Any) -> None:
    settings.BACKUP_KEY = generate_key()
    with pytest.raises(CommandError, match="made with a different BACKUP_KEY"):
        call_command("restore", str(small_backup))


def test_backup_refuses_to_run_without_a_key(tmp_path: Path, settings: Any, db: Any) -> None:
    settings.BACKUP_KEY = ""
    with pytest.raises(CommandError, match="BACKUP_KEY is not set"):
        call_command("backup", output=tmp_path / "x.backup")
    assert not (tmp_path / "x.backup").exists()
    assert not (tmp_path / "x.backup.partial").exists()


def test_restore_refuses_a_database_that_holds_cases(
    small_backup: Path, make_case: Any, org_a: Any, coordinator: Any
) -> None:
    before = sorted(Case.objects.values_list("reference", flat=True))
    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("restore", str(small_backup))
    assert sorted(Case.objects.values_list("reference", flat=True)) == before


@pytest.mark.django_db(transaction=True)
def test_restore_fails_when_the_field_keys_do_not_open_the_cases(
    tmp_path: Path, settings: Any, make_case: Any, org_a: Any, coordinator: Any
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("runs when the tests run on SQLite")
    settings.BACKUP_KEY = KEY
    case = make_case(org_a, coordinator)
    backup = tmp_path / "redalert.backup"
    call_command("backup", output=backup)

    other_keys = ["Fernet-shaped-but-not-the-key-used-000000000="[:43] + "="]
    result = restore_in_subprocess(backup, tmp_path, f"sqlite:///{tmp_path / 'r.sqlite3'}", field_keys=other_keys)

    assert result.returncode != 0
    assert f"case {case.reference}: its encrypted fields do not open" in result.stdout
    assert "Traceback" not in result.stderr
