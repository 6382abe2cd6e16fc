"""Sign-in through an organisation's OpenID Connect provider, against a real provider on 127.0.0.1 (provider.py):
discovery, JWKS, authorisation redirect and token endpoint over HTTP, ID tokens signed with a real RSA key."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlparse

import pytest
import requests
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from joserfc.jwk import RSAKey

from redalert.accounts.two_factor import has_confirmed_device
from redalert.audit.models import AuditEntry
from redalert.identity.models import IdentityProvider
from redalert.security.models import EventKind, SecurityEvent

from .provider import LocalProvider

EMAIL = "ana.torres@rba.example"


@pytest.fixture
def op() -> Iterator[LocalProvider]:
    with LocalProvider() as provider:
        provider.claims = {"email": EMAIL, "email_verified": True, "amr": ["pwd", "mfa"]}
        yield provider


@pytest.fixture
def provider(op: LocalProvider, org_a: Any, make_user: Any) -> IdentityProvider:
    admin = make_user(org_a, "administrator", username="admin-a")
    return IdentityProvider.objects.create(
        organisation=org_a,
        name="Red Google",
        issuer=op.issuer,
        client_id=op.client_id,
        client_secret=op.client_secret,
        email_domain="rba.example",
        updated_by=admin,
    )


@pytest.fixture
def member(org_a: Any, make_user: Any) -> Any:
    user = make_user(org_a, "coordinator", username="ana")
    user.email = EMAIL
    user.save()
    return user


def browser() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="es")


def sign_in(client: Client, provider: IdentityProvider, email: str = EMAIL) -> Any:
    """What a browser does: the login page's address, the button, the provider, back to the callback."""
    chosen = client.post("/identity/", {"email": email, "next": "/cases/"})
    assert chosen.status_code == 200 and "Entrar con Red Google" in chosen.content.decode()
    start = f"/identity/{provider.pk}/start/?email={quote(email)}&amp;next=%2Fcases%2F"
    assert f'href="{start}"' in chosen.content.decode()
    to_provider = client.get(f"/identity/{provider.pk}/start/", {"email": email, "next": "/cases/"})
    assert to_provider.status_code == 302 and to_provider["Location"].startswith(provider.issuer + "/authorize?")
    back = requests.get(to_provider["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302
    location = urlparse(back.headers["Location"])
    assert location.path == "/identity/callback/"
    return client.get(location.path + "?" + location.query)


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def test_good_sign_in_with_multi_factor_opens_staff_pages(
    op: LocalProvider, provider: IdentityProvider, member: Any
) -> None:
    client = browser()
    answer = sign_in(client, provider)
    assert answer.status_code == 302 and answer["Location"] == "/cases/"
    assert signed_in_user_id(client) == str(member.pk)
    # state, nonce and PKCE (S256) were sent; the token endpoint checked the verifier
    asked = op.seen["authorize"][0]
    assert asked["state"] and asked["nonce"] and asked["code_challenge_method"] == "S256"
    assert asked["login_hint"] == EMAIL and asked["scope"] == "openid email profile"
    assert op.seen["token"][0]["code_verifier"]
    # the provider asserted multi-factor: no second factor asked, the staff page opens
    assert client.get("/cases/").status_code == 200
    assert not has_confirmed_device(member)  # the provider's stand-in device is not an enrolled factor
    entry = AuditEntry.objects.filter(actor=member, action="login").latest("id")
    assert entry.detail["via"] == "identity_provider" and entry.detail["multi_factor_by_provider"] is True


def test_without_amr_the_second_factor_is_still_asked(
    op: LocalProvider, provider: IdentityProvider, member: Any
) -> None:
    TOTPDevice.objects.create(user=member, name="authenticator", confirmed=True)
    op.claims = {"email": EMAIL, "email_verified": True}
    client = browser()
    assert sign_in(client, provider).status_code == 302
    assert signed_in_user_id(client) == str(member.pk)
    page = client.get("/cases/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/verify/")
    # a password-only amr is not multi-factor either
    op.claims = {"email": EMAIL, "email_verified": True, "amr": ["pwd"]}
    client = browser()
    sign_in(client, provider)
    assert client.get("/cases/")["Location"].startswith("/accounts/verify/")


def test_acr_listed_by_the_administrator_counts_as_multi_factor(
    op: LocalProvider, provider: IdentityProvider, member: Any
) -> None:
    provider.mfa_acr_values = "urn:example:mfa  urn:example:strong"
    provider.save()
    op.claims = {"email": EMAIL, "email_verified": True, "acr": "urn:example:strong"}
    client = browser()
    sign_in(client, provider)
    assert op.seen["authorize"][0]["acr_values"] == "urn:example:mfa urn:example:strong"
    assert client.get("/cases/").status_code == 200
    op.claims = {"email": EMAIL, "email_verified": True, "acr": "urn:example:weak"}
    client = browser()
    sign_in(client, provider)
    assert client.get("/cases/").status_code == 302


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"email": "nadie@rba.example", "email_verified": True}, "no_account"),
        ({"email": EMAIL, "email_verified": False}, "email_not_verified"),
        ({"email": "ana.torres@otra.example", "email_verified": True}, "wrong_domain"),
    ],
)
def test_an_address_not_matched_is_refused_with_a_clear_message(
    op: LocalProvider, provider: IdentityProvider, member: Any, claims: dict[str, Any], reason: str
) -> None:
    op.claims = {**claims, "amr": ["mfa"]}
    client = browser()
    answer = sign_in(client, provider)
    assert answer.status_code == 403
    text = answer.content.decode()
    assert "Inicio de sesión rechazado" in text
    if reason != "email_not_verified":
        assert "Ninguna cuenta de Red de Búsqueda A" in text and "nunca se crean" in text
    assert signed_in_user_id(client) is None
    event = SecurityEvent.objects.get(kind=EventKind.LOGIN_FAILED)
    assert event.detail["reason"] == reason and event.organisation_id == provider.organisation_id


