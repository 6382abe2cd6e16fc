"""API clients: the secret shown once and stored hashed, expiry, revocation, allow-list, rate limit, audit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from redalert.api.clients import hash_secret
from redalert.api.models import ApiClient
from redalert.api.scopes import Scope
from redalert.audit.models import AuditEntry

from .conftest import ApiCaller


def test_administrator_creates_a_client_and_sees_the_token_once(admin_a: Any, client_for: Any) -> None:
    browser = client_for(admin_a)
    page = browser.get("/api-clients/new/")
    assert page.status_code == 200
    answer = browser.post(
        "/api-clients/new/",
        {
            "name": "KoBo de la línea",
            "scopes": [Scope.READ_CASES, Scope.TIPS],
            "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "allowed_addresses": "127.0.0.1\n10.0.0.0/8",
            "rate_per_minute": 60,
        },
    )
    assert answer.status_code == 200
    client = ApiClient.objects.get(organisation=admin_a.organisation)
    token = answer.context["token"]
    assert token.startswith(f"ra_{client.key_id}_")
    assert token.encode() in answer.content
    secret = token.split("_", 2)[2]
    # Stored hashed: neither the token nor the secret is anywhere in the row.
    assert client.secret_hash == hash_secret(secret)
    assert secret not in str(ApiClient.objects.filter(pk=client.pk).values().get())
    assert client.scopes == sorted([Scope.READ_CASES, Scope.TIPS])
    # The list shows the client, never the token again.
    listing = browser.get("/api-clients/")
    assert b"KoBo" in listing.content and secret.encode() not in listing.content
    assert ApiCaller(token).get("/me").json()["scopes"] == client.scopes


def test_bad_form_input_gets_spanish_messages(admin_a: Any, client_for: Any) -> None:
    browser = client_for(admin_a)
    answer = browser.post(
        "/api-clients/new/",
        {
            "name": "x",
            "scopes": ["cases:read"],
            "expires_on": "2001-01-01",
            "allowed_addresses": "no-es-ip",
            "rate_per_minute": 5,
        },
    )
    assert answer.status_code == 200
    assert "no es una dirección ni una red" in answer.content.decode()
    assert not ApiClient.objects.exists()


def test_only_administrators_manage_clients(
    coordinator: Any, admin_a: Any, client_for: Any, admin_b: Any, make_api_client: Any
) -> None:
    assert client_for(coordinator).get("/api-clients/").status_code == 404
    assert client_for(coordinator).get("/api-clients/new/").status_code == 404
    other = make_api_client(admin_b).client
    # An administrator of A cannot revoke B's client.
    assert client_for(admin_a).post(f"/api-clients/{other.pk}/revoke/").status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


def test_wrong_or_missing_token_is_401_problem(db: Any, caller: Any) -> None:
    answer = caller("ra_nope_nope").get("/me")
    assert answer.status_code == 401
    assert answer["Content-Type"] == "application/problem+json"
    assert answer.json()["status"] == 401
    from django.test import Client

    missing = Client(HTTP_ACCEPT_LANGUAGE="es").get("/api/v1/me")
    assert missing.status_code == 401
    assert missing.json()["title"] == "Hace falta autenticarse."


def test_expired_client_is_refused(admin_a: Any, make_api_client: Any) -> None:
    new = make_api_client(admin_a)
    ApiClient.objects.filter(pk=new.client.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    answer = ApiCaller(new.token).get("/me")
    assert answer.status_code == 401
    assert "expired" in answer.json()["detail"]


def test_revoking_works_at_once(admin_a: Any, make_api_client: Any, client_for: Any) -> None:
    new = make_api_client(admin_a)
    api = ApiCaller(new.token)
    assert api.get("/me").status_code == 200
    client_for(admin_a).post(f"/api-clients/{new.client.pk}/revoke/")
    answer = api.get("/me")
    assert answer.status_code == 401
    assert "revoked" in answer.json()["detail"]
    new.client.principal.refresh_from_db()
    assert not new.client.principal.is_active


def test_allow_list(admin_a: Any, make_api_client: Any) -> None:
    new = make_api_client(admin_a, allowed_addresses="203.0.113.0/24")
    assert ApiCaller(new.token, address="203.0.113.9").get("/me").status_code == 200
    refused = ApiCaller(new.token, address="198.51.100.1").get("/me")
    assert refused.status_code == 403
    assert refused.json()["type"].endswith("address-not-allowed")


REDIS_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/14",
        "KEY_PREFIX": "redalert-api-test",
    }
}


@pytest.mark.parametrize("caches", [None, REDIS_CACHE], ids=["local-memory", "redis"])
def test_rate_limit_per_client(admin_a: Any, make_api_client: Any, caches: Any) -> None:
    settings_override = {"CACHES": caches} if caches else {}
    with override_settings(**settings_override):
        if caches:
            redis = pytest.importorskip("redis")
            try:
                redis.Redis.from_url(caches["default"]["LOCATION"]).ping()
            except redis.exceptions.ConnectionError:
                pytest.skip("Redis is not running on 127.0.0.1:6379")
            from django.core.cache import cache

            cache.clear()
        slow = ApiCaller(make_api_client(admin_a, rate_per_minute=3, name="slow").token)
        other = ApiCaller(make_api_client(admin_a, name="other").token)
        assert [slow.get("/me").status_code for _ in range(3)] == [200, 200, 200]
        limited = slow.get("/me")
        assert limited.status_code == 429
        assert 0 < int(limited["Retry-After"]) <= 60
        assert other.get("/me").status_code == 200  # per client


def test_every_call_is_audited(full_a: ApiCaller, case: Any) -> None:
    before = AuditEntry.objects.count()
    full_a.get("/me")
    full_a.get(f"/cases/{case.pk}")
    entries = list(AuditEntry.objects.filter(id__gt=0).order_by("id"))[before:]
    calls = [e for e in entries if isinstance(e.detail.get("api"), dict)]
    assert [c.detail["api"]["path"] for c in calls] == ["/api/v1/me", f"/api/v1/cases/{case.pk}"]
    assert all(c.actor.username.startswith("api-") and c.client_address == "127.0.0.1" for c in calls)
    # The case read is in the case's own audit trail, as a page view is: one entry per call.
    assert calls[1].case_id == case.pk and calls[1].object_id == str(case.pk) and calls[0].case_id is None


def test_problems_speak_the_callers_language(admin_a: Any, make_api_client: Any) -> None:
    token = make_api_client(admin_a).token
    assert ApiCaller(token, "es").get("/cases/999999").json()["title"] == "No encontrado."
    assert ApiCaller(token, "pt").get("/cases/999999").json()["title"] == "Não encontrado."
    assert ApiCaller(token, "en").get("/cases/999999").json()["title"] == "Not found."


def test_the_account_a_client_acts_through_is_never_listed_assigned_or_added_to_a_team(
    admin_a, make_api_client, client_for, coordinator, case
):
    from django.urls import reverse

    from redalert.cases.forms import CaseSearchForm

    principal = make_api_client(admin_a).client.principal
    members = client_for(admin_a).get(reverse("accounts:members")).content.decode()
    assert principal.username not in members
    team = client_for(coordinator).get(reverse("cases:team", args=[case.pk])).content.decode()
    assert principal.username not in team and "(API)" not in team
    assert principal not in CaseSearchForm(user=coordinator).fields["assigned"].queryset
