"""The production settings pass Django's deployment checks and refuse to start without their secrets."""

import os
import re
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def run_check(extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "AUDIT_CHAIN_KEYS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update({"DJANGO_SETTINGS_MODULE": "redalert.settings.production", "ALLOWED_HOSTS": "alerta.example.org"})
    env.update({"EMAIL_USE_TLS": "true"})  # production refuses to send mail without TLS
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = run_check(
        {
            "SECRET_KEY": "k" * 20 + "8f3b2c9d1e7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7",
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "AUDIT_CHAIN_KEYS": "a" * 16 + "0f1e2d3c4b5a69788796a5b4c3d2e1f0",  # the audit chain's HMAC key
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_keys():
    result = run_check({"FIELD_ENCRYPTION_KEYS": ""})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr or "FIELD_ENCRYPTION_KEYS" in result.stderr


# --- The deployable stack in deploy/ (issue 19) -------------------------------------------------------------------
DEPLOY = ROOT / "deploy"
SETTINGS_FILES = [ROOT / "redalert/settings/base.py", ROOT / "redalert/settings/production.py"]


def names_read_by_settings() -> set[str]:
    found: set[str] = set()
    for path in SETTINGS_FILES:
        found |= set(re.findall(r"""env_(?:str|int|bool|list)\(\s*["']([A-Z0-9_]+)["']""", path.read_text()))
    return found


def names_in_template() -> set[str]:
    text = (DEPLOY / "redalert.env.example").read_text() + (DEPLOY / "backup.env.example").read_text()
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_every_name_in_the_env_template_is_read_by_the_settings():
    unknown = names_in_template() - names_read_by_settings()
    assert not unknown, f"deploy/redalert.env.example names settings nobody reads: {sorted(unknown)}"


def test_every_setting_read_from_the_environment_is_in_the_template():
    # ALLOW_DEMO_DATA is deliberately absent: the template says never to set it in production.
    missing = names_read_by_settings() - names_in_template() - {"ALLOW_DEMO_DATA"}
    assert not missing, f"add to deploy/redalert.env.example: {sorted(missing)}"
    assert "ALLOW_DEMO_DATA" in (DEPLOY / "redalert.env.example").read_text()


def exec_lines() -> list[tuple[str, str]]:
    lines = []
    for unit in sorted((DEPLOY / "systemd").glob("*.service")):
        joined = unit.read_text().replace("\\\n", " ")
        lines += [(unit.name, line) for line in joined.splitlines() if re.match(r"Exec(Start|StartPost|Reload)=", line)]
    return lines


def test_every_unit_has_an_execstart():
    units = {unit for unit, line in exec_lines() if line.startswith("ExecStart=")}
    assert units == {u.name for u in (DEPLOY / "systemd").glob("*.service")}
    assert {
        "redalert-web.service",
        "redalert-worker.service",
        "redalert-celery-worker.service",
        "redalert-celery-beat.service",
    } <= units
    for timer in (DEPLOY / "systemd").glob("*.timer"):
        assert timer.with_suffix(".service").exists(), timer.name


def test_every_execstart_and_cron_job_runs_a_manage_py_command_that_exists():
    from django.core.management import get_commands

    commands = get_commands()
    used = [(unit, match.group(1)) for unit, line in exec_lines() for match in re.finditer(r"manage\.py\s+(\S+)", line)]
    cron = (DEPLOY / "cron.d-redalert").read_text()
    used += [("cron.d-redalert", match.group(1)) for match in re.finditer(r"manage\.py\s+(\S+)", cron)]
    assert ("redalert-worker.service", "run_worker") in used
    assert ("redalert-backup.service", "backup") in used
    for unit, command in used:
        assert command in commands, f"{unit} runs manage.py {command}, which does not exist"


def test_the_web_and_celery_units_start_what_the_project_has():
    web = (DEPLOY / "systemd/redalert-web.service").read_text()
    assert "redalert.wsgi:application" in web and (ROOT / "redalert/wsgi.py").exists()
    assert "gunicorn==" in (ROOT / "requirements.txt").read_text()
    for unit in ("redalert-celery-worker.service", "redalert-celery-beat.service"):
        assert "-A redalert.celery " in (DEPLOY / "systemd" / unit).read_text()
    for unit in (DEPLOY / "systemd").glob("*.service"):
        text = unit.read_text()
        assert "DJANGO_SETTINGS_MODULE=redalert.settings.production" in text, unit.name
        assert "User=redalert" in text, unit.name


def test_the_env_template_passes_the_production_checks():
    """The template, with its secrets filled, gives settings that pass `check --deploy`."""
    values = {
        name: value
        for name, value in re.findall(
            r"^([A-Z][A-Z0-9_]*)=(.*)$", (DEPLOY / "redalert.env.example").read_text(), re.MULTILINE
        )
    }
    values.update(
        {
            "SECRET_KEY": "k" * 20 + "8f3b2c9d1e7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7",
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "AUDIT_CHAIN_KEYS": "a" * 16 + "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
            "DATABASE_URL": os.environ.get("DATABASE_URL", "sqlite:///:memory:"),
            "REDALERT_VAR_DIR": str(ROOT / "var"),
            "PRIVATE_MEDIA_ROOT": str(ROOT / "var" / "private"),
            "STATIC_ROOT": str(ROOT / "staticfiles"),
            "AUDIT_ANCHOR_FILE": str(ROOT / "var" / "audit-anchors.jsonl"),
        }
    )
    result = run_check(values)
    assert result.returncode == 0, result.stdout + result.stderr