def test_a_member_of_another_organisation_is_not_matched(
    op: LocalProvider, provider: IdentityProvider, org_b: Any, make_user: Any
) -> None:
    other = make_user(org_b, "coordinator", username="ana-b")
    other.email = EMAIL
    other.save()
    client = browser()
    answer = sign_in(client, provider)
    assert answer.status_code == 403 and "Ninguna cuenta de Red de Búsqueda A" in answer.content.decode()
    assert signed_in_user_id(client) is None


def test_a_forged_signature_is_refused(op: LocalProvider, provider: IdentityProvider, member: Any) -> None:
    op.sign_with = RSAKey.generate_key(2048, parameters={"kid": "key-1"})
    client = browser()
    answer = sign_in(client, provider)
    assert answer.status_code == 403 and "no se pudo verificar" in answer.content.decode()
    assert signed_in_user_id(client) is None


def test_a_wrong_nonce_is_refused(op: LocalProvider, provider: IdentityProvider, member: Any) -> None:
    op.nonce = "a-nonce-of-another-sign-in"
    client = browser()
    answer = sign_in(client, provider)
    assert answer.status_code == 403 and "no se pudo verificar" in answer.content.decode()
    assert signed_in_user_id(client) is None


def test_a_wrong_state_or_a_callback_without_a_start_is_refused(
    op: LocalProvider, provider: IdentityProvider, member: Any
) -> None:
    client = browser()
    to_provider = client.get(f"/identity/{provider.pk}/start/", {"email": EMAIL})
    back = urlparse(requests.get(to_provider["Location"], allow_redirects=False, timeout=10).headers["Location"])
    code = back.query.split("code=")[1].split("&")[0]
    answer = client.get(f"/identity/callback/?code={code}&state=forged")
    assert answer.status_code == 403 and signed_in_user_id(client) is None
    # a browser that never started a sign-in
    assert browser().get(f"/identity/callback/?code={code}&state=x").status_code == 403


def test_the_login_page_offers_the_provider_by_work_address(provider: IdentityProvider) -> None:
    client = browser()
    login = client.get("/accounts/login/").content.decode()
    assert 'action="/identity/"' in login
    assert "Entrar con Red Google" in client.post("/identity/", {"email": "x@RBA.example"}).content.decode()
    nothing = client.post("/identity/", {"email": "x@elsewhere.example"})
    assert nothing.status_code == 404 and "Entrar con Red" not in nothing.content.decode()
    provider.enabled = False
    provider.save()
    assert client.post("/identity/", {"email": "x@rba.example"}).status_code == 404
    assert client.get(f"/identity/{provider.pk}/start/", {"email": "x@rba.example"}).status_code == 404


def test_an_administrator_sets_up_the_provider_with_the_secret_encrypted(
    org_a: Any, make_user: Any, client_for: Any
) -> None:
    admin = make_user(org_a, "administrator", username="admin-a")
    client = client_for(admin)
    form = {
        "name": "Microsoft",
        "issuer": "https://login.example.org/tenant",
        "client_id": "abc",
        "client_secret": "very-secret",
        "email_domain": "@RBA.example",
        "enabled": "on",
    }
    assert client.post("/identity/provider/", form).status_code == 302
    provider = IdentityProvider.objects.get(organisation=org_a)
    assert provider.client_secret == "very-secret" and provider.email_domain == "rba.example"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT client_secret FROM identity_identityprovider")
        assert "very-secret" not in cursor.fetchone()[0]
    # kept when left empty; only administrators see the page
    assert client.post("/identity/provider/", {**form, "client_secret": "", "name": "MS"}).status_code == 302
    assert IdentityProvider.objects.get().client_secret == "very-secret"
    coordinator = make_user(org_a, "coordinator")
    assert client_for(coordinator).get("/identity/provider/").status_code == 404


def test_a_locked_account_does_not_sign_in_through_the_provider(
    op: LocalProvider, provider: IdentityProvider, member: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from redalert.security.models import AccountLock
    from redalert.security.throttle import account_key

    now = timezone.now()
    AccountLock.objects.create(
        username=account_key(member.username), locked_until=now + timedelta(minutes=15), counting_from=now
    )
    client = browser()
    assert sign_in(client, provider).status_code == 429
    assert signed_in_user_id(client) is None
