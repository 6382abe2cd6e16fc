"""Browser hardening (issue 13): CSP without inline code, Permissions-Policy, no-store on staff responses, an absolute
session lifetime, __Host- cookies in production, and no third-party map tiles unless configured."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from django.urls import reverse

from redalert.accounts.hardening import SIGNED_IN_AT
from redalert.audit.models import AuditAction, AuditEntry
from redalert.tests.test_deploy import ROOT as PROJECT
from redalert.tests.test_deploy import run_check

ROOT = Path(__file__).resolve().parents[1]
PROD_KEYS = {
    "SECRET_KEY": "k" * 20 + "8f3b2c9d1e7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7",
    "FIELD_ENCRYPTION_KEYS": "9gEt3JqM3iHh0gAN7sW8RFNm5Yx1V8m1o4Y9Jk3Wq0s=",
    "AUDIT_CHAIN_KEYS": "production-like-audit-chain-key-0123456789abcdef",
}


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def test_every_page_has_a_strict_content_security_policy(client, client_for, make_user, org_a):
    staff = client_for(make_user(org_a, "coordinator")).get(reverse("cases:list"))
    public = client.get(reverse("accounts:login"))
    for response in (staff, public):
        policy = directives(response["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert "openstreetmap" not in response["Content-Security-Policy"]


def test_no_template_has_inline_scripts_styles_or_event_handlers():
    """The policy forbids inline code: a template that used some would break in the browser."""
    offenders = []
    for template in ROOT.rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and "application/json" not in tag:
                offenders.append(f"{template}: {tag}")
        if re.search(r"<style\b", text):
            offenders.append(f"{template}: <style>")
        if re.search(r"\sstyle=\"", text):
            offenders.append(f"{template}: style attribute")
        if re.search(r"\son[a-z]+=\"", text):
            offenders.append(f"{template}: event handler attribute")
        if "javascript:" in text:
            offenders.append(f"{template}: javascript: URL")
    assert offenders == []


def test_permissions_policy_switches_off_camera_microphone_and_location(client):
    header = client.get(reverse("accounts:login"))["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in header


def test_staff_pages_and_downloads_are_never_stored(client, client_for, make_user, make_case, org_a):
    coordinator = make_user(org_a, "coordinator")
    case = make_case(org_a, coordinator)
    staff = client_for(coordinator)
    for response in (
        staff.get(reverse("cases:list")),
        staff.get(reverse("cases:detail", args=[case.pk])),
        staff.get(reverse("statistics:report", args=[org_a.code.lower(), 2026])),
        client.get(reverse("cases:detail", args=[case.pk])),  # the redirect to the sign-in page
    ):
        assert "no-store" in response["Cache-Control"], response
        assert "private" in response["Cache-Control"]


def test_a_session_ends_twelve_hours_after_sign_in_however_busy(client_for, make_user, org_a, settings):
    user = make_user(org_a, "coordinator")
    client = client_for(user)
    assert client.get(reverse("cases:list")).status_code == 200
    session = client.session
    assert time.time() - session[SIGNED_IN_AT] < 60  # the sign-in time is kept
    session[SIGNED_IN_AT] = time.time() - settings.SESSION_ABSOLUTE_SECONDS + 60
    session.save()
    assert client.get(reverse("cases:list")).status_code == 200  # eleven hours and 59 minutes: still in
    session = client.session
    session[SIGNED_IN_AT] = time.time() - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("cases:list")).status_code == 302  # still out
    assert AuditEntry.objects.filter(
        actor=user, action=AuditAction.LOGOUT, detail__reason="absolute_session_lifetime"
    ).exists()


def production_shell(code: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    """Run `code` in `manage.py shell` with the production settings and a production-like environment."""
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "EMAIL_USE_SSL"}}
    env.update({"DJANGO_SETTINGS_MODULE": "redalert.settings.production", "ALLOWED_HOSTS": "alerta.example.org"})
    env.update({**PROD_KEYS, "EMAIL_USE_TLS": "true", **extra_env})
    return subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_cookies_are_host_only_and_secure():
    result = production_shell(
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.WEBHOOK_REQUIRE_HTTPS, s.WEBHOOK_ALLOW_PRIVATE)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["__Host-sessionid", "__Host-csrftoken", "True", "True", "True", "False"]


def test_production_refuses_to_send_mail_without_tls():
    refused = run_check({**PROD_KEYS, "EMAIL_USE_TLS": ""})
    assert refused.returncode != 0
    assert "EMAIL_USE_TLS" in refused.stderr
    assert production_shell("print('ok')", EMAIL_USE_TLS="", EMAIL_USE_SSL="true").stdout.strip() == "ok"
    relay = production_shell("print('ok')", EMAIL_USE_TLS="", EMAIL_ALLOW_PLAINTEXT_RELAY="true")
    assert relay.stdout.strip() == "ok", relay.stderr


def test_staff_maps_load_no_third_party_tiles_by_default(client_for, make_user, make_case, org_a, settings):
    coordinator = make_user(org_a, "coordinator")
    make_case(org_a, coordinator)
    assert settings.MAP_TILE_URL == ""
    page = client_for(coordinator).get(reverse("maps:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "openstreetmap" not in page
    assert "No base map is configured" in page
    script = (ROOT / "investigation/static/investigation/route-map.js").read_text(encoding="utf-8")
    assert "if (box.dataset.tiles)" in script  # the route map draws no tile layer without a configured server
