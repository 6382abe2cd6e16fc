"""The production settings pass Django's deployment checks and refuse to start without their secrets."""

import os
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
