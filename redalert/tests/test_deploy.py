"""The production settings pass Django's deployment checks and refuse to start without their secrets."""

import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
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
    for name in ("redalert-celery-worker.service", "redalert-celery-beat.service"):
        assert "-A redalert.celery " in (DEPLOY / "systemd" / name).read_text()
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


def units_for_this_machine(tmp_path: Path) -> Path:
    """The units with this checkout's paths, so that systemd and gunicorn can check them here."""
    (tmp_path / "env").touch()
    (tmp_path / "backup.env").touch()
    for unit in (DEPLOY / "systemd").iterdir():
        text = unit.read_text().replace("/srv/redalert", str(ROOT)).replace("/etc/redalert/", f"{tmp_path}/")
        (tmp_path / unit.name).write_text(text)
    return tmp_path


def test_systemd_accepts_the_units(tmp_path):
    if not Path("/usr/bin/systemd-analyze").exists():
        pytest.skip("systemd-analyze is not installed")
    units = sorted(str(p) for p in units_for_this_machine(tmp_path).glob("redalert-*"))
    result = subprocess.run(  # noqa: S603 (the repository's own unit files)
        ["/usr/bin/systemd-analyze", "verify", "--man=no", *units], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


PRODUCTION_SECRETS = {
    "SECRET_KEY": "k" * 20 + "8f3b2c9d1e7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7",
    "AUDIT_CHAIN_KEYS": "a" * 16 + "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    "EMAIL_USE_TLS": "true",
    "ALLOWED_HOSTS": "alerta.example.org",
    "DJANGO_SETTINGS_MODULE": "redalert.settings.production",
}


def start_web_unit(tmp_path: Path, extra_env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    """gunicorn started with the web unit's own arguments (port and log paths adapted to this machine)."""
    unit = (units_for_this_machine(tmp_path) / "redalert-web.service").read_text().replace("\\\n", " ")
    exec_start = re.search(r"^ExecStart=(.*)$", unit, re.MULTILINE)
    assert exec_start is not None
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        {"127.0.0.1:8000": f"127.0.0.1:{port}"}.get(arg, arg.replace("/var/log/redalert", str(tmp_path)))
        for arg in shlex.split(exec_start.group(1))
    ]
    env = {**os.environ, **PRODUCTION_SECRETS, "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(), **extra_env}
    server = subprocess.Popen(  # noqa: S603 (the command line of the repository's own unit)
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return server, port


def ask(port: int, path: str, client: str = "203.0.113.7") -> bytes:
    """One request as Caddy sends it: a PROXY protocol line with the client's address, then HTTP over TLS's place."""
    request = (
        f"PROXY TCP4 {client} 127.0.0.1 50000 443\r\n"
        f"GET {path} HTTP/1.0\r\nHost: alerta.example.org\r\nX-Forwarded-Proto: https\r\n\r\n"
    ).encode()
    reply = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not reply:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
                conn.sendall(request)
                while chunk := conn.recv(65536):
                    reply += chunk
        except OSError:
            time.sleep(0.3)
    return reply


def test_the_web_units_gunicorn_command_serves_the_production_site(tmp_path):
    """/healthz answers, and the client's address comes from the PROXY protocol line as Caddy sends it."""
    server, port = start_web_unit(tmp_path, {})
    try:
        reply = ask(port, "/healthz")
        assert reply.startswith(b"HTTP/1.0 200") and reply.endswith(b"ok"), reply[:300]
        access_log = tmp_path / "gunicorn-access.log"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and b"/healthz" not in access_log.read_bytes():
            time.sleep(0.2)
        assert b"203.0.113.7" in access_log.read_bytes()  # the client's address, not the proxy's
    finally:
        server.terminate()
        server.wait(timeout=60)


def test_readyz_says_503_when_the_database_does_not_answer(tmp_path):
    """A real server whose database is down (nothing listens on port 1): /readyz is 503 and names the database,
    while /healthz, which touches nothing, still answers."""
    server, port = start_web_unit(
        tmp_path,
        {
            "DATABASE_URL": "postgres://redalert@127.0.0.1:1/redalert",
            "REDALERT_VAR_DIR": str(tmp_path),
            "CACHE_REDIS_URL": "",
            "OUTBOX_USE_CELERY": "false",
        },
    )
    try:
        assert ask(port, "/healthz").startswith(b"HTTP/1.0 200")
        reply = ask(port, "/readyz")
        assert reply.startswith(b"HTTP/1.0 503"), reply[:300]
        body = json.loads(reply.split(b"\r\n\r\n", 1)[1])
        assert body == {"ready": False, "database": "error", "redis": "not configured", "workers": "missing"}
    finally:
        server.terminate()
        server.wait(timeout=60)
